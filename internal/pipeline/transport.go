package pipeline

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hashicorp/go-retryablehttp"
)

// Synthetic response headers that make inner attempts visible in azcore's log
// (which sees one try per call) and to callers.
const (
	// HeaderAttempts is set on every response returned by the pipeline to
	// the number of HTTP attempts the call took (1 when it was not retried).
	HeaderAttempts = "X-Azureml-Go-Attempts"
	// HeaderRetryReasons lists, comma separated, why each retried attempt
	// failed: a status code such as "503" or a class such as
	// "connection reset". Absent when the call was not retried.
	HeaderRetryReasons = "X-Azureml-Go-Retry-Reasons"
)

// Attempts returns the number of HTTP attempts recorded on a response from a
// pipeline built by [New], or 0 when the response carries no such record.
func Attempts(resp *http.Response) int {
	if resp == nil {
		return 0
	}
	n, _ := strconv.Atoi(resp.Header.Get(HeaderAttempts))
	return n
}

// transport is the azcore Transporter of the pipeline: it prepares the
// per-call retry state and hands the request to go-retryablehttp.
type transport struct {
	client   *http.Client // retryablehttp.Client.StandardClient()
	redactor redactor
}

func newTransport(rc *retryablehttp.Client, r redactor) *transport {
	return &transport{client: rc.StandardClient(), redactor: r}
}

// Do implements policy.Transporter.
func (t *transport) Do(req *http.Request) (*http.Response, error) {
	st := newCallState(req)
	resp, err := t.client.Do(req.WithContext(st.attach(req.Context())))
	attempts, reasons := st.snapshot()
	if err != nil {
		if resp != nil && resp.Body != nil {
			drain(resp.Body)
		}
		return nil, markOutcomeUnknown(req.Context(), st, t.describe(err, req.URL, attempts, reasons))
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	resp.Header.Set(HeaderAttempts, strconv.Itoa(attempts))
	if len(reasons) > 0 {
		resp.Header.Set(HeaderRetryReasons, strings.Join(reasons, ","))
	}
	return resp, nil
}

// describe rewrites a transport error so that its text carries no query
// values and says how many attempts were made. errors.Is/As still reach the
// original error.
func (t *transport) describe(err error, u *url.URL, attempts int, reasons []string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = &url.Error{Op: ue.Op, URL: t.redactor.url(u), Err: t.redactor.scrub(ue.Err, u)}
	} else {
		err = t.redactor.scrub(err, u)
	}
	if attempts > 1 {
		return &attemptsError{attempts: attempts, reasons: reasons, err: err}
	}
	return err
}

// attemptsError reports a call that failed after retries.
type attemptsError struct {
	attempts int
	reasons  []string
	err      error
}

func (e *attemptsError) Error() string {
	return fmt.Sprintf("giving up after %d attempts (retried after: %s): %v",
		e.attempts, strings.Join(e.reasons, ", "), e.err)
}

func (e *attemptsError) Unwrap() error { return e.err }

// passThroughErrors is the retryablehttp ErrorHandler. When the attempts
// ended with a response (retryable status, budget spent) that response goes
// to azcore, which turns it into an *azcore.ResponseError. When they ended
// with an error the response, if any, is released and only the error returned.
func passThroughErrors(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err == nil && resp != nil {
		return resp, nil
	}
	if resp != nil && resp.Body != nil {
		drain(resp.Body)
	}
	if err == nil {
		err = errors.New("pipeline: request failed without a response")
	}
	return nil, err
}

// drain reads a little of body, so the connection can be reused, and closes it.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 4096))
	_ = body.Close()
}
