package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// handlerCount is how many requests reached the test count handler.
func handlerCount(s *Server) int {
	var n int
	s.store.Get("test", "count", &n)
	return n
}

func isCountPath(r *http.Request) bool { return r.URL.Path == testCountPath }

func TestFaultStatusWithRetryAfter(t *testing.T) {
	s := newTestServer(t, Options{})
	date := time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)
	s.InjectFault(Fault{Match: isCountPath, Status: 429, RetryAfter: "3", Count: 2})
	s.InjectFault(Fault{Match: isCountPath, Status: 503, RetryAfter: date, RetryAfterMs: 250})
	url := s.URL() + testCountPath
	for i, want := range []struct {
		status int
		ra     string
		ms     string
	}{{429, "3", ""}, {429, "3", ""}, {503, date, "250"}, {200, "", ""}} {
		r := mustDo(t, "POST", url, "", []byte(`{}`))
		if r.Status != want.status || r.Header.Get("Retry-After") != want.ra || r.Header.Get("retry-after-ms") != want.ms {
			t.Fatalf("request %d: %d Retry-After %q ms %q", i, r.Status, r.Header.Get("Retry-After"), r.Header.Get("retry-after-ms"))
		}
		if want.status == 429 && armErrorCode(t, r) != "TooManyRequests" {
			t.Errorf("429 body %s", r.Body)
		}
		if want.status == 503 && armErrorCode(t, r) != "ServiceUnavailable" {
			t.Errorf("503 body %s", r.Body)
		}
	}
	if n := handlerCount(s); n != 1 {
		t.Errorf("handler ran %d times, want 1 (faults must not reach the handler)", n)
	}
	reqs := s.Requests()
	if len(reqs) != 4 || !reqs[0].Faulted || !reqs[2].Faulted || reqs[3].Faulted || reqs[0].Status != 429 || reqs[3].Status != 200 {
		t.Errorf("request log: %+v", reqs)
	}
}

func TestFaultMatchAndShape(t *testing.T) {
	s := newTestServer(t, Options{})
	s.InjectFault(Fault{Match: func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/modelmanagement/") }, Status: 503, Count: -1})
	// Non-matching requests are untouched.
	if r := mustDo(t, "GET", s.Info().DiscoveryURL, "", nil); r.Status != 200 {
		t.Fatalf("discovery %d", r.Status)
	}
	// A persistent fault keeps firing, in the MMS shape on MMS routes.
	for i := 0; i < 3; i++ {
		r := mustDo(t, "GET", s.mmsOperationURL("x"), "t", nil)
		if e := mmsErrorOf(t, r); r.Status != 503 || e.StatusCode != 503 || e.Code != "ServiceUnavailable" {
			t.Fatalf("attempt %d: %d %s", i, r.Status, r.Body)
		}
	}
	s.ClearFaults()
	if r := mustDo(t, "GET", s.mmsOperationURL("x"), "t", nil); r.Status != 404 {
		t.Fatalf("after ClearFaults: %d", r.Status)
	}
	// nil Match matches everything, once by default.
	s.InjectFault(Fault{Status: 500})
	if r := mustDo(t, "GET", s.Info().DiscoveryURL, "", nil); r.Status != 500 {
		t.Fatalf("nil match: %d", r.Status)
	}
	if r := mustDo(t, "GET", s.Info().DiscoveryURL, "", nil); r.Status != 200 {
		t.Fatalf("Count 0 must mean once: %d", r.Status)
	}
}

func TestFaultDropBeforeRead(t *testing.T) {
	s := newTestServer(t, Options{})
	s.InjectFault(Fault{Match: isCountPath, DropBeforeRead: true})
	if _, err := do(t, freshClient(), "POST", s.URL()+testCountPath, "", []byte(`{"a":1}`)); err == nil {
		t.Fatal("want a connection error")
	}
	if n := handlerCount(s); n != 0 {
		t.Errorf("handler ran %d times", n)
	}
	r := mustDo(t, "POST", s.URL()+testCountPath, "", []byte(`{}`))
	if r.Status != 200 || handlerCount(s) != 1 {
		t.Errorf("next request: %d, count %d", r.Status, handlerCount(s))
	}
	if reqs := s.Requests(); reqs[0].Status != 0 || !reqs[0].Faulted {
		t.Errorf("log: %+v", reqs[0])
	}
}

func TestFaultDropAfterHandle(t *testing.T) {
	s := newTestServer(t, Options{})
	s.InjectFault(Fault{Match: isCountPath, DropAfterHandle: true})
	if _, err := do(t, freshClient(), "POST", s.URL()+testCountPath, "", []byte(`{"a":1}`)); err == nil {
		t.Fatal("want a connection error")
	}
	if n := handlerCount(s); n != 1 {
		t.Errorf("handler ran %d times, want 1 (its effect must happen)", n)
	}
	if reqs := s.Requests(); string(reqs[0].Body) != `{"a":1}` {
		t.Errorf("body read by the handler not logged: %q", reqs[0].Body)
	}
}

func TestFaultDelay(t *testing.T) {
	s := newTestServer(t, Options{})
	const delay = 200 * time.Millisecond
	s.InjectFault(Fault{Match: isCountPath, Delay: delay})
	start := time.Now()
	r := mustDo(t, "POST", s.URL()+testCountPath, "", []byte(`{}`))
	if elapsed := time.Since(start); elapsed < delay {
		t.Errorf("answered after %s, before the delay %s", elapsed, delay)
	}
	if r.Status != 200 || handlerCount(s) != 1 {
		t.Errorf("a pure delay must then serve normally: %d", r.Status)
	}
	// A delayed status: the client's timeout ends the wait.
	s.InjectFault(Fault{Match: isCountPath, Delay: time.Hour, Status: 503})
	c := freshClient()
	c.Timeout = 100 * time.Millisecond
	if _, err := do(t, c, "GET", s.URL()+testCountPath, "", nil); err == nil {
		t.Fatal("want a client timeout")
	}
	waitFor(t, "the delayed request to be logged", func() bool { return len(s.Requests()) == 2 })
}

func TestFaultTruncateBody(t *testing.T) {
	s := newTestServer(t, Options{})
	full := mustDo(t, "POST", s.URL()+testCountPath, "", []byte(`{}`))
	s.InjectFault(Fault{Match: isCountPath, TruncateBody: true})
	r := mustDo(t, "POST", s.URL()+testCountPath, "", []byte(`{}`))
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("status %d headers %v", r.Status, r.Header)
	}
	if json.Valid(r.Body) || len(r.Body) != len(full.Body)/2 || !strings.HasPrefix(string(r.Body), `{"count":2,`) {
		t.Errorf("truncated body %q (full %d bytes)", r.Body, len(full.Body))
	}
	if handlerCount(s) != 2 {
		t.Errorf("handler must run")
	}
}

func TestMatchRequest(t *testing.T) {
	get := &http.Request{Method: "GET", URL: mustURL("/a/models/x")}
	for _, tc := range []struct {
		method, part string
		want         bool
	}{{"", "", true}, {"GET", "/models/", true}, {"POST", "/models/", false}, {"", "/services/", false}} {
		if got := MatchRequest(tc.method, tc.part)(get); got != tc.want {
			t.Errorf("MatchRequest(%q,%q) = %v", tc.method, tc.part, got)
		}
	}
}

func mustURL(p string) *url.URL {
	u, err := url.Parse(p)
	if err != nil {
		panic(err)
	}
	return u
}

func TestCloseEndsInjectedDelay(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	matched := make(chan struct{})
	var once sync.Once
	s.InjectFault(Fault{Delay: time.Hour, Match: func(*http.Request) bool {
		once.Do(func() { close(matched) })
		return true
	}})
	// A POST whose body is never read: the server cannot notice the client,
	// only Close can end the wait.
	errc := make(chan error, 1)
	go func() {
		_, err := do(t, &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}, "POST", s.URL()+testCountPath, "", []byte(`{}`))
		errc <- err
	}()
	<-matched
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case <-closed:
	case <-time.After(4 * time.Second): // Shutdown's own grace period is 5 s
		t.Fatal("Close waited for the injected delay")
	}
	if err := <-errc; err == nil {
		t.Error("the delayed request got a response")
	}
}
