package emulator

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is a failure injected into matching requests, for tests of retries
// and error handling. The effects combine in this order: Delay, then exactly
// one of DropBeforeRead, Status, DropAfterHandle, TruncateBody (first set wins);
// a Fault with only Delay slows the request down and then serves it normally.
type Fault struct {
	// Match selects the requests the fault applies to; nil matches every request.
	// It must not read the request body.
	Match func(*http.Request) bool
	// Status, when non-zero, answers with this status instead of running the
	// handler, with an error body in the shape of the route family
	// (model-management, history, else ARM), e.g. 429 or 503.
	Status int
	// RetryAfter is sent verbatim as the Retry-After header of a Status fault:
	// delta-seconds ("2") or an HTTP-date. Empty: no header.
	RetryAfter string
	// RetryAfterMs, when > 0, is sent as the retry-after-ms header of a Status fault.
	RetryAfterMs int
	// Count is how many matching requests the fault acts on: 0 means once,
	// a negative value means every matching request until ClearFaults.
	Count int
	// DropBeforeRead closes the connection before the handler runs or the body
	// is read: the client sees a connection error and nothing changed.
	DropBeforeRead bool
	// DropAfterHandle runs the handler (its effects happen) and then closes the
	// connection without sending the response.
	DropAfterHandle bool
	// Delay waits this long before anything else; it ends early (without a
	// response) if the client goes away or the server closes.
	Delay time.Duration
	// TruncateBody runs the handler and sends its status and headers with only
	// the first half of its body (Content-Length matches what is sent), so the
	// client receives a complete response whose JSON is cut short.
	TruncateBody bool
}

// faultList holds injected faults in injection order; safe for concurrent use.
type faultList struct {
	mu     sync.Mutex
	faults []*Fault
}

// InjectFault adds f; a request is acted on by the first injected fault that
// matches it and still has a count left.
func (s *Server) InjectFault(f Fault) {
	if f.Count == 0 {
		f.Count = 1
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = append(s.faults.faults, &f)
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = nil
}

// take returns the fault acting on r (consuming one count) or nil.
func (l *faultList) take(r *http.Request) *Fault {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, f := range l.faults {
		if f.Match != nil && !f.Match(r) {
			continue
		}
		out := *f
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				l.faults = append(l.faults[:i:i], l.faults[i+1:]...)
			}
		}
		return &out
	}
	return nil
}

// ServeHTTP is the entry of every request: request log, faults, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	capture := &bodyCapture{rc: r.Body}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = capture
	}
	sw := &statusWriter{ResponseWriter: w}
	sw.Header().Set("x-ms-request-id", newUUID())
	if id := r.Header.Get("x-ms-client-request-id"); id != "" {
		sw.Header().Set("x-ms-client-request-id", id)
	}

	f := s.faults.take(r)
	logged := false
	record := func(status int) {
		if logged {
			return
		}
		logged = true
		query := redactSig(r.URL.RawQuery)
		var respHeader http.Header
		if status != 0 {
			respHeader = redactHeader(sw.Header())
		}
		s.reqlog.add(RecordedRequest{
			Method:         r.Method,
			Path:           r.URL.Path,
			Query:          query,
			Header:         redactHeader(r.Header),
			Body:           capture.bytes(),
			Time:           start,
			Status:         status,
			Faulted:        f != nil,
			Handled:        sw.handled,
			ResponseHeader: respHeader,
		})
		fault := ""
		if f != nil {
			fault = " (fault)"
		}
		if query != "" {
			query = "?" + query
		}
		s.logf("emulator: %s %s%s -> %d%s in %s", r.Method, r.URL.Path, query, status, fault, time.Since(start).Round(time.Microsecond))
	}
	record(s.dispatch(sw, r, f, record))
}

// dispatch applies f (may be nil) and returns the status sent (0: dropped). A dropped
// request is recorded before its connection closes, so that a client that sees the
// error finds the request in the log.
func (s *Server) dispatch(w *statusWriter, r *http.Request, f *Fault, record func(status int)) int {
	drop := func() int {
		record(0)
		dropConn(w.ResponseWriter)
		return 0
	}
	if f == nil {
		w.handled = true
		s.mux.ServeHTTP(w, r)
		return w.status
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return drop()
		case <-s.closing:
			t.Stop()
			return drop()
		}
	}
	switch {
	case f.DropBeforeRead:
		return drop()
	case f.Status != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		if f.RetryAfterMs > 0 {
			w.Header().Set("retry-after-ms", strconv.Itoa(f.RetryAfterMs))
		}
		code, msg := faultCode(f.Status), fmt.Sprintf("Injected fault: %d %s.", f.Status, http.StatusText(f.Status))
		switch {
		case strings.HasPrefix(r.URL.Path, "/modelmanagement/"):
			writeMMSError(w, f.Status, code, msg)
		case strings.HasPrefix(r.URL.Path, "/artifact/"):
			writeHistoryError(w, f.Status, code, msg)
		default:
			writeARMError(w, f.Status, code, msg)
		}
		return w.status
	case f.DropAfterHandle:
		bw := newBufferedWriter()
		w.handled = true
		s.mux.ServeHTTP(bw, r)
		return drop()
	case f.TruncateBody:
		bw := newBufferedWriter()
		w.handled = true
		s.mux.ServeHTTP(bw, r)
		body := bw.body.Bytes()
		cut := body[:len(body)/2]
		for k, v := range bw.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(cut)))
		w.WriteHeader(bw.statusOrOK())
		_, _ = w.Write(cut)
		return w.status
	default:
		w.handled = true
		s.mux.ServeHTTP(w, r)
		return w.status
	}
}

// faultCode is the error code an injected status carries.
func faultCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	case http.StatusInternalServerError:
		return "InternalServerError"
	case http.StatusBadGateway:
		return "BadGateway"
	case http.StatusGatewayTimeout:
		return "GatewayTimeout"
	case http.StatusRequestTimeout:
		return "RequestTimeout"
	default:
		return strings.ReplaceAll(http.StatusText(status), " ", "")
	}
}

// dropConn closes the client connection without a response.
func dropConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Cannot hijack (e.g. HTTP/2): abort the response instead.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// bufferedWriter collects a handler's response without sending it.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedWriter() *bufferedWriter { return &bufferedWriter{header: http.Header{}} }

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedWriter) Flush() {}

func (b *bufferedWriter) statusOrOK() int {
	if b.status == 0 {
		return http.StatusOK
	}
	return b.status
}

// MatchRequest returns a Fault.Match predicate selecting requests whose method
// equals method ("" for any) and whose path contains pathPart ("" for any).
func MatchRequest(method, pathPart string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return (method == "" || r.Method == method) && strings.Contains(r.URL.Path, pathPart)
	}
}
