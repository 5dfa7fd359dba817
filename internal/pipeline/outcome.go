package pipeline

import (
	"context"
	"errors"
	"fmt"
)

// ErrOutcomeUnknown is matched (errors.Is) by the error of a call that is
// not safe to repeat — a POST or PATCH not marked with [WithIdempotent] —
// whose request may have reached the server but whose answer was lost: the
// connection broke after the request was sent, the attempt timed out waiting
// for the answer (TryTimeout), or the 2xx answer's JSON was cut short. The
// server may have acted on it, so the pipeline did not send it again; read
// the resource to find out what happened. The underlying error stays
// reachable with errors.Is/As.
var ErrOutcomeUnknown = errors.New("the request may have taken effect but its answer was lost")

// outcomeUnknownError wraps the transport error of such a call.
type outcomeUnknownError struct {
	method string
	err    error
}

func (e *outcomeUnknownError) Error() string {
	return fmt.Sprintf("%v (the %s reached the server and may have taken effect; it was not sent again)", e.err, e.method)
}

func (e *outcomeUnknownError) Unwrap() []error { return []error{e.err, ErrOutcomeUnknown} }

// markOutcomeUnknown wraps err when the call is not idempotent, its last
// attempt may have delivered the request, and the caller's context did not
// end it (a caller that gives up knows it did).
func markOutcomeUnknown(ctx context.Context, st *callState, err error) error {
	if err == nil || st == nil || st.idempotent || ctx.Err() != nil {
		return err
	}
	if !errors.Is(err, ErrTruncatedResponse) && !st.mayHaveDelivered() {
		return err
	}
	return &outcomeUnknownError{method: st.method, err: err}
}
