package pipeline

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"
)

func TestPersistent503GivesExactlyOnePlusRetryMaxAttempts(t *testing.T) {
	for _, tc := range []struct {
		retryMax     int
		wantAttempts int
	}{
		{retryMax: 0, wantAttempts: 1 + DefaultRetryMax}, // zero means the default, 3
		{retryMax: 1, wantAttempts: 2},
		{retryMax: 5, wantAttempts: 6},
		{retryMax: -1, wantAttempts: 1},
	} {
		t.Run(fmt.Sprintf("RetryMax=%d", tc.retryMax), func(t *testing.T) {
			c, rec := mockClient(t)
			gock.New(testHost).Get("/busy").Persist().Reply(503).
				JSON(map[string]any{"error": map[string]any{"code": "ServiceBusy", "message": "try later"}})
			opts := fastOptions(c)
			opts.RetryMax = tc.retryMax
			pl := newPipeline(t, nil, opts)

			resp, err := send(context.Background(), pl, http.MethodGet, testHost+"/busy", "")
			require.NoError(t, err, "an exhausted retry budget must hand the final response to azcore")
			assert.Equal(t, tc.wantAttempts, rec.count())
			assert.Equal(t, tc.wantAttempts, Attempts(resp))

			var respErr *azcore.ResponseError
			require.ErrorAs(t, runtime.NewResponseError(resp), &respErr)
			assert.Equal(t, http.StatusServiceUnavailable, respErr.StatusCode)
			assert.Equal(t, "ServiceBusy", respErr.ErrorCode)
		})
	}
}

func TestRetryReasonsHeader(t *testing.T) {
	c, _ := mockClient(t)
	gock.New(testHost).Get("/flaky").Times(2).Reply(503)
	gock.New(testHost).Get("/flaky").Reply(200)
	pl := newPipeline(t, nil, fastOptions(c))

	resp, err := send(context.Background(), pl, http.MethodGet, testHost+"/flaky", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "3", resp.Header.Get(HeaderAttempts))
	assert.Equal(t, "503,503", resp.Header.Get(HeaderRetryReasons))
}

func TestEachRetryableStatusIsRetried(t *testing.T) {
	for _, status := range []int{408, 429, 500, 502, 503, 504, 530} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			c, rec := mockClient(t)
			gock.New(testHost).Get("/x").Reply(status)
			gock.New(testHost).Get("/x").Reply(200)
			pl := newPipeline(t, nil, fastOptions(c))

			resp, err := send(context.Background(), pl, http.MethodGet, testHost+"/x", "")
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, 2, rec.count())
			assert.True(t, gock.IsDone())
		})
	}
}

func TestNonRetryableStatusIsNotRetried(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 412, 422, 501, 505} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			c, rec := mockClient(t)
			gock.New(testHost).Get("/x").Persist().Reply(status)
			pl := newPipeline(t, nil, fastOptions(c))

			resp, err := send(context.Background(), pl, http.MethodGet, testHost+"/x", "")
			require.NoError(t, err)
			assert.Equal(t, status, resp.StatusCode)
			assert.Equal(t, 1, rec.count())
		})
	}
}

func TestIdempotencyGate(t *testing.T) {
	for _, tc := range []struct {
		method     string
		status     int
		idempotent bool
		want       int
	}{
		{http.MethodPost, 500, false, 1},
		{http.MethodPost, 502, false, 1},
		{http.MethodPost, 504, false, 1},
		{http.MethodPost, 408, false, 1},
		{http.MethodPost, 503, false, 2},
		{http.MethodPost, 429, false, 2},
		{http.MethodPost, 500, true, 2},
		{http.MethodPost, 408, true, 2},
		{http.MethodPatch, 502, false, 1},
		{http.MethodPatch, 429, false, 2},
		{http.MethodPatch, 500, true, 2},
		{http.MethodPut, 500, false, 2},
		{http.MethodDelete, 504, false, 2},
		{http.MethodGet, 500, false, 2},
		{http.MethodHead, 502, false, 2},
	} {
		name := fmt.Sprintf("%s_%d_idempotent=%v", tc.method, tc.status, tc.idempotent)
		t.Run(name, func(t *testing.T) {
			c, rec := mockClient(t)
			gock.New(testHost).Path("/op").Times(1).Reply(tc.status)
			gock.New(testHost).Path("/op").Times(1).Reply(200)
			pl := newPipeline(t, nil, fastOptions(c))
			ctx := context.Background()
			if tc.idempotent {
				ctx = WithIdempotent(ctx)
			}
			resp, err := send(ctx, pl, tc.method, testHost+"/op", `{"a":1}`)
			require.NoError(t, err)
			assert.Equal(t, tc.want, rec.count())
			if tc.want == 1 {
				assert.Equal(t, tc.status, resp.StatusCode, "the unretried failure reaches the caller")
			} else {
				assert.Equal(t, http.StatusOK, resp.StatusCode)
			}
		})
	}
}

func TestBodyIsReplayedOnEveryAttempt(t *testing.T) {
	c, rec := mockClient(t)
	gock.New(testHost).Put("/things/a").Times(2).Reply(503)
	gock.New(testHost).Put("/things/a").Reply(201)
	pl := newPipeline(t, nil, fastOptions(c))

	const body = `{"name":"a","tags":{"k":"v"}}`
	resp, err := send(context.Background(), pl, http.MethodPut, testHost+"/things/a", body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	got := rec.all()
	require.Len(t, got, 3)
	for i, a := range got {
		assert.Equal(t, body, a.body, "attempt %d", i+1)
	}
}

func TestTransportErrorRetriedForGET(t *testing.T) {
	c, rec := mockClient(t)
	gock.New(testHost).Get("/x").Times(2).ReplyError(syscall.ECONNRESET)
	gock.New(testHost).Get("/x").Reply(200)
	pl := newPipeline(t, nil, fastOptions(c))

	resp, err := send(context.Background(), pl, http.MethodGet, testHost+"/x", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 3, rec.count())
	assert.Equal(t, "connection reset,connection reset", resp.Header.Get(HeaderRetryReasons))
}

func TestTransportErrorGivesUpWithAttemptCount(t *testing.T) {
	c, rec := mockClient(t)
	gock.New(testHost).Get("/x").Persist().ReplyError(syscall.ECONNRESET)
	pl := newPipeline(t, nil, fastOptions(c))

	_, err := send(context.Background(), pl, http.MethodGet, testHost+"/x", "")
	require.Error(t, err)
	assert.Equal(t, 4, rec.count())
	assert.ErrorIs(t, err, syscall.ECONNRESET)
	assert.Contains(t, err.Error(), "giving up after 4 attempts")
}

// With no evidence from net/http that the request was not written (a fake
// transport reports no trace events), a POST is not retried.
func TestTransportErrorNotRetriedForPOSTWithoutEvidence(t *testing.T) {
	c, rec := mockClient(t)
	gock.New(testHost).Post("/x").Persist().ReplyError(syscall.ECONNRESET)
	pl := newPipeline(t, nil, fastOptions(c))

	_, err := send(context.Background(), pl, http.MethodPost, testHost+"/x", `{}`)
	require.ErrorIs(t, err, syscall.ECONNRESET)
	assert.Equal(t, 1, rec.count())
}

func TestNonTransientErrorNotRetried(t *testing.T) {
	c, rec := mockClient(t)
	gock.New(testHost).Get("/x").Persist().ReplyError(errors.New("something odd"))
	pl := newPipeline(t, nil, fastOptions(c))

	_, err := send(context.Background(), pl, http.MethodGet, testHost+"/x", "")
	require.Error(t, err)
	assert.Equal(t, 1, rec.count())
}

func TestClientOptionsRetryIsMapped(t *testing.T) {
	c, rec := mockClient(t)
	gock.New(testHost).Get("/x").Persist().Reply(503)
	pl := newPipeline(t, nil, &Options{
		HTTPClient: c,
		ClientOptions: policy.ClientOptions{Retry: policy.RetryOptions{
			MaxRetries: 1, RetryDelay: 1, MaxRetryDelay: 2,
		}},
	})
	_, err := send(context.Background(), pl, http.MethodGet, testHost+"/x", "")
	require.NoError(t, err)
	assert.Equal(t, 2, rec.count())
}

// countingTransporter fails the first n calls with 503.
type countingTransporter struct {
	failures int
	calls    int
}

func (f *countingTransporter) Do(req *http.Request) (*http.Response, error) {
	f.calls++
	status := http.StatusOK
	if f.calls <= f.failures {
		status = http.StatusServiceUnavailable
	}
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: http.Header{},
		Body: http.NoBody, Request: req}, nil
}

func TestClientOptionsTransportSitsBelowTheRetryLayer(t *testing.T) {
	fake := &countingTransporter{failures: 2}
	pl := newPipeline(t, nil, &Options{
		ClientOptions: policy.ClientOptions{Transport: fake},
		RetryWaitMin:  1, RetryWaitMax: 2,
	})
	resp, err := send(context.Background(), pl, http.MethodGet, testHost+"/x", "")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 3, fake.calls)
}
