package runtime

import (
	"errors"
	"fmt"
	"strings"
)

// ErrPythonNotFound means no Python 3 interpreter could be found; the local
// workspace needs one to run entry scripts.
var ErrPythonNotFound = errors.New("python3 not found: the local workspace runs entry scripts with a Python 3 interpreter; install python3 or set the Python option to its path")

// ErrStopped is returned by calls on a stopped Service.
var ErrStopped = errors.New("runtime: service stopped")

// InitError reports a replica that did not become ready: the entry script
// failed to import, its init() raised, or the process died.
type InitError struct {
	// Replica is the index of the replica that failed.
	Replica int
	// ExitCode is the process exit status (-1 when killed by a signal).
	ExitCode int
	// Traceback is the Python traceback printed by the harness, if any.
	Traceback string
	// Log is the replica's whole captured output (bounded).
	Log string
}

// Error names the failure and includes the traceback.
func (e *InitError) Error() string {
	var b strings.Builder
	if e.ExitCode == exitInitFailed {
		fmt.Fprintf(&b, "entry script init() failed in replica %d", e.Replica)
	} else {
		fmt.Fprintf(&b, "replica %d exited with status %d before it was ready", e.Replica, e.ExitCode)
	}
	if e.Traceback != "" {
		b.WriteString(":\n")
		b.WriteString(e.Traceback)
	}
	return b.String()
}

// extractTraceback returns the last Python traceback in log, up to the end of
// the exception line(s).
func extractTraceback(log string) string {
	i := strings.LastIndex(log, "Traceback (most recent call last):")
	if i < 0 {
		return ""
	}
	tb := log[i:]
	// Drop the harness's own trailing message.
	if j := strings.Index(tb, "\nUser's init() failed"); j >= 0 {
		tb = tb[:j]
	}
	return strings.TrimRight(tb, "\n")
}
