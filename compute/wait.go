package compute

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/azureml-go/azureml/internal/lro"
)

// WaitOptions configures a wait. A nil *WaitOptions means defaults.
type WaitOptions struct {
	// Progress, when set, receives one line per state change, like show_output=True in
	// azureml-core.
	Progress io.Writer
	// OnProgress, when set, is called (on the waiting goroutine) for every state change.
	OnProgress func(ProgressEvent)
	// Frequency is the wait between polls when the service sends no Retry-After hint.
	// Default 5 s, as azureml-core.
	Frequency time.Duration
	// PollTimeout bounds each status GET of the wait, its retries included. A
	// poll that gets no answer in time is skipped and the next follows after
	// Frequency, so one hung GET does not end the wait (only ctx does).
	// Default 80 s (azureml-core's timeout of an operation GET); negative
	// means no bound.
	PollTimeout time.Duration
}

// ProgressEvent reports a state of a compute operation.
type ProgressEvent struct {
	// Operation is what is being done.
	Operation OperationKind
	// ComputeName is the compute concerned.
	ComputeName string
	// OperationID identifies the ARM async operation.
	OperationID string
	// State is the operation state: InProgress (or another non-terminal value),
	// Succeeded, Failed or Canceled.
	State string
	// Time is when the state was observed.
	Time time.Time
}

func (w *WaitOptions) progressFunc(o *Operation) lro.ProgressFunc {
	if w.Progress == nil && w.OnProgress == nil {
		return nil
	}
	return func(e lro.Event) {
		if e.Kind != lro.EventState || isTerminalOpState(e.State) {
			return // terminal states are reported once, by finished
		}
		w.emit(ProgressEvent{Operation: o.kind, ComputeName: o.name, OperationID: e.OperationID, State: e.State, Time: e.Time})
	}
}

// finished reports the terminal state.
func (w *WaitOptions) finished(o *Operation, state string) {
	w.emit(ProgressEvent{Operation: o.kind, ComputeName: o.name, OperationID: o.ID(), State: state, Time: time.Now()})
}

func (w *WaitOptions) emit(e ProgressEvent) {
	if w.OnProgress != nil {
		w.OnProgress(e)
	}
	if w.Progress != nil {
		if isTerminalOpState(e.State) {
			fmt.Fprintf(w.Progress, "%s %s of %s: operation finished, operation %q\n", e.Time.Format(time.TimeOnly), e.Operation, e.ComputeName, e.State)
		} else {
			fmt.Fprintf(w.Progress, "%s %s of %s: %s\n", e.Time.Format(time.TimeOnly), e.Operation, e.ComputeName, e.State)
		}
	}
}

func isTerminalOpState(s string) bool {
	return lro.KindARM.IsTerminal(s)
}

// WaitForCompletion waits for the latest operation started through this value (create,
// attach, update, detach or delete), then, unless it removed the compute, reads the
// compute again. On Failed or Canceled it returns a *ProvisioningError. A compute
// obtained with Get or List has no known operation: ErrNoOperation.
func (c *AksCompute) WaitForCompletion(ctx context.Context, opts *WaitOptions) error {
	op := c.Operation()
	if op == nil {
		return fmt.Errorf("compute: long-running operation information of %q not known, unable to poll; current state is %s: %w", c.Name(), c.ProvisioningState(), ErrNoOperation)
	}
	return op.Wait(ctx, opts)
}
