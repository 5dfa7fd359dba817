package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestRequestLogRedaction(t *testing.T) {
	const secret = "s3cr3tValue"
	var mu sync.Mutex
	var logs []string
	s := newTestServer(t, Options{Logf: func(f string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		logs = append(logs, fmt.Sprintf(f, a...))
	}})
	body := `{"url":"https://x.blob/c/p?sv=1&sig=` + secret + `&se=2","other":"keep"}`
	req, _ := http.NewRequest("POST", s.URL()+testCountPath+"?sv=2020&sig="+secret+"&sp=r", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("x-ms-copy-source", "https://a/b?sig="+secret)
	req.Header.Set("X-Keep", "visible")
	resp, err := freshClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	reqs := s.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	rr := reqs[0]
	if rr.Method != "POST" || rr.Path != testCountPath || rr.Status != 200 || rr.Time.IsZero() {
		t.Errorf("recorded %+v", rr)
	}
	dump := fmt.Sprintf("%v %s", rr, rr.Body)
	if strings.Contains(dump, secret) {
		t.Errorf("secret in request log: %s", dump)
	}
	if rr.Header.Get("Authorization") != "REDACTED" || rr.Header.Get("X-Keep") != "visible" {
		t.Errorf("headers %v", rr.Header)
	}
	if rr.Query != "sv=2020&sig=REDACTED&sp=r" {
		t.Errorf("query %q", rr.Query)
	}
	if !strings.Contains(string(rr.Body), `sig=REDACTED&se=2","other":"keep"`) {
		t.Errorf("body %s", rr.Body)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logs) == 0 {
		t.Fatal("no server log lines")
	}
	for _, l := range logs {
		if strings.Contains(l, secret) {
			t.Errorf("secret in server log: %s", l)
		}
	}

	// Requests returns copies.
	reqs[0].Header.Set("X-Keep", "changed")
	reqs[0].Body[0] = 'X'
	if again := s.Requests()[0]; again.Header.Get("X-Keep") != "visible" || again.Body[0] == 'X' {
		t.Error("Requests exposes internal state")
	}
	s.ClearRequests()
	if len(s.Requests()) != 0 {
		t.Error("ClearRequests")
	}
}

func TestRedactSig(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"a=1":                     "a=1",
		"sig=abc":                 "sig=REDACTED",
		"SIG=abc&x=1":             "SIG=REDACTED&x=1",
		"x=1&sig=a%2Bb%3D":        "x=1&sig=REDACTED",
		`"u":"h?sig=abc" sig=def`: `"u":"h?sig=REDACTED" sig=REDACTED`,
		"design=1":                "design=1",
	} {
		if got := redactSig(in); got != want {
			t.Errorf("redactSig(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRequestLogBounded(t *testing.T) {
	var l requestLog
	for i := 0; i < maxLoggedRequests+5; i++ {
		l.add(RecordedRequest{Status: i})
	}
	if len(l.reqs) != maxLoggedRequests || l.reqs[0].Status != 5 || l.reqs[len(l.reqs)-1].Status != maxLoggedRequests+4 {
		t.Errorf("len %d first %d", len(l.reqs), l.reqs[0].Status)
	}
	b := &bodyCapture{rc: http.NoBody}
	big := make([]byte, maxLoggedBody+100)
	b.rc = readCloser{strings.NewReader(string(big))}
	buf := make([]byte, 4096)
	for {
		if _, err := b.Read(buf); err != nil {
			break
		}
	}
	if len(b.bytes()) != maxLoggedBody {
		t.Errorf("captured %d bytes", len(b.bytes()))
	}
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }
