package pipeline

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
)

// writePhase is how far the current attempt got in sending the request,
// as reported by net/http/httptrace.
type writePhase int

const (
	phaseUnknown     writePhase = iota // no trace event: not a net/http transport, or nothing started
	phaseGettingConn                   // GetConn seen, no connection yet (dial or TLS handshake pending/failed)
	phaseConnected                     // GotConn seen, request not (yet) reported written
	phaseWriteFailed                   // WroteRequest reported an error: the request did not fully leave
	phaseWritten                       // WroteRequest reported success: the server may have it
)

// callState is shared by every attempt of one call through the transport.
// The trace callbacks run on net/http's goroutines, hence the mutex.
type callState struct {
	method     string
	idempotent bool

	mu       sync.Mutex
	attempts int
	phase    writePhase
	reasons  []string // why each retried attempt failed, e.g. "503", "connection reset"
}

type callStateKey struct{}

func newCallState(req *http.Request) *callState {
	return &callState{
		method:     req.Method,
		idempotent: idempotentMethod(req.Method) || markedIdempotent(req.Context()),
	}
}

// attach returns ctx carrying st and an httptrace hook that tracks st.phase.
func (st *callState) attach(ctx context.Context) context.Context {
	ctx = context.WithValue(ctx, callStateKey{}, st)
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn: func(string) { st.setPhase(phaseGettingConn) },
		GotConn: func(httptrace.GotConnInfo) { st.setPhase(phaseConnected) },
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err != nil {
				st.setPhase(phaseWriteFailed)
			} else {
				st.setPhase(phaseWritten)
			}
		},
	})
}

func stateFrom(ctx context.Context) *callState {
	st, _ := ctx.Value(callStateKey{}).(*callState)
	return st
}

func (st *callState) setPhase(p writePhase) {
	st.mu.Lock()
	st.phase = p
	st.mu.Unlock()
}

// beginAttempt is called before every attempt, the first included.
func (st *callState) beginAttempt() {
	st.mu.Lock()
	st.attempts++
	st.phase = phaseUnknown
	st.mu.Unlock()
}

// notWritten reports whether the current attempt certainly did not deliver a
// complete request: net/http never obtained a connection, or the write of the
// request failed. No trace events at all (a fake transport) counts as unknown,
// which is treated as "maybe written".
func (st *callState) notWritten() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.phase == phaseGettingConn || st.phase == phaseWriteFailed
}

// mayHaveDelivered reports whether the current attempt may have delivered
// the request: it got a connection and its write was not reported failed.
// No trace events at all (a fake transport) counts as "may have".
func (st *callState) mayHaveDelivered() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.phase == phaseUnknown || st.phase == phaseConnected || st.phase == phaseWritten
}

func (st *callState) addReason(resp *http.Response, err error) {
	r := ""
	switch {
	case err != nil:
		r = errorClass(err)
	case resp != nil:
		r = strconv.Itoa(resp.StatusCode)
	default:
		return
	}
	st.mu.Lock()
	st.reasons = append(st.reasons, r)
	st.mu.Unlock()
}

func (st *callState) snapshot() (attempts int, reasons []string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.attempts, append([]string(nil), st.reasons...)
}
