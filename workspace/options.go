package workspace

import (
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Options configures how a Workspace is reached. A nil *Options means all defaults.
type Options struct {
	// ClientOptions carries the azcore settings: Cloud (default cloud.AzurePublic),
	// Telemetry.ApplicationID (added to the User-Agent), Logging and PerCall/PerRetry
	// policies. Its Retry field is ignored: retries are configured with Retry below,
	// because this SDK has exactly one retry layer (see RetryOptions).
	ClientOptions policy.ClientOptions

	// ARMEndpoint overrides the Azure Resource Manager base URL. The default is the
	// ResourceManager endpoint of ClientOptions.Cloud (https://management.azure.com in
	// the public cloud).
	ARMEndpoint string

	// DiscoveryURL overrides the service-discovery URL. The default is the
	// AZUREML_DISCOVERY_SERVICE_ENDPOINT environment variable when set, else the
	// workspace's properties.discoveryUrl.
	DiscoveryURL string

	// Retry configures the retry layer. The zero value means the defaults documented
	// on RetryOptions.
	Retry RetryOptions

	// HTTPClient is the client that finally sends each attempt. The default is a pooled
	// client with TLS 1.2 or later that honours proxy environment variables.
	// Certificates are always verified.
	HTTPClient *http.Client
}

// RetryOptions configures the retry layer shared by all calls of a Workspace.
//
// Retried: 408, 429, 500, 502, 503, 504, 530 and transient network errors. POST and PATCH
// calls that create or change something are retried only on 429 and 503, or when the
// connection failed before the request was written, so a create is never sent twice.
// When the answer to such a call is lost (the connection broke after the request was
// sent, TryTimeout, truncated JSON), the error matches ErrOutcomeUnknown; the SDK reads
// the resource back where it can identify it.
type RetryOptions struct {
	// MaxRetries is the number of retries after the first attempt. Default 3; a
	// negative value disables retries.
	MaxRetries int
	// RetryDelay is the base of the jittered exponential backoff. Default 800 ms.
	RetryDelay time.Duration
	// MaxRetryDelay caps the backoff between attempts. A server's Retry-After is
	// always honoured in full; when it asks for longer than MaxRetryDelay the call
	// fails at once with that response (an *azcore.ResponseError) instead of waiting.
	// Default 60 s.
	MaxRetryDelay time.Duration
	// TryTimeout abandons an attempt when nothing has moved on its connection for this
	// long (a slow-but-steady transfer is never cut); the attempt is then retried under
	// the same rules. Default 100 s; negative means none. The context bounds the call.
	TryTimeout time.Duration
}
