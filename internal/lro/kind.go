package lro

import "strings"

// Kind identifies the polling style of an operation.
type Kind string

const (
	// KindARM is an ARM Azure-AsyncOperation operation ("status" field,
	// terminal Succeeded|Failed|Canceled).
	KindARM Kind = "arm"
	// KindMMS is a model-management operation at {MMS}/operations/{id}
	// ("state" field, terminal Succeeded|Failed|Cancelled|TimedOut).
	KindMMS Kind = "mms"
)

// Operation states reported by the services. Comparisons in this package are
// case-insensitive.
const (
	// StateSucceeded is the successful terminal state of both styles.
	StateSucceeded = "Succeeded"
	// StateFailed is a failed terminal state of both styles.
	StateFailed = "Failed"
	// StateCanceled is the ARM cancelled terminal state (single L).
	StateCanceled = "Canceled"
	// StateCancelled is the model-management cancelled terminal state (double L).
	StateCancelled = "Cancelled"
	// StateTimedOut is the model-management timed-out terminal state.
	StateTimedOut = "TimedOut"
	// StateNotStarted is a model-management non-terminal state.
	StateNotStarted = "NotStarted"
	// StateRunning is a model-management non-terminal state.
	StateRunning = "Running"
	// StateInProgress is the usual ARM non-terminal state.
	StateInProgress = "InProgress"
)

// valid reports whether k is one of the known kinds.
func (k Kind) valid() bool { return k == KindARM || k == KindMMS }

// IsTerminal reports whether state ends an operation of this kind. ARM
// operations end in Succeeded, Failed or Canceled; model-management operations
// in Succeeded, Failed, Cancelled or TimedOut. Both cancel spellings are
// accepted for both kinds so that a service using the other spelling cannot
// make a poller wait forever. Any other value, including unknown ones such as
// Creating, Updating or Deleting, is in progress.
func (k Kind) IsTerminal(state string) bool {
	switch {
	case isState(state, StateSucceeded), isState(state, StateFailed),
		isState(state, StateCanceled), isState(state, StateCancelled):
		return true
	case isState(state, StateTimedOut):
		return k == KindMMS
	}
	return false
}

// isState compares two states case-insensitively, ignoring surrounding space.
func isState(got, want string) bool {
	return strings.EqualFold(strings.TrimSpace(got), want)
}
