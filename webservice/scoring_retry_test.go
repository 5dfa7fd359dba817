package webservice

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/workspace"
)

// attemptLog records the arrival and request id of every request.
type attemptLog struct {
	mu    sync.Mutex
	times []time.Time
	ids   []string
}

func (l *attemptLog) add(r *http.Request) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.times = append(l.times, time.Now())
	l.ids = append(l.ids, r.Header.Get("X-Ms-Client-Request-Id"))
	return len(l.times)
}

func TestScoringClientRetriesWhatTheRouterRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		header string
		value  string
		wait   time.Duration
	}{
		{"503 retry-after-ms", http.StatusServiceUnavailable, "retry-after-ms", "80", 80 * time.Millisecond},
		{"429 Retry-After seconds", http.StatusTooManyRequests, "Retry-After", "1", time.Second},
		{"503 without a hint", http.StatusServiceUnavailable, "", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log attemptLog
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				if log.add(r) <= 2 {
					if tc.header != "" {
						w.Header().Set(tc.header, tc.value)
					}
					http.Error(w, "busy", tc.status)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"ok":true}`))
			}))
			t.Cleanup(srv.Close)
			c, err := NewScoringClient(srv.URL+"/score", nil, &ScoringOptions{RetryDelay: time.Millisecond})
			require.NoError(t, err)
			out, err := c.Score(context.Background(), []byte(`{}`))
			require.NoError(t, err)
			assert.JSONEq(t, `{"ok":true}`, string(out))
			require.Len(t, log.ids, 3)
			assert.Equal(t, log.ids[0], log.ids[2], "retries keep the x-ms-client-request-id")
			for i := 1; i < 3; i++ {
				assert.GreaterOrEqual(t, log.times[i].Sub(log.times[i-1]), tc.wait, "never sooner than the server asked")
			}
		})
	}
}

func TestScoringClientDoesNotRetry(t *testing.T) {
	for _, tc := range []struct {
		name   string
		handle func(w http.ResponseWriter)
		check  func(t *testing.T, err error)
	}{
		{"a hint above MaxRetryDelay", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "120")
			http.Error(w, "busy", http.StatusTooManyRequests)
		}, func(t *testing.T, err error) {
			var se *ScoringError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, 2*time.Minute, se.RetryAfter)
		}},
		{"a 503 that run() raised", func(w http.ResponseWriter) {
			w.Header().Set("X-Ms-Run-Function-Failed", "True")
			http.Error(w, "boom", http.StatusServiceUnavailable)
		}, func(t *testing.T, err error) {
			var se *ScoringError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, SourceModel, se.Source)
		}},
		{"a cut-short JSON answer", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"predictions": [2.4`))
		}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, workspace.ErrOutcomeUnknown)
			assert.Contains(t, err.Error(), "not valid JSON")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				n.Add(1)
				tc.handle(w)
			}))
			t.Cleanup(srv.Close)
			c, err := NewScoringClient(srv.URL+"/score", nil, &ScoringOptions{RetryDelay: time.Millisecond})
			require.NoError(t, err)
			_, err = c.Score(context.Background(), []byte(`{}`))
			tc.check(t, err)
			assert.Equal(t, int32(1), n.Load(), "sent once")
		})
	}
}

func TestScoringClientConnectionFailures(t *testing.T) {
	t.Run("refused: never sent, retried", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		c, err := NewScoringClient("http://"+addr+"/score", nil, &ScoringOptions{MaxRetries: 2, RetryDelay: time.Millisecond})
		require.NoError(t, err)
		_, err = c.Score(context.Background(), []byte(`{}`))
		require.Error(t, err)
		assert.NotErrorIs(t, err, workspace.ErrOutcomeUnknown, "a refused connection carried nothing")
	})
	t.Run("reset after the request was read: the answer is lost", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		t.Cleanup(func() { ln.Close() })
		var n atomic.Int32
		go func() {
			for {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				n.Add(1)
				if req, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
					_, _ = io.Copy(io.Discard, req.Body)
				}
				_ = conn.Close()
			}
		}()
		c, err := NewScoringClient("http://"+ln.Addr().String()+"/score", nil, &ScoringOptions{RetryDelay: time.Millisecond})
		require.NoError(t, err)
		_, err = c.Score(context.Background(), []byte(`{}`))
		require.ErrorIs(t, err, workspace.ErrOutcomeUnknown)
		assert.Contains(t, err.Error(), "run() may have run it")
		assert.Equal(t, int32(1), n.Load(), "not sent again")
	})
}
