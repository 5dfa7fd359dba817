package pipeline

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Defaults applied by [New] to zero-valued [Options] fields.
const (
	DefaultRetryMax     = 3
	DefaultRetryWaitMin = 800 * time.Millisecond
	DefaultRetryWaitMax = 60 * time.Second
	// DefaultTryTimeout is the no-progress timeout of one attempt, the read
	// timeout msrest (and so azureml-core) gives Python requests.
	DefaultTryTimeout = 100 * time.Second
)

// Options configures [New]. A nil *Options means all defaults.
type Options struct {
	// ClientOptions carries Cloud (default public Azure), Telemetry
	// (ApplicationID; Disabled drops the User-Agent), Logging (allow-lists,
	// from which secret-bearing names are removed; IncludeBody logs bodies,
	// which can hold keys and tokens, so leave it off outside debugging),
	// PerCallPolicies/PerRetryPolicies (run after the SDK's own) and
	// InsecureAllowCredentialWithHTTP (which lifts the loopback-only rule for
	// plain-http credentials; do not set it outside tests). TracingProvider
	// is not used.
	//
	// Transport, when set and HTTPClient is nil, is used as the inner
	// transport below the retry layer (handy for fakes); setting both is an
	// error. Retry.MaxRetries, Retry.RetryDelay and Retry.MaxRetryDelay are
	// used as RetryMax, RetryWaitMin and RetryWaitMax when those are zero;
	// Retry.StatusCodes, Retry.ShouldRetry, Retry.TryTimeout and APIVersion are
	// not supported and are reported as errors (each service of the SDK has its
	// own API version; azcore's TryTimeout bounds a whole try, which would cut
	// long uploads and downloads: use TryTimeout below).
	azcore.ClientOptions

	// RetryMax is the number of retries after the first attempt: a call is
	// sent at most 1+RetryMax times. Zero means DefaultRetryMax (3); a
	// negative value means no retries.
	RetryMax int

	// RetryWaitMin is the base of the exponential backoff. Zero means
	// DefaultRetryWaitMin (800 ms).
	RetryWaitMin time.Duration

	// RetryWaitMax is the longest wait before one retry. It caps the
	// exponential backoff. A server that asks (Retry-After, retry-after-ms,
	// x-ms-retry-after-ms) for a longer wait is not retried sooner than it
	// asked: the pipeline gives up at once and returns that response (a 429 or
	// 503 whose Retry-After the caller can read), as azcore does. Zero means
	// DefaultRetryWaitMax (60 s).
	RetryWaitMax time.Duration

	// TryTimeout abandons an attempt that makes no progress for this long:
	// no byte of the request written, no response header and no byte of the
	// response body received. It is an idle timeout, like the read timeout of
	// Python requests that azureml-core sets to 100 s, not a limit on the
	// whole attempt, so a large upload or download that keeps moving is never
	// cut. An abandoned attempt is retried under the usual rules: GET, PUT and
	// DELETE always; POST and PATCH only when marked with [WithIdempotent] or
	// when the request was not written. The caller's context still bounds the
	// whole call, retries included. Zero means DefaultTryTimeout (100 s); a
	// negative value means no per-attempt timeout.
	TryTimeout time.Duration

	// HTTPClient is the inner client that sends each attempt. Nil means a
	// shared pooled client: TLS 1.2 minimum, certificates verified, proxy from
	// the environment, HTTP/2, no redirect from https to a non-loopback
	// http URL. A client whose *http.Transport skips certificate verification
	// is refused. Tests pass a client wrapped with gock.InterceptClient.
	HTTPClient *http.Client
}

// settings are validated Options with defaults applied.
type settings struct {
	client       azcore.ClientOptions
	retryMax     int
	retryWaitMin time.Duration
	retryWaitMax time.Duration
	tryTimeout   time.Duration // <= 0: none
	httpClient   *http.Client
}

// resolve validates opts and applies defaults. Every problem is reported.
func resolve(opts *Options) (settings, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	var problems []error
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Errorf(format, args...))
	}

	r := o.Retry
	if r.StatusCodes != nil {
		bad("ClientOptions.Retry.StatusCodes is not supported: the retried status codes are fixed (408, 429, 500, 502, 503, 504, 530)")
	}
	if r.ShouldRetry != nil {
		bad("ClientOptions.Retry.ShouldRetry is not supported")
	}
	if r.TryTimeout != 0 {
		bad("ClientOptions.Retry.TryTimeout is not supported: use Options.TryTimeout (a per-attempt no-progress timeout)")
	}
	if o.APIVersion != "" {
		bad("ClientOptions.APIVersion is not supported: each service of the SDK uses its own API version")
	}
	if o.HTTPClient != nil && o.Transport != nil {
		bad("set Options.HTTPClient or ClientOptions.Transport, not both")
	}
	if skipsVerification(o.HTTPClient) {
		bad("Options.HTTPClient skips TLS certificate verification (InsecureSkipVerify); certificates must be verified")
	}

	s := settings{client: o.ClientOptions}
	s.retryMax = pick(o.RetryMax, int(r.MaxRetries), DefaultRetryMax)
	if s.retryMax < 0 {
		s.retryMax = 0
	}
	s.retryWaitMin = pick(o.RetryWaitMin, r.RetryDelay, DefaultRetryWaitMin)
	s.retryWaitMax = pick(o.RetryWaitMax, r.MaxRetryDelay, DefaultRetryWaitMax)
	s.tryTimeout = pick(o.TryTimeout, DefaultTryTimeout)
	if s.retryWaitMin < 0 {
		bad("RetryWaitMin must not be negative (got %s)", s.retryWaitMin)
	}
	if s.retryWaitMax < 0 {
		bad("RetryWaitMax must not be negative (got %s)", s.retryWaitMax)
	}
	if s.retryWaitMin > s.retryWaitMax && s.retryWaitMax >= 0 {
		bad("RetryWaitMin (%s) must not exceed RetryWaitMax (%s)", s.retryWaitMin, s.retryWaitMax)
	}

	switch {
	case o.HTTPClient != nil:
		s.httpClient = o.HTTPClient
	case o.Transport != nil:
		s.httpClient = clientFromTransporter(o.Transport)
	default:
		s.httpClient = defaultHTTPClient()
	}

	if len(problems) > 0 {
		return settings{}, fmt.Errorf("pipeline: invalid options: %w", errors.Join(problems...))
	}
	s.client.Transport = nil
	s.client.Retry = policy.RetryOptions{MaxRetries: -1}
	return s, nil
}

// pick returns the first non-zero value.
func pick[T comparable](values ...T) T {
	var zero T
	for _, v := range values {
		if v != zero {
			return v
		}
	}
	return zero
}

// skipsVerification reports whether c is a plain *http.Transport client
// configured with InsecureSkipVerify.
func skipsVerification(c *http.Client) bool {
	if c == nil {
		return false
	}
	t, ok := c.Transport.(*http.Transport)
	return ok && t.TLSClientConfig != nil && t.TLSClientConfig.InsecureSkipVerify
}

// transporterRoundTripper adapts a policy.Transporter to http.RoundTripper.
type transporterRoundTripper struct{ t policy.Transporter }

func (rt transporterRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	return rt.t.Do(req)
}

func clientFromTransporter(t policy.Transporter) *http.Client {
	if c, ok := t.(*http.Client); ok {
		return c
	}
	return &http.Client{Transport: transporterRoundTripper{t}}
}

// minTLSVersion is the lowest TLS version the default client negotiates.
const minTLSVersion = tls.VersionTLS12
