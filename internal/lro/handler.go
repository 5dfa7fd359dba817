package lro

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// tokenVersion is the version of the handler state stored in resume tokens.
const tokenVersion = 1

// handler is the runtime.PollingHandler[Status] behind every Poller. Its
// exported, JSON-tagged fields are the resume token; everything else (the
// pipeline, callbacks, counters) is unexported and never serialised.
type handler struct {
	// Version is tokenVersion; tokens with another version are refused.
	Version int `json:"version"`
	// Kind is the polling style.
	Kind Kind `json:"kind"`
	// URL is the operation URL polled, without the offset query parameter.
	URL string `json:"url"`
	// OperationID is the operation id (last path segment of the operation URL).
	OperationID string `json:"operationId"`
	// State is the last observed state ("" before the first poll).
	State string `json:"state,omitempty"`
	// LogOffset is how many characters of streamingOperationLog were consumed.
	LogOffset int64 `json:"logOffset,omitempty"`

	pl       runtime.Pipeline
	opts     Options
	now      func() time.Time
	last     *Status
	polls    atomic.Int64
	reported bool   // a state event was delivered by this process
	lastSub  string // sub-operation "type/state" last reported
}

var _ runtime.PollingHandler[Status] = (*handler)(nil)

// Done reports whether the last observed state is terminal.
func (h *handler) Done() bool { return h.Kind.IsTerminal(h.State) }

// pollURL returns the URL of the next GET.
func (h *handler) pollURL() string {
	if h.Kind != KindMMS || !h.opts.StreamLog {
		return h.URL
	}
	sep := "?"
	if strings.Contains(h.URL, "?") {
		sep = "&"
	}
	return h.URL + sep + "offset=" + strconv.FormatInt(h.LogOffset, 10)
}

// Poll sends one GET to the operation URL, bounded by PollTimeout. On success
// it updates the state, the log offset and the last status, and reports
// progress; on any failure the state is left unchanged. A GET that timed out
// fails with ErrPollTimeout, except within Wait, where it is skipped (see
// skippedPoll). A non-2xx response becomes *azcore.ResponseError;
// an undecodable body becomes a descriptive error.
func (h *handler) Poll(ctx context.Context) (*http.Response, error) {
	pollCtx, cancel := h.pollContext(ctx)
	defer cancel()
	req, err := runtime.NewRequest(pollCtx, http.MethodGet, h.pollURL())
	if err != nil {
		return nil, fmt.Errorf("lro: building poll request: %w", err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	h.polls.Add(1)
	resp, err := h.pl.Do(req)
	if err != nil {
		if pollTimedOut(ctx, pollCtx) {
			if isWithinWait(ctx) {
				return skippedPoll(req.Raw()), nil
			}
			return nil, h.pollTimeoutError(h.opts.pollTimeout())
		}
		return nil, err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK, http.StatusCreated, http.StatusAccepted) {
		return nil, runtime.NewResponseError(resp)
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		return nil, fmt.Errorf("lro: reading %s operation %s status: %w", h.Kind, h.OperationID, err)
	}
	st, err := DecodeStatus(h.Kind, body)
	if err != nil {
		return nil, fmt.Errorf("%w (operation %s, HTTP %d)", err, h.OperationID, resp.StatusCode)
	}
	h.apply(st)
	return resp, nil
}

// apply records a decoded status and emits progress events.
func (h *handler) apply(st *Status) {
	prevState := h.State
	h.State = st.State
	h.last = st
	var logs []logEntry
	if h.Kind == KindMMS && h.opts.StreamLog && st.StreamingLog != "" {
		h.LogOffset += logOffsetOf(st.StreamingLog)
		logs = parseStreamingLog(st.StreamingLog)
	}
	if h.opts.Progress == nil {
		return
	}
	sub := st.SubOperationType + "/" + st.SubOperationState
	changed := !h.reported || !isState(prevState, st.State) || sub != h.lastSub
	h.reported, h.lastSub = true, sub
	stateEvent := func() {
		if changed {
			h.opts.Progress(Event{
				Kind:              EventState,
				OperationID:       h.OperationID,
				State:             st.State,
				SubOperationType:  st.SubOperationType,
				SubOperationState: st.SubOperationState,
				Time:              h.now().UTC(),
				Message:           stateMessage(st),
			})
		}
	}
	terminal := st.Terminal()
	if !terminal {
		stateEvent()
	}
	for _, l := range logs {
		h.opts.Progress(Event{
			Kind:              EventLog,
			OperationID:       h.OperationID,
			State:             st.State,
			SubOperationType:  st.SubOperationType,
			SubOperationState: st.SubOperationState,
			Time:              l.Time,
			Message:           l.Message,
		})
	}
	if terminal {
		stateEvent()
	}
}

// stateMessage describes a state for a progress event.
func stateMessage(st *Status) string {
	msg := st.State
	if st.SubOperationType != "" || st.SubOperationState != "" {
		msg += " (" + orUnknown(st.SubOperationType) + ": " + orUnknown(st.SubOperationState) + ")"
	}
	return msg
}

// status returns a copy of the last decoded status, or nil before the first
// successful poll.
func (h *handler) status() *Status {
	if h.last == nil {
		return nil
	}
	c := *h.last
	return &c
}

// terminalStatus returns the last status, or one synthesised from the resume
// token's state when this process never polled.
func (h *handler) terminalStatus() *Status {
	if st := h.status(); st != nil {
		return st
	}
	return &Status{Kind: h.Kind, ID: h.OperationID, State: h.State}
}

// Result fills out with the final status when the operation succeeded, and
// returns an *OperationError otherwise.
func (h *handler) Result(_ context.Context, out *Status) error {
	st := h.terminalStatus()
	if !st.Succeeded() {
		return newOperationError(h.OperationID, st)
	}
	*out = *st
	return nil
}
