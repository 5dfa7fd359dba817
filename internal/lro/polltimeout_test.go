package lro

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hangOn makes the script's hook block the given requests (0-based) until
// the client gives up on them.
func hangOn(requests ...int) func(n int, r *http.Request) {
	return func(n int, r *http.Request) {
		for _, h := range requests {
			if n == h {
				<-r.Context().Done()
			}
		}
	}
}

// guardCtx bounds a test whose failure mode is to hang.
func guardCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestPollTimeoutFailsASinglePoll(t *testing.T) {
	s := &script{replies: replies(`{"status":"InProgress"}`), hook: hangOn(0)}
	srv, pl := newServer(t, s)
	p, err := NewARM(pl, srv.URL+"/operations/op-7", &Options{PollTimeout: 150 * time.Millisecond})
	require.NoError(t, err)

	st, err := p.Poll(guardCtx(t))
	require.Error(t, err)
	assert.Nil(t, st)
	assert.ErrorIs(t, err, ErrPollTimeout)
	assert.NotErrorIs(t, err, context.DeadlineExceeded, "the caller's context did not end")
	assert.Contains(t, err.Error(), "op-7")
	assert.Contains(t, err.Error(), "PollTimeout")
	assert.Equal(t, "", p.State(), "state unchanged")
	assert.False(t, p.Done())

	// The next poll is answered.
	st, err = p.Poll(guardCtx(t))
	require.NoError(t, err)
	assert.Equal(t, "InProgress", st.State)
	assert.Equal(t, 2, p.PollCount())
}

func TestWaitSkipsAHungPoll(t *testing.T) {
	for _, kind := range []Kind{KindARM, KindMMS} {
		t.Run(string(kind), func(t *testing.T) {
			field := "status"
			if kind == KindMMS {
				field = "state"
			}
			s := &script{
				replies: replies(`{"`+field+`":"Running"}`, `{"`+field+`":"Running"}`, `{"`+field+`":"Running"}`, `{"`+field+`":"Succeeded"}`),
				hook:    hangOn(1, 2),
			}
			srv, pl := newServer(t, s)
			opts := &Options{Frequency: time.Millisecond, PollTimeout: 150 * time.Millisecond}
			var p *Poller
			var err error
			if kind == KindARM {
				p, err = NewARM(pl, srv.URL+"/operations/op-1", opts)
			} else {
				p, err = NewMMS(pl, srv.URL+"/mms", "op-1", opts)
			}
			require.NoError(t, err)

			st, err := p.Wait(guardCtx(t))
			require.NoError(t, err, "two hung GETs do not end the wait")
			assert.Equal(t, "Succeeded", st.State)
			assert.Equal(t, 4, p.PollCount())
			assert.Len(t, s.requests(), 4)
		})
	}
}

func TestWaitCallerDeadlineDuringAHungPollIsReturned(t *testing.T) {
	s := &script{replies: replies(`{"status":"InProgress"}`), hook: hangOn(1)}
	srv, pl := newServer(t, s)
	p, err := NewARM(pl, srv.URL+"/operations/op-1", &Options{Frequency: time.Millisecond, PollTimeout: time.Hour})
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(guardCtx(t), 300*time.Millisecond)
	defer cancel()
	st, err := p.Wait(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, ErrPollTimeout)
	require.NotNil(t, st, "the last observed status comes back")
	assert.Equal(t, "InProgress", st.State)
	assert.Equal(t, 2, p.PollCount())
}

func TestWaitWhoseEveryPollHangsEndsWithTheCallersContext(t *testing.T) {
	s := &script{replies: replies(`{"status":"InProgress"}`), hook: func(_ int, r *http.Request) { <-r.Context().Done() }}
	srv, pl := newServer(t, s)
	p, err := NewARM(pl, srv.URL+"/operations/op-1", &Options{Frequency: time.Millisecond, PollTimeout: 50 * time.Millisecond})
	require.NoError(t, err)

	// 40 poll timeouts' worth: room for a busy machine to send a second poll.
	ctx, cancel := context.WithTimeout(guardCtx(t), 2*time.Second)
	defer cancel()
	_, err = p.Wait(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Greater(t, p.PollCount(), 1, "each hung GET was given up and the next one sent")
}

func TestPollTimeoutDefaults(t *testing.T) {
	assert.Equal(t, 80*time.Second, DefaultPollTimeout, "azureml-core's MMS operation GET timeout")
	assert.Equal(t, DefaultPollTimeout, (&Options{}).pollTimeout())
	assert.Equal(t, time.Second, (&Options{PollTimeout: time.Second}).pollTimeout())

	h := &handler{opts: Options{PollTimeout: -1}}
	ctx, cancel := h.pollContext(context.Background())
	defer cancel()
	_, hasDeadline := ctx.Deadline()
	assert.False(t, hasDeadline, "negative: no limit")

	h.opts.PollTimeout = 0
	ctx2, cancel2 := h.pollContext(context.Background())
	defer cancel2()
	dl, ok := ctx2.Deadline()
	require.True(t, ok)
	assert.InDelta(t, float64(DefaultPollTimeout), float64(time.Until(dl)), float64(5*time.Second))
}

func TestResumedPollerKeepsItsPollTimeoutFromOptions(t *testing.T) {
	s := &script{replies: replies(`{"status":"InProgress"}`, `{"status":"Succeeded"}`), hook: hangOn(0)}
	srv, pl := newServer(t, s)
	p, err := NewARM(pl, srv.URL+"/operations/op-1", nil)
	require.NoError(t, err)
	tok, err := p.ResumeToken()
	require.NoError(t, err)

	r, err := Resume(pl, tok, &Options{Frequency: time.Millisecond, PollTimeout: 150 * time.Millisecond})
	require.NoError(t, err)
	st, err := r.Wait(guardCtx(t))
	require.NoError(t, err)
	assert.Equal(t, "Succeeded", st.State)
}
