package pipeline

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// halfThenWait sends the first part of a body, then waits for release (or
// for the client to go away) before sending the rest.
func halfThenWait(release <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = io.WriteString(w, "first-part;")
		http.NewResponseController(w).Flush()
		select {
		case <-release:
			_, _ = io.WriteString(w, "second-part")
		case <-r.Context().Done():
		}
	}
}

func TestStreamingResponseIsHandedOnUnread(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	base, hits := hangingServer(t, halfThenWait(release))
	pl := newPipeline(t, nil, timeoutOptions())

	// Do returns while the server still holds back the rest of the body: the
	// body was not read in advance.
	resp, err := send(WithStreamingResponse(guard(t)), pl, http.MethodGet, base+"/blob/c/model.pkl", "")
	require.NoError(t, err)
	defer resp.Body.Close()

	// A caller that does not read for longer than TryTimeout is not a stalled
	// server: the stream survives.
	time.Sleep(3 * tryTimeout)
	close(release)
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.Equal(t, "first-part;second-part", string(got))
	assert.Equal(t, int32(1), hits.Load())
}

func TestStalledStreamFailsWithTryTimeout(t *testing.T) {
	t.Parallel()
	never := make(chan struct{})
	base, _ := hangingServer(t, halfThenWait(never))
	pl := newPipeline(t, nil, timeoutOptions())

	resp, err := send(WithStreamingResponse(guard(t)), pl, http.MethodGet, base+"/blob/c/model.pkl", "")
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.ErrorIs(t, err, ErrTryTimeout)
	assert.Contains(t, err.Error(), "while reading the response body")
	assert.Equal(t, "first-part;", string(got))
}

func TestStreamingCallerCancellationIsItsOwnError(t *testing.T) {
	t.Parallel()
	never := make(chan struct{})
	base, _ := hangingServer(t, halfThenWait(never))
	opts := timeoutOptions()
	opts.TryTimeout = time.Hour
	pl := newPipeline(t, nil, opts)

	ctx, cancel := context.WithCancel(guard(t))
	resp, err := send(WithStreamingResponse(ctx), pl, http.MethodGet, base+"/blob", "")
	require.NoError(t, err)
	defer resp.Body.Close()
	buf := make([]byte, len("first-part;"))
	_, err = io.ReadFull(resp.Body, buf)
	require.NoError(t, err)
	cancel()
	_, err = io.ReadAll(resp.Body)
	require.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, ErrTryTimeout)
}

func TestStreamingErrorBodiesAreStillRead(t *testing.T) {
	t.Parallel()
	base, _ := hangingServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":{"code":"BlobNotFound","message":"no such blob"}}`)
	})
	pl := newPipeline(t, nil, timeoutOptions())
	resp, err := send(WithStreamingResponse(guard(t)), pl, http.MethodGet, base+"/blob", "")
	require.NoError(t, err)
	time.Sleep(3 * tryTimeout) // an error body is in memory; nothing can cut it
	var re *azcore.ResponseError
	require.ErrorAs(t, runtime.NewResponseError(resp), &re)
	assert.Equal(t, "BlobNotFound", re.ErrorCode)
}

func TestSkipBodyDownloadAloneStillWorks(t *testing.T) {
	t.Parallel()
	base, _ := hangingServer(t, okJSON(`{"small":true}`))
	opts := timeoutOptions()
	opts.PerCallPolicies = []policy.Policy{policyFunc(func(req *policy.Request) (*http.Response, error) {
		runtime.SkipBodyDownload(req)
		return req.Next()
	})}
	pl := newPipeline(t, nil, opts)
	resp, err := send(guard(t), pl, http.MethodGet, base+"/x", "")
	require.NoError(t, err)
	time.Sleep(3 * tryTimeout)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.JSONEq(t, `{"small":true}`, string(b))
}
