package lro

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// mmsBody builds an MMS status body with an optional log chunk.
func mmsBody(t *testing.T, state, sub, log string) string {
	t.Helper()
	m := map[string]any{"id": "op", "state": state}
	if sub != "" {
		m["operationDetails"] = map[string]string{"subOperationType": sub, "subOperationState": state}
	}
	if log != "" {
		m["streamingOperationLog"] = log
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b)
}

func TestStreamLogOffsetsAndEvents(t *testing.T) {
	chunk1 := "20240506070809|Building image#20240506070810|Step 1/3#"
	chunk2 := "20240506070811|Pushing héllo ✓#not-a-timestamp|kept whole#junk without separator#"
	chunk3 := "20240506070900|Deployed"
	s := &script{replies: replies(
		mmsBody(t, "NotStarted", "", ""),
		mmsBody(t, "Running", "BuildEnvironment", chunk1),
		mmsBody(t, "Running", "BuildEnvironment", ""),
		mmsBody(t, "Running", "DeployService", chunk2),
		mmsBody(t, "Succeeded", "DeployService", chunk3),
	)}
	srv, pl := newServer(t, s)
	rec := &recorder{}
	p, err := NewMMS(pl, srv.URL+"/mms", "op", &Options{Frequency: time.Millisecond, StreamLog: true, Progress: rec.add})
	require.NoError(t, err)
	fixed := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	p.h.now = func() time.Time { return fixed }

	st, err := p.Wait(context.Background())
	require.NoError(t, err)
	require.Equal(t, "Succeeded", st.State)

	var offsets []string
	for _, u := range s.requests() {
		offsets = append(offsets, u.Query().Get("offset"))
	}
	n1 := len([]rune(chunk1))
	n2 := n1 + len([]rune(chunk2)) // runes, not bytes: "é" and "✓" count once
	require.Equal(t, []string{"0", "0", strconv.Itoa(n1), strconv.Itoa(n1), strconv.Itoa(n2)}, offsets)
	require.Equal(t, int64(n2+len(chunk3)), p.h.LogOffset)

	ts := func(s string) time.Time { tm, _ := time.Parse("20060102150405", s); return tm }
	want := []Event{
		{Kind: EventState, OperationID: "op", State: "NotStarted", Time: fixed, Message: "NotStarted"},
		{Kind: EventState, OperationID: "op", State: "Running", SubOperationType: "BuildEnvironment", SubOperationState: "Running", Time: fixed, Message: "Running (BuildEnvironment: Running)"},
		{Kind: EventLog, OperationID: "op", State: "Running", SubOperationType: "BuildEnvironment", SubOperationState: "Running", Time: ts("20240506070809"), Message: "Building image"},
		{Kind: EventLog, OperationID: "op", State: "Running", SubOperationType: "BuildEnvironment", SubOperationState: "Running", Time: ts("20240506070810"), Message: "Step 1/3"},
		// poll 3: same state, no log: no event
		{Kind: EventState, OperationID: "op", State: "Running", SubOperationType: "DeployService", SubOperationState: "Running", Time: fixed, Message: "Running (DeployService: Running)"},
		{Kind: EventLog, OperationID: "op", State: "Running", SubOperationType: "DeployService", SubOperationState: "Running", Time: ts("20240506070811"), Message: "Pushing héllo ✓"},
		{Kind: EventLog, OperationID: "op", State: "Running", SubOperationType: "DeployService", SubOperationState: "Running", Message: "not-a-timestamp|kept whole"},
		{Kind: EventLog, OperationID: "op", State: "Running", SubOperationType: "DeployService", SubOperationState: "Running", Message: "junk without separator"},
		// terminal: log lines first, terminal state event last
		{Kind: EventLog, OperationID: "op", State: "Succeeded", SubOperationType: "DeployService", SubOperationState: "Succeeded", Time: ts("20240506070900"), Message: "Deployed"},
		{Kind: EventState, OperationID: "op", State: "Succeeded", SubOperationType: "DeployService", SubOperationState: "Succeeded", Time: fixed, Message: "Succeeded (DeployService: Succeeded)"},
	}
	require.Equal(t, want, rec.all())
}

func TestARMIgnoresStreamLog(t *testing.T) {
	s := &script{replies: replies(`{"status":"Running","streamingOperationLog":"20240101000000|x"}`, `{"status":"Succeeded"}`)}
	srv, pl := newServer(t, s)
	rec := &recorder{}
	p, err := NewARM(pl, srv.URL+"/op/1", &Options{Frequency: time.Millisecond, StreamLog: true, Progress: rec.add})
	require.NoError(t, err)
	_, err = p.Wait(context.Background())
	require.NoError(t, err)
	for _, u := range s.requests() {
		require.False(t, u.Query().Has("offset"))
	}
	ev := rec.all()
	require.Len(t, ev, 2)
	require.Equal(t, []string{"Running", "Succeeded"}, []string{ev[0].State, ev[1].State})
	require.Equal(t, EventState, ev[0].Kind)
}

func TestParseStreamingLog(t *testing.T) {
	tests := []struct {
		in   string
		want []logEntry
	}{
		{"", nil},
		{"#", nil},
		{"##  #\n", nil},
		{"20240101000000|a", []logEntry{{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "a"}}},
		{"20240101000000|a|b#", []logEntry{{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "a|b"}}},
		{"20240101000000|\r\n", []logEntry{{time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), ""}}},
		{"2024|short stamp", []logEntry{{Message: "2024|short stamp"}}},
		{"20241301000000|bad month", []logEntry{{Message: "20241301000000|bad month"}}},
		{"|no stamp", []logEntry{{Message: "|no stamp"}}},
		{"plain", []logEntry{{Message: "plain"}}},
		{"\xff\xfe|x", []logEntry{{Message: "\uFFFD|x"}}},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, parseStreamingLog(tc.in), "%q", tc.in)
	}
}
