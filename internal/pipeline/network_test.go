package pipeline

import (
	"bufio"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests use real sockets on 127.0.0.1 and the default inner client,
// so they exercise net/http's trace events.

// countingListener accepts connections and hands each to handle.
func countingListener(t *testing.T, handle func(net.Conn)) (addr string, accepted *atomic.Int32) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	accepted = &atomic.Int32{}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			wg.Add(1)
			go func() { defer wg.Done(); handle(c) }()
		}
	}()
	return ln.Addr().String(), accepted
}

// reset closes c with an RST instead of a FIN.
func reset(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

func attemptsOf(t *testing.T, err error) int {
	t.Helper()
	var ae *attemptsError
	if errors.As(err, &ae) {
		return ae.attempts
	}
	return 1
}

func TestPOSTRetriedWhenConnectionRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now

	pl := newPipeline(t, nil, &Options{RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	_, err = send(context.Background(), pl, http.MethodPost, "http://"+addr+"/create", `{"a":1}`)
	require.Error(t, err)
	assert.Equal(t, 3, attemptsOf(t, err), "a POST that never connected is safe to retry: %v", err)
}

func TestPOSTRetriedWhenConnectionDroppedBeforeTheRequestWasWritten(t *testing.T) {
	t.Parallel()
	// Over TLS the request cannot be written before the handshake, which this
	// listener never answers: it closes every connection at once.
	addr, accepted := countingListener(t, reset)

	pl := newPipeline(t, nil, &Options{RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	_, err := send(context.Background(), pl, http.MethodPost, "https://"+addr+"/create", `{"a":1}`)
	require.Error(t, err)
	assert.Equal(t, 3, attemptsOf(t, err), "error: %v", err)
	assert.Equal(t, int32(3), accepted.Load())
}

// readThenReset reads one whole HTTP request, then resets the connection
// without answering: the server may have acted on it.
func readThenReset(c net.Conn) {
	req, err := http.ReadRequest(bufio.NewReader(c))
	if err == nil {
		_, _ = io.Copy(io.Discard, req.Body)
	}
	reset(c)
}

func TestPOSTNotRetriedWhenConnectionLostAfterTheRequestWasWritten(t *testing.T) {
	t.Parallel()
	addr, accepted := countingListener(t, readThenReset)

	pl := newPipeline(t, nil, &Options{RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	_, err := send(context.Background(), pl, http.MethodPost, "http://"+addr+"/create", `{"a":1}`)
	require.Error(t, err)
	assert.Equal(t, 1, attemptsOf(t, err))
	assert.Equal(t, int32(1), accepted.Load(), "a POST the server may have processed is not sent again")
}

func TestIdempotentCallsRetriedWhenConnectionLostAfterTheRequestWasWritten(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method string
		ctx    func(context.Context) context.Context
	}{
		{http.MethodGet, func(c context.Context) context.Context { return c }},
		{http.MethodPut, func(c context.Context) context.Context { return c }},
		{http.MethodPost, WithIdempotent},
	} {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			addr, accepted := countingListener(t, readThenReset)
			pl := newPipeline(t, nil, &Options{RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
			_, err := send(tc.ctx(context.Background()), pl, tc.method, "http://"+addr+"/x", `{"a":1}`)
			require.Error(t, err)
			assert.Equal(t, 3, attemptsOf(t, err), "error: %v", err)
			assert.Equal(t, int32(3), accepted.Load())
		})
	}
}

func TestTLSVerificationFailureIsNotRetried(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)

	// The default client does not trust httptest's certificate.
	pl := newPipeline(t, nil, &Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	_, err := send(context.Background(), pl, http.MethodGet, srv.URL+"/x", "")
	require.Error(t, err)
	var unknownAuthority x509.UnknownAuthorityError
	assert.ErrorAs(t, err, &unknownAuthority)
	assert.Equal(t, 1, attemptsOf(t, err))
	assert.Equal(t, int32(1), conns.Load())
}

func TestTrustedTLSServerWorks(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-auth", r.Header.Get("Authorization"))
	}))
	t.Cleanup(srv.Close)
	pl := newPipeline(t, &fakeCredential{token: "tok"}, &Options{HTTPClient: srv.Client()})
	resp, err := send(context.Background(), pl, http.MethodGet, srv.URL+"/x", "")
	require.NoError(t, err)
	assert.Equal(t, "Bearer tok", resp.Header.Get("x-auth"), "https to a non-loopback-named host would work the same")
}

func TestContextCancellationStopsTheWaitAtOnce(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	first := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if hits.Add(1) == 1 {
			defer close(first)
		}
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	pl := newPipeline(t, nil, &Options{RetryWaitMax: 60 * time.Second})

	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-first; cancel() }()
	start := time.Now()
	_, err := send(ctx, pl, http.MethodGet, srv.URL+"/x", "")
	elapsed := time.Since(start)

	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, int32(1), hits.Load())
	assert.Less(t, elapsed, 30*time.Second, "must not sit out the 30 s Retry-After")
}

func TestContextDeadlineDuringRequest(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	pl := newPipeline(t, nil, &Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := send(ctx, pl, http.MethodGet, srv.URL+"/slow", "")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, attemptsOf(t, err), "the caller's deadline is not a transient error")
}

// Many concurrent calls share one pipeline; each keeps its own retry state.
func TestConcurrentCallsKeepSeparateState(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(HeaderClientRequestID)
		mu.Lock()
		seen[id]++
		n := seen[id]
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, r.URL.Query().Get("i"))
	}))
	t.Cleanup(srv.Close)
	pl := newPipeline(t, nil, &Options{RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})

	const calls = 32
	var wg sync.WaitGroup
	errs := make(chan error, calls)
	for i := range calls {
		wg.Go(func() {
			resp, err := send(context.Background(), pl, http.MethodPost, srv.URL+"/x?i="+strconv.Itoa(i), `{}`)
			if err != nil {
				errs <- err
				return
			}
			body, _ := io.ReadAll(resp.Body)
			if string(body) != strconv.Itoa(i) || Attempts(resp) != 2 {
				errs <- fmt.Errorf("call %d: body %q, attempts %d", i, body, Attempts(resp))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Len(t, seen, calls)
}
