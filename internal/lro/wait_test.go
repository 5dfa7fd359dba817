package lro

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// hour is a frequency long enough that any test finishing proves the wait
// was not taken.
const hour = time.Hour

func TestRetryAfterOverridesFrequency(t *testing.T) {
	tests := []struct {
		name   string
		header func() map[string]string
	}{
		{"retry-after-ms", func() map[string]string { return map[string]string{"retry-after-ms": "5"} }},
		{"x-ms-retry-after-ms", func() map[string]string { return map[string]string{"x-ms-retry-after-ms": "5"} }},
		{"Retry-After seconds", func() map[string]string { return map[string]string{"Retry-After": "1"} }},
		{"Retry-After HTTP date", func() map[string]string {
			return map[string]string{"Retry-After": time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat)}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &script{replies: []reply{
				{body: `{"status":"InProgress"}`, header: tc.header()},
				{body: `{"status":"Succeeded"}`},
			}}
			srv, pl := newServer(t, s)
			p, err := NewARM(pl, srv.URL+"/op/1", &Options{Frequency: hour})
			require.NoError(t, err)
			// The guard only bounds a broken test; with the one-hour frequency
			// the wait would otherwise run into it.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			st, err := p.Wait(ctx)
			require.NoError(t, err)
			require.Equal(t, "Succeeded", st.State)
			require.Equal(t, 2, p.PollCount())
		})
	}
}

func TestRetryAfterSequenceCountsPolls(t *testing.T) {
	// Every non-terminal response carries a 1 ms hint; the 1 h frequency is
	// never used, and exactly one GET is sent per hinted wait.
	ra := map[string]string{"retry-after-ms": "1"}
	var reps []reply
	for range 6 {
		reps = append(reps, reply{body: `{"state":"Running"}`, header: ra})
	}
	reps = append(reps, reply{body: `{"state":"Succeeded"}`})
	s := &script{replies: reps}
	srv, pl := newServer(t, s)
	p, err := NewMMS(pl, srv.URL+"/mms", "op", &Options{Frequency: hour})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = p.Wait(ctx)
	require.NoError(t, err)
	require.Equal(t, 7, p.PollCount())
	require.Len(t, s.requests(), 7)
}

func TestWaitCancelDuringDelay(t *testing.T) {
	s := &script{replies: replies(`{"status":"Running"}`)}
	srv, pl := newServer(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var cancelled time.Time
	first := make(chan struct{})
	var once sync.Once
	p, err := NewARM(pl, srv.URL+"/op/1", &Options{Frequency: hour, Progress: func(Event) {
		once.Do(func() { close(first) })
	}})
	require.NoError(t, err)
	go func() {
		<-first
		cancelled = time.Now()
		cancel()
	}()
	st, err := p.Wait(ctx)
	elapsed := time.Since(cancelled)
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, elapsed, 100*time.Millisecond)
	require.Equal(t, 1, p.PollCount())
	require.NotNil(t, st, "the last observed status is returned with the error")
	require.Equal(t, "Running", st.State)
}

func TestWaitCancelDuringRequest(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	inFlight := make(chan struct{})
	s := &script{replies: replies(`{"state":"Running"}`), hook: func(_ int, r *http.Request) {
		close(inFlight)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}}
	srv, pl := newServer(t, s)
	p, err := NewMMS(pl, srv.URL+"/mms", "op", &Options{Frequency: hour})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var cancelled time.Time
	go func() {
		<-inFlight
		cancelled = time.Now()
		cancel()
	}()
	st, err := p.Wait(ctx)
	elapsed := time.Since(cancelled)
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, elapsed, 100*time.Millisecond)
	require.Nil(t, st)
	require.Equal(t, "", p.State())
}

func TestWaitDeadline(t *testing.T) {
	s := &script{replies: replies(`{"status":"Running"}`)}
	srv, pl := newServer(t, s)
	p, err := NewARM(pl, srv.URL+"/op/1", &Options{Frequency: hour})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = p.Wait(ctx)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
}

func TestEffectiveFrequency(t *testing.T) {
	require.Equal(t, DefaultFrequency, effectiveFrequency(0, false))
	require.Equal(t, DefaultFrequency, effectiveFrequency(-time.Second, true))
	require.Equal(t, time.Second, effectiveFrequency(10*time.Millisecond, false), "azcore floor outside tests")
	require.Equal(t, 10*time.Millisecond, effectiveFrequency(10*time.Millisecond, true))
	require.Equal(t, 7*time.Second, effectiveFrequency(7*time.Second, false))
	o := &Options{}
	require.Equal(t, DefaultFrequency, o.frequency())
}

func TestProgressDeduplicatesStates(t *testing.T) {
	s := &script{replies: replies(`{"status":"InProgress"}`, `{"status":"InProgress"}`, `{"status":"inprogress"}`, `{"status":"Running"}`, `{"status":"Failed"}`)}
	srv, pl := newServer(t, s)
	rec := &recorder{}
	p, err := NewARM(pl, srv.URL+"/op/1", &Options{Frequency: time.Millisecond, Progress: rec.add})
	require.NoError(t, err)
	_, err = p.Wait(context.Background())
	var oe *OperationError
	require.ErrorAs(t, err, &oe)
	var states []string
	for _, e := range rec.all() {
		require.Equal(t, EventState, e.Kind)
		require.Equal(t, "1", e.OperationID)
		require.False(t, e.Time.IsZero())
		states = append(states, e.State)
	}
	require.Equal(t, []string{"InProgress", "Running", "Failed"}, states)
	require.Equal(t, 5, p.PollCount())
}

func TestPollCountIncludesFailures(t *testing.T) {
	s := &script{replies: []reply{{status: http.StatusServiceUnavailable}, {body: `{"status":"Succeeded"}`}}}
	srv, pl := newServer(t, s)
	p, err := NewARM(pl, srv.URL+"/op/1", fastOpts())
	require.NoError(t, err)
	_, err = p.Wait(context.Background())
	require.Error(t, err)
	require.Equal(t, 1, p.PollCount())
	st, err := p.Wait(context.Background())
	require.NoError(t, err)
	require.Equal(t, "Succeeded", st.State)
	require.Equal(t, 2, p.PollCount())
}
