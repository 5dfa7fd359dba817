package pipeline

import (
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/hashicorp/go-retryablehttp"
)

// moduleName identifies the SDK to azcore (tracing); the User-Agent is ours.
const moduleName = "azureml-go"

// New builds the pipeline every SDK package sends its requests through. cred
// may be nil, in which case no Authorization header is added. The options
// are validated first and every problem is reported at once.
//
// Use it as: req, _ := runtime.NewRequest(ctx, http.MethodGet, u);
// resp, err := pl.Do(req); if err == nil && !runtime.HasStatusCode(resp, 200)
// { err = runtime.NewResponseError(resp) }.
func New(cred azcore.TokenCredential, opts *Options) (runtime.Pipeline, error) {
	s, err := resolve(opts)
	if err != nil {
		return runtime.Pipeline{}, err
	}
	co := s.client

	var perRetry []policy.Policy
	if cred != nil {
		scope, err := ARMScope(co.Cloud)
		if err != nil {
			return runtime.Pipeline{}, err
		}
		perRetry = append(perRetry, newAuthPolicy(cred, scope, co.InsecureAllowCredentialWithHTTP))
	}

	perCall := []policy.Policy{policyFunc(errorCodePolicy), policyFunc(streamingPolicy)}
	if !co.Telemetry.Disabled {
		perCall = append(perCall, userAgentPolicy{value: UserAgent(co.Telemetry.ApplicationID)})
	}
	perCall = append(perCall, runtime.NewRequestIDPolicy(), sessionIDPolicy{})
	co.Telemetry.Disabled = true // azcore's azsdk-go-* User-Agent is replaced by ours

	co.Logging.AllowedHeaders = allowList(co.Logging.AllowedHeaders, deniedHeaders)
	co.Logging.AllowedQueryParams = allowList(co.Logging.AllowedQueryParams, deniedQueryParams)
	co.Transport = newTransport(newRetryableClient(s), newRedactor(co.Logging.AllowedQueryParams))

	return runtime.NewPipeline(moduleName, Version, runtime.PipelineOptions{
		AllowedHeaders: logAllowedHeaders,
		PerCall:        perCall,
		PerRetry:       perRetry,
	}, &co), nil
}

// newRetryableClient configures the single retry layer.
func newRetryableClient(s settings) *retryablehttp.Client {
	r := &retrier{retryMax: s.retryMax, retryWaitMax: s.retryWaitMax, now: time.Now}
	return &retryablehttp.Client{
		HTTPClient:     newAttemptClient(s.httpClient, s.tryTimeout),
		Logger:         nil, // its logger prints full URLs, query included
		RetryWaitMin:   s.retryWaitMin,
		RetryWaitMax:   s.retryWaitMax,
		RetryMax:       s.retryMax,
		RequestLogHook: r.requestHook,
		CheckRetry:     r.checkRetry,
		Backoff:        newBackoff().wait,
		ErrorHandler:   passThroughErrors,
	}
}

// policyFunc adapts a function to policy.Policy.
type policyFunc func(*policy.Request) (*http.Response, error)

func (f policyFunc) Do(req *policy.Request) (*http.Response, error) { return f(req) }
