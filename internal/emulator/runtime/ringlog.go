package runtime

import (
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// maxLineBytes truncates pathological lines so one print cannot use the whole
// log budget.
const maxLineBytes = 16 << 10

// logSeq orders lines across replicas.
var logSeq atomic.Uint64

type logLine struct {
	seq  uint64
	text string
}

// ringLog keeps the last capacity lines.
type ringLog struct {
	mu    sync.Mutex
	lines []logLine
	start int // index of the oldest line once full
	cap   int
}

func newRingLog(capacity int) *ringLog {
	return &ringLog{cap: capacity}
}

func (r *ringLog) add(text string) {
	if len(text) > maxLineBytes {
		cut := maxLineBytes
		for cut > maxLineBytes-utf8.UTFMax && !utf8.RuneStart(text[cut]) {
			cut-- // never split a character
		}
		text = text[:cut] + "…(truncated)"
	}
	l := logLine{seq: logSeq.Add(1), text: text}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.lines) < r.cap {
		r.lines = append(r.lines, l)
		return
	}
	r.lines[r.start] = l
	r.start = (r.start + 1) % r.cap
}

// snapshot returns the lines oldest first.
func (r *ringLog) snapshot() []logLine {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]logLine, 0, len(r.lines))
	out = append(out, r.lines[r.start:]...)
	out = append(out, r.lines[:r.start]...)
	return out
}

func (r *ringLog) String() string {
	return joinLines(r.snapshot())
}

func joinLines(ls []logLine) string {
	n := 0
	for _, l := range ls {
		n += len(l.text) + 1
	}
	b := make([]byte, 0, n)
	for _, l := range ls {
		b = append(b, l.text...)
		b = append(b, '\n')
	}
	return string(b)
}
