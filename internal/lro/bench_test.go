package lro_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/internal/lro"
	"github.com/azureml-go/azureml/internal/pipeline"
)

// Wait efficiency against the local workspace, on a scaled clock: one second
// of azureml-core time is coreSecond of real time. The scale applies to
// everything timed: the operation's duration, the server's Retry-After hint,
// azureml-core's fixed 5 s poll interval and the default Frequency of ours.
const coreSecond = 10 * time.Millisecond

// azuremlCoreInterval is azureml-core's fixed sleep between operation GETs
// (compute wait_for_completion and webservice wait_for_deployment alike).
const azuremlCoreInterval = 5 * coreSecond

// Operation durations spread evenly over [minOpDuration, maxOpDuration] (in
// azureml-core seconds: 30 s to 150 s) along a golden-ratio (Weyl) sequence,
// so that the end of an operation falls at every phase of either poller's
// schedule, with far less sampling noise than random draws, and the same
// durations in every run.
const golden = 0.6180339887498949
const (
	minOpDuration = 30 * coreSecond
	maxOpDuration = 150 * coreSecond
)

// waitResult is what one wait cost.
type waitResult struct {
	polls    int
	lag      time.Duration // from the operation's endTime to the wait returning
	duration time.Duration // the operation's startTime to endTime
}

// excessPolls is how many more polls than ceil(duration/period)+1 a wait
// made: with at least period between polls, the poll at k·period ≥ duration
// already sees the end, so a wait that honours period never exceeds it.
func (r waitResult) excessPolls(period time.Duration) int {
	allowed := int((r.duration+period-1)/period) + 1
	return max(0, r.polls-allowed)
}

// staticToken is the credential of the benchmark's pipeline (the local
// workspace accepts any bearer token).
type staticToken struct{}

func (staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "bench-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// startCompute creates an AKS compute on srv, an ARM operation that stays
// InProgress for the server's OperationDelay, and returns its
// Azure-AsyncOperation URL.
func startCompute(ctx context.Context, pl runtime.Pipeline, srv *emulator.Server, name string) (string, error) {
	info := srv.Info()
	u := fmt.Sprintf("%s/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s/computes/%s?api-version=2020-02-02",
		info.ARMEndpoint, info.SubscriptionID, info.ResourceGroup, info.WorkspaceName, name)
	req, err := runtime.NewRequest(ctx, http.MethodPut, u)
	if err != nil {
		return "", err
	}
	if err := runtime.MarshalAsJSON(req, map[string]any{"location": "eastus", "properties": map[string]any{"computeType": "AKS"}}); err != nil {
		return "", err
	}
	resp, err := pl.Do(req)
	if err != nil {
		return "", err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK, http.StatusCreated) {
		return "", runtime.NewResponseError(resp)
	}
	return resp.Header.Get("Azure-AsyncOperation"), nil
}

// opTimes reads the operation's startTime and endTime from its final status
// body.
func opTimes(st *lro.Status) (start, end time.Time, err error) {
	var body struct {
		StartTime string `json:"startTime"`
		EndTime   string `json:"endTime"`
	}
	if err = json.Unmarshal(st.Raw, &body); err != nil {
		return start, end, err
	}
	if start, err = time.Parse(time.RFC3339Nano, body.StartTime); err != nil {
		return start, end, err
	}
	end, err = time.Parse(time.RFC3339Nano, body.EndTime)
	return start, end, err
}

// oursWait is this SDK's wait: Retry-After when the server sends one, else
// the default 5 s (scaled) frequency.
func oursWait(ctx context.Context, p *lro.Poller) (*lro.Status, error) {
	return p.Wait(ctx)
}

// fixedIntervalWait is the baseline: azureml-core's loop, a GET then a fixed
// 5 s (scaled) sleep, whatever the server hints.
func fixedIntervalWait(ctx context.Context, p *lro.Poller) (*lro.Status, error) {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		st, err := p.Poll(ctx)
		if err != nil {
			return nil, err
		}
		if p.Done() {
			return p.Result(ctx)
		}
		t.Reset(azuremlCoreInterval)
		select {
		case <-t.C:
		case <-ctx.Done():
			return st, ctx.Err()
		}
	}
}

// measure polls one operation to its end with wait and reports the cost.
func measure(ctx context.Context, pl runtime.Pipeline, opURL string, wait func(context.Context, *lro.Poller) (*lro.Status, error)) (waitResult, error) {
	p, err := lro.NewARM(pl, opURL, &lro.Options{Frequency: azuremlCoreInterval})
	if err != nil {
		return waitResult{}, err
	}
	st, err := wait(ctx, p)
	returned := time.Now()
	if err != nil {
		return waitResult{}, err
	}
	start, end, err := opTimes(st)
	if err != nil {
		return waitResult{}, fmt.Errorf("operation times: %w", err)
	}
	return waitResult{polls: p.PollCount(), lag: returned.Sub(end), duration: end.Sub(start)}, nil
}

// race runs, on a fresh local workspace whose operations last d and hint
// hint, one compute creation per poller, both at the same time.
func race(ctx context.Context, d, hint time.Duration) (ours, base waitResult, err error) {
	srv, err := emulator.New(emulator.Options{OperationDelay: d, RetryAfter: hint})
	if err != nil {
		return ours, base, err
	}
	defer srv.Close()
	// A client of its own per iteration: no pooled connection outlives the
	// local workspace it was opened to.
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	pl, err := pipeline.New(staticToken{}, &pipeline.Options{HTTPClient: client})
	if err != nil {
		return ours, base, err
	}
	urlOurs, err := startCompute(ctx, pl, srv, "ours")
	if err != nil {
		return ours, base, err
	}
	urlBase, err := startCompute(ctx, pl, srv, "base")
	if err != nil {
		return ours, base, err
	}
	var wg sync.WaitGroup
	var errOurs, errBase error
	wg.Go(func() { ours, errOurs = measure(ctx, pl, urlOurs, oursWait) })
	wg.Go(func() { base, errBase = measure(ctx, pl, urlBase, fixedIntervalWait) })
	wg.Wait()
	if errOurs != nil {
		return ours, base, fmt.Errorf("ours: %w", errOurs)
	}
	if errBase != nil {
		return ours, base, fmt.Errorf("fixed 5 s: %w", errBase)
	}
	return ours, base, nil
}

// BenchmarkWaitEfficiency compares, in the same run, this SDK's wait (which
// honours the server's Retry-After) with azureml-core's fixed 5 s poll, on
// operations of the local workspace whose durations spread evenly over
// 30–150 s, for several server hints. Times are on the scaled clock (1 s of
// azureml-core time = 10 ms) and reported in azureml-core seconds. Metrics,
// per operation:
//
//	polls/op, base-polls/op, polls-ratio   status GETs (ours, baseline, ours/baseline)
//	lag-s/op, base-lag-s/op, lag-ratio     detection lag: endTime to the wait returning
//	p90-lag/hint, max-lag/hint             ours' 90th-percentile and worst lag in units of the
//	                                       hint (≤ 1 plus overhead; the worst case also shows any
//	                                       scheduler stall of the machine, which the 100× scaled
//	                                       clock magnifies)
//	excess-polls/op, base-excess-polls/op  polls beyond ceil(duration/period)+1 (0 when the
//	                                       hint, or the fixed 5 s, is honoured)
//
// Run: go test -run '^$' -bench BenchmarkWaitEfficiency -benchtime 20x ./internal/lro/
func BenchmarkWaitEfficiency(b *testing.B) {
	for _, hintSeconds := range []int{0, 1, 2, 5, 10} {
		name := fmt.Sprintf("hint=%ds", hintSeconds)
		if hintSeconds == 0 {
			name = "hint=none"
		}
		b.Run(name, func(b *testing.B) {
			hint := time.Duration(hintSeconds) * coreSecond
			period := hint
			if period == 0 {
				period = azuremlCoreInterval // no hint: our Frequency
			}
			var ours, base waitResult
			var lags []time.Duration
			var excess, baseExcess int
			i := 0
			for b.Loop() {
				u := math.Mod(0.5+float64(i)*golden, 1)
				d := minOpDuration + time.Duration(u*float64(maxOpDuration-minOpDuration))
				o, bl, err := race(context.Background(), d, hint)
				if err != nil {
					b.Fatal(err)
				}
				i++
				ours.polls += o.polls
				ours.lag += o.lag
				base.polls += bl.polls
				base.lag += bl.lag
				lags = append(lags, o.lag)
				excess += o.excessPolls(period)
				baseExcess += bl.excessPolls(azuremlCoreInterval)
			}
			n := float64(i)
			coreSeconds := func(d time.Duration) float64 { return float64(d) / float64(coreSecond) }
			b.ReportMetric(float64(ours.polls)/n, "polls/op")
			b.ReportMetric(float64(base.polls)/n, "base-polls/op")
			b.ReportMetric(float64(ours.polls)/float64(base.polls), "polls-ratio")
			b.ReportMetric(coreSeconds(ours.lag)/n, "lag-s/op")
			b.ReportMetric(coreSeconds(base.lag)/n, "base-lag-s/op")
			b.ReportMetric(float64(ours.lag)/float64(base.lag), "lag-ratio")
			slices.Sort(lags)
			p90 := lags[int(math.Ceil(0.9*float64(len(lags))))-1]
			b.ReportMetric(float64(p90)/float64(period), "p90-lag/hint")
			b.ReportMetric(float64(lags[len(lags)-1])/float64(period), "max-lag/hint")
			b.ReportMetric(float64(excess)/n, "excess-polls/op")
			b.ReportMetric(float64(baseExcess)/n, "base-excess-polls/op")
		})
	}
}

// TestWaitEfficiencyHarness runs the benchmark's harness once so that it
// cannot rot; it checks what was measured, not how fast.
func TestWaitEfficiencyHarness(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const d = 20 * coreSecond // long enough that the first poll sees it in progress
	ours, base, err := race(ctx, d, coreSecond)
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]waitResult{"ours": ours, "fixed": base} {
		if r.polls < 2 {
			t.Errorf("%s: %d polls; the operation is in progress at the first poll", name, r.polls)
		}
		if r.lag < 0 {
			t.Errorf("%s: negative lag %s: the wait returned before the operation ended", name, r.lag)
		}
		if r.duration < d {
			t.Errorf("%s: operation took %s, less than its OperationDelay", name, r.duration)
		}
	}
}
