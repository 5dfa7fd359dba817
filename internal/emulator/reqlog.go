package emulator

import (
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Bounds of the request log: the last maxLoggedRequests requests are kept, and
// of each body at most maxLoggedBody bytes (what the handler read).
const (
	maxLoggedRequests = 10000
	maxLoggedBody     = 64 << 10
)

// RecordedRequest is one request as the server received it, for tests.
// Secrets are redacted: Authorization / Proxy-Authorization header values are
// "REDACTED", and every SAS "sig=" value in the query, header values and body
// reads "sig=REDACTED".
type RecordedRequest struct {
	Method string
	Path   string
	// Query is the raw query string (redacted).
	Query  string
	Header http.Header
	// Body is what the handler read from the request body, at most 64 KiB.
	Body []byte
	// Time is when the request arrived.
	Time time.Time
	// Status is the response status; 0 when the connection was dropped.
	Status int
	// Faulted is true when an injected fault acted on this request.
	Faulted bool
	// Handled is true when the request reached its route handler, so that its
	// effects may have happened: every request no fault acted on, and those
	// under DropAfterHandle, TruncateBody or a Delay-only fault that ran out.
	// It is false for a Status fault, DropBeforeRead, and a delay the client
	// or Close ended.
	Handled bool
	// ResponseHeader is the header of the response sent, redacted like Header
	// (Retry-After and retry-after-ms of a Status fault are here); nil when the
	// connection was dropped without a response.
	ResponseHeader http.Header
}

// requestLog keeps the last requests; safe for concurrent use.
type requestLog struct {
	mu   sync.Mutex
	reqs []RecordedRequest
}

func (l *requestLog) add(rr RecordedRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.reqs) >= maxLoggedRequests {
		l.reqs = append(l.reqs[:0], l.reqs[len(l.reqs)-maxLoggedRequests+1:]...)
	}
	l.reqs = append(l.reqs, rr)
}

// Requests returns a copy of the request log in order of arrival, oldest first.
// Entries are added when a request ends, so a request whose connection was dropped
// early can be added after one that arrived later; sorting restores arrival order.
func (s *Server) Requests() []RecordedRequest {
	s.reqlog.mu.Lock()
	defer s.reqlog.mu.Unlock()
	out := make([]RecordedRequest, len(s.reqlog.reqs))
	for i, r := range s.reqlog.reqs {
		r.Header = r.Header.Clone()
		r.ResponseHeader = r.ResponseHeader.Clone()
		r.Body = append([]byte(nil), r.Body...)
		out[i] = r
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.Before(out[j].Time) })
	return out
}

// ClearRequests empties the request log.
func (s *Server) ClearRequests() {
	s.reqlog.mu.Lock()
	defer s.reqlog.mu.Unlock()
	s.reqlog.reqs = nil
}

// sigPattern matches a SAS signature parameter and its value.
var sigPattern = regexp.MustCompile(`(?i)(\bsig=)[^&"'\s<>]*`)

// redactSig replaces every SAS signature value in s.
func redactSig(s string) string {
	if !strings.Contains(strings.ToLower(s), "sig=") {
		return s
	}
	return sigPattern.ReplaceAllString(s, "${1}REDACTED")
}

// redactHeader returns a copy of h with credentials removed.
func redactHeader(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		c := make([]string, len(vs))
		for i, v := range vs {
			switch http.CanonicalHeaderKey(k) {
			case "Authorization", "Proxy-Authorization", "Cookie":
				c[i] = "REDACTED"
			default:
				c[i] = redactSig(v)
			}
		}
		out[k] = c
	}
	return out
}

// bodyCapture tees what the handler reads from the request body, up to a limit.
type bodyCapture struct {
	rc  io.ReadCloser
	mu  sync.Mutex
	buf []byte
}

func (b *bodyCapture) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.mu.Lock()
		if room := maxLoggedBody - len(b.buf); room > 0 {
			b.buf = append(b.buf, p[:min(n, room)]...)
		}
		b.mu.Unlock()
	}
	return n, err
}

func (b *bodyCapture) Close() error { return b.rc.Close() }

func (b *bodyCapture) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return []byte(redactSig(string(b.buf)))
}

// statusWriter records the status a handler wrote. It forwards Flush and
// exposes Unwrap for http.ResponseController (Hijack, deadlines).
type statusWriter struct {
	http.ResponseWriter
	status  int
	handled bool // the route handler was called
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
