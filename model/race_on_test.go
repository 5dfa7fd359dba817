//go:build race

package model

// raceEnabled is true under -race, where the heap-bound tests are skipped:
// the race runtime's own allocations make heap figures meaningless, and
// packaging tens of MiB under instrumentation takes minutes.
const raceEnabled = true
