package lro

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"
)

func TestARMWait(t *testing.T) {
	tests := []struct {
		name      string
		bodies    []string
		wantPolls int
		wantState string
		wantOK    bool
		wantCode  string
		wantMsg   string
	}{
		{
			name: "succeeded after N polls, unknown states are in progress",
			bodies: []string{
				`{"status":"InProgress"}`,
				`{"status":"Creating"}`,
				`{"status":"Updating","percentComplete":50}`,
				`{"status":"Deleting"}`,
				`{"name":"op-1","status":"Succeeded","startTime":"2024-01-02T03:04:05.1234567Z","endTime":"2024-01-02T03:09:05Z"}`,
			},
			wantPolls: 5, wantState: "Succeeded", wantOK: true,
		},
		{
			name: "failed with single-nested error",
			bodies: []string{
				`{"status":"InProgress"}`,
				`{"status":"Failed","error":{"code":"BadRequest","message":"The cluster is too small.","details":[{"code":"QuotaExceeded","message":"12 vCPUs needed"}]}}`,
			},
			wantPolls: 2, wantState: "Failed", wantCode: "BadRequest", wantMsg: "The cluster is too small.",
		},
		{
			name: "failed with double-nested error",
			bodies: []string{
				`{"status":"Running"}`,
				`{"status":"Failed","error":{"error":{"code":"InternalServerError","message":"AKS provisioning failed"}}}`,
			},
			wantPolls: 2, wantState: "Failed", wantCode: "InternalServerError", wantMsg: "AKS provisioning failed",
		},
		{
			name:      "canceled (single L) is terminal",
			bodies:    []string{`{"status":"Canceled"}`},
			wantPolls: 1, wantState: "Canceled",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &script{replies: replies(tc.bodies...)}
			srv, pl := newServer(t, s)
			p, err := NewARM(pl, srv.URL+"/operations/arm/op-1", fastOpts())
			require.NoError(t, err)
			require.Equal(t, "op-1", p.OperationID())
			require.Equal(t, KindARM, p.Kind())

			st, err := p.Wait(context.Background())
			require.Equal(t, tc.wantPolls, p.PollCount())
			require.Len(t, s.requests(), tc.wantPolls)
			for _, u := range s.requests() {
				require.Equal(t, "/operations/arm/op-1", u.Path)
				require.Equal(t, ARMAPIVersion, u.Query().Get("api-version"))
			}
			require.NotNil(t, st)
			require.Equal(t, tc.wantState, st.State)
			require.True(t, p.Done())
			if tc.wantOK {
				require.NoError(t, err)
				require.Equal(t, "op-1", st.ID)
				require.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 123456700, time.UTC), st.CreatedTime)
				require.Equal(t, time.Date(2024, 1, 2, 3, 9, 5, 0, time.UTC), st.EndTime)
				return
			}
			var oe *OperationError
			require.ErrorAs(t, err, &oe)
			require.Equal(t, tc.wantState, oe.State)
			require.Equal(t, "op-1", oe.OperationID)
			require.Equal(t, KindARM, oe.Kind)
			require.True(t, strings.HasPrefix(err.Error(), "operation op-1 reached state "+tc.wantState+": "), err.Error())
			if tc.wantCode == "" {
				require.Nil(t, oe.Err)
				require.Contains(t, err.Error(), "no error message received")
				return
			}
			require.NotNil(t, oe.Err)
			require.Equal(t, tc.wantCode, oe.Err.Code)
			require.Equal(t, tc.wantMsg, oe.Err.Message)
			require.Contains(t, err.Error(), tc.wantCode+": "+tc.wantMsg)
			var se *ServiceError
			require.ErrorAs(t, err, &se, "OperationError unwraps to *ServiceError")
			require.Equal(t, tc.wantCode, se.Code)
		})
	}
}

func TestARMErrorDetailsInMessage(t *testing.T) {
	s := &script{replies: replies(`{"status":"Failed","error":{"code":"BadRequest","message":"too small","details":[{"code":"QuotaExceeded","message":"12 vCPUs needed"}]}}`)}
	srv, pl := newServer(t, s)
	p, err := NewARM(pl, srv.URL+"/operations/arm/x", fastOpts())
	require.NoError(t, err)
	_, err = p.Wait(context.Background())
	require.EqualError(t, err, "operation x reached state Failed: BadRequest: too small\n  - QuotaExceeded: 12 vCPUs needed")
}

func TestNewARMKeepsExistingAPIVersionAndQuery(t *testing.T) {
	s := &script{replies: replies(`{"status":"Succeeded"}`)}
	srv, pl := newServer(t, s)
	p, err := NewARM(pl, srv.URL+"/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/abc?api-version=2023-04-01&t=1&s=sig%2Bpart", fastOpts())
	require.NoError(t, err)
	require.Equal(t, "abc", p.OperationID())
	_, err = p.Wait(context.Background())
	require.NoError(t, err)
	reqs := s.requests()
	require.Len(t, reqs, 1)
	require.Equal(t, []string{"2023-04-01"}, reqs[0].Query()["api-version"])
	require.Equal(t, "sig+part", reqs[0].Query().Get("s"), "signed query parameters are passed through untouched")
}

func TestNewValidation(t *testing.T) {
	pl := testPipeline(newDummyServer(t))
	for _, u := range []string{"", "   ", "/relative/op", "ftp://host/op", "https://", "https://host", "https://host/", "::bad"} {
		_, err := NewARM(pl, u, nil)
		require.Error(t, err, "NewARM(%q)", u)
	}
	for _, tc := range []struct{ base, loc string }{
		{"", "https://h/operations/1"},
		{"relative/base", "https://h/operations/1"},
		{"https://h/mms?x=1", "https://h/operations/1"},
		{"https://h/mms", ""},
		{"https://h/mms", "https://h/"},
		{"https://h/mms", "/"},
		{"https://h/mms", "https://h/operations/..?x=1"},
	} {
		_, err := NewMMS(pl, tc.base, tc.loc, nil)
		require.Error(t, err, "NewMMS(%q, %q)", tc.base, tc.loc)
	}
}

func TestPollHTTPErrors(t *testing.T) {
	tests := []struct {
		name     string
		rep      reply
		wantCode string
	}{
		{"404 ARM error shape", reply{status: http.StatusNotFound, body: `{"error":{"code":"OperationNotFound","message":"no such operation"}}`}, "OperationNotFound"},
		{"404 MMS error shape", reply{status: http.StatusNotFound, body: `{"code":"NotFound","statusCode":404,"message":"gone"}`}, "NotFound"},
		{"500 no body", reply{status: http.StatusInternalServerError}, ""},
		{"204 no content", reply{status: http.StatusNoContent}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &script{replies: []reply{tc.rep}}
			srv, pl := newServer(t, s)
			p, err := NewMMS(pl, srv.URL+"/mms", "https://elsewhere/operations/op-9", fastOpts())
			require.NoError(t, err)
			st, err := p.Wait(context.Background())
			require.Nil(t, st)
			if tc.rep.status == http.StatusNoContent {
				// 204 is not an accepted status either.
				var re *azcore.ResponseError
				require.ErrorAs(t, err, &re)
				return
			}
			var re *azcore.ResponseError
			require.ErrorAs(t, err, &re)
			require.Equal(t, tc.rep.status, re.StatusCode)
			require.Equal(t, tc.wantCode, re.ErrorCode)
			require.False(t, p.Done())
			require.Equal(t, 1, p.PollCount())
		})
	}
}

func TestPollInvalidBodyKeepsState(t *testing.T) {
	s := &script{replies: replies(`{"status":"Running"}`, `<html>oops</html>`, `{"status":42}`, `{"status":"Succeeded"}`)}
	srv, pl := newServer(t, s)
	p, err := NewARM(pl, srv.URL+"/operations/arm/op", fastOpts())
	require.NoError(t, err)
	ctx := context.Background()

	st, err := p.Poll(ctx)
	require.NoError(t, err)
	require.Equal(t, "Running", st.State)

	_, err = p.Poll(ctx)
	require.ErrorContains(t, err, "decoding arm operation status")
	require.ErrorContains(t, err, "invalid JSON")
	require.Equal(t, "Running", p.State(), "a failed poll leaves the state unchanged")

	_, err = p.Poll(ctx)
	require.ErrorContains(t, err, `"status" is not a string`)

	st, err = p.Poll(ctx)
	require.NoError(t, err)
	require.Equal(t, "Succeeded", st.State)
	require.True(t, p.Done())

	// Terminal: Poll sends nothing more and returns the final status.
	st, err = p.Poll(ctx)
	require.NoError(t, err)
	require.Equal(t, "Succeeded", st.State)
	require.Equal(t, 4, p.PollCount())
	require.Len(t, s.requests(), 4)

	st, err = p.Result(ctx)
	require.NoError(t, err)
	require.Equal(t, "Succeeded", st.State)
}

func TestResultBeforeDone(t *testing.T) {
	s := &script{replies: replies(`{"status":"Running"}`)}
	srv, pl := newServer(t, s)
	p, err := NewARM(pl, srv.URL+"/operations/arm/op", fastOpts())
	require.NoError(t, err)
	_, err = p.Result(context.Background())
	require.Error(t, err)
	require.Nil(t, p.Status())
	_, err = p.Poll(context.Background())
	require.NoError(t, err)
	require.Equal(t, "Running", p.Status().State)
	_, err = p.Result(context.Background())
	require.Error(t, err)
}

// newDummyServer starts a server that must not be called.
func newDummyServer(t *testing.T) *httptest.Server {
	t.Helper()
	s := &script{replies: replies(`{}`), hook: func(int, *http.Request) { t.Error("unexpected request") }}
	srv, _ := newServer(t, s)
	return srv
}
