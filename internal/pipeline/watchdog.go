package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// ErrTryTimeout is matched (errors.Is) by the error of a call whose last
// attempt was abandoned because it made no progress for TryTimeout (see
// [Options]). It is not context.DeadlineExceeded: the caller's context had
// not ended.
var ErrTryTimeout = errors.New("pipeline: attempt made no progress within TryTimeout")

// errWatchdogFired is the cancellation cause of an attempt's context when its
// watchdog fires.
var errWatchdogFired = errors.New("pipeline: attempt watchdog fired")

// Phases named in a try-timeout error.
const (
	phaseAwaitingResponse = "before the response headers arrived"
	phaseReadingBody      = "while reading the response body"
)

// tryTimeoutError reports an attempt abandoned by its watchdog.
type tryTimeoutError struct {
	timeout time.Duration
	phase   string
}

func (e *tryTimeoutError) Error() string {
	return fmt.Sprintf("pipeline: attempt abandoned after %s without progress %s (TryTimeout)", e.timeout, e.phase)
}

// Is makes errors.Is(err, ErrTryTimeout) true.
func (e *tryTimeoutError) Is(target error) bool { return target == ErrTryTimeout }

// Timeout reports true, as net.Error timeouts do.
func (e *tryTimeoutError) Timeout() bool { return true }

// watchdog cancels one attempt's context when the attempt makes no progress
// for d while it is active. Progress (kick) is an atomic store, cheap enough
// for every Read; the timer, when it goes off, re-arms itself for the rest of
// the period if progress happened meanwhile. An attempt is active from its
// start until its body has been read, except that a body handed on unread
// is watched only while a Read is waiting for data: a caller that pauses
// between reads is not a server that stalls.
type watchdog struct {
	parent context.Context
	ctx    context.Context
	cancel context.CancelCauseFunc
	d      time.Duration // <= 0: never fires
	start  time.Time     // monotonic base of last
	last   atomic.Int64  // time.Duration since start of the last progress
	idle   atomic.Bool   // not watching: the caller holds an unread body

	mu      sync.Mutex
	timer   *time.Timer
	stopped bool
	fired   bool
}

// startWatchdog returns a watchdog whose ctx (derived from parent) is the
// one to send the attempt with. Progress is counted where it is cheap to see:
// each read of the request body (net/http reads it as it writes it), the
// response headers arriving, each read of the response body. Connecting is
// bounded by the inner client's dial and TLS timeouts as well.
func startWatchdog(parent context.Context, d time.Duration) *watchdog {
	ctx, cancel := context.WithCancelCause(parent)
	w := &watchdog{parent: parent, ctx: ctx, cancel: cancel, d: d, start: time.Now()}
	if d <= 0 {
		return w
	}
	w.mu.Lock()
	w.timer = time.AfterFunc(d, w.check)
	w.mu.Unlock()
	return w
}

// kick records progress.
func (w *watchdog) kick() {
	if w.d > 0 {
		w.last.Store(int64(time.Since(w.start)))
	}
}

// pause stops watching until resume; while paused the timer never fires.
func (w *watchdog) pause() {
	w.kick()
	w.idle.Store(true)
}

// resume watches again, counting from now.
func (w *watchdog) resume() {
	w.kick()
	w.idle.Store(false)
}

// check runs when the timer goes off.
func (w *watchdog) check() {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return
	}
	quiet := time.Since(w.start) - time.Duration(w.last.Load())
	if w.idle.Load() {
		quiet = 0
	}
	if quiet < w.d {
		w.timer.Reset(w.d - quiet)
		w.mu.Unlock()
		return
	}
	w.fired = true
	w.mu.Unlock()
	w.cancel(errWatchdogFired)
}

// stop ends the attempt: the timer is stopped and the context released. Call
// it once nothing more will be read.
func (w *watchdog) stop() {
	w.mu.Lock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
	}
	w.mu.Unlock()
	w.cancel(nil)
}

// explain returns a try-timeout error in place of err when the watchdog ended
// the attempt while the caller's context was still alive; otherwise err.
func (w *watchdog) explain(err error, phase string) error {
	w.mu.Lock()
	fired := w.fired
	w.mu.Unlock()
	if fired && w.parent.Err() == nil {
		return &tryTimeoutError{timeout: w.d, phase: phase}
	}
	return err
}
