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
//   - streaming (per call): calls made with [WithStreamingResponse] skip
//     azcore's body download.
//   - azcore's header, tracing, logging and body-download policies.
//   - transport: go-retryablehttp, whose every attempt goes through the
//     attempt layer (TryTimeout, body read and JSON check) to the inner
//     *http.Client.
//
// # Retries
//
// Retried: 408, 429, 500, 502, 503, 504 and 530, transient network errors
// (connection reset/refused/aborted, broken pipe, unexpected EOF, timeouts of
// a single attempt including TryTimeout, temporary DNS failures), and 2xx
// responses whose JSON body is truncated. Never retried: 501
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
// order azcore uses — exactly as asked, never shorter: no retry is sent
// sooner than the server asked (a 2xx answer retried because its JSON was cut
// short counts too, with the hint its headers carried). A hint longer than RetryWaitMax is not
// shortened either: the pipeline gives up at once and returns that 429/503
// response (an *azcore.ResponseError whose RawResponse carries the hint), as
// azcore does. Sleeping for an hour inside a call, or retrying before the
// server is ready, are both worse for the caller than an immediate error that
// says how long to wait. Without a hint: RetryWaitMin × (2^(n+1) − 1) × a
// random factor in [0.8, 1.3) for retry n (0-based), capped at RetryWaitMax,
// which with the defaults gives about 0.8 s, 2.4 s, 5.6 s.
//
// # Per-attempt timeout and body checks
//
// Each attempt runs under TryTimeout (default 100 s), a no-progress timeout
// like the read timeout of Python requests: the attempt is abandoned when
// nothing moves for that long — no connection, no byte of the request
// written, no response header, no byte of the body. The abandoned attempt is
// retried under the rules above (GET, PUT, DELETE always; POST and PATCH only
// with [WithIdempotent] or when the request was not written); when no retry
// is left the error matches [ErrTryTimeout]. The caller's context bounds the
// whole call, and its end is reported as its own error, never as a try
// timeout.
//
// The retry layer reads each response body (up to 8 MiB) inside the attempt,
// so the timeout covers the body, a body that breaks off is a transient
// failure of that attempt, and a body that has arrived is never cut by a
// timer. A 2xx response declared as JSON (application/json, text/json,
// +json) whose body is not valid JSON — the symptom of a response cut short —
// is a transient failure for idempotent calls, and for a POST or PATCH an
// immediate [*TruncatedResponseError] (matching [ErrTruncatedResponse]), since
// the server may have acted on it. Calls made with [WithStreamingResponse]
// get their body unread (and unchecked); bodies over 8 MiB are streamed after
// their first 8 MiB. While a streamed body is read, TryTimeout fails a read
// that waits longer than TryTimeout for data.
//
// A POST or PATCH that is not repeated although its answer was lost (the
// connection broke after the request was sent, TryTimeout while awaiting the
// answer, truncated JSON) fails with an error matching [ErrOutcomeUnknown]:
// the server may have acted on it, and the caller should read the resource
// to find out, not send it again blindly.
//
// Retries happen below the bearer policy, so every attempt of a call carries
// the same token. azcore refreshes a token 5 minutes before it expires, so the
// retry budget (RetryMax × RetryWaitMax plus the requests themselves) should
// stay well under 5 minutes; the defaults allow at most 3 minutes of waiting
// between attempts (plus, in the worst case, attempts that each stall for
// TryTimeout).
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
