package lro

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ErrPollTimeout is matched (errors.Is) by the error of a status GET that got
// no complete answer within [Options.PollTimeout]. It is not
// context.DeadlineExceeded: the caller's context had not ended.
var ErrPollTimeout = errors.New("lro: status poll timed out")

// errPollDeadline is the cause of a poll context that reached PollTimeout.
var errPollDeadline = errors.New("lro: PollTimeout reached")

// pollContext returns the context of one status GET: ctx bounded by
// PollTimeout.
func (h *handler) pollContext(ctx context.Context) (context.Context, context.CancelFunc) {
	d := h.opts.pollTimeout()
	if d <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeoutCause(ctx, d, errPollDeadline)
}

// pollTimedOut reports whether a poll failed because its own bound ran out
// while the caller's context was still alive.
func pollTimedOut(ctx, pollCtx context.Context) bool {
	return ctx.Err() == nil && errors.Is(context.Cause(pollCtx), errPollDeadline)
}

func (h *handler) pollTimeoutError(d time.Duration) error {
	return fmt.Errorf("lro: a status GET of %s operation %s got no answer within %s (PollTimeout): %w", h.Kind, h.OperationID, d, ErrPollTimeout)
}

type waitingKey struct{}

// withinWait marks the context of Wait, whose polls skip a timeout.
func withinWait(ctx context.Context) context.Context {
	return context.WithValue(ctx, waitingKey{}, true)
}

func isWithinWait(ctx context.Context) bool {
	v, _ := ctx.Value(waitingKey{}).(bool)
	return v
}

// skippedPoll stands for a status GET that timed out inside Wait: no state
// change and no Retry-After, so the next poll follows after Frequency.
func skippedPoll(req *http.Request) *http.Response {
	return &http.Response{
		StatusCode: http.StatusAccepted,
		Status:     "202 Accepted",
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{},
		Body:    http.NoBody,
		Request: req,
	}
}
