package webservice

import (
	"context"
	"errors"
	"time"

	"github.com/azureml-go/azureml/internal/lro"
)

// DefaultLogLines is how many log lines a failed wait fetches into
// DeploymentError.Logs.
const DefaultLogLines = 50

// ProgressKind says what a ProgressEvent reports.
type ProgressKind int

const (
	// ProgressState reports a new operation or sub-operation state.
	ProgressState ProgressKind = iota + 1
	// ProgressLog reports one line of the operation's streaming log.
	ProgressLog
)

// ProgressEvent is one notification of a wait.
type ProgressEvent struct {
	Kind        ProgressKind
	OperationID string
	// State is the operation state; SubOperationType/State the running
	// sub-operation (BuildEnvironment, DeployService), when known.
	State, SubOperationType, SubOperationState string
	// Time is when the state was seen, or the log entry's timestamp.
	Time time.Time
	// Message describes the state change, or is the log line.
	Message string
}

// WaitOptions tunes a wait. A nil *WaitOptions means the defaults.
type WaitOptions struct {
	// Progress, when set, receives state changes and the operation's log
	// lines as they stream, on the waiting goroutine.
	Progress func(ProgressEvent)
	// Timeout bounds the wait; 0 means no bound other than ctx. When it
	// passes, the error is a *DeploymentError matching ErrWaitTimeout, with
	// the last state and logs.
	Timeout time.Duration
	// PollFrequency is the wait between polls when the service sends no
	// Retry-After; 0 means 5 s (azureml-core's interval).
	PollFrequency time.Duration
	// LogLines is how many service log lines a failure fetches; 0 means
	// DefaultLogLines, negative means none.
	LogLines int
	// PollTimeout bounds each status GET of the wait, its retries included. A
	// poll that gets no answer in time is skipped and the next follows after
	// PollFrequency, so one hung GET does not end the wait (only ctx and
	// Timeout do). Default 80 s (azureml-core's timeout of an operation GET);
	// negative means no bound.
	PollTimeout time.Duration
}

// WaitForDeployment waits for the service's last create or update operation
// (azureml-core wait_for_deployment). It returns nil once the operation
// succeeded, and fails fast with a *DeploymentError as soon as the operation
// is Failed, Cancelled or TimedOut: the error carries the operation id and
// state, the service's error (for a crashed init() with the entry script's
// traceback), the sub-operation hint and the last lines of the service logs.
// HTTP failures while polling are *azcore.ResponseError; ctx ends the wait.
func (s *AksWebservice) WaitForDeployment(ctx context.Context, opts *WaitOptions) error {
	s.mu.RLock()
	loc := s.operationLocation
	if loc == "" && s.snap.wire.OperationID != "" {
		loc = "/operations/" + s.snap.wire.OperationID
	}
	s.mu.RUnlock()
	if loc == "" {
		return errors.New("webservice: no deployment operation to wait for: deploy or update the service first")
	}
	return s.waitOperation(ctx, loc, opts)
}

func (s *AksWebservice) waitOperation(ctx context.Context, location string, opts *WaitOptions) error {
	if opts == nil {
		opts = &WaitOptions{}
	}
	lopts := &lro.Options{Frequency: opts.PollFrequency, PollTimeout: opts.PollTimeout, StreamLog: opts.Progress != nil}
	if opts.Progress != nil {
		progress := opts.Progress
		lopts.Progress = func(e lro.Event) {
			kind := ProgressState
			if e.Kind == lro.EventLog {
				kind = ProgressLog
			}
			progress(ProgressEvent{Kind: kind, OperationID: e.OperationID, State: e.State,
				SubOperationType: e.SubOperationType, SubOperationState: e.SubOperationState, Time: e.Time, Message: e.Message})
		}
	}
	p, err := lro.NewMMS(s.ws.Pipeline(), s.ws.MMSURL(""), location, lopts)
	if err != nil {
		return err
	}
	wctx, cancel := ctx, context.CancelFunc(func() {})
	if opts.Timeout > 0 {
		wctx, cancel = context.WithTimeout(ctx, opts.Timeout)
	}
	st, err := p.Wait(wctx)
	cancel()
	if err == nil {
		_ = s.Refresh(ctx)
		return nil
	}
	var oe *lro.OperationError
	switch {
	case errors.As(err, &oe):
		_ = s.Refresh(ctx)
		de := &DeploymentError{
			Service: s.name, OperationID: oe.OperationID, State: oe.State, ServiceState: s.State(),
			Err: fromLRO(oe.Err), SubOperation: oe.SubOperationType,
			Hint: subOperationHint(oe.SubOperationType, oe.OperationLog),
		}
		if de.Err == nil {
			de.Err = s.Error()
		}
		de.Logs = s.failureLogs(ctx, opts.LogLines)
		return de
	case opts.Timeout > 0 && ctx.Err() == nil && errors.Is(wctx.Err(), context.DeadlineExceeded):
		de := &DeploymentError{Service: s.name, OperationID: p.OperationID(), State: p.State(), Timeout: opts.Timeout}
		if st != nil {
			de.SubOperation = st.SubOperationType
		}
		if s.Refresh(ctx) == nil {
			de.ServiceState = s.State()
		}
		de.Logs = s.failureLogs(ctx, opts.LogLines)
		return de
	}
	return err
}

// failureLogs fetches the end of the service logs, best-effort.
func (s *AksWebservice) failureLogs(ctx context.Context, n int) string {
	if n < 0 {
		return ""
	}
	if n == 0 {
		n = DefaultLogLines
	}
	logs, err := s.GetLogs(ctx, &LogOptions{Tail: n})
	if err != nil {
		return ""
	}
	return logs
}

func fromLRO(e *lro.ServiceError) *ServiceError {
	if e == nil {
		return nil
	}
	out := &ServiceError{Code: e.Code, StatusCode: e.StatusCode, Message: e.Message}
	for _, d := range e.Details {
		out.Details = append(out.Details, ErrorDetail{Code: d.Code, Message: d.Message, Target: d.Target})
	}
	return out
}
