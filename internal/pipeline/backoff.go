package pipeline

import (
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Retry-hint headers, in the order they are consulted (azcore's order).
const (
	headerRetryAfterMS     = "Retry-After-Ms"
	headerXMSRetryAfterMS  = "X-Ms-Retry-After-Ms"
	headerRetryAfter       = "Retry-After"
	maxDuration            = time.Duration(math.MaxInt64)
	jitterLow, jitterWidth = 0.8, 0.5 // random factor in [0.8, 1.3), as azcore
)

// backoff computes the wait before a retry. now and random are fields so
// tests can pin them.
type backoff struct {
	now    func() time.Time
	random func() float64 // in [0, 1)
}

func newBackoff() backoff {
	return backoff{now: time.Now, random: rand.Float64}
}

// wait is the retryablehttp Backoff: the server's hint, else jittered
// exponential backoff from minWait capped at maxWait. attempt is 0 for the
// first retry. A hint above maxWait never gets here (checkRetry gives up on
// it); the min is only a guard.
func (b backoff) wait(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if hint := retryAfter(resp, b.now()); hint > 0 {
		return min(hint, maxWait)
	}
	return exponential(minWait, maxWait, attempt, b.random())
}

// exponential returns minWait × (2^(attempt+1) − 1) × (0.8 + 0.5·r), capped at maxWait.
func exponential(minWait, maxWait time.Duration, attempt int, r float64) time.Duration {
	attempt = max(0, min(attempt, 52))
	factor := float64(uint64(1)<<(attempt+1) - 1)
	d := float64(minWait) * factor * (jitterLow + jitterWidth*r)
	if d >= float64(maxWait) {
		return maxWait
	}
	return time.Duration(d)
}

// retryAfter returns the wait the response asks for, or 0 when it asks for
// none: retry-after-ms, then x-ms-retry-after-ms (milliseconds), then
// Retry-After (delta-seconds or an HTTP-date relative to now). A header that
// is absent, unparsable or not positive passes to the next one.
func retryAfter(resp *http.Response, now time.Time) time.Duration {
	if resp == nil {
		return 0
	}
	for _, h := range []string{headerRetryAfterMS, headerXMSRetryAfterMS} {
		if d := parseDuration(resp.Header.Get(h), time.Millisecond); d > 0 {
			return d
		}
	}
	v := strings.TrimSpace(resp.Header.Get(headerRetryAfter))
	if v == "" {
		return 0
	}
	if d := parseDuration(v, time.Second); d > 0 {
		return d
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// parseDuration reads a non-negative decimal count of unit; huge values
// saturate instead of overflowing.
func parseDuration(v string, unit time.Duration) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(n) || n <= 0 {
		return 0
	}
	if n >= float64(maxDuration)/float64(unit) {
		return maxDuration
	}
	return time.Duration(n * float64(unit))
}

// RetryAfter returns the wait resp asks for before another attempt — its
// retry-after-ms, x-ms-retry-after-ms or Retry-After header (delta-seconds
// or an HTTP-date), in that order, as the pipeline reads them — or 0 when it
// asks for none. Clients outside the pipeline (scoring) use it to honour the
// same hints.
func RetryAfter(resp *http.Response) time.Duration { return retryAfter(resp, time.Now()) }
