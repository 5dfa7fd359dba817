package webservice

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/workspace"
)

// Fuzz targets for the web-service responses that arrive through the pipeline (list page
// and nextLink, listkeys, logs, the update answer) and for the scoring response. Each
// goes through the real request path, answered from memory.

const fuzzHost = "mms.fuzz.test"

// fuzzRoundTripper answers every request in memory; it receives the request body read.
type fuzzRoundTripper func(r *http.Request, body []byte) *http.Response

func (f fuzzRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	return f(r, body), nil
}

func fuzzReply(r *http.Request, status int, header http.Header, body []byte) *http.Response {
	h := http.Header{"Content-Type": {"application/json"}}
	for k, v := range header {
		h[k] = v
	}
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}

// fuzzWorkspace returns a workspace answered in memory: the ARM document and discovery
// here, everything else by answer. Retries are off.
func fuzzWorkspace(tb testing.TB, answer func(r *http.Request, body []byte) *http.Response) *workspace.Workspace {
	tb.Helper()
	rt := fuzzRoundTripper(func(r *http.Request, body []byte) *http.Response {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == wScope:
			return fuzzReply(r, 200, nil, []byte(`{"id":"`+wScope+`","name":"ws","location":"eastus","properties":{}}`))
		case r.Method == http.MethodGet && r.URL.Path == "/discovery":
			return fuzzReply(r, 200, nil, []byte(`{"api":"https://`+fuzzHost+`"}`))
		}
		return answer(r, body)
	})
	ws, err := workspace.Get(context.Background(), wSub, "rg", "ws", wCred{}, &workspace.Options{
		ARMEndpoint:  "https://" + fuzzHost,
		DiscoveryURL: "https://" + fuzzHost + "/discovery",
		HTTPClient:   &http.Client{Transport: rt},
		Retry:        workspace.RetryOptions{MaxRetries: -1},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ws
}

// FuzzServiceListResponse feeds arbitrary list pages to List: no panic, AKS services and
// summaries of other types, and a nextLink followed only on the workspace's host.
func FuzzServiceListResponse(f *testing.F) {
	one, _ := json.Marshal(map[string]any{"value": []any{serviceJSON("a", nil), map[string]any{"name": "aci", "computeType": "ACI", "state": "Healthy", "scoringUri": "http://x/score"}},
		"nextLink": "https://" + fuzzHost + "/modelmanagement/v1.0" + wScope + "/services?skipToken=2"})
	f.Add(one)
	f.Add([]byte(`{"value":[{"computeType":"aks","name":null}],"nextLink":null}`))
	f.Add([]byte(`{"value":[],"nextLink":"https://evil.example/x"}`))
	f.Add([]byte(`{"value":[],"nextLink":"https://u@` + fuzzHost + `/x"}`))
	f.Add([]byte(`{"value":[1,"x",null]}`))
	var page1 []byte
	var hosts []string
	ws := fuzzWorkspace(f, func(r *http.Request, _ []byte) *http.Response {
		hosts = append(hosts, r.URL.Host)
		if r.URL.Query().Get("skipToken") == "" {
			return fuzzReply(r, 200, nil, page1)
		}
		return fuzzReply(r, 200, nil, []byte(`{"value":[]}`))
	})
	f.Fuzz(func(t *testing.T, body []byte) {
		page1, hosts = body, nil
		pager := List(ws, nil)
		for i := 0; i < 2 && pager.More(); i++ {
			page, err := pager.NextPage(context.Background())
			if err != nil {
				break
			}
			for _, s := range page.Services {
				if s == nil {
					t.Fatal("nil service")
				}
				_ = s.String()
				_ = s.Settings()
				_ = s.ScoringURI()
			}
		}
		for _, h := range hosts {
			if !strings.EqualFold(h, fuzzHost) {
				t.Fatalf("a request went to %q", h)
			}
		}
	})
}

// fuzzService is a service of the in-memory workspace whose POST and GET answers come
// from answer.
func fuzzService(tb testing.TB, answer func(r *http.Request, body []byte) *http.Response) *AksWebservice {
	ws := fuzzWorkspace(tb, answer)
	raw, _ := json.Marshal(serviceJSON("svc", nil))
	s, err := newService(ws, raw)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// FuzzListKeysResponse feeds arbitrary listkeys answers to GetKeys: both keys or an
// error, and no error text ever shows a value of the response.
func FuzzListKeysResponse(f *testing.F) {
	for _, s := range []string{`{"primaryKey":"PRIMARY-SECRET","secondaryKey":"SECONDARY-SECRET"}`, `{"primaryKey":"PRIMARY-SECRET"}`,
		`{"primaryKey":null,"secondaryKey":"SECONDARY-SECRET"}`, `{"primaryKey":1}`, `"PRIMARY-SECRET"`, `{"primaryKey":"PRIMARY-SECRET"`} {
		f.Add([]byte(s))
	}
	var answer []byte
	s := fuzzService(f, func(r *http.Request, _ []byte) *http.Response { return fuzzReply(r, 200, nil, answer) })
	f.Fuzz(func(t *testing.T, body []byte) {
		answer = body
		keys, err := s.GetKeys(context.Background())
		if err != nil {
			// The error texts are fixed; a value of the response that shows in one, and
			// is not part of the fixed texts, leaked.
			const fixed = "webservice: unreadable listkeys response webservice: invalid response key: primaryKey secondaryKey"
			for _, v := range jsonStrings(body) {
				if strings.Contains(err.Error(), v) && !strings.Contains(fixed, v) {
					t.Fatalf("error %q shows a value of the response", err)
				}
			}
			return
		}
		show := func(k auth.ServiceKeys) string { return fmt.Sprintf("%v %+v %#v", k, k, k) }
		printed := show(keys)
		template := show(auth.ServiceKeys{Primary: auth.NewSecret("\x00"), Secondary: auth.NewSecret("\x00")})
		for _, k := range []string{keys.Primary.Reveal(), keys.Secondary.Reveal()} {
			if len(k) >= 6 && !strings.Contains(template, k) && strings.Contains(printed, k) {
				t.Fatalf("printed keys show a key: %s", printed)
			}
		}
	})
}

// jsonStrings returns the JSON strings of at least 6 bytes in body.
func jsonStrings(body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if len(x) >= 6 {
				out = append(out, x)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// FuzzLogsResponse feeds arbitrary logs answers to GetLogs: the content or an error.
func FuzzLogsResponse(f *testing.F) {
	for _, s := range []string{`{"content":"line 1\nline 2\n"}`, `{"content":null}`, `{"content":7}`, `{}`, `[]`, `{"content":"\u0000\ud800"}`} {
		f.Add([]byte(s))
	}
	var answer []byte
	s := fuzzService(f, func(r *http.Request, _ []byte) *http.Response { return fuzzReply(r, 200, nil, answer) })
	f.Fuzz(func(t *testing.T, body []byte) {
		answer = body
		logs, err := s.GetLogs(context.Background(), &LogOptions{Tail: 10})
		if err == nil && !json.Valid(body) {
			t.Fatalf("logs %q from invalid JSON", logs)
		}
	})
}

// FuzzUpdateResponse feeds arbitrary answers of the update PATCH to sendPatch: an
// operation location or an error, never a panic.
func FuzzUpdateResponse(f *testing.F) {
	f.Add(uint8(0), []byte(`{"operationId":"op-1"}`), "")
	f.Add(uint8(0), []byte(`{"operationId":""}`), "https://"+fuzzHost+"/operations/op-2")
	f.Add(uint8(1), []byte(``), "https://"+fuzzHost+"/operations/op-3")
	f.Add(uint8(1), []byte(`x`), "")
	f.Add(uint8(0), []byte(`{"operationId":"../../x?y#z"}`), "")
	var status int
	var answer []byte
	var loc string
	s := fuzzService(f, func(r *http.Request, _ []byte) *http.Response {
		h := http.Header{}
		if loc != "" {
			h.Set("Operation-Location", loc)
		}
		return fuzzReply(r, status, h, answer)
	})
	f.Fuzz(func(t *testing.T, which uint8, body []byte, location string) {
		status = []int{http.StatusOK, http.StatusAccepted, http.StatusNotFound, http.StatusConflict}[int(which)%4]
		answer, loc = body, strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f {
				return -1
			}
			return r
		}, location)
		got, err := s.sendPatch(context.Background(), []byte(`[]`))
		if err == nil && got == "" {
			t.Fatal("empty operation location accepted")
		}
		var out struct {
			OperationID string `json:"operationId"`
		}
		if err == nil && status == http.StatusOK && json.Unmarshal(body, &out) == nil && out.OperationID != "" {
			if want := "/operations/" + url.PathEscape(out.OperationID); got != want {
				t.Fatalf("operation %q gave location %q, want %q", out.OperationID, got, want)
			}
		}
	})
}

// fuzzCred sends a fixed key.
var fuzzCred = KeyCredential(auth.NewSecret("fuzz-key"))

// FuzzScoringResponse feeds arbitrary scoring answers (status, headers, declared length,
// content type, body) to the scoring client, retries off: the body on 200, a
// *ScoringError otherwise, and reading an answer never allocates much more than the
// bytes received, whatever length the server declares.
func FuzzScoringResponse(f *testing.F) {
	f.Add(200, int64(-1), "", "", true, []byte(`{"predictions":[1]}`))
	f.Add(200, int64(19), "", "", true, []byte(`{"predictions":[1]}`))
	f.Add(200, int64(1<<30), "", "", true, []byte(`{"p":1}`))
	f.Add(200, int64(3), "", "", false, []byte(`{"p":1}`))
	f.Add(200, int64(-1), "", "", true, []byte(`{"p":`))
	f.Add(500, int64(-1), "true", "", false, []byte(`Traceback: ValueError`))
	f.Add(503, int64(-1), "", "7", false, []byte(strings.Repeat("busy ", 1000)))
	f.Add(429, int64(-1), "", "-3", false, []byte(``))
	f.Add(503, int64(-1), "", "99999999999", false, []byte(`later`))
	f.Add(200, int64(3<<20), "", "", false, []byte(`{"p":1}`))
	f.Add(401, int64(-1), "", "", false, []byte(`unauthorized`))
	var resp struct {
		status int
		length int64
		failed string
		retry  string
		json   bool
		body   []byte
	}
	client, err := NewScoringClient("https://"+fuzzHost+"/api/v1/service/svc/score", fuzzCred, &ScoringOptions{
		MaxRetries: -1,
		HTTPClient: &http.Client{Transport: fuzzRoundTripper(func(r *http.Request, _ []byte) *http.Response {
			h := http.Header{}
			if resp.failed != "" {
				h.Set("X-Ms-Run-Function-Failed", resp.failed)
			}
			if resp.retry != "" {
				h.Set("Retry-After", resp.retry)
			}
			out := fuzzReply(r, resp.status, h, resp.body)
			if !resp.json {
				out.Header.Set("Content-Type", "text/plain")
			}
			out.ContentLength = resp.length
			return out
		})},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, length int64, failed, retry string, jsonType bool, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		resp.status, resp.failed, resp.retry, resp.json, resp.body = status, failed, retry, jsonType, body
		resp.length = max(-1, min(length, 1<<40))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		out, err := client.Score(context.Background(), []byte(`{}`))
		runtime.ReadMemStats(&after)
		if grew := after.TotalAlloc - before.TotalAlloc; grew > uint64(len(body))*4+4<<20 {
			t.Fatalf("reading a %d-byte answer that declared %d bytes allocated %d bytes", len(body), resp.length, grew)
		}
		if status == http.StatusOK {
			short := resp.length > int64(len(body))
			if err != nil {
				// Allowed: a body shorter than declared, or a JSON answer that is not
				// JSON (cut short: the outcome is unknown).
				if !short && !(jsonType && errors.Is(err, workspace.ErrOutcomeUnknown)) {
					t.Fatalf("a complete 200 answer failed: %v", err)
				}
				return
			}
			if short {
				t.Fatalf("a body of %d bytes declared as %d was accepted", len(body), resp.length)
			}
			want := body
			if resp.length >= 0 {
				want = body[:resp.length]
			}
			if !bytes.Equal(out, want) {
				t.Fatalf("got %q, sent %q", out, want)
			}
			return
		}
		var se *ScoringError
		if !errors.As(err, &se) {
			t.Fatalf("status %d gave %T %v", status, err, err)
		}
		if se.StatusCode != status || se.RetryAfter < 0 {
			t.Fatalf("bad error %+v", se)
		}
		if n, perr := strconv.Atoi(retry); perr == nil && n > 0 && n < 1e9 && se.RetryAfter == 0 {
			t.Fatalf("Retry-After %q not read", retry)
		}
	})
}
