package webservice

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/azureml-go/azureml/model"
)

// ErrNotFound is wrapped by the error of Get (and of calls on a deleted
// service) when the service does not exist; the error also unwraps to the
// *azcore.ResponseError of the 404.
var ErrNotFound = errors.New("webservice: not found")

// ServiceError is an error object reported by the model-management service
// (operation or service "error", reference §7.1).
type ServiceError struct {
	// Code is the service's error code, for example "CrashLoopBackOff".
	Code string
	// StatusCode is the HTTP status the service associates with the error.
	StatusCode int
	// Message is the service's explanation; for a failed init() it carries
	// the entry script's traceback.
	Message string
	// Details are the structured sub-errors.
	Details []ErrorDetail
}

// ErrorDetail is one sub-error of a ServiceError.
type ErrorDetail struct {
	Code, Message, Target string
}

// Error renders "code: message".
func (e *ServiceError) Error() string {
	if e == nil {
		return "<nil>"
	}
	if e.Code == "" {
		return e.Message
	}
	return e.Code + ": " + e.Message
}

// FieldErrors lists the problems as model.FieldErrors, so that model.Deploy
// reports them together with its own in one *model.ValidationError.
func (e *ValidationError) FieldErrors() []model.FieldError {
	out := make([]model.FieldError, len(e.Problems))
	for i, p := range e.Problems {
		msg := "Invalid configuration, " + p.Rule
		if p.Param != "" {
			msg = "Invalid configuration, " + p.Param + " " + p.Rule
		}
		out[i] = model.FieldError{Field: "DeployConfig." + p.Field, Message: msg}
	}
	return out
}

// ErrWaitTimeout is wrapped by the *DeploymentError of a wait that ran past
// WaitOptions.Timeout.
var ErrWaitTimeout = errors.New("webservice: wait timed out")

// DeploymentError is returned by WaitForDeployment (and Operation.Wait) when
// the operation ended in Failed, Cancelled or TimedOut, or when
// WaitOptions.Timeout passed first. Reach it with errors.As.
type DeploymentError struct {
	// Service is the service name.
	Service string
	// OperationID identifies the operation.
	OperationID string
	// State is the operation's terminal state (or its last state when the
	// wait timed out).
	State string
	// ServiceState is the service's state after the operation, when known.
	ServiceState State
	// Err is the error the service reported (operation error, else service
	// error); nil when it sent none.
	Err *ServiceError
	// SubOperation is the sub-operation that was running: BuildEnvironment,
	// BuildImage or DeployService.
	SubOperation string
	// Hint says where to look next, derived from SubOperation.
	Hint string
	// Logs holds the last lines of the service logs, fetched automatically
	// (empty when they could not be read).
	Logs string
	// Timeout is set when WaitOptions.Timeout passed before the operation
	// finished; the error then also matches ErrWaitTimeout.
	Timeout time.Duration
}

// maxLogLinesInError bounds the log lines Error prints (Logs keeps more).
const maxLogLinesInError = 20

// Error summarises the failure, then the service's error, the hint and the
// end of the logs.
func (e *DeploymentError) Error() string {
	var b strings.Builder
	if e.Timeout > 0 {
		fmt.Fprintf(&b, "webservice: deployment of %s still %s after the wait timeout of %s (operation %s)", e.Service, orUnknown(e.State), e.Timeout, e.OperationID)
	} else {
		fmt.Fprintf(&b, "webservice: deployment of %s reached state %s (operation %s", e.Service, orUnknown(e.State), e.OperationID)
		if e.ServiceState != "" {
			fmt.Fprintf(&b, ", service state %s", e.ServiceState)
		}
		b.WriteString(")")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
		for _, d := range e.Err.Details {
			fmt.Fprintf(&b, "\n  - %s: %s", d.Code, d.Message)
		}
	} else if e.Timeout == 0 {
		b.WriteString(": no error message received from the service")
	}
	if e.Hint != "" {
		b.WriteString("\n")
		b.WriteString(e.Hint)
	}
	if e.Logs != "" {
		lines := strings.Split(strings.TrimRight(e.Logs, "\n"), "\n")
		if len(lines) > maxLogLinesInError {
			lines = lines[len(lines)-maxLogLinesInError:]
		}
		fmt.Fprintf(&b, "\nLast %d log lines:\n  %s", len(lines), strings.Join(lines, "\n  "))
	}
	return b.String()
}

// Unwrap exposes the service error and, for a timeout, ErrWaitTimeout.
func (e *DeploymentError) Unwrap() []error {
	var out []error
	if e.Err != nil {
		out = append(out, e.Err)
	}
	if e.Timeout > 0 {
		out = append(out, ErrWaitTimeout)
	}
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// subOperationHint is azureml-core's hint for a failed sub-operation.
func subOperationHint(sub, operationLog string) string {
	switch sub {
	case "BuildEnvironment", "BuildImage":
		if operationLog != "" {
			return "The environment build failed; more information can be found here: " + redactQuery(operationLog)
		}
		return "The environment build failed; the service gave no build log location."
	case "DeployService":
		return "The container was built but the deployment failed; the service logs (GetLogs) show the container output."
	case "":
		return ""
	}
	return "Failed in sub-operation " + sub + "."
}

// redactQuery drops a URL's query, which may hold a SAS signature.
func redactQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i] + "?REDACTED"
	}
	return u
}

// Sentinels a *DeploymentError matches (errors.Is) according to the
// service's error code, so callers can branch without reading messages.
var (
	// ErrInitFailed: the entry script failed to load or its init() raised
	// (CrashLoopBackOff); see DeploymentError.Logs.
	ErrInitFailed = errors.New("webservice: the entry script's init() failed")
	// ErrImageBuild: the environment could not be built.
	ErrImageBuild = errors.New("webservice: the environment build failed")
	// ErrUnschedulable: the cluster cannot place the replicas.
	ErrUnschedulable = errors.New("webservice: the replicas cannot be scheduled")
	// ErrDeploymentTimedOut: the service gave up waiting for the replicas.
	ErrDeploymentTimedOut = errors.New("webservice: the deployment timed out")
)

// Is matches the sentinel of the service's error code.
func (e *DeploymentError) Is(target error) bool {
	if e.Err == nil {
		return false
	}
	switch e.Err.Code {
	case "CrashLoopBackOff":
		return target == ErrInitFailed
	case "EnvironmentBuildFailed", "ImageBuildFailure", "ImageBuildFailed":
		return target == ErrImageBuild
	case "Unschedulable":
		return target == ErrUnschedulable
	case "DeploymentTimedOut":
		return target == ErrDeploymentTimedOut
	}
	return false
}
