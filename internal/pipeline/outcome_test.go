package pipeline

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOutcomeUnknownWhenANonIdempotentAnswerIsLost(t *testing.T) {
	t.Parallel()
	opts := &Options{RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}

	t.Run("reset after the request was read", func(t *testing.T) {
		t.Parallel()
		addr, _ := countingListener(t, readThenReset)
		_, err := send(context.Background(), newPipeline(t, nil, opts), http.MethodPost, "http://"+addr+"/create", `{"a":1}`)
		require.ErrorIs(t, err, ErrOutcomeUnknown)
		assert.Contains(t, err.Error(), "may have taken effect")
	})
	t.Run("truncated JSON answer", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"m:1","na`))
		}))
		t.Cleanup(srv.Close)
		_, err := send(context.Background(), newPipeline(t, nil, opts), http.MethodPatch, srv.URL+"/x", `[]`)
		require.ErrorIs(t, err, ErrOutcomeUnknown)
		require.ErrorIs(t, err, ErrTruncatedResponse)
	})
	t.Run("try timeout waiting for the answer", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
		t.Cleanup(func() { close(release); srv.Close() })
		o := *opts
		o.TryTimeout = 50 * time.Millisecond
		_, err := send(context.Background(), newPipeline(t, nil, &o), http.MethodPost, srv.URL+"/x", `{}`)
		require.ErrorIs(t, err, ErrOutcomeUnknown)
		require.ErrorIs(t, err, ErrTryTimeout)
	})
}

func TestOutcomeKnown(t *testing.T) {
	t.Parallel()
	opts := &Options{RetryMax: 1, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}

	t.Run("connection refused: never sent", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		_, err = send(context.Background(), newPipeline(t, nil, opts), http.MethodPost, "http://"+addr+"/create", `{}`)
		require.Error(t, err)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	})
	t.Run("idempotent calls", func(t *testing.T) {
		t.Parallel()
		addr, _ := countingListener(t, readThenReset)
		pl := newPipeline(t, nil, opts)
		_, err := send(context.Background(), pl, http.MethodGet, "http://"+addr+"/x", "")
		require.Error(t, err)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown)
		_, err = send(WithIdempotent(context.Background()), pl, http.MethodPost, "http://"+addr+"/x", `{}`)
		require.Error(t, err)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown)
	})
	t.Run("caller cancelled", func(t *testing.T) {
		t.Parallel()
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
		t.Cleanup(func() { close(release); srv.Close() })
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := send(ctx, newPipeline(t, nil, opts), http.MethodPost, srv.URL+"/x", `{}`)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.NotErrorIs(t, err, ErrOutcomeUnknown, "the caller who gave up knows why")
	})
	t.Run("an error status is an answer", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusConflict) }))
		t.Cleanup(srv.Close)
		resp, err := send(context.Background(), newPipeline(t, nil, opts), http.MethodPost, srv.URL+"/x", `{}`)
		require.NoError(t, err)
		assert.Equal(t, http.StatusConflict, resp.StatusCode)
	})
}
