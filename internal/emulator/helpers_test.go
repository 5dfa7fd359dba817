package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Test-only routes, registered like a feature file does.
const (
	testARMStrictPath = "/test/arm/strict"
	testCountPath     = "/test/count"
)

type testStrictBody struct {
	Name  string            `json:"name"`
	Count int               `json:"count"`
	Tags  map[string]string `json:"tags,omitempty"`
}

func init() {
	registerRoutes(func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("POST "+testARMStrictPath, s.requireBearer(func(w http.ResponseWriter, r *http.Request) {
			var b testStrictBody
			if !decodeARM(w, r, &b) {
				return
			}
			writeJSON(w, http.StatusOK, b)
		}))
		mux.HandleFunc("POST "+s.mmsPrefix()+"/test/strict", s.requireBearer(func(w http.ResponseWriter, r *http.Request) {
			var b testStrictBody
			if !decodeMMS(w, r, &b) {
				return
			}
			writeJSON(w, http.StatusOK, b)
		}))
		mux.HandleFunc("POST "+s.historyPrefix()+"/test/strict", s.requireBearer(func(w http.ResponseWriter, r *http.Request) {
			var b testStrictBody
			if !decodeHistory(w, r, &b) {
				return
			}
			writeJSON(w, http.StatusOK, b)
		}))
		// testCountPath counts the requests that reached the handler, in the store.
		mux.HandleFunc(testCountPath, func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			var n int
			_ = updateRecord(s.store, "test", "count", func(c *int, _ bool) (bool, error) {
				*c++
				n = *c
				return true, nil
			})
			writeJSON(w, http.StatusOK, map[string]any{"count": n, "padding": strings.Repeat("x", 64)})
		})
	})
}

// newTestServer starts a server closed at the end of the test.
func newTestServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// freshClient never reuses connections, so a dropped connection is never
// retried transparently by the transport.
func freshClient() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
}

type testResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r testResponse) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// do sends one request; token "" sends no Authorization.
func do(t *testing.T, c *http.Client, method, url, token string, body []byte) (testResponse, error) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return testResponse{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return testResponse{}, err
	}
	return testResponse{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// mustDo is do that fails the test on a transport error.
func mustDo(t *testing.T, method, url, token string, body []byte) testResponse {
	t.Helper()
	r, err := do(t, freshClient(), method, url, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return r
}

// armErrorCode returns error.code of an ARM error body ("" if not that shape).
func armErrorCode(t *testing.T, r testResponse) string {
	t.Helper()
	var e struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Error == nil {
		return ""
	}
	return e.Error.Code
}

// mmsErrorOf decodes the MMS error shape strictly.
func mmsErrorOf(t *testing.T, r testResponse) mmsError {
	t.Helper()
	var e mmsError
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("not an MMS error body: %v\n%s", err, r.Body)
	}
	return e
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
