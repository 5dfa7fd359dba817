package lro

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestResumeTokenRoundTripMMS(t *testing.T) {
	chunk := "20240101000000|first#"
	s := &script{replies: replies(
		mmsBody(t, "Running", "BuildImage", chunk),
		mmsBody(t, "Running", "DeployService", ""),
		mmsBody(t, "Succeeded", "DeployService", "20240101000100|done"),
	)}
	srv, pl := newServer(t, s)
	p1, err := NewMMS(pl, srv.URL+"/mms", "https://h/operations/op-42", &Options{StreamLog: true, Frequency: time.Millisecond})
	require.NoError(t, err)
	_, err = p1.Poll(context.Background())
	require.NoError(t, err)

	tok, err := p1.ResumeToken()
	require.NoError(t, err)

	// The token is exactly the exported state: nothing else.
	var wrapper struct {
		Type  string         `json:"type"`
		Token map[string]any `json:"token"`
	}
	require.NoError(t, json.Unmarshal([]byte(tok), &wrapper))
	require.Equal(t, "Status", wrapper.Type)
	require.Equal(t, map[string]any{
		"version":     float64(1),
		"kind":        "mms",
		"url":         srv.URL + "/mms/operations/op-42",
		"operationId": "op-42",
		"state":       "Running",
		"logOffset":   float64(len(chunk)),
	}, wrapper.Token)

	// "Another process": a fresh pipeline and fresh options.
	rec := &recorder{}
	p2, err := Resume(testPipeline(srv), tok, &Options{StreamLog: true, Frequency: time.Millisecond, Progress: rec.add})
	require.NoError(t, err)
	require.Equal(t, "op-42", p2.OperationID())
	require.Equal(t, "Running", p2.State())
	require.False(t, p2.Done())
	require.Equal(t, 0, p2.PollCount())

	st, err := p2.Wait(context.Background())
	require.NoError(t, err)
	require.Equal(t, "Succeeded", st.State)
	require.Equal(t, 2, p2.PollCount())

	reqs := s.requests()
	require.Len(t, reqs, 3)
	require.Equal(t, "0", reqs[0].Query().Get("offset"))
	require.Equal(t, "21", reqs[1].Query().Get("offset"), "resumed poller continues at the stored log offset")
	require.Equal(t, "21", reqs[2].Query().Get("offset"))

	ev := rec.all()
	require.Len(t, ev, 3)
	require.Equal(t, EventState, ev[0].Kind, "the resumed process reports the state it first sees")
	require.Equal(t, "done", ev[1].Message)
	require.Equal(t, "Succeeded", ev[2].State)

	_, err = p2.ResumeToken()
	require.Error(t, err, "no token for a terminal operation")
}

func TestResumeTokenRoundTripARM(t *testing.T) {
	s := &script{replies: replies(`{"status":"InProgress"}`, `{"status":"InProgress"}`, `{"status":"Failed","error":{"error":{"code":"Boom","message":"bad"}}}`)}
	srv, pl := newServer(t, s)
	p1, err := NewARM(pl, srv.URL+"/operations/arm/a1?api-version=2020-02-02", fastOpts())
	require.NoError(t, err)
	tok0, err := p1.ResumeToken()
	require.NoError(t, err, "a token is available before the first poll")
	require.NotContains(t, tok0, `"state"`)
	_, err = p1.Poll(context.Background())
	require.NoError(t, err)
	tok, err := p1.ResumeToken()
	require.NoError(t, err)

	p2, err := Resume(pl, tok, fastOpts())
	require.NoError(t, err)
	require.Equal(t, KindARM, p2.Kind())
	st, err := p2.Wait(context.Background())
	var oe *OperationError
	require.ErrorAs(t, err, &oe)
	require.Equal(t, "a1", oe.OperationID)
	require.Equal(t, "Boom", oe.Err.Code)
	require.Equal(t, "Failed", st.State)
	require.Equal(t, 2, p2.PollCount())
}

func TestResumeTerminalTokenNeedsNoRequest(t *testing.T) {
	srv := newDummyServer(t)
	tok := `{"type":"Status","token":{"version":1,"kind":"mms","url":"` + srv.URL + `/mms/operations/o","operationId":"o","state":"Cancelled"}}`
	p, err := Resume(testPipeline(srv), tok, nil)
	require.NoError(t, err)
	require.True(t, p.Done())
	st, err := p.Wait(context.Background())
	var oe *OperationError
	require.ErrorAs(t, err, &oe)
	require.Equal(t, "Cancelled", st.State)
	require.Equal(t, "operation o reached state Cancelled: no error message received from the service", err.Error())
	require.Equal(t, 0, p.PollCount())
}

func TestResumeInvalidTokens(t *testing.T) {
	srv := newDummyServer(t)
	pl := testPipeline(srv)
	good := func(mut func(m map[string]any)) string {
		m := map[string]any{"version": 1, "kind": "arm", "url": srv.URL + "/op/1?api-version=2020-02-02", "operationId": "1", "state": "InProgress"}
		if mut != nil {
			mut(m)
		}
		b, _ := json.Marshal(map[string]any{"type": "Status", "token": m})
		return string(b)
	}
	_, err := Resume(pl, good(nil), nil)
	require.NoError(t, err, "baseline token is valid")

	bad := map[string]string{
		"empty":          "",
		"not JSON":       "tok",
		"JSON array":     "[]",
		"no type":        `{"token":{}}`,
		"other type":     strings.Replace(good(nil), `"type":"Status"`, `"type":"Service"`, 1),
		"no token":       `{"type":"Status"}`,
		"token not obj":  `{"type":"Status","token":"x"}`,
		"version 2":      good(func(m map[string]any) { m["version"] = 2 }),
		"no version":     good(func(m map[string]any) { delete(m, "version") }),
		"unknown kind":   good(func(m map[string]any) { m["kind"] = "lro" }),
		"relative url":   good(func(m map[string]any) { m["url"] = "/op/1" }),
		"no url":         good(func(m map[string]any) { delete(m, "url") }),
		"no operationId": good(func(m map[string]any) { m["operationId"] = "" }),
		"negative off":   good(func(m map[string]any) { m["logOffset"] = -3 }),
		"state number":   good(func(m map[string]any) { m["state"] = 7 }),
	}
	for name, tok := range bad {
		_, err := Resume(pl, tok, nil)
		require.ErrorIs(t, err, ErrInvalidResumeToken, name)
	}
}
