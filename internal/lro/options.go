package lro

import (
	"flag"
	"time"
)

// DefaultFrequency is the polling interval used when [Options.Frequency] is
// zero and the service sends no Retry-After hint. It matches azureml-core's
// fixed 5 s sleep between operation GETs.
const DefaultFrequency = 5 * time.Second

// DefaultPollTimeout bounds one status GET when [Options.PollTimeout] is
// zero: azureml-core's 80 s timeout for model-management operation GETs.
const DefaultPollTimeout = 80 * time.Second

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

	// PollTimeout bounds each status GET, the pipeline's retries of it
	// included. A poll that gets no complete answer in time fails with an
	// error matching [ErrPollTimeout]. Inside [Poller.Wait] such a poll is
	// skipped instead, and the next one follows after Frequency: one hung GET
	// does not end the wait, which only the caller's context does. Zero means
	// [DefaultPollTimeout] (80 s, as azureml-core); a negative value means no
	// limit.
	PollTimeout time.Duration

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

// pollTimeout returns the effective bound of one status GET (<= 0: none).
func (o *Options) pollTimeout() time.Duration {
	if o.PollTimeout == 0 {
		return DefaultPollTimeout
	}
	return o.PollTimeout
}
