package lro

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// mmsFailedBody is a realistic failed deployment operation.
const mmsFailedBody = `{
  "id": "4b0c5d6e-op",
  "operationType": "Deploy",
  "state": "Failed",
  "createdTime": "2024-05-06T07:08:09.123Z",
  "endTime": "2024-05-06T07:18:09Z",
  "resourceLocation": "/api/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/services/svc",
  "operationLog": "https://acct.blob.core.windows.net/logs/build.txt?sv=2019-02-02&sr=b&sig=SECRETSIG%3D&se=2030-01-01",
  "operationDetails": {"subOperationType": "BuildEnvironment", "subOperationState": "Failed"},
  "parentRequestId": "req-1",
  "error": {
    "code": "EnvironmentBuildFailed",
    "statusCode": 400,
    "message": "Failed building the Environment.",
    "details": [{"code": "CondaFailure", "message": "pip install failed", "target": "environment"}],
    "correlation": {"RequestId": "corr-123"}
  }
}`

func TestMMSWait(t *testing.T) {
	tests := []struct {
		name      string
		bodies    []string
		wantPolls int
		wantState string
		wantOK    bool
	}{
		{
			name: "succeeded",
			bodies: []string{
				`{"id":"op-7","state":"NotStarted","operationType":"Deploy"}`,
				`{"id":"op-7","state":"Running","operationType":"Deploy","operationDetails":{"subOperationType":"DeployService","subOperationState":"Running"}}`,
				`{"id":"op-7","state":"Succeeded","operationType":"Deploy","resourceLocation":"/services/svc","createdTime":"2024-05-06T07:08:09Z"}`,
			},
			wantPolls: 3, wantState: "Succeeded", wantOK: true,
		},
		{name: "cancelled (double L)", bodies: []string{`{"state":"Running"}`, `{"state":"Cancelled"}`}, wantPolls: 2, wantState: "Cancelled"},
		{name: "timed out", bodies: []string{`{"state":"Running"}`, `{"state":"TimedOut","error":{"code":"DeploymentTimedOut","statusCode":504,"message":"pollTimeout 00:20:00"}}`}, wantPolls: 2, wantState: "TimedOut"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &script{replies: replies(tc.bodies...)}
			srv, pl := newServer(t, s)
			p, err := NewMMS(pl, srv.URL+"/modelmanagement/v1.0/ws/", "https://other.host/modelmanagement/v1.0/x/operations/op-7?api-version=2018-11-19", fastOpts())
			require.NoError(t, err)
			require.Equal(t, "op-7", p.OperationID())
			require.Equal(t, srv.URL+"/modelmanagement/v1.0/ws/operations/op-7", p.URL())

			st, err := p.Wait(context.Background())
			require.Equal(t, tc.wantPolls, p.PollCount())
			for _, u := range s.requests() {
				require.Equal(t, "/modelmanagement/v1.0/ws/operations/op-7", u.Path)
				require.Empty(t, u.RawQuery, "no offset without StreamLog")
			}
			require.NotNil(t, st)
			require.Equal(t, tc.wantState, st.State)
			if tc.wantOK {
				require.NoError(t, err)
				require.Equal(t, "op-7", st.ID)
				require.Equal(t, "Deploy", st.OperationType)
				require.Equal(t, "/services/svc", st.ResourceLocation)
				require.Equal(t, time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), st.CreatedTime)
				return
			}
			var oe *OperationError
			require.ErrorAs(t, err, &oe)
			require.Equal(t, tc.wantState, oe.State)
			require.Equal(t, "op-7", oe.OperationID)
		})
	}
}

func TestMMSFailedWithErrorAndSubOperation(t *testing.T) {
	s := &script{replies: replies(`{"state":"Running"}`, mmsFailedBody)}
	srv, pl := newServer(t, s)
	p, err := NewMMS(pl, srv.URL+"/mms", "/mms/operations/4b0c5d6e-op", fastOpts())
	require.NoError(t, err)

	st, err := p.Wait(context.Background())
	require.Equal(t, "Failed", st.State)
	var oe *OperationError
	require.ErrorAs(t, err, &oe)
	require.Equal(t, KindMMS, oe.Kind)
	require.Equal(t, "4b0c5d6e-op", oe.OperationID)
	require.Equal(t, "Failed", oe.State)
	require.Equal(t, "Deploy", oe.OperationType)
	require.Equal(t, "BuildEnvironment", oe.SubOperationType)
	require.Equal(t, "Failed", oe.SubOperationState)
	require.Contains(t, oe.OperationLog, "sig=SECRETSIG", "the field keeps the URL so callers can fetch the log")
	require.NotNil(t, oe.Err)
	require.Equal(t, "EnvironmentBuildFailed", oe.Err.Code)
	require.Equal(t, 400, oe.Err.StatusCode)
	require.Equal(t, []ErrorDetail{{Code: "CondaFailure", Message: "pip install failed", Target: "environment"}}, oe.Err.Details)
	require.Equal(t, map[string]string{"RequestId": "corr-123"}, oe.Err.Correlation)

	want := strings.Join([]string{
		"operation 4b0c5d6e-op reached state Failed: EnvironmentBuildFailed: Failed building the Environment.",
		"  status code: 400",
		"  - CondaFailure: pip install failed (target: environment)",
		"  correlation: RequestId=corr-123",
		"  operation type: Deploy",
		"  sub-operation: BuildEnvironment (Failed)",
		"  more information can be found here: https://acct.blob.core.windows.net/logs/build.txt?se=REDACTED&sig=REDACTED&sr=REDACTED&sv=REDACTED",
	}, "\n")
	require.Equal(t, want, err.Error())

	for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Sprintf("%v", st), fmt.Sprintf("%#v", *st), st.String()} {
		require.NotContains(t, text, "SECRETSIG", text)
	}
}

func TestOperationIDFromLocation(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://eastus.api.azureml.ms/modelmanagement/v1.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/operations/abc-123?api-version=2018-11-19", "abc-123"},
		{"/modelmanagement/v1.0/operations/abc-123", "abc-123"},
		{"operations/abc-123/", "abc-123"},
		{"abc-123", "abc-123"},
		{"https://h/operations/abc%20123", "abc 123"},
		{"https://h/operations/abc#frag", "abc"},
	}
	for _, tc := range tests {
		got, err := OperationIDFromLocation(tc.in)
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"", " ", "/", "https://h", "https://h/?x=1"} {
		_, err := OperationIDFromLocation(bad)
		require.Error(t, err, bad)
	}
}

func TestMMSOperationIDIsEscapedInURL(t *testing.T) {
	s := &script{replies: replies(`{"state":"Succeeded"}`)}
	srv, pl := newServer(t, s)
	p, err := NewMMS(pl, srv.URL+"/mms", "https://h/operations/a%20b", fastOpts())
	require.NoError(t, err)
	_, err = p.Wait(context.Background())
	require.NoError(t, err)
	require.Equal(t, "/mms/operations/a b", s.requests()[0].Path)
	require.Equal(t, "/mms/operations/a%20b", s.requests()[0].EscapedPath())
}
