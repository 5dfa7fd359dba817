package pipeline

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func respWith(h map[string]string) *http.Response {
	r := &http.Response{Header: http.Header{}}
	for k, v := range h {
		r.Header.Set(k, v)
	}
	return r
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		h    map[string]string
		want time.Duration
	}{
		{"none", nil, 0},
		{"retry-after-ms", map[string]string{"retry-after-ms": "150"}, 150 * time.Millisecond},
		{"x-ms-retry-after-ms", map[string]string{"x-ms-retry-after-ms": "70"}, 70 * time.Millisecond},
		{"seconds", map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{"http-date", map[string]string{"Retry-After": now.Add(5 * time.Second).Format(http.TimeFormat)}, 5 * time.Second},
		{"http-date in the past", map[string]string{"Retry-After": now.Add(-5 * time.Second).Format(http.TimeFormat)}, 0},
		{"order: retry-after-ms first", map[string]string{"retry-after-ms": "10", "x-ms-retry-after-ms": "20", "Retry-After": "30"}, 10 * time.Millisecond},
		{"order: x-ms-retry-after-ms before Retry-After", map[string]string{"x-ms-retry-after-ms": "20", "Retry-After": "30"}, 20 * time.Millisecond},
		{"unparsable ms falls through", map[string]string{"retry-after-ms": "soon", "Retry-After": "2"}, 2 * time.Second},
		{"zero falls through", map[string]string{"retry-after-ms": "0", "Retry-After": "2"}, 2 * time.Second},
		{"negative", map[string]string{"Retry-After": "-4"}, 0},
		{"garbage", map[string]string{"Retry-After": "tomorrow-ish"}, 0},
		{"huge saturates", map[string]string{"Retry-After": "99999999999999999999"}, maxDuration},
		{"NaN", map[string]string{"retry-after-ms": "NaN"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, retryAfter(respWith(tc.h), now))
		})
	}
	assert.Zero(t, retryAfter(nil, now))
}

func TestBackoffWait(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	b := backoff{now: func() time.Time { return now }, random: func() float64 { return 0 }}
	const lo, hi = 100 * time.Millisecond, 2 * time.Second

	// The server's hint is honoured, even below RetryWaitMin.
	assert.Equal(t, 10*time.Millisecond, b.wait(lo, hi, 0, respWith(map[string]string{"retry-after-ms": "10"})))
	// A hint up to the maximum is waited for exactly.
	assert.Equal(t, hi, b.wait(lo, hi, 0, respWith(map[string]string{"Retry-After": "2"})))
	// checkRetry gives up on a longer hint before Backoff runs; the clamp here
	// is only a guard.
	assert.Equal(t, hi, b.wait(lo, hi, 0, respWith(map[string]string{"Retry-After": "3600"})))
	// No hint: exponential from the minimum.
	assert.Equal(t, 80*time.Millisecond, b.wait(lo, hi, 0, nil))
	assert.Equal(t, 80*time.Millisecond, b.wait(lo, hi, 0, respWith(nil)))
}

func TestExponential(t *testing.T) {
	const lo, hi = 800 * time.Millisecond, 60 * time.Second
	// (2^(n+1) - 1) × 800ms × [0.8, 1.3)
	for n, want := range []time.Duration{800 * time.Millisecond, 2400 * time.Millisecond, 5600 * time.Millisecond, 12000 * time.Millisecond} {
		assert.Equal(t, want*8/10, exponential(lo, hi, n, 0), "attempt %d, lowest jitter", n)
		assert.InDelta(t, float64(want)*1.3, float64(exponential(lo, hi, n, 0.999999999)), float64(time.Millisecond), "attempt %d, highest jitter", n)
	}
	assert.Equal(t, hi, exponential(lo, hi, 10, 0.5), "capped")
	assert.Equal(t, hi, exponential(lo, hi, 1000, 0.5), "no overflow")
	assert.Equal(t, 800*time.Millisecond*8/10, exponential(lo, hi, -3, 0), "negative attempt treated as first")
	assert.Zero(t, exponential(0, hi, 2, 0.5))
}

// timedServer answers with first for the first request and 200 afterwards,
// recording when each request arrived.
type timedServer struct {
	mu    sync.Mutex
	times []time.Time
}

func startTimedServer(t *testing.T, first func(w http.ResponseWriter)) (*timedServer, string) {
	t.Helper()
	ts := &timedServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		ts.mu.Lock()
		ts.times = append(ts.times, time.Now())
		n := len(ts.times)
		ts.mu.Unlock()
		if n == 1 {
			first(w)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return ts, srv.URL
}

func (ts *timedServer) arrivals() []time.Time {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]time.Time(nil), ts.times...)
}

// TestServerHintsAreWaitedFor checks end to end that the retry does not come
// before the server's hint, also when the hint is exactly RetryWaitMax.
// Lower bounds only.
func TestServerHintsAreWaitedFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		header  string
		value   func() string
		waitMax time.Duration
		atLeast time.Duration
	}{
		{name: "retry-after-ms", header: "retry-after-ms", value: func() string { return "60" }, atLeast: 60 * time.Millisecond},
		{name: "x-ms-retry-after-ms", header: "x-ms-retry-after-ms", value: func() string { return "60" }, atLeast: 60 * time.Millisecond},
		{name: "Retry-After seconds", header: "Retry-After", value: func() string { return "1" }, atLeast: time.Second},
		{name: "retry-after-ms equal to RetryWaitMax", header: "retry-after-ms", value: func() string { return "80" }, waitMax: 80 * time.Millisecond, atLeast: 80 * time.Millisecond},
		{name: "Retry-After seconds equal to RetryWaitMax", header: "Retry-After", value: func() string { return "1" }, waitMax: time.Second, atLeast: time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts, base := startTimedServer(t, func(w http.ResponseWriter) {
				w.Header().Set(tc.header, tc.value())
				w.WriteHeader(http.StatusServiceUnavailable)
			})
			waitMax := tc.waitMax
			if waitMax == 0 {
				waitMax = 10 * time.Second
			}
			pl := newPipeline(t, nil, &Options{RetryWaitMin: time.Millisecond, RetryWaitMax: waitMax})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()

			resp, err := send(ctx, pl, http.MethodGet, base+"/x", "")
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			at := ts.arrivals()
			require.Len(t, at, 2)
			assert.GreaterOrEqual(t, at[1].Sub(at[0]), tc.atLeast)
		})
	}
}

func TestRetryAfterHTTPDateIsWaitedFor(t *testing.T) {
	t.Parallel()
	var until time.Time
	ts, base := startTimedServer(t, func(w http.ResponseWriter) {
		until = time.Now().Add(2 * time.Second).Truncate(time.Second) // HTTP-date has whole seconds
		w.Header().Set("Retry-After", until.UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusTooManyRequests)
	})
	pl := newPipeline(t, nil, &Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Second})

	resp, err := send(context.Background(), pl, http.MethodGet, base+"/x", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	at := ts.arrivals()
	require.Len(t, at, 2)
	assert.False(t, at[1].Round(0).Before(until), "second attempt at %v, asked for %v", at[1], until)
}

// A server that asks for a longer wait than RetryWaitMax is never retried
// sooner than it asked: the call gives up at once with that response.
func TestOverlongServerHintGivesUpWithTheResponse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		header string
		value  func() string
	}{
		{"Retry-After seconds", http.StatusTooManyRequests, "Retry-After", func() string { return "3600" }},
		{"Retry-After HTTP-date", http.StatusServiceUnavailable, "Retry-After", func() string { return time.Now().Add(time.Hour).UTC().Format(http.TimeFormat) }},
		{"retry-after-ms", http.StatusTooManyRequests, "retry-after-ms", func() string { return strconv.Itoa(int(time.Hour / time.Millisecond)) }},
		{"x-ms-retry-after-ms", http.StatusServiceUnavailable, "x-ms-retry-after-ms", func() string { return "120000" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var value string
			ts, base := startTimedServer(t, func(w http.ResponseWriter) {
				value = tc.value()
				w.Header().Set(tc.header, value)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(`{"error":{"code":"TooManyRequests","message":"slow down"}}`))
			})
			pl := newPipeline(t, nil, &Options{RetryWaitMin: time.Millisecond, RetryWaitMax: time.Minute})
			// The deadline only bounds a broken test: an hour-long wait would hit it.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()

			resp, err := send(ctx, pl, http.MethodGet, base+"/x", "")
			require.NoError(t, err, "the response, not an error, goes back to azcore")
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Len(t, ts.arrivals(), 1, "no retry sooner than the server asked")
			assert.Equal(t, 1, Attempts(resp))
			assert.Equal(t, value, resp.Header.Get(tc.header), "the caller can read how long to wait")
			var re *azcore.ResponseError
			require.ErrorAs(t, runtime.NewResponseError(resp), &re)
			assert.Equal(t, tc.status, re.StatusCode)
			assert.Equal(t, "TooManyRequests", re.ErrorCode)
		})
	}
}
