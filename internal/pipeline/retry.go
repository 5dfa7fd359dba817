package pipeline

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// retryableStatus are the status codes azureml-core retries (§7.3 A); azcore's
// set plus 530.
var retryableStatus = map[int]bool{
	http.StatusRequestTimeout:      true, // 408
	http.StatusTooManyRequests:     true, // 429
	http.StatusInternalServerError: true, // 500
	http.StatusBadGateway:          true, // 502
	http.StatusServiceUnavailable:  true, // 503
	http.StatusGatewayTimeout:      true, // 504
	530:                            true, // origin unreachable, seen in front of AML endpoints
}

// retrier holds the go-retryablehttp hooks of one pipeline.
type retrier struct {
	retryMax     int
	retryWaitMax time.Duration
	now          func() time.Time
}

// requestHook is the retryablehttp RequestLogHook: it starts an attempt.
func (r *retrier) requestHook(_ retryablehttp.Logger, req *http.Request, _ int) {
	if st := stateFrom(req.Context()); st != nil {
		st.beginAttempt()
	}
}

// checkRetry is the retryablehttp CheckRetry. The caller's context wins over
// everything: once it is done no retry starts and its error is returned. A
// response that asks for a longer wait than RetryWaitMax is not retried: it
// goes back to the caller, who is never retried sooner than the server asked.
func (r *retrier) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateFrom(ctx)
	retry := shouldRetry(st, resp, err)
	if ctxErr := ctx.Err(); ctxErr != nil && (retry || err != nil) {
		return false, ctxErr
	}
	if retry && err == nil && retryAfter(resp, r.now()) > r.retryWaitMax {
		return false, nil
	}
	willRetry := retry
	if st != nil {
		attempts, _ := st.snapshot()
		willRetry = retry && attempts <= r.retryMax
	}
	if willRetry && err != nil {
		// A truncated answer arrived with its headers: its retry hint counts
		// like that of a retryable status (Backoff only sees responses).
		var te *TruncatedResponseError
		if errors.As(err, &te) {
			if hint := retryAfter(te.Response, r.now()); hint > r.retryWaitMax {
				return false, nil
			} else if hint > 0 {
				if serr := sleepCtx(ctx, hint); serr != nil {
					return false, serr
				}
			}
		}
	}
	if willRetry && st != nil {
		st.addReason(resp, err)
	}
	return retry, nil
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// shouldRetry applies the status rules and the idempotency gate.
func shouldRetry(st *callState, resp *http.Response, err error) bool {
	idempotent := st != nil && st.idempotent
	if err != nil {
		if !transientError(err) {
			return false
		}
		return idempotent || (st != nil && st.notWritten())
	}
	if resp == nil || !retryableStatus[resp.StatusCode] {
		return false
	}
	if idempotent {
		return true
	}
	// The server refused the work without doing it.
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
}

// transientNetErrnos are socket errors worth another attempt.
var transientNetErrnos = []syscall.Errno{
	syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ECONNABORTED, syscall.EPIPE,
	syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ENETRESET,
}

// transientError reports whether a transport error is likely to go away.
// Unknown errors are not retried.
func transientError(err error) bool {
	if errors.Is(err, ErrTryTimeout) || errors.Is(err, ErrTruncatedResponse) {
		return true // an attempt of ours failed, not the caller's context
	}
	if err == nil || errors.Is(err, context.Canceled) || tlsFailure(err) {
		return false
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	for _, errno := range transientNetErrnos {
		if errors.Is(err, errno) {
			return true
		}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTimeout || dnsErr.IsTemporary
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true // one attempt timed out (HTTPClient.Timeout, dial timeout), not the caller's context
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return true
	}
	// net/http reports these with unexported types.
	msg := err.Error()
	return strings.Contains(msg, "server closed idle connection") ||
		strings.Contains(msg, "http2: server sent GOAWAY") ||
		strings.Contains(msg, "transport connection broken")
}

// tlsFailure reports certificate-verification and TLS-protocol failures,
// which another attempt cannot fix.
func tlsFailure(err error) bool {
	var (
		verifyErr    *tls.CertificateVerificationError
		unknownAuth  x509.UnknownAuthorityError
		hostnameErr  x509.HostnameError
		invalidCert  x509.CertificateInvalidError
		rootsErr     x509.SystemRootsError
		recordErr    tls.RecordHeaderError
		alertErr     tls.AlertError
		constraintsE x509.ConstraintViolationError
	)
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostnameErr) ||
		errors.As(err, &invalidCert) || errors.As(err, &rootsErr) || errors.As(err, &recordErr) ||
		errors.As(err, &alertErr) || errors.As(err, &constraintsE)
}

// errorClass names a transport error without any URL or detail text.
func errorClass(err error) string {
	switch {
	case errors.Is(err, ErrTryTimeout):
		return "try timeout"
	case errors.Is(err, ErrTruncatedResponse):
		return "truncated body"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "EOF"
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return "timeout"
	}
	return "network error"
}
