package webservice_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/azureml-go/azureml/internal/emulator"
)

// TestEndToEndWithFaults runs the whole lifecycle while the local workspace
// throttles, fails, drops connections and answers slowly: the retry layer
// and the pollers must absorb all of it.
func TestEndToEndWithFaults(t *testing.T) {
	f := newFixture(t, nil)
	createPOST := func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/services")
	}
	for _, fault := range []emulator.Fault{
		// The create is not idempotent: only a 503 (not processed) is retried.
		{Match: createPOST, Status: http.StatusServiceUnavailable, RetryAfterMs: 5},
		// Best-effort pre-flight checks that fail are ignored.
		{Match: emulator.MatchRequest(http.MethodPost, "/services/validate"), Status: http.StatusInternalServerError, Count: -1},
		// Operation polls: throttled, then a dropped connection.
		{Match: emulator.MatchRequest(http.MethodGet, "/operations/"), Status: http.StatusTooManyRequests, RetryAfterMs: 5, Count: 2},
		{Match: emulator.MatchRequest(http.MethodGet, "/operations/"), DropBeforeRead: true},
		// Service reads fail transiently.
		{Match: emulator.MatchRequest(http.MethodGet, "/services/e2e-svc"), Status: http.StatusBadGateway, Count: 2},
		// Keys and tokens are read-only POSTs: retried.
		{Match: emulator.MatchRequest(http.MethodPost, "/listkeys"), Status: http.StatusTooManyRequests, RetryAfter: "0", Count: 2},
		{Match: emulator.MatchRequest(http.MethodPost, "/token"), Status: http.StatusInternalServerError},
		{Match: emulator.MatchRequest(http.MethodPost, "/token"), DropAfterHandle: true},
		// Logs are slow.
		{Match: emulator.MatchRequest(http.MethodGet, "/logs"), Delay: 30 * time.Millisecond, Count: 2},
		// The key regeneration POST is throttled once.
		{Match: emulator.MatchRequest(http.MethodPost, "/regenerateKeys"), Status: http.StatusServiceUnavailable, RetryAfterMs: 5},
		// The update PATCH is throttled once.
		{Match: emulator.MatchRequest(http.MethodPatch, "/services/e2e-svc"), Status: http.StatusTooManyRequests, RetryAfterMs: 5},
	} {
		f.srv.InjectFault(fault)
	}
	runLifecycle(t, f)
	faulted := 0
	for _, r := range f.srv.Requests() {
		if r.Faulted {
			faulted++
		}
	}
	if faulted < 13 {
		t.Errorf("only %d requests were faulted; the test does not exercise what it claims", faulted)
	}
}
