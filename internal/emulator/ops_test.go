package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

type armOpPoll struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	StartTime string `json:"startTime"`
	EndTime   string `json:"endTime"`
	Error     *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func pollARM(t *testing.T, url string) (armOpPoll, http.Header) {
	t.Helper()
	r := mustDo(t, "GET", url, "tok", nil)
	if r.Status != 200 {
		t.Fatalf("poll %s: %d %s", url, r.Status, r.Body)
	}
	var p armOpPoll
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatal(err)
	}
	return p, r.Header
}

func TestARMOperationLifecycle(t *testing.T) {
	s := newTestServer(t, Options{RetryAfter: 1500 * time.Millisecond})
	release := make(chan struct{})
	started := make(chan struct{})
	opURL := s.ops.StartARM(func(ctx context.Context) error {
		close(started)
		<-release
		return nil
	})
	if !strings.HasPrefix(opURL, s.URL()+"/operations/arm/") || !strings.HasSuffix(opURL, "?api-version=2020-02-02") {
		t.Fatalf("op URL %s", opURL)
	}
	<-started
	p, h := pollARM(t, opURL)
	if p.Status != "InProgress" || p.EndTime != "" || p.Error != nil || p.StartTime == "" || p.Name == "" || !strings.HasSuffix(p.ID, "/"+p.Name) {
		t.Fatalf("in progress poll: %+v", p)
	}
	if h.Get("Retry-After") != "2" || h.Get("retry-after-ms") != "1500" {
		t.Errorf("Retry-After %q retry-after-ms %q", h.Get("Retry-After"), h.Get("retry-after-ms"))
	}
	close(release)
	waitFor(t, "ARM op to succeed", func() bool { p, h = pollARM(t, opURL); return p.Status != "InProgress" })
	if p.Status != "Succeeded" || p.EndTime == "" || p.Error != nil {
		t.Fatalf("terminal poll: %+v", p)
	}
	if h.Get("Retry-After") != "" {
		t.Errorf("terminal poll has Retry-After")
	}

	// api-version is required; unknown ids are 404; MMS ids are not ARM ops.
	if r := mustDo(t, "GET", strings.Split(opURL, "?")[0], "t", nil); r.Status != 400 || armErrorCode(t, r) != "MissingApiVersionParameter" {
		t.Errorf("no api-version: %d %s", r.Status, r.Body)
	}
	if r := mustDo(t, "GET", s.URL()+"/operations/arm/nope?api-version=2020-02-02", "t", nil); r.Status != 404 || armErrorCode(t, r) != "ResourceNotFound" {
		t.Errorf("unknown: %d %s", r.Status, r.Body)
	}
	mmsID := s.ops.StartMMS("Deploy", func(context.Context, func(string), func(string, string)) error { return nil })
	if r := mustDo(t, "GET", s.URL()+"/operations/arm/"+mmsID+"?api-version=2020-02-02", "t", nil); r.Status != 404 {
		t.Errorf("MMS op via ARM route: %d", r.Status)
	}
}

func TestARMOperationOutcomes(t *testing.T) {
	s := newTestServer(t, Options{})
	tests := []struct {
		name      string
		err       error
		panics    bool
		status    string
		code, msg string
	}{
		{"op error", newOpError("ComputeProvisioningFailed", "no quota"), false, "Failed", "ComputeProvisioningFailed", "no quota"},
		{"plain error", errors.New("boom"), false, "Failed", "InternalServerError", "boom"},
		{"canceled", errOpCanceled, false, "Canceled", "", ""},
		{"timed out", errOpTimedOut, false, "Failed", "", ""},
		{"panic", nil, true, "Failed", "InternalServerError", "panicked"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			url := s.ops.StartARM(func(context.Context) error {
				if tc.panics {
					panic("kaput")
				}
				return tc.err
			})
			var p armOpPoll
			waitFor(t, "terminal", func() bool { p, _ = pollARM(t, url); return p.Status != "InProgress" })
			if p.Status != tc.status {
				t.Fatalf("status %s, want %s", p.Status, tc.status)
			}
			if tc.code != "" && (p.Error == nil || p.Error.Code != tc.code || !strings.Contains(p.Error.Message, tc.msg)) {
				t.Errorf("error %+v", p.Error)
			}
		})
	}
}

type mmsOpPoll struct {
	ID               string    `json:"id"`
	OperationType    string    `json:"operationType"`
	State            string    `json:"state"`
	CreatedTime      string    `json:"createdTime"`
	EndTime          string    `json:"endTime"`
	Error            *mmsError `json:"error"`
	ResourceLocation string    `json:"resourceLocation"`
	OperationDetails *struct {
		SubOperationType  string `json:"subOperationType"`
		SubOperationState string `json:"subOperationState"`
	} `json:"operationDetails"`
	StreamingOperationLog string `json:"streamingOperationLog"`
}

func pollMMS(t *testing.T, s *Server, id, query string) (mmsOpPoll, http.Header) {
	t.Helper()
	r := mustDo(t, "GET", s.mmsOperationURL(id)+query, "tok", nil)
	if r.Status != 200 {
		t.Fatalf("poll: %d %s", r.Status, r.Body)
	}
	var p mmsOpPoll
	dec := json.NewDecoder(strings.NewReader(string(r.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	return p, r.Header
}

func TestMMSOperationLifecycleAndLogStreaming(t *testing.T) {
	s := newTestServer(t, Options{RetryAfter: 10 * time.Millisecond})
	step := make(chan struct{})
	stepped := make(chan struct{})
	id := s.ops.StartMMS("Deploy", func(ctx context.Context, log func(string), setSub func(string, string)) error {
		setSub("BuildEnvironment", "Running")
		log("Building image #1")
		log("pulling\nlayers")
		stepped <- struct{}{}
		<-step
		setSub("DeployService", "Running")
		log("Deploying naïve service")
		stepped <- struct{}{}
		<-step
		return nil
	}, withResourceLocation("/api/services/svc1"))
	<-stepped

	p, h := pollMMS(t, s, id, "")
	if p.ID != id || p.OperationType != "Deploy" || p.State != "Running" || p.CreatedTime == "" || p.EndTime != "" ||
		p.ResourceLocation != "/api/services/svc1" {
		t.Fatalf("running: %+v", p)
	}
	if p.OperationDetails == nil || p.OperationDetails.SubOperationType != "BuildEnvironment" || p.OperationDetails.SubOperationState != "Running" {
		t.Errorf("details: %+v", p.OperationDetails)
	}
	if h.Get("Retry-After") != "1" || h.Get("retry-after-ms") != "10" {
		t.Errorf("Retry-After %q retry-after-ms %q", h.Get("Retry-After"), h.Get("retry-after-ms"))
	}
	entries := strings.Split(p.StreamingOperationLog, "#")
	if len(entries) != 2 {
		t.Fatalf("log %q", p.StreamingOperationLog)
	}
	for i, want := range []string{"Building image  1", "pulling layers"} {
		ts, msg, ok := strings.Cut(entries[i], "|")
		if _, err := time.Parse("20060102150405", ts); err != nil || !ok || msg != want {
			t.Errorf("entry %d = %q", i, entries[i])
		}
	}
	seen := p.StreamingOperationLog

	step <- struct{}{}
	<-stepped
	p, _ = pollMMS(t, s, id, "?offset="+itoa(len([]rune(seen))))
	if !strings.HasPrefix(p.StreamingOperationLog, "#") || !strings.HasSuffix(p.StreamingOperationLog, "|Deploying naïve service") {
		t.Errorf("streamed tail %q", p.StreamingOperationLog)
	}
	full, _ := pollMMS(t, s, id, "")
	if full.StreamingOperationLog != seen+p.StreamingOperationLog {
		t.Errorf("offset is not a character offset: %q + %q != %q", seen, p.StreamingOperationLog, full.StreamingOperationLog)
	}
	n := len([]rune(full.StreamingOperationLog))
	// offset counts characters, not bytes: "ï" is one character (two bytes).
	if tail, _ := pollMMS(t, s, id, "?offset="+itoa(n-12)); tail.StreamingOperationLog != "aïve service" {
		t.Errorf("tail %q", tail.StreamingOperationLog)
	}
	if past, _ := pollMMS(t, s, id, "?offset=100000"); past.StreamingOperationLog != "" {
		t.Errorf("past end: %q", past.StreamingOperationLog)
	}
	if r := mustDo(t, "GET", s.mmsOperationURL(id)+"?offset=-1", "t", nil); r.Status != 400 || mmsErrorOf(t, r).Code != "BadArgument" {
		t.Errorf("bad offset: %d %s", r.Status, r.Body)
	}

	step <- struct{}{}
	var h2 http.Header
	waitFor(t, "MMS op to succeed", func() bool { p, h2 = pollMMS(t, s, id, ""); return p.State == "Succeeded" })
	if p.EndTime == "" || p.Error != nil || h2.Get("Retry-After") != "" {
		t.Errorf("terminal: %+v, Retry-After %q", p, h2.Get("Retry-After"))
	}

	r := mustDo(t, "GET", s.mmsOperationURL("nope"), "t", nil)
	if e := mmsErrorOf(t, r); r.Status != 404 || e.StatusCode != 404 {
		t.Errorf("unknown op: %d %s", r.Status, r.Body)
	}
	armURL := s.ops.StartARM(func(context.Context) error { return nil })
	armID := strings.TrimPrefix(strings.Split(armURL, "?")[0], s.URL()+"/operations/arm/")
	if r := mustDo(t, "GET", s.mmsOperationURL(armID), "t", nil); r.Status != 404 {
		t.Errorf("ARM op via MMS route: %d", r.Status)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestMMSOperationOutcomes(t *testing.T) {
	s := newTestServer(t, Options{})
	tests := []struct {
		name       string
		err        error
		state      string
		code       string
		statusCode int
	}{
		{"ok", nil, "Succeeded", "", 0},
		{"op error", newOpError("DeploymentFailed", "init() raised"), "Failed", "DeploymentFailed", 400},
		{"op error custom status", &opError{Code: "ImageBuildFailed", Message: "x", StatusCode: 500}, "Failed", "ImageBuildFailed", 500},
		{"plain", errors.New("boom"), "Failed", "InternalServerError", 500},
		{"cancelled", errOpCanceled, "Cancelled", "", 0},
		{"timed out", errOpTimedOut, "TimedOut", "TimedOut", 408},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := s.ops.StartMMS("Update", func(context.Context, func(string), func(string, string)) error { return tc.err })
			var p mmsOpPoll
			waitFor(t, "terminal", func() bool {
				p, _ = pollMMS(t, s, id, "")
				return p.State != "NotStarted" && p.State != "Running"
			})
			if p.State != tc.state || p.OperationType != "Update" {
				t.Fatalf("state %s", p.State)
			}
			if tc.code == "" {
				if p.Error != nil {
					t.Errorf("unexpected error %+v", p.Error)
				}
				return
			}
			if p.Error == nil || p.Error.Code != tc.code || p.Error.StatusCode != tc.statusCode || p.Error.Details == nil {
				t.Errorf("error %+v", p.Error)
			}
		})
	}
}

func TestOperationDelay(t *testing.T) {
	const delay = 150 * time.Millisecond
	s := newTestServer(t, Options{OperationDelay: delay})
	var mu sync.Mutex
	var ranAt time.Time
	start := time.Now()
	id := s.ops.StartMMS("Deploy", func(context.Context, func(string), func(string, string)) error {
		mu.Lock()
		ranAt = time.Now()
		mu.Unlock()
		return nil
	})
	var p mmsOpPoll
	waitFor(t, "success", func() bool { p, _ = pollMMS(t, s, id, ""); return p.State == "Succeeded" })
	mu.Lock()
	defer mu.Unlock()
	if ranAt.Sub(start) < delay {
		t.Errorf("run started %s after start, before OperationDelay %s", ranAt.Sub(start), delay)
	}
	armStart := time.Now()
	url := s.ops.StartARM(func(context.Context) error { return nil })
	var ap armOpPoll
	waitFor(t, "ARM success", func() bool { ap, _ = pollARM(t, url); return ap.Status == "Succeeded" })
	if time.Since(armStart) < delay {
		t.Errorf("ARM op finished before OperationDelay")
	}
}

func TestRetryAfterRounding(t *testing.T) {
	for _, tc := range []struct {
		d      time.Duration
		secs   string
		millis string
	}{
		{0, "", ""}, {time.Millisecond, "1", "1"}, {999 * time.Millisecond, "1", "999"},
		{time.Second, "1", "1000"}, {1001 * time.Millisecond, "2", "1001"}, {3 * time.Second, "3", "3000"},
		{500 * time.Microsecond, "1", "1"},
	} {
		s := &Server{opts: Options{RetryAfter: tc.d}}
		h := http.Header{}
		s.setRetryAfter(headerWriter{h})
		if h.Get("Retry-After") != tc.secs || h.Get("retry-after-ms") != tc.millis {
			t.Errorf("%s: Retry-After %q retry-after-ms %q", tc.d, h.Get("Retry-After"), h.Get("retry-after-ms"))
		}
	}
}

type headerWriter struct{ h http.Header }

func (w headerWriter) Header() http.Header         { return w.h }
func (w headerWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w headerWriter) WriteHeader(int)             {}

func TestSkipRunes(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 0, "abc"}, {"abc", 1, "bc"}, {"abc", 3, ""}, {"abc", 4, ""}, {"äöü", 1, "öü"}, {"", 2, ""}, {"x", -1, "x"},
	} {
		if got := skipRunes(tc.s, tc.n); got != tc.want {
			t.Errorf("skipRunes(%q,%d) = %q", tc.s, tc.n, got)
		}
	}
}

func TestCloseCancelsOperations(t *testing.T) {
	s, err := New(Options{OperationDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan struct{}, 1)
	s.ops.StartARM(func(context.Context) error { ran <- struct{}{}; return nil })
	done := make(chan struct{})
	go func() { _ = s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return while an operation was waiting")
	}
	select {
	case <-ran:
		t.Error("run executed although the server closed during the delay")
	default:
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
