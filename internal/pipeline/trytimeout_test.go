package pipeline

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tryTimeout is the TryTimeout of these tests. The servers that "hang" block
// until the client goes away, so no test depends on a sleep being long
// enough, only on the watchdog firing at all; it is generous so that a
// healthy attempt on a loaded machine never runs into it.
const tryTimeout = 200 * time.Millisecond

// hangingServer serves request n (1-based) with handlers[n-1]; requests past
// the last handler get the last one. It counts requests.
func hangingServer(t *testing.T, handlers ...http.HandlerFunc) (string, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(hits.Add(1))
		handlers[min(n, len(handlers))-1](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &hits
}

// hang blocks until the client abandons the request.
func hang(_ http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

// guard bounds a test whose failure mode would be to hang.
func guard(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func okJSON(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}
}

func timeoutOptions() *Options {
	return &Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, TryTimeout: tryTimeout}
}

func TestSlowResponseIsAbandonedAndRetried(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method string
		ctx    func(context.Context) context.Context
	}{
		{http.MethodGet, func(c context.Context) context.Context { return c }},
		{http.MethodPut, func(c context.Context) context.Context { return c }},
		{http.MethodDelete, func(c context.Context) context.Context { return c }},
		{http.MethodPost, WithIdempotent},
		{http.MethodPatch, WithIdempotent},
	} {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			base, hits := hangingServer(t, hang, okJSON(`{"ok":true}`))
			pl := newPipeline(t, nil, timeoutOptions())
			resp, err := send(tc.ctx(guard(t)), pl, tc.method, base+"/x", `{"a":1}`)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, int32(2), hits.Load())
			assert.Equal(t, "try timeout", resp.Header.Get(HeaderRetryReasons))
			body, err := runtime.Payload(resp)
			require.NoError(t, err)
			assert.JSONEq(t, `{"ok":true}`, string(body))
		})
	}
}

func TestSlowResponseToWrittenPOSTIsNotRepeated(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			base, hits := hangingServer(t, hang, okJSON(`{}`))
			pl := newPipeline(t, nil, timeoutOptions())
			_, err := send(guard(t), pl, method, base+"/create", `{"a":1}`)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrTryTimeout)
			assert.NotErrorIs(t, err, context.DeadlineExceeded, "the caller's context did not end")
			assert.NotErrorIs(t, err, context.Canceled)
			assert.Contains(t, err.Error(), "TryTimeout")
			assert.Contains(t, err.Error(), "before the response headers")
			assert.Equal(t, int32(1), hits.Load(), "the server had the request; it must not get it twice")
		})
	}
}

func TestTryTimeoutGivesUpAfterTheRetryBudget(t *testing.T) {
	t.Parallel()
	base, hits := hangingServer(t, hang)
	opts := timeoutOptions()
	opts.RetryMax = 2
	pl := newPipeline(t, nil, opts)
	_, err := send(guard(t), pl, http.MethodGet, base+"/x", "")
	require.ErrorIs(t, err, ErrTryTimeout)
	assert.Equal(t, 3, attemptsOf(t, err))
	assert.Equal(t, int32(3), hits.Load())
	assert.Contains(t, err.Error(), "retried after: try timeout, try timeout")
}

func TestCallerDeadlineShorterThanTryTimeoutWins(t *testing.T) {
	t.Parallel()
	base, hits := hangingServer(t, hang)
	opts := timeoutOptions()
	opts.TryTimeout = time.Hour
	pl := newPipeline(t, nil, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := send(ctx, pl, http.MethodGet, base+"/x", "")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, ErrTryTimeout)
	assert.Equal(t, int32(1), hits.Load())
}

func TestCallerContextBoundsTheRetriesOfSlowAttempts(t *testing.T) {
	t.Parallel()
	base, hits := hangingServer(t, hang)
	opts := timeoutOptions()
	opts.RetryMax = 1000
	opts.TryTimeout = 50 * time.Millisecond
	pl := newPipeline(t, nil, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := send(ctx, pl, http.MethodGet, base+"/x", "")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Greater(t, hits.Load(), int32(1), "slow attempts were retried until the caller's deadline")
}

func TestCallerCancellationDuringAttemptIsNotATryTimeout(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	base, _ := hangingServer(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		hang(w, r)
	})
	opts := timeoutOptions()
	opts.TryTimeout = time.Hour
	pl := newPipeline(t, nil, opts)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := send(ctx, pl, http.MethodGet, base+"/x", "")
	require.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrTryTimeout)
}

// stallBody writes part of a JSON body, flushes, then waits for the client
// to go away.
func stallBody(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "64")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `{"name":"par`)
	http.NewResponseController(w).Flush()
	<-r.Context().Done()
}

func TestBodyThatStallsIsATimeoutOfTheAttempt(t *testing.T) {
	t.Parallel()
	base, hits := hangingServer(t, stallBody, okJSON(`{"name":"whole"}`))
	pl := newPipeline(t, nil, timeoutOptions())
	resp, err := send(guard(t), pl, http.MethodGet, base+"/x", "")
	require.NoError(t, err)
	assert.Equal(t, int32(2), hits.Load())
	assert.Equal(t, "try timeout", resp.Header.Get(HeaderRetryReasons))
	body, err := runtime.Payload(resp)
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"whole"}`, string(body))

	// A POST whose body stalls is not repeated, and says where it stalled.
	base, hits = hangingServer(t, stallBody, okJSON(`{}`))
	_, err = send(guard(t), pl, http.MethodPost, base+"/x", `{}`)
	require.ErrorIs(t, err, ErrTryTimeout)
	assert.Contains(t, err.Error(), "while reading the response body")
	assert.Equal(t, int32(1), hits.Load())
}

// trickle writes a JSON array in chunks, pausing between them.
func trickle(chunks int, pause time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "[0")
		for i := 1; i < chunks; i++ {
			http.NewResponseController(w).Flush()
			time.Sleep(pause)
			_, _ = io.WriteString(w, ",1")
		}
		_, _ = io.WriteString(w, "]")
	}
}

func TestSlowButSteadyDownloadIsNotCut(t *testing.T) {
	t.Parallel()
	// 40 pauses of 10 ms: the whole body takes longer than TryTimeout
	// (250 ms), but data never stops for that long.
	base, hits := hangingServer(t, trickle(41, 10*time.Millisecond))
	opts := timeoutOptions()
	opts.TryTimeout = 250 * time.Millisecond
	pl := newPipeline(t, nil, opts)
	resp, err := send(context.Background(), pl, http.MethodGet, base+"/x", "")
	require.NoError(t, err)
	assert.Equal(t, int32(1), hits.Load())
	body, err := runtime.Payload(resp)
	require.NoError(t, err)
	assert.Equal(t, "[0"+strings.Repeat(",1", 40)+"]", string(body))
}

// slowUpload is a request body that yields its bytes in small pieces with a
// pause before each.
type slowUpload struct {
	data  []byte
	pos   int
	pause time.Duration
}

func (s *slowUpload) Read(p []byte) (int, error) {
	if s.pos >= len(s.data) {
		return 0, io.EOF
	}
	time.Sleep(s.pause)
	n := copy(p[:min(len(p), 4)], s.data[s.pos:])
	s.pos += n
	return n, nil
}

func (s *slowUpload) Seek(offset int64, whence int) (int64, error) {
	switch {
	case offset == 0 && whence == io.SeekStart:
		s.pos = 0
	case offset == 0 && whence == io.SeekEnd:
		s.pos = len(s.data)
	case offset == 0 && whence == io.SeekCurrent:
	default:
		return 0, errors.New("slowUpload: unsupported seek")
	}
	return int64(s.pos), nil
}

func (s *slowUpload) Close() error { return nil }

func TestSlowButSteadyUploadIsNotCut(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	base, hits := hangingServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.Store(string(b))
		w.WriteHeader(http.StatusCreated)
	})
	opts := timeoutOptions()
	opts.TryTimeout = 250 * time.Millisecond
	pl := newPipeline(t, nil, opts)

	payload := strings.Repeat("x", 160) // 40 reads of 4 bytes, 10 ms apart
	req, err := runtime.NewRequest(context.Background(), http.MethodPut, base+"/blob")
	require.NoError(t, err)
	require.NoError(t, req.SetBody(&slowUpload{data: []byte(payload), pause: 10 * time.Millisecond}, "application/octet-stream"))
	resp, err := pl.Do(req)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, int32(1), hits.Load())
	assert.Equal(t, payload, got.Load())
}

func TestReceivedBodyIsNotCutAfterTheCallReturns(t *testing.T) {
	t.Parallel()
	base, _ := hangingServer(t, okJSON(`{"kept":true}`))
	pl := newPipeline(t, nil, timeoutOptions())
	resp, err := send(context.Background(), pl, http.MethodGet, base+"/x", "")
	require.NoError(t, err)
	time.Sleep(3 * tryTimeout) // a watchdog still running would have fired by now
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kept":true}`, string(body))
}

func TestNegativeTryTimeoutMeansNone(t *testing.T) {
	s, err := resolve(&Options{TryTimeout: -1})
	require.NoError(t, err)
	assert.LessOrEqual(t, s.tryTimeout, time.Duration(0))

	w := startWatchdog(context.Background(), s.tryTimeout)
	defer w.stop()
	assert.Nil(t, w.timer, "no timer at all")
}

func TestTryTimeoutErrorText(t *testing.T) {
	err := error(&tryTimeoutError{timeout: 100 * time.Second, phase: phaseAwaitingResponse})
	assert.Equal(t, "pipeline: attempt abandoned after 1m40s without progress before the response headers arrived (TryTimeout)", err.Error())
	assert.ErrorIs(t, err, ErrTryTimeout)
	assert.True(t, transientError(err))
	assert.Equal(t, "try timeout", errorClass(err))
}

func TestRedirectedUploadStillCountsAsProgress(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	var srvURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			_, _ = io.Copy(io.Discard, r.Body)
			http.Redirect(w, r, srvURL+"/new", http.StatusTemporaryRedirect)
			return
		}
		b, _ := io.ReadAll(r.Body)
		got.Store(string(b))
		w.WriteHeader(http.StatusCreated)
	}))
	t.Cleanup(srv.Close)
	srvURL = srv.URL
	opts := timeoutOptions()
	opts.TryTimeout = 250 * time.Millisecond
	pl := newPipeline(t, nil, opts)

	payload := strings.Repeat("y", 160) // 40 reads of 4 bytes, 10 ms apart, on each hop
	req, err := runtime.NewRequest(guard(t), http.MethodPut, srv.URL+"/old")
	require.NoError(t, err)
	require.NoError(t, req.SetBody(&slowUpload{data: []byte(payload), pause: 10 * time.Millisecond}, "application/octet-stream"))
	resp, err := pl.Do(req)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, payload, got.Load())
	assert.Equal(t, 1, Attempts(resp))
}
