package faulttest

import (
	"net/http"
	"time"

	"github.com/azureml-go/azureml/internal/emulator"
)

// faultClass is one kind of failure of the matrix.
type faultClass struct {
	name string
	// fault builds the emulator fault (Match is set by arm); nil for refuse.
	fault func() emulator.Fault
	// refuse: the class closes the port instead of injecting a fault.
	refuse bool
	// losesAnswer: a call that is not safe to repeat, hit by this class, may
	// have been acted on without the client learning it (the step may end
	// with workspace.ErrOutcomeUnknown).
	losesAnswer bool
	// slow: the class holds answers back beyond the client's TryTimeout.
	slow bool
}

// httpDateAhead is an HTTP-date d ahead of now; the format drops the
// fraction of a second, so the server asks for between d−1 s and d.
func httpDateAhead(d time.Duration) string {
	return time.Now().Add(d).UTC().Format(http.TimeFormat)
}

var classes = []faultClass{
	{name: "429-retry-after-seconds", fault: func() emulator.Fault {
		return emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}
	}},
	{name: "429-retry-after-date", fault: func() emulator.Fault {
		return emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: httpDateAhead(2 * time.Second)}
	}},
	{name: "503-retry-after-seconds", fault: func() emulator.Fault {
		return emulator.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "1"}
	}},
	{name: "503-retry-after-date", fault: func() emulator.Fault {
		return emulator.Fault{Status: http.StatusServiceUnavailable, RetryAfter: httpDateAhead(2 * time.Second)}
	}},
	{name: "retry-after-ms", fault: func() emulator.Fault {
		return emulator.Fault{Status: http.StatusTooManyRequests, RetryAfterMs: 600}
	}},
	{name: "refused-before-write", refuse: true},
	{name: "reset-before-read", losesAnswer: true, fault: func() emulator.Fault {
		return emulator.Fault{DropBeforeRead: true}
	}},
	{name: "reset-after-handle", losesAnswer: true, fault: func() emulator.Fault {
		return emulator.Fault{DropAfterHandle: true}
	}},
	{name: "truncated-json", losesAnswer: true, fault: func() emulator.Fault {
		return emulator.Fault{TruncateBody: true}
	}},
	{name: "slower-than-timeout", losesAnswer: true, slow: true, fault: func() emulator.Fault {
		return emulator.Fault{Delay: slowDelay}
	}},
}

// arm switches the class on for the next request matching tg (refuse: for
// the next connections, whatever they carry).
func (c faultClass) arm(e *env, tg *target) {
	e.t.Helper()
	if c.refuse {
		if err := e.srv.RefuseConnections(refuseFor); err != nil {
			e.t.Fatalf("refusing connections: %v", err)
		}
		// Let the client's transport notice its closed idle connections, so
		// that the next attempt dials (and is refused) rather than writing
		// into a connection the server just closed.
		time.Sleep(10 * time.Millisecond)
		return
	}
	f := c.fault()
	fired := &e.fired
	fired.Store(false)
	f.Match = func(r *http.Request) bool {
		if !tg.match(r) {
			return false
		}
		fired.Store(true) // the fault has Count 1: the first match is the one it acts on
		return true
	}
	f.Count = 1
	e.srv.InjectFault(f)
}
