package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestStrictDecoding(t *testing.T) {
	s := newTestServer(t, Options{})
	tests := []struct {
		name, body string
		status     int
		errPart    string
	}{
		{"valid", `{"name":"a","count":2,"tags":{"k":"v"}}`, 200, ""},
		{"unknown field", `{"name":"a","cuont":2}`, 400, "unknown field"},
		{"unknown nested is allowed in map", `{"tags":{"any":"x"}}`, 200, ""},
		{"wrong type", `{"count":"2"}`, 400, "count"},
		{"trailing data", `{"name":"a"} {"name":"b"}`, 400, "after the top-level value"},
		{"trailing garbage", `{"name":"a"}}`, 400, "after the top-level value"},
		{"empty body", ``, 400, "empty"},
		{"whitespace body", "  \n", 400, "empty"},
		{"truncated", `{"name":`, 400, "invalid JSON"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// ARM family
			r := mustDo(t, "POST", s.URL()+testARMStrictPath, "t", []byte(tc.body))
			if r.Status != tc.status {
				t.Fatalf("ARM: %d %s", r.Status, r.Body)
			}
			if tc.status == 400 {
				if armErrorCode(t, r) != "InvalidRequestContent" || !strings.Contains(string(r.Body), tc.errPart) {
					t.Errorf("ARM body: %s", r.Body)
				}
			}
			// MMS family
			r = mustDo(t, "POST", s.URL()+s.mmsPrefix()+"/test/strict", "t", []byte(tc.body))
			if r.Status != tc.status {
				t.Fatalf("MMS: %d %s", r.Status, r.Body)
			}
			if tc.status == 400 {
				e := mmsErrorOf(t, r)
				if e.Code != "BadArgument" || e.StatusCode != 400 || !strings.Contains(e.Message, tc.errPart) || e.Details == nil {
					t.Errorf("MMS body: %s", r.Body)
				}
			}
			// history family
			r = mustDo(t, "POST", s.URL()+s.historyPrefix()+"/test/strict", "t", []byte(tc.body))
			if r.Status != tc.status {
				t.Fatalf("history: %d %s", r.Status, r.Body)
			}
			if tc.status == 400 && armErrorCode(t, r) != "UserError" {
				t.Errorf("history body: %s", r.Body)
			}
		})
	}
}

func TestDecodeStrictBodyLimit(t *testing.T) {
	big := `{"name":"` + strings.Repeat("a", maxRequestBody) + `"}`
	req := httptest.NewRequest("POST", "/", strings.NewReader(big))
	var v testStrictBody
	if err := decodeStrict(req, &v); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("err = %v", err)
	}
	req = httptest.NewRequest("POST", "/", nil)
	req.Body = nil
	if err := decodeStrict(req, &v); err != errEmptyBody {
		t.Fatalf("nil body: %v", err)
	}
}

func TestWriteErrorShapes(t *testing.T) {
	w := httptest.NewRecorder()
	writeARMError(w, 409, "Conflict", "busy")
	if w.Code != 409 || w.Body.String() != `{"error":{"code":"Conflict","message":"busy"}}` ||
		w.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("ARM: %d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	writeMMSError(w, 404, "NotFound", "gone")
	if w.Code != 404 || w.Body.String() != `{"code":"NotFound","statusCode":404,"message":"gone","details":[]}` {
		t.Errorf("MMS: %d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	writeHistoryError(w, 400, "UserError", "bad")
	if w.Code != 400 || w.Body.String() != `{"error":{"code":"UserError","severity":null,"message":"bad"}}` {
		t.Errorf("history: %d %s", w.Code, w.Body)
	}
	w = httptest.NewRecorder()
	writeJSON(w, 200, map[string]any{"bad": func() {}})
	if w.Code != http.StatusInternalServerError {
		t.Errorf("unencodable: %d", w.Code)
	}
}
