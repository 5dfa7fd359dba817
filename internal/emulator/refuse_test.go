package emulator

import (
	"errors"
	"net/http"
	"syscall"
	"testing"
	"time"
)

func TestRefuseConnections(t *testing.T) {
	s := newTestServer(t, Options{})
	pooled := &http.Client{Timeout: 10 * time.Second}
	if r, err := do(t, pooled, "POST", s.URL()+testCountPath, "", []byte(`{}`)); err != nil || r.Status != 200 {
		t.Fatalf("before: %v %d", err, r.Status)
	}
	const window = 150 * time.Millisecond
	start := time.Now()
	if err := s.RefuseConnections(window); err != nil {
		t.Fatal(err)
	}
	if err := s.RefuseConnections(window); err == nil {
		t.Error("a second refusal while refusing must be an error")
	}
	time.Sleep(10 * time.Millisecond) // let the client notice its closed idle connection

	// The pooled client's idle connection is gone and a new one is refused:
	// the request was certainly not written, and the handler never ran.
	_, err := do(t, pooled, "POST", s.URL()+testCountPath, "", []byte(`{}`))
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("during the refusal: %v, want connection refused", err)
	}
	if n := handlerCount(s); n != 1 {
		t.Errorf("handler ran %d times during the refusal", n)
	}

	// Afterwards the same address serves again.
	for time.Since(start) < window {
		time.Sleep(5 * time.Millisecond)
	}
	var r testResponse
	deadline := time.Now().Add(5 * time.Second)
	for {
		if r, err = do(t, pooled, "POST", s.URL()+testCountPath, "", []byte(`{}`)); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err != nil || r.Status != 200 || handlerCount(s) != 2 {
		t.Fatalf("after: %v %d count %d", err, r.Status, handlerCount(s))
	}
	if len(s.Requests()) != 2 {
		t.Errorf("refused connections must not be logged: %+v", s.Requests())
	}
	if err := s.RefuseConnections(0); err == nil {
		t.Error("a zero duration must be an error")
	}
}

func TestCloseEndsRefusal(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RefuseConnections(time.Hour); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("Close waited for the refusal to end")
	}
}

func TestRequestLogHandledAndResponseHeader(t *testing.T) {
	s := newTestServer(t, Options{})
	s.InjectFault(Fault{Match: isCountPath, Status: 429, RetryAfter: "2", RetryAfterMs: 1500})
	s.InjectFault(Fault{Match: isCountPath, DropBeforeRead: true})
	s.InjectFault(Fault{Match: isCountPath, DropAfterHandle: true})
	s.InjectFault(Fault{Match: isCountPath, TruncateBody: true})
	s.InjectFault(Fault{Match: isCountPath, Delay: time.Millisecond})
	for range 6 {
		_, _ = do(t, freshClient(), "POST", s.URL()+testCountPath, "", []byte(`{}`))
	}
	reqs := s.Requests()
	if len(reqs) != 6 {
		t.Fatalf("%d requests logged", len(reqs))
	}
	for i, want := range []struct {
		handled   bool
		hasHeader bool
	}{{false, true}, {false, false}, {true, false}, {true, true}, {true, true}, {true, true}} {
		r := reqs[i]
		if r.Handled != want.handled || (r.ResponseHeader != nil) != want.hasHeader {
			t.Errorf("request %d (status %d, faulted %v): handled %v, response header %v", i, r.Status, r.Faulted, r.Handled, r.ResponseHeader)
		}
	}
	if h := reqs[0].ResponseHeader; h.Get("Retry-After") != "2" || h.Get("Retry-After-Ms") != "1500" {
		t.Errorf("the hint of the 429 is not logged: %v", h)
	}
	if reqs[5].ResponseHeader.Get("Content-Type") == "" {
		t.Errorf("a normal response's header is logged: %v", reqs[5].ResponseHeader)
	}
}

func TestInventory(t *testing.T) {
	s := newTestServer(t, Options{})
	ids, err := s.SeedModels([]SeedModel{{Name: "m"}, {Name: "m"}, {Name: "n"}})
	if err != nil {
		t.Fatal(err)
	}
	inv := s.Inventory()
	if len(inv.Models) != 3 || inv.Models[0] != ids[0] || len(inv.Computes) != 0 || len(inv.Services) != 0 || len(inv.Endpoints) != 0 {
		t.Errorf("inventory %+v", inv)
	}
	if _, ok := inv.ModelAssets[ids[2]]; !ok {
		t.Errorf("model assets %v", inv.ModelAssets)
	}
}
