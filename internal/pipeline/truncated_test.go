package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// cutJSON answers like the local workspace's TruncateBody fault: a complete
// response (Content-Length matching what is sent) carrying the first half of
// a JSON body.
func cutJSON(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		cut := body[:len(body)/2]
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Operation-Location", "https://h/operations/op-1")
		w.Header().Set("Content-Length", strconv.Itoa(len(cut)))
		w.WriteHeader(status)
		_, _ = io.WriteString(w, cut)
	}
}

const wholeBody = `{"id":"svc-1","name":"svc","state":"Transitioning","tags":{"a":"b"}}`

func TestTruncatedJSONIsRetriedForIdempotentCalls(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method string
		ctx    func(context.Context) context.Context
	}{
		{http.MethodGet, func(c context.Context) context.Context { return c }},
		{http.MethodPut, func(c context.Context) context.Context { return c }},
		{http.MethodDelete, func(c context.Context) context.Context { return c }},
		{http.MethodPost, WithIdempotent},
	} {
		t.Run(tc.method, func(t *testing.T) {
			t.Parallel()
			base, hits := hangingServer(t, cutJSON(http.StatusOK, wholeBody), okJSON(wholeBody))
			pl := newPipeline(t, nil, fastOptions(nil))
			resp, err := send(tc.ctx(guard(t)), pl, tc.method, base+"/x", `{}`)
			require.NoError(t, err)
			assert.Equal(t, int32(2), hits.Load())
			assert.Equal(t, "truncated body", resp.Header.Get(HeaderRetryReasons))
			body, err := runtime.Payload(resp)
			require.NoError(t, err)
			assert.JSONEq(t, wholeBody, string(body))
		})
	}
}

func TestTruncatedJSONIsNotRepeatedForPOST(t *testing.T) {
	t.Parallel()
	for _, method := range []string{http.MethodPost, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			base, hits := hangingServer(t, cutJSON(http.StatusAccepted, wholeBody), okJSON(wholeBody))
			pl := newPipeline(t, nil, fastOptions(nil))
			_, err := send(guard(t), pl, method, base+"/services?sig=s3cr3t", `{"name":"svc"}`)
			require.Error(t, err)
			assert.Equal(t, int32(1), hits.Load(), "the server may have acted on it")
			assert.ErrorIs(t, err, ErrTruncatedResponse)

			var te *TruncatedResponseError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, method, te.Method)
			assert.Equal(t, http.StatusAccepted, te.StatusCode)
			assert.Equal(t, len(wholeBody)/2, te.Received)
			require.NotNil(t, te.Response)
			assert.Nil(t, te.Response.Request, "no request headers (Authorization) ride along")
			assert.Equal(t, "https://h/operations/op-1", te.Response.Header.Get("Operation-Location"), "headers survive for recovery")
			partial, _ := io.ReadAll(te.Response.Body)
			assert.Equal(t, wholeBody[:len(wholeBody)/2], string(partial))

			for _, want := range []string{"truncated or malformed JSON", "HTTP 202", "may have taken effect"} {
				assert.Contains(t, err.Error(), want)
			}
			assert.NotContains(t, err.Error(), "s3cr3t")
		})
	}
}

func TestPersistentlyTruncatedJSONGivesUpWithTheError(t *testing.T) {
	t.Parallel()
	base, hits := hangingServer(t, cutJSON(http.StatusOK, wholeBody))
	pl := newPipeline(t, nil, fastOptions(nil))
	_, err := send(guard(t), pl, http.MethodGet, base+"/x", "")
	require.ErrorIs(t, err, ErrTruncatedResponse)
	assert.Equal(t, int32(1+DefaultRetryMax), hits.Load())
	assert.Equal(t, 1+DefaultRetryMax, attemptsOf(t, err))
	assert.Contains(t, err.Error(), "retried after: truncated body, truncated body, truncated body")
}

func TestWhichBodiesAreCheckedForTruncation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		truncated   bool
	}{
		{"json 200 cut", 200, "application/json", `{"a":`, true},
		{"json 201 cut", 201, "application/json; charset=utf-8", `[1,2`, true},
		{"+json cut", 200, "application/problem+json", `{"type":`, true},
		{"text/json cut", 200, "text/json", `{"a"`, true},
		{"json 200 whole", 200, "application/json", `{"a":1}`, false},
		{"json 200 whole with spaces", 200, "application/json", " \n{\"a\":1}\n ", false},
		{"json empty body", 202, "application/json", ``, false},
		{"json whitespace body", 200, "application/json", "  ", false},
		{"text/plain not json", 200, "text/plain", `{"a":`, false},
		{"octet-stream", 200, "application/octet-stream", `{"a":`, false},
		{"no content type", 200, "", `{"a":`, false},
		{"bad content type", 200, "application/json; ;;=", `{"a":`, false},
		{"error status left to the caller", 400, "application/json", `{"error":`, false},
		{"retryable status left to the retry rules", 503, "application/json", `{"error":`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tc.status, Header: http.Header{}}
			if tc.contentType != "" {
				resp.Header.Set("Content-Type", tc.contentType)
			}
			assert.Equal(t, tc.truncated, truncatedJSON(resp, []byte(tc.body)))
		})
	}
}

func TestMalformedErrorBodyStillBecomesAResponseError(t *testing.T) {
	t.Parallel()
	base, hits := hangingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		_, _ = io.WriteString(w, `{"error":{"code":"Confl`)
	})
	pl := newPipeline(t, nil, fastOptions(nil))
	resp, err := send(guard(t), pl, http.MethodPost, base+"/x", `{}`)
	require.NoError(t, err)
	assert.Equal(t, int32(1), hits.Load())
	var re *azcore.ResponseError
	require.ErrorAs(t, runtime.NewResponseError(resp), &re)
	assert.Equal(t, http.StatusConflict, re.StatusCode)
}

func TestBodyCutByTheConnectionIsRetriedForGET(t *testing.T) {
	t.Parallel()
	// Content-Length promises more than is sent, then the connection closes:
	// net/http reports unexpected EOF while the retry layer reads the body.
	short := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"a":`)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}
	base, hits := hangingServer(t, short, okJSON(`{"a":1}`))
	pl := newPipeline(t, nil, fastOptions(nil))
	resp, err := send(guard(t), pl, http.MethodGet, base+"/x", "")
	require.NoError(t, err)
	assert.Equal(t, int32(2), hits.Load())
	assert.Equal(t, "EOF", resp.Header.Get(HeaderRetryReasons))

	base, hits = hangingServer(t, short, okJSON(`{"a":1}`))
	_, err = send(guard(t), pl, http.MethodPost, base+"/x", `{}`)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, int32(1), hits.Load(), "a POST whose answer broke off is not repeated")
}

func TestLargeBodiesAreStreamedPastTheBufferLimit(t *testing.T) {
	t.Parallel()
	// Not JSON-valid on purpose: past the limit nothing is checked.
	const body = `{"items":[` + "0123456789abcdef0123456789abcdef"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/chunked" {
			http.NewResponseController(w).Flush() // no Content-Length
		}
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	for _, knownLength := range []bool{true, false} {
		t.Run(fmt.Sprintf("content-length known=%v", knownLength), func(t *testing.T) {
			at := &attemptTransport{inner: srv.Client(), tryTimeout: time.Minute, maxBuffer: 16}
			path := "/chunked"
			if knownLength {
				path = "/"
			}
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			resp, err := at.RoundTrip(req)
			require.NoError(t, err)
			if knownLength {
				assert.Equal(t, int64(len(body)), resp.ContentLength)
			} else {
				assert.Equal(t, int64(-1), resp.ContentLength)
			}
			got, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			require.NoError(t, resp.Body.Close())
			assert.Equal(t, body, string(got))
		})
	}
}

func TestTruncatedErrorIsNotRetriedAsTransientForTheWrongReasons(t *testing.T) {
	err := error(&TruncatedResponseError{Method: http.MethodPost, StatusCode: 201, Received: 7})
	assert.True(t, transientError(err), "transient; the idempotency gate decides")
	assert.Equal(t, "truncated body", errorClass(err))
	assert.False(t, errors.Is(err, ErrTryTimeout))
	st := &callState{method: http.MethodPost}
	assert.False(t, shouldRetry(st, nil, err), "written POST")
	st.idempotent = true
	assert.True(t, shouldRetry(st, nil, err))
}

// A truncated answer's retry hint is honoured like a retryable status's: the
// next attempt comes no sooner than it asked.
func TestTruncatedJSONRetryHonoursItsHint(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var times []time.Time
	arrived := func() {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
	}
	hinted := func(w http.ResponseWriter, r *http.Request) {
		arrived()
		w.Header().Set("retry-after-ms", "150")
		cutJSON(http.StatusOK, wholeBody)(w, r)
	}
	second := func(w http.ResponseWriter, r *http.Request) {
		arrived()
		okJSON(wholeBody)(w, r)
	}
	base, hits := hangingServer(t, hinted, second)
	pl := newPipeline(t, nil, &Options{RetryWaitMin: time.Millisecond, RetryWaitMax: time.Second})
	_, err := send(guard(t), pl, http.MethodGet, base+"/x", "")
	require.NoError(t, err)
	require.Equal(t, int32(2), hits.Load())
	mu.Lock()
	assert.GreaterOrEqual(t, times[1].Sub(times[0]), 150*time.Millisecond)
	mu.Unlock()

	// A hint above RetryWaitMax is not waited for: the call gives up with the error.
	long := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		cutJSON(http.StatusOK, wholeBody)(w, r)
	}
	base, hits = hangingServer(t, long, okJSON(wholeBody))
	_, err = send(guard(t), pl, http.MethodGet, base+"/x", "")
	require.ErrorIs(t, err, ErrTruncatedResponse)
	assert.Equal(t, int32(1), hits.Load())
}
