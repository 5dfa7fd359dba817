package lro

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// reply is one scripted HTTP response.
type reply struct {
	status int               // default 200
	body   string            // JSON body
	header map[string]string // extra response headers
}

// script serves replies in order (the last one repeats) and records every
// request URL. hook, when set, runs before each reply is written.
type script struct {
	mu      sync.Mutex
	replies []reply
	urls    []*url.URL
	hook    func(n int, r *http.Request)
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.urls)
	s.urls = append(s.urls, r.URL)
	rep := s.replies[min(n, len(s.replies)-1)]
	hook := s.hook
	s.mu.Unlock()
	if hook != nil {
		hook(n, r)
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write([]byte(rep.body))
}

// requests returns a copy of the recorded request URLs.
func (s *script) requests() []*url.URL {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*url.URL(nil), s.urls...)
}

// newServer starts an httptest server for s and returns it with a pipeline
// that has azcore's retries disabled.
func newServer(t *testing.T, s *script) (*httptest.Server, runtime.Pipeline) {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv, testPipeline(srv)
}

// testPipeline builds a retry-free pipeline whose transport is srv's client.
func testPipeline(srv *httptest.Server) runtime.Pipeline {
	return runtime.NewPipeline("test", "v0", runtime.PipelineOptions{}, &policy.ClientOptions{
		Transport: srv.Client(),
		Retry:     policy.RetryOptions{MaxRetries: -1},
	})
}

// replies builds 200 replies from bodies.
func replies(bodies ...string) []reply {
	out := make([]reply, len(bodies))
	for i, b := range bodies {
		out[i] = reply{body: b}
	}
	return out
}

// recorder collects progress events.
type recorder struct {
	mu     sync.Mutex
	events []Event
}

func (r *recorder) add(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) all() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// fastOpts returns options with a 1 ms frequency (allowed in test binaries).
func fastOpts() *Options { return &Options{Frequency: 1e6} }

// testPipelineNoServer returns a pipeline for code paths that send nothing.
func testPipelineNoServer() runtime.Pipeline {
	return runtime.NewPipeline("test", "v0", runtime.PipelineOptions{}, &policy.ClientOptions{
		Retry: policy.RetryOptions{MaxRetries: -1},
	})
}
