// Package pipeline is the one HTTP stack of the azureml-go SDK.
//
// [New] returns an azcore [runtime.Pipeline] whose transport is a
// go-retryablehttp client. azcore's own retry policy is switched off
// (MaxRetries -1), so there is exactly one retry layer: a call that keeps
// failing with 503 is sent 1+RetryMax times, never (1+RetryMax)².
//
// # Policies, outermost first
//
//   - error code (per call): copies the service error code from the body into
//     the x-ms-error-code response header when the header is absent, so that
//     [runtime.NewResponseError] yields an *azcore.ResponseError with ErrorCode
//     for every error shape the services use (ARM {error:{code}}, its
//     double-nested variant, model-management {code,statusCode,message}).
//   - User-Agent (per call): "[<ApplicationID> ]azureml-go/<Version> (<go>; <os>)",
//     the ApplicationID prepended exactly as azcore's telemetry policy does
//     (spaces become '/', at most 24 characters); a User-Agent the caller set
//     is kept after ours. Telemetry.Disabled removes it.
//   - x-ms-client-request-id (per call): a new UUID per call unless the caller
//     set one; it is the same on every retry because retries happen below it.
//   - x-ms-client-session-id (per call): one UUID per process, see [SessionID].
//   - bearer token (per try): scope "<ARM audience>/.default" (see [ARMScope]);
//     skipped for calls made with [WithoutAuth].
//   - azcore's header, tracing, logging and body-download policies.
//   - transport: go-retryablehttp over the inner *http.Client.
//
// # Retries
//
// Retried: 408, 429, 500, 502, 503, 504 and 530, and transient network
// errors (connection reset/refused/aborted, broken pipe, unexpected EOF,
// timeouts of a single attempt, temporary DNS failures). Never retried: 501
// and every other 4xx/5xx, TLS certificate or handshake-alert failures,
// redirect-policy errors, and cancellation or deadline of the caller's
// context, which stops the call at once, also in the middle of a wait.
//
// Idempotency gate: GET, HEAD, OPTIONS, TRACE, PUT and DELETE are retried on
// every rule above. POST and PATCH are retried only on 429 and 503 (the server
// refused the work) or when the connection failed before the request was
// written (no connection obtained, or the write of the request failed; read
// from net/http/httptrace), unless the call is marked with [WithIdempotent].
//
// Wait before a retry: the server's hint first — retry-after-ms, then
// x-ms-retry-after-ms, then Retry-After (delta-seconds or HTTP-date), the
// order azcore uses — clamped to RetryWaitMax. A hint longer than
// RetryWaitMax is clamped and the call is retried after RetryWaitMax; azcore
// instead gives up. We clamp because the services send long hints on
// throttling of whole subscriptions, and an SDK call that fails at once after
// being told "wait" is what azureml-core users complain about; the caller's
// context remains the bound. Without a hint: RetryWaitMin × (2^(n+1) − 1) ×
// a random factor in [0.8, 1.3) for retry n (0-based), capped at RetryWaitMax,
// which with the defaults gives about 0.8 s, 2.4 s, 5.6 s.
//
// Retries happen below the bearer policy, so every attempt of a call carries
// the same token. azcore refreshes a token 5 minutes before it expires, so the
// retry budget (RetryMax × RetryWaitMax plus the requests themselves) should
// stay well under 5 minutes; the defaults allow at most 3 minutes of waiting.
//
// # Visibility of attempts
//
// azcore/log has no exported writer (log.Write is internal), so library code
// cannot emit its own events into the azcore listener; only azcore's policies
// can. The log policy therefore shows a call once (Try=1) with its final
// response. To make the inner attempts visible there, the final response
// carries two synthetic headers, which are allow-listed for logging:
// X-Azureml-Go-Attempts (the number of attempts) and, when there were retries,
// X-Azureml-Go-Retry-Reasons (for example "503,503"). A call that fails
// without a response reports the attempts in its error text. No URL, query or
// header value is part of either.
//
// # Secrets
//
// Authorization is sent over plain http only to loopback hosts (127.0.0.0/8,
// ::1, localhost); any other http endpoint is refused before anything is sent
// (see [ErrCredentialOverHTTP]). The logging allow-lists never contain
// Authorization, cookies, key headers or the SAS "sig" parameter, even when
// the caller lists them. Error texts carry URLs with their query values
// redacted. go-retryablehttp's own logger is off.
package pipeline
