package lro_test

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/internal/lro"
	"github.com/azureml-go/azureml/internal/pipeline"
)

// TestWaitSurvivesFaultsOnTheLocalWorkspace polls a real operation of the
// local workspace through the SDK's pipeline while its status GETs meet each
// fault class of issue 8: truncated JSON, a response slower than TryTimeout,
// a connection lost after the request was handled, 503 with Retry-After in
// seconds, 429 with Retry-After as an HTTP date and 429 with retry-after-ms.
// The wait must finish, every fault must have been met, and no retry may
// come sooner than the server asked.
func TestWaitSurvivesFaultsOnTheLocalWorkspace(t *testing.T) {
	t.Parallel()
	srv, err := emulator.New(emulator.Options{OperationDelay: 20 * time.Millisecond, RetryAfter: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	pl, err := pipeline.New(staticToken{}, &pipeline.Options{
		HTTPClient: client, RetryMax: 10, RetryWaitMin: time.Millisecond, RetryWaitMax: 3 * time.Second,
		TryTimeout: 250 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	opURL, err := startCompute(ctx, pl, srv, "faulty")
	if err != nil {
		t.Fatal(err)
	}

	// Whole seconds only; far enough ahead that it is still in the future when
	// the fault acts (after the 1 s of the 503 before it).
	dateHint := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	onPoll := emulator.MatchRequest(http.MethodGet, "/operations/arm/")
	faults := []emulator.Fault{
		{Match: onPoll, TruncateBody: true},
		{Match: onPoll, Delay: time.Minute}, // far beyond TryTimeout; abandoned by the client
		{Match: onPoll, DropAfterHandle: true},
		{Match: onPoll, Status: http.StatusServiceUnavailable, RetryAfter: "1"},
		{Match: onPoll, TruncateBody: true},
		{Match: onPoll, Status: http.StatusTooManyRequests, RetryAfter: dateHint},
		{Match: onPoll, Status: http.StatusTooManyRequests, RetryAfterMs: 40},
	}
	for _, f := range faults {
		srv.InjectFault(f)
	}
	srv.ClearRequests()

	p, err := lro.NewARM(pl, opURL, &lro.Options{Frequency: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Wait(ctx)
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	if st.State != lro.StateSucceeded {
		t.Fatalf("state %q", st.State)
	}

	var polls []emulator.RecordedRequest
	for _, r := range srv.Requests() {
		if strings.Contains(r.Path, "/operations/arm/") {
			polls = append(polls, r)
		}
	}
	sort.Slice(polls, func(i, j int) bool { return polls[i].Time.Before(polls[j].Time) })
	faulted := 0
	for _, r := range polls {
		if r.Faulted {
			faulted++
		}
	}
	if faulted != len(faults) {
		t.Fatalf("%d faulted polls, want %d (every fault met)", faulted, len(faults))
	}
	// The faults act in injection order on consecutive attempts.
	asked := map[int]func(at time.Time) time.Time{
		3: func(at time.Time) time.Time { return at.Add(time.Second) },
		5: func(time.Time) time.Time { d, _ := http.ParseTime(dateHint); return d },
		6: func(at time.Time) time.Time { return at.Add(40 * time.Millisecond) },
	}
	if d, _ := http.ParseTime(dateHint); !polls[5].Time.Before(d) {
		t.Fatalf("the HTTP-date hint %s had passed when its fault acted (%s): nothing was tested", dateHint, polls[5].Time)
	}
	for i, notBefore := range asked {
		if i+1 >= len(polls) {
			t.Fatalf("no request after fault %d", i)
		}
		if next, earliest := polls[i+1].Time, notBefore(polls[i].Time); next.Before(earliest) {
			t.Errorf("after fault %d the next poll came at %s, before the server's %s", i, next.Format(time.RFC3339Nano), earliest.Format(time.RFC3339Nano))
		}
	}
}
