package lro

import (
	"strings"
	"time"
	"unicode/utf8"
)

// EventKind says what an [Event] reports.
type EventKind int

const (
	// EventState reports a new operation state or sub-operation state.
	EventState EventKind = iota + 1
	// EventLog reports one line of the MMS streamingOperationLog.
	EventLog
)

// String returns "state" or "log".
func (k EventKind) String() string {
	switch k {
	case EventState:
		return "state"
	case EventLog:
		return "log"
	}
	return "unknown"
}

// Event is one progress notification delivered to [Options.Progress].
//
// Within one poll, events arrive in this order: a state event for a new
// non-terminal state, then the log lines, then a state event for a new
// terminal state. The terminal state event is therefore always the last event.
type Event struct {
	// Kind says whether this is a state change or a log line.
	Kind EventKind
	// OperationID identifies the operation.
	OperationID string
	// State is the operation state when the event was produced.
	State string
	// SubOperationType and SubOperationState are the MMS sub-operation at that
	// time, when known.
	SubOperationType, SubOperationState string
	// Time is when the state was observed (EventState) or the UTC timestamp of
	// the log entry (EventLog; zero when the entry had none).
	Time time.Time
	// Message is a short description of the state change, or the log text.
	Message string
}

// ProgressFunc receives progress events. See [Options.Progress].
type ProgressFunc func(Event)

// streamLogTimeLayout is the yyyyMMddHHmmss prefix of a streamed log entry.
const streamLogTimeLayout = "20060102150405"

// logEntry is one parsed streamingOperationLog entry.
type logEntry struct {
	Time    time.Time
	Message string
}

// parseStreamingLog splits a streamingOperationLog chunk into entries.
// Entries are separated by '#'; each is "yyyyMMddHHmmss|message" in UTC. An
// entry without a parsable timestamp prefix is kept whole as a message-only
// entry; empty entries are dropped. It never fails.
func parseStreamingLog(chunk string) []logEntry {
	if !utf8.ValidString(chunk) {
		chunk = strings.ToValidUTF8(chunk, "\uFFFD")
	}
	var out []logEntry
	for _, raw := range strings.Split(chunk, "#") {
		entry := strings.TrimRight(raw, "\r\n")
		if strings.TrimSpace(entry) == "" {
			continue
		}
		if ts, msg, ok := strings.Cut(entry, "|"); ok {
			if t, err := time.ParseInLocation(streamLogTimeLayout, strings.TrimSpace(ts), time.UTC); err == nil {
				out = append(out, logEntry{Time: t, Message: msg})
				continue
			}
		}
		out = append(out, logEntry{Message: entry})
	}
	return out
}

// logOffsetOf returns how many characters a chunk adds to the log offset.
// Characters are counted as Unicode code points, as azureml-core does with
// Python's len() on the decoded string.
func logOffsetOf(chunk string) int64 {
	return int64(utf8.RuneCountInString(chunk))
}
