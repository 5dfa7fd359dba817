package lro

import (
	"flag"
	"time"
)

// DefaultFrequency is the polling interval used when [Options.Frequency] is
// zero and the service sends no Retry-After hint. It matches azureml-core's
// fixed 5 s sleep between operation GETs.
const DefaultFrequency = 5 * time.Second

// minFrequency is azcore's floor for PollUntilDone outside test binaries.
const minFrequency = time.Second

// Options configures a [Poller]. The zero value is ready to use.
type Options struct {
	// Frequency is the wait between polls when the poll response carries no
	// retry-after-ms, x-ms-retry-after-ms or Retry-After header (a header, when
	// present, always wins). Zero or negative means [DefaultFrequency].
	// azcore rejects intervals below one second outside test binaries, so such
	// values are raised to one second there.
	Frequency time.Duration

	// Progress, when set, receives state changes and streamed log lines. It is
	// called synchronously on the goroutine running Poll or Wait, in order, so
	// it must not block for long.
	Progress ProgressFunc

	// StreamLog asks a model-management operation for its streamingOperationLog
	// (query offset=N); each entry becomes an [EventLog] event. It has no effect
	// on ARM operations.
	StreamLog bool
}

// frequency returns the effective wait between polls.
func (o *Options) frequency() time.Duration {
	return effectiveFrequency(o.Frequency, flag.Lookup("test.v") != nil)
}

// effectiveFrequency applies the default and, outside tests, azcore's floor.
func effectiveFrequency(d time.Duration, inTest bool) time.Duration {
	if d <= 0 {
		return DefaultFrequency
	}
	if !inTest && d < minFrequency {
		return minFrequency
	}
	return d
}
