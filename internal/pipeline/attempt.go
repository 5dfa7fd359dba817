package pipeline

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxBufferedBody is the largest response body the retry layer reads before
// handing the response on. Larger bodies are passed on as streams after the
// first maxBufferedBody bytes.
const maxBufferedBody = 8 << 20

// attemptTransport is the transport of the client that go-retryablehttp
// sends each attempt with. It sits inside the retry loop, around the inner
// *http.Client, and for every attempt
//   - enforces TryTimeout as a no-progress timeout (see watchdog), and
//   - reads the response body (up to maxBufferedBody) before the retry layer
//     decides, so that a body that stalls, breaks off or is truncated JSON is
//     a failure of this attempt, which CheckRetry can retry, rather than an
//     error azcore's body download meets after the retries are over.
//
// A body it does not read (WithStreamingResponse, or past maxBufferedBody)
// keeps the attempt's context alive until it is read to the end or closed.
type attemptTransport struct {
	inner      *http.Client
	tryTimeout time.Duration // <= 0: none
	maxBuffer  int64
}

// newAttemptClient wraps inner for go-retryablehttp. Redirects are followed
// by inner, never by the wrapper.
func newAttemptClient(inner *http.Client, tryTimeout time.Duration) *http.Client {
	return &http.Client{
		Transport:     &attemptTransport{inner: inner, tryTimeout: tryTimeout, maxBuffer: maxBufferedBody},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// CloseIdleConnections forwards go-retryablehttp's call to the inner client.
func (t *attemptTransport) CloseIdleConnections() { t.inner.CloseIdleConnections() }

// RoundTrip implements http.RoundTripper.
func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	wd := startWatchdog(req.Context(), t.tryTimeout)
	r := req.WithContext(wd.ctx)
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &progressBody{rc: r.Body, wd: wd}
		if getBody := r.GetBody; getBody != nil { // a 307/308 redirect resends the body
			r.GetBody = func() (io.ReadCloser, error) {
				b, err := getBody()
				if err != nil || b == nil || b == http.NoBody {
					return b, err
				}
				return &progressBody{rc: b, wd: wd}, nil
			}
		}
	}
	resp, err := t.inner.Do(r)
	if err != nil {
		wd.stop()
		return nil, wd.explain(unwrapURLError(err), phaseAwaitingResponse)
	}
	wd.kick()
	if resp.Body == nil || resp.Body == http.NoBody {
		wd.stop()
		return resp, nil
	}
	if (streamingResponse(req.Context()) && resp.StatusCode < http.StatusBadRequest) || resp.ContentLength > t.maxBuffer {
		wd.pause()
		resp.Body = &watchedBody{rc: resp.Body, wd: wd}
		return resp, nil
	}
	return t.buffer(req, resp, wd)
}

// buffer reads resp's body into memory within the attempt.
func (t *attemptTransport) buffer(req *http.Request, resp *http.Response, wd *watchdog) (*http.Response, error) {
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	n, err := buf.ReadFrom(io.LimitReader(&progressBody{rc: resp.Body, wd: wd}, t.maxBuffer+1))
	if err != nil {
		_ = resp.Body.Close()
		wd.stop()
		return nil, wd.explain(err, phaseReadingBody)
	}
	if n > t.maxBuffer {
		wd.pause()
		rest := &watchedBody{rc: resp.Body, wd: wd}
		resp.Body = &prefixedBody{Reader: io.MultiReader(bytes.NewReader(buf.Bytes()), rest), rest: rest}
		return resp, nil
	}
	_ = resp.Body.Close()
	wd.stop()
	body := buf.Bytes()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	if truncatedJSON(resp, body) {
		return nil, newTruncatedResponseError(req.Method, resp, body)
	}
	return resp, nil
}

// unwrapURLError strips the *url.Error the inner client adds; the wrapping
// client adds its own, and nesting them would repeat the URL in error texts.
func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// progressBody counts every read that moves bytes as progress.
type progressBody struct {
	rc io.ReadCloser
	wd *watchdog
}

func (b *progressBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.wd.kick()
	}
	return n, err
}

func (b *progressBody) Close() error { return b.rc.Close() }

// watchedBody is a response body handed on unread: the watchdog runs only
// while a Read waits for data, a read cut by it reports the try timeout, and
// the attempt ends at the end of the body or on Close.
type watchedBody struct {
	rc io.ReadCloser
	wd *watchdog
}

func (b *watchedBody) Read(p []byte) (int, error) {
	b.wd.resume()
	n, err := b.rc.Read(p)
	b.wd.pause()
	if err != nil {
		if err != io.EOF {
			err = b.wd.explain(err, phaseReadingBody)
		}
		b.wd.stop()
	}
	return n, err
}

func (b *watchedBody) Close() error {
	err := b.rc.Close()
	b.wd.stop()
	return err
}

// prefixedBody is the bytes already read followed by the rest of the body.
type prefixedBody struct {
	io.Reader
	rest *watchedBody
}

func (b *prefixedBody) Close() error { return b.rest.Close() }
