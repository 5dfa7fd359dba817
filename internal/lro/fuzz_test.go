package lro

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// statusSeeds are real operation-status shapes (and a few hostile ones).
var statusSeeds = []string{
	`{"status":"InProgress"}`,
	`{"id":"/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/op","name":"op","status":"Succeeded","startTime":"2024-01-02T03:04:05.1234567Z","endTime":"2024-01-02T03:09:05Z"}`,
	`{"status":"Failed","error":{"code":"BadRequest","message":"m","details":[{"code":"d","message":"dm"}]}}`,
	`{"status":"Failed","error":{"error":{"code":"InternalServerError","message":"double nested"}}}`,
	`{"status":"Canceled"}`,
	`{"id":"op","operationType":"Deploy","state":"Running","createdTime":"2024-05-06T07:08:09Z","operationDetails":{"subOperationType":"BuildEnvironment","subOperationState":"Running"},"streamingOperationLog":"20240506070809|Building#20240506070810|Step 1#"}`,
	mmsFailedBody,
	`{"state":"Cancelled"}`,
	`{"state":"TimedOut","error":{"code":"DeploymentTimedOut","statusCode":"504","message":"pollTimeout 00:20:00"}}`,
	`{"state":"Failed","error":"plain"}`,
	`{"state":1}`,
	`{"state":"Failed","error":{"error":{"error":{"error":{"error":{"error":{"error":{"error":{"error":{"code":"deep"}}}}}}}}}}`,
	`[]`, `null`, ``, `{`, `"x"`, "{\"state\":\"\xff\"}",
}

// FuzzDecodeOperationStatus checks that the status decoder never panics,
// accepts only JSON objects with a string state, and that everything built
// from a decoded status (error text, String) is safe to render.
func FuzzDecodeOperationStatus(f *testing.F) {
	for _, s := range statusSeeds {
		f.Add(true, []byte(s))
		f.Add(false, []byte(s))
	}
	f.Fuzz(func(t *testing.T, arm bool, body []byte) {
		kind := KindMMS
		if arm {
			kind = KindARM
		}
		st, err := DecodeStatus(kind, body)
		if err != nil {
			if st != nil {
				t.Fatalf("status returned with error %v", err)
			}
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		if strings.TrimSpace(st.State) == "" || st.Kind != kind {
			t.Fatalf("bad status %+v", st)
		}
		_ = st.String()
		_ = fmt.Sprintf("%#v", *st)
		_ = st.Terminal()
		if st.Error != nil {
			if !json.Valid(st.Error.Raw) {
				t.Fatalf("error raw is not JSON: %q", st.Error.Raw)
			}
			_ = st.Error.Error()
		}
		oe := newOperationError("op", st)
		if msg := oe.Error(); !strings.HasPrefix(msg, "operation op reached state ") {
			t.Fatalf("unexpected error text %q", msg)
		}
		for _, e := range parseStreamingLog(st.StreamingLog) {
			if !utf8.ValidString(e.Message) {
				t.Fatalf("invalid UTF-8 in log message %q", e.Message)
			}
		}
	})
}

// FuzzParseStreamingLog checks that log parsing never panics, never yields
// more entries than separators allow, and keeps every non-empty entry.
func FuzzParseStreamingLog(f *testing.F) {
	for _, s := range []string{"", "#", "20240101000000|a#20240101000001|b#", "bad|x#20241301000000|y", "|#|#|", "a\r\n#b", "\xff|\xfe#"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, chunk string) {
		got := parseStreamingLog(chunk)
		if len(got) > strings.Count(chunk, "#")+1 {
			t.Fatalf("%d entries from %q", len(got), chunk)
		}
		for _, e := range got {
			if !e.Time.IsZero() && e.Time.Location().String() != "UTC" {
				t.Fatalf("non-UTC time %v", e.Time)
			}
		}
		if n := logOffsetOf(chunk); n < 0 || n > int64(len(chunk)) {
			t.Fatalf("offset %d for %d bytes", n, len(chunk))
		}
	})
}

// FuzzResume checks that arbitrary tokens never panic Resume and that every
// accepted token passed validation.
func FuzzResume(f *testing.F) {
	f.Add(`{"type":"Status","token":{"version":1,"kind":"mms","url":"http://127.0.0.1:1/mms/operations/o","operationId":"o","state":"Running","logOffset":3}}`)
	f.Add(`{"type":"Status","token":{"version":1,"kind":"arm","url":"https://h/op/1?api-version=2020-02-02","operationId":"1"}}`)
	f.Add(`{"type":"Status","token":null}`)
	f.Add(`{"type":"Status","token":{"version":1,"kind":"arm","url":"::","operationId":"1"}}`)
	f.Add(`{}`)
	f.Fuzz(func(t *testing.T, tok string) {
		p, err := Resume(testPipelineNoServer(), tok, nil)
		if err != nil {
			return
		}
		if verr := p.h.validate(); verr != nil {
			t.Fatalf("accepted invalid token %q: %v", tok, verr)
		}
		_ = p.Done()
		if !p.Done() {
			if _, err := p.ResumeToken(); err != nil {
				t.Fatalf("re-minting token: %v", err)
			}
		}
	})
}
