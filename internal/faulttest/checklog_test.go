package faulttest

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/azureml-go/azureml/internal/emulator"
)

// safeToRepeat lists the POST and PATCH calls the SDK sends with
// pipeline.WithIdempotent, and why repeating them is harmless. Every other
// POST and PATCH (model and asset creation excepted below, service creation,
// key regeneration, service and endpoint updates, scoring) must never be sent
// twice once an attempt reached a handler. GET, HEAD, PUT (ARM
// create-or-update) and DELETE are idempotent by contract.
var safeToRepeat = []struct {
	method string
	path   *regexp.Regexp
	why    string
}{
	{http.MethodPost, regexp.MustCompile(`/artifacts/batch/metadata/`), "creating the same empty artifacts in the same container returns them again"},
	{http.MethodPost, regexp.MustCompile(`/modelmanagement/.*/assets$`), "a repeat leaves at most an unreferenced asset over the same artifacts, never a second model"},
	{http.MethodPost, regexp.MustCompile(`/computes/[^/]+/listKeys$`), "reads the kubeconfigs"},
	{http.MethodPost, regexp.MustCompile(`/services/[^/]+/listkeys$`), "reads the keys"},
	{http.MethodPost, regexp.MustCompile(`/services/[^/]+/token$`), "issues a token; an extra one is harmless"},
	{http.MethodPost, regexp.MustCompile(`/services/validate(/name/[^/]+|/resource)?$`), "pre-flight validation changes nothing"},
	{http.MethodPatch, regexp.MustCompile(`/modelmanagement/.*/models/[^/]+$`), "a model JSON Patch replaces fields with given values"},
}

// idempotentRequest reports whether r may be sent again after reaching a handler.
func idempotentRequest(r emulator.RecordedRequest) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	for _, s := range safeToRepeat {
		if r.Method == s.method && s.path.MatchString(r.Path) {
			return true
		}
	}
	return false
}

// retryHint returns the earliest time the server allowed another attempt
// after answering r, and the header that said so; ok is false when r's
// response carried no hint. The order is the SDK's (and azcore's):
// retry-after-ms, x-ms-retry-after-ms, Retry-After. r.Time (arrival) is
// before the client received the answer, so "arrival + hint" is a bound
// every correct client meets.
func retryHint(r emulator.RecordedRequest) (notBefore time.Time, header string, ok bool) {
	h := r.ResponseHeader
	if h == nil {
		return time.Time{}, "", false
	}
	for _, name := range []string{"Retry-After-Ms", "X-Ms-Retry-After-Ms"} {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
				return r.Time.Add(time.Duration(ms * float64(time.Millisecond))), fmt.Sprintf("%s: %s", strings.ToLower(name), v), true
			}
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return time.Time{}, "", false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return time.Time{}, "", false
		}
		return r.Time.Add(time.Duration(s * float64(time.Second))), "Retry-After: " + v, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return at, "Retry-After: " + v, true
	}
	return time.Time{}, "", false
}

// workspacePrefix shortens paths in messages.
var workspacePrefix = regexp.MustCompile(`/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.MachineLearningServices/workspaces/[^/]+`)

func shortPath(p string) string { return workspacePrefix.ReplaceAllString(p, "/{ws}") }

// describeAnswer says what the client got for r.
func describeAnswer(r emulator.RecordedRequest) string {
	switch {
	case r.Status == 0 && r.Handled:
		return "handled, then the connection was dropped"
	case r.Status == 0:
		return "connection dropped before the handler ran"
	case r.Faulted && r.Handled:
		return fmt.Sprintf("handled, answered %d through an injected fault", r.Status)
	case r.Faulted:
		return fmt.Sprintf("injected %d", r.Status)
	default:
		return fmt.Sprintf("%d", r.Status)
	}
}

// logProblems applies the request-log rules (see the package documentation)
// to reqs, in arrival order, and describes every violation.
func logProblems(reqs []emulator.RecordedRequest) []string {
	if len(reqs) == 0 {
		return nil
	}
	reqs = append([]emulator.RecordedRequest(nil), reqs...)
	sort.SliceStable(reqs, func(i, j int) bool { return reqs[i].Time.Before(reqs[j].Time) })
	t0 := reqs[0].Time
	at := func(t time.Time) string { return fmt.Sprintf("+%.3fs", t.Sub(t0).Seconds()) }

	var problems []string
	byID := map[string][]emulator.RecordedRequest{}
	var ids []string
	for _, r := range reqs {
		id := r.Header.Get("X-Ms-Client-Request-Id")
		if id == "" {
			problems = append(problems, fmt.Sprintf("%s %s at %s carries no x-ms-client-request-id: its retries cannot be checked",
				r.Method, shortPath(r.Path), at(r.Time)))
			continue
		}
		if _, seen := byID[id]; !seen {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], r)
	}
	for _, id := range ids {
		attempts := byID[id]
		for i := 1; i < len(attempts); i++ {
			prev, next := attempts[i-1], attempts[i]
			if notBefore, header, ok := retryHint(prev); ok && next.Time.Before(notBefore) {
				problems = append(problems, fmt.Sprintf(
					"retried sooner than the server asked: %s %s (x-ms-client-request-id %s) got %s at %s with %q, so no attempt before %s; the next attempt came at %s, %s early",
					prev.Method, shortPath(prev.Path), id, describeAnswer(prev), at(prev.Time), header, at(notBefore), at(next.Time),
					notBefore.Sub(next.Time).Round(time.Millisecond)))
			}
		}
		if idempotentRequest(attempts[0]) {
			continue
		}
		for i, r := range attempts[:len(attempts)-1] {
			if !r.Handled {
				continue
			}
			next := attempts[i+1]
			problems = append(problems, fmt.Sprintf(
				"sent again after it reached the server: %s %s (x-ms-client-request-id %s) is not safe to repeat; its attempt at %s reached the handler (%s), yet another attempt came at %s (%s)",
				r.Method, shortPath(r.Path), id, at(r.Time), describeAnswer(r), at(next.Time), describeAnswer(next)))
			break
		}
	}
	return problems
}

// checkLog fails t once for every violation of the request-log rules in reqs
// (usually srv.Requests()).
func checkLog(t testing.TB, reqs []emulator.RecordedRequest) {
	t.Helper()
	for _, p := range logProblems(reqs) {
		t.Error(p)
	}
}

// The harness must catch what it claims to catch.
func TestCheckLogCatchesViolations(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	const models = "/modelmanagement/v1.0/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/models"
	req := func(method, path, id string, at time.Duration, status int, handled bool, respHeader http.Header) emulator.RecordedRequest {
		h := http.Header{}
		if id != "" {
			h.Set("X-Ms-Client-Request-Id", id)
		}
		return emulator.RecordedRequest{Method: method, Path: path, Header: h, Time: t0.Add(at), Status: status,
			Faulted: status != 200, Handled: handled, ResponseHeader: respHeader}
	}
	hint := func(k, v string) http.Header { return http.Header{http.CanonicalHeaderKey(k): {v}} }
	date := t0.Add(2 * time.Second).Format(http.TimeFormat)

	for _, tc := range []struct {
		name string
		reqs []emulator.RecordedRequest
		want []string // substrings, one per expected problem; none for a clean log
	}{
		{"retry honours Retry-After seconds", []emulator.RecordedRequest{
			req("GET", models, "a", 0, 429, false, hint("Retry-After", "1")),
			req("GET", models, "a", 1001*time.Millisecond, 200, true, nil),
		}, nil},
		{"retry before Retry-After seconds", []emulator.RecordedRequest{
			req("GET", models, "a", 0, 503, false, hint("Retry-After", "1")),
			req("GET", models, "a", 400*time.Millisecond, 200, true, nil),
		}, []string{`retried sooner than the server asked: GET /modelmanagement/v1.0/{ws}/models (x-ms-client-request-id a) got injected 503 at +0.000s with "Retry-After: 1", so no attempt before +1.000s; the next attempt came at +0.400s, 600ms early`}},
		{"retry before an HTTP-date", []emulator.RecordedRequest{
			req("GET", models, "a", 0, 429, false, hint("Retry-After", date)),
			req("GET", models, "a", 1500*time.Millisecond, 200, true, nil),
		}, []string{"Retry-After: " + date + `", so no attempt before +2.000s; the next attempt came at +1.500s, 500ms early`}},
		{"retry-after-ms wins over Retry-After", []emulator.RecordedRequest{
			req("GET", models, "a", 0, 429, false, http.Header{"Retry-After-Ms": {"300"}, "Retry-After": {"5"}}),
			req("GET", models, "a", 200*time.Millisecond, 200, true, nil),
		}, []string{`"retry-after-ms: 300", so no attempt before +0.300s; the next attempt came at +0.200s, 100ms early`}},
		{"a new call is not a retry", []emulator.RecordedRequest{
			req("GET", models, "a", 0, 429, false, hint("Retry-After", "1")),
			req("GET", models, "b", 10*time.Millisecond, 200, true, nil),
		}, nil},
		{"POST repeated after a refusal is fine", []emulator.RecordedRequest{
			req("POST", models, "a", 0, 503, false, nil),
			req("POST", models, "a", 10*time.Millisecond, 200, true, nil),
		}, nil},
		{"POST repeated after it was handled", []emulator.RecordedRequest{
			req("POST", models, "a", 0, 0, true, nil),
			req("POST", models, "a", 10*time.Millisecond, 200, true, nil),
		}, []string{"sent again after it reached the server: POST /modelmanagement/v1.0/{ws}/models (x-ms-client-request-id a) is not safe to repeat; its attempt at +0.000s reached the handler (handled, then the connection was dropped), yet another attempt came at +0.010s (200)"}},
		{"safe POST repeated after it was handled", []emulator.RecordedRequest{
			req("POST", "/x/services/svc/listkeys", "a", 0, 0, true, nil),
			req("POST", "/x/services/svc/listkeys", "a", 10*time.Millisecond, 200, true, nil),
		}, nil},
		{"PUT repeated after it was handled", []emulator.RecordedRequest{
			req("PUT", "/x/computes/aks", "a", 0, 0, true, nil),
			req("PUT", "/x/computes/aks", "a", 10*time.Millisecond, 200, true, nil),
		}, nil},
		{"no request id", []emulator.RecordedRequest{req("GET", models, "", 0, 200, true, nil)}, []string{"carries no x-ms-client-request-id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := logProblems(tc.reqs)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tc.want), strings.Join(got, "\n"))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d:\n%s\nwant it to contain:\n%s", i, got[i], w)
				}
			}
		})
	}
}
