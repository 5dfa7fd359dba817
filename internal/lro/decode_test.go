package lro

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDecodeStatusShapes(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
		body string
		want func(t *testing.T, s *Status)
	}{
		{"ARM minimal", KindARM, `{"status":"InProgress"}`, func(t *testing.T, s *Status) {
			require.Equal(t, "InProgress", s.State)
			require.Nil(t, s.Error)
			require.False(t, s.Terminal())
		}},
		{"ARM id only", KindARM, `{"id":"/subscriptions/s/providers/x/operationStatuses/op-5","status":"Succeeded"}`, func(t *testing.T, s *Status) {
			require.Equal(t, "op-5", s.ID)
			require.True(t, s.Succeeded())
		}},
		{"ARM key case ignored", KindARM, `{"Status":"Failed","Error":{"Code":"X","Message":"y"}}`, func(t *testing.T, s *Status) {
			require.Equal(t, "Failed", s.State)
			require.Equal(t, "X", s.Error.Code)
			require.Equal(t, "y", s.Error.Message)
		}},
		{"ARM triple nesting", KindARM, `{"status":"Failed","error":{"error":{"error":{"code":"Deep","message":"m"}}}}`, func(t *testing.T, s *Status) {
			require.Equal(t, "Deep", s.Error.Code)
		}},
		{"ARM error string", KindARM, `{"status":"Failed","error":"plain text"}`, func(t *testing.T, s *Status) {
			require.Equal(t, "plain text", s.Error.Message)
			require.Equal(t, `"plain text"`, string(s.Error.Raw))
		}},
		{"ARM error null", KindARM, `{"status":"Failed","error":null}`, func(t *testing.T, s *Status) {
			require.Nil(t, s.Error)
		}},
		{"ARM error inner string", KindARM, `{"status":"Failed","error":{"error":"inner text"}}`, func(t *testing.T, s *Status) {
			require.Equal(t, "inner text", s.Error.Message)
		}},
		{"MMS full", KindMMS, mmsFailedBody, func(t *testing.T, s *Status) {
			require.Equal(t, "4b0c5d6e-op", s.ID)
			require.Equal(t, "Deploy", s.OperationType)
			require.Equal(t, "BuildEnvironment", s.SubOperationType)
			require.Equal(t, "Failed", s.SubOperationState)
			require.Equal(t, "req-1", s.ParentRequestID)
			require.Equal(t, 400, s.Error.StatusCode)
			require.True(t, s.Terminal())
			require.JSONEq(t, mmsFailedBody, string(s.Raw))
		}},
		{"MMS statusCode as string, odd details", KindMMS, `{"state":"Failed","error":{"code":"C","statusCode":"503","details":["text detail",null,{"message":"m"},{},7]}}`, func(t *testing.T, s *Status) {
			require.Equal(t, 503, s.Error.StatusCode)
			require.Equal(t, []ErrorDetail{{Message: "text detail"}, {Message: "m"}, {Message: "7"}}, s.Error.Details)
		}},
		{"MMS wrong-typed optional fields ignored", KindMMS, `{"state":"Running","id":12,"operationDetails":"x","createdTime":5,"error":{"details":{"not":"array"},"correlation":[1],"statusCode":true}}`, func(t *testing.T, s *Status) {
			require.Equal(t, "12", s.ID)
			require.Empty(t, s.SubOperationType)
			require.True(t, s.CreatedTime.IsZero())
			require.Empty(t, s.Error.Details)
			require.Zero(t, s.Error.StatusCode)
		}},
		{"MMS unknown fields and state", KindMMS, `{"state":"Queued","operationRunInfo":{"a":1},"extra":[1,2]}`, func(t *testing.T, s *Status) {
			require.Equal(t, "Queued", s.State)
			require.False(t, s.Terminal())
		}},
		{"MMS TimedOut terminal; ARM not", KindMMS, `{"state":"TimedOut"}`, func(t *testing.T, s *Status) {
			require.True(t, s.Terminal())
			require.False(t, KindARM.IsTerminal("TimedOut"))
			require.True(t, KindARM.IsTerminal("Cancelled"), "both cancel spellings end both kinds")
			require.True(t, KindMMS.IsTerminal("canceled"))
		}},
		{"MMS correlation values", KindMMS, `{"state":"Failed","error":{"message":"m","correlation":{"RequestId":"r","n":3,"o":{"x":1},"z":null}}}`, func(t *testing.T, s *Status) {
			require.Equal(t, map[string]string{"RequestId": "r", "n": "3", "o": `{"x":1}`}, s.Error.Correlation)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := DecodeStatus(tc.kind, []byte(tc.body))
			require.NoError(t, err)
			require.Equal(t, tc.kind, s.Kind)
			tc.want(t, s)
		})
	}
}

func TestDecodeStatusRejects(t *testing.T) {
	tests := []struct {
		kind Kind
		body string
		want string
	}{
		{KindARM, ``, "empty body"},
		{KindARM, `   `, "empty body"},
		{KindARM, `null`, "not a JSON object"},
		{KindARM, `[{"status":"Succeeded"}]`, "not a JSON object"},
		{KindARM, `"Succeeded"`, "not a JSON object"},
		{KindARM, `{"status":"Succ`, "unexpected end"},
		{KindARM, `<html></html>`, "invalid JSON"},
		{KindARM, `{"state":"Succeeded"}`, `missing "status"`},
		{KindMMS, `{"status":"Succeeded"}`, `missing "state"`},
		{KindMMS, `{"state":null}`, `missing "state"`},
		{KindMMS, `{"state":""}`, `empty "state"`},
		{KindMMS, `{"state":1}`, `"state" is not a string`},
		{KindMMS, `{"state":{"x":1}}`, `"state" is not a string`},
		{Kind("x"), `{"state":"Running"}`, "unknown operation kind"},
	}
	for _, tc := range tests {
		_, err := DecodeStatus(tc.kind, []byte(tc.body))
		require.ErrorContains(t, err, tc.want, "%s %q", tc.kind, tc.body)
	}
}

func TestServiceErrorUnmarshalAndText(t *testing.T) {
	var holder struct {
		Error *ServiceError `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"error":{"code":"C","statusCode":409,"message":"conflict","target":"svc","details":[{"code":"D","message":"dm"}]}}`), &holder))
	require.Equal(t, "C", holder.Error.Code)
	require.Equal(t, "C: conflict\n  status code: 409\n  target: svc\n  - D: dm", holder.Error.Error())

	var e ServiceError
	require.NoError(t, json.Unmarshal([]byte(`"just a message"`), &e))
	require.Equal(t, "just a message", e.Error())
	require.NoError(t, json.Unmarshal([]byte(`{}`), &e))
	require.Equal(t, "{}", e.Error())
	require.Error(t, e.UnmarshalJSON([]byte(`{`)))

	// Secrets quoted by the service are redacted in error text.
	require.NoError(t, json.Unmarshal([]byte(`{"code":"C","message":"see https://a.blob/x?sv=1&sig=abc%2B and Bearer eyJhbGciOi.x.y, access_token=zzz"}`), &e))
	text := e.Error()
	require.NotContains(t, text, "abc%2B")
	require.NotContains(t, text, "eyJhbGciOi")
	require.NotContains(t, text, "zzz")
	require.Contains(t, text, "sig=REDACTED")
	require.NotContains(t, fmt.Sprintf("%#v", &e), "abc%2B")

	long := strings.Repeat("é", 400)
	require.NoError(t, json.Unmarshal([]byte(`[`+fmt.Sprintf("%q", long)+`]`), &e))
	require.LessOrEqual(t, len(e.Error()), maxRawInMessage+len("…"))
}

func TestStatusStringRedacts(t *testing.T) {
	s, err := DecodeStatus(KindMMS, []byte(mmsFailedBody))
	require.NoError(t, err)
	require.Equal(t, "mms operation 4b0c5d6e-op state Failed (sub-operation BuildEnvironment: Failed), error EnvironmentBuildFailed: Failed building the Environment., log https://acct.blob.core.windows.net/logs/build.txt?se=REDACTED&sig=REDACTED&sr=REDACTED&sv=REDACTED", s.String())
	require.Equal(t, "REDACTED", redactURL("http://[::1"))
	require.Equal(t, "https://u:xxxxx@h/p", redactURL("https://u:pw@h/p#frag"))
}

func TestEventKindString(t *testing.T) {
	require.Equal(t, "state", EventState.String())
	require.Equal(t, "log", EventLog.String())
	require.Equal(t, "unknown", EventKind(0).String())
}
