package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress shows the state of a wait on stderr: a spinner that rewrites one line when
// stderr is a terminal, one plain line per state change otherwise (logs, CI).
type progress struct {
	w     io.Writer
	tty   bool
	label string
	start time.Time

	mu      sync.Mutex
	state   string
	stopped bool
	done    chan struct{}
	wg      sync.WaitGroup
}

// terminalStates are the states that end an operation, ARM and model-management spellings.
var terminalStates = map[string]bool{"Succeeded": true, "Failed": true, "Canceled": true, "Cancelled": true, "TimedOut": true}

// spinnerFrames are ASCII so that every terminal shows them.
var spinnerFrames = []string{"|", "/", "-", `\`}

// spinnerEvery is how often the spinner redraws.
const spinnerEvery = 120 * time.Millisecond

// startProgress begins showing label (e.g. "Creating compute myaks").
func startProgress(w io.Writer, tty bool, label string) *progress {
	p := &progress{w: w, tty: tty, label: label, start: time.Now(), done: make(chan struct{})}
	if !tty {
		fmt.Fprintf(w, "%s ...\n", label)
		return p
	}
	p.wg.Add(1)
	go p.spin()
	return p
}

func (p *progress) spin() {
	defer p.wg.Done()
	t := time.NewTicker(spinnerEvery)
	defer t.Stop()
	for i := 0; ; i++ {
		p.mu.Lock()
		p.drawLocked(spinnerFrames[i%len(spinnerFrames)])
		p.mu.Unlock()
		select {
		case <-p.done:
			return
		case <-t.C:
		}
	}
}

// drawLocked rewrites the spinner line. p.mu is held.
func (p *progress) drawLocked(frame string) {
	if p.stopped {
		return
	}
	line := fmt.Sprintf("%s %s", frame, p.label)
	if p.state != "" {
		line += ": " + p.state
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s (%s)", line, time.Since(p.start).Round(time.Second))
}

// State records a new state: a plain line when it changed (no terminal), or the
// spinner's text.
func (p *progress) State(state string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || state == "" || state == p.state {
		return
	}
	p.state = state
	first, _, _ := strings.Cut(state, " ")
	if !p.tty && !terminalStates[first] { // the final line (Stop) shows terminal states
		fmt.Fprintf(p.w, "%s: %s\n", p.label, state)
	}
}

// Log prints a line of the operation's log above the spinner.
func (p *progress) Log(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\x1b[K%s\n", line)
		return
	}
	fmt.Fprintln(p.w, line)
}

// Stop ends the display with a final line ("Succeeded", "Failed", …).
func (p *progress) Stop(final string) {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	close(p.done)
	p.mu.Unlock()
	p.wg.Wait()
	elapsed := time.Since(p.start).Round(100 * time.Millisecond)
	if p.tty {
		fmt.Fprintf(p.w, "\r\x1b[K%s: %s (%s)\n", p.label, final, elapsed)
		return
	}
	fmt.Fprintf(p.w, "%s: %s (%s)\n", p.label, final, elapsed)
}

// finish stops p with "Succeeded" or "Failed" according to err.
func (p *progress) finish(err error) {
	switch {
	case err == nil:
		p.Stop("Succeeded")
	case errors.Is(err, context.DeadlineExceeded):
		p.Stop("gave up waiting")
	case errors.Is(err, context.Canceled):
		p.Stop("interrupted")
	default:
		p.Stop("Failed")
	}
}
