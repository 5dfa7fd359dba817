package runtime

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzHarnessStdout feeds arbitrary replica output to the harness-protocol reader (the
// entry script prints to the same stdout): no panic; the replica counts as ready only
// after a port line and a READY line, with a base URL on a real loopback port; and every
// other line reaches the log.
func FuzzHarnessStdout(f *testing.F) {
	for _, s := range []string{
		"AZUREML_HARNESS_PORT 40123\nloading\nAZUREML_HARNESS_READY\nrun called\n",
		"AZUREML_HARNESS_READY\nAZUREML_HARNESS_PORT 1\n",
		"AZUREML_HARNESS_PORT 0\nAZUREML_HARNESS_READY\n",
		"AZUREML_HARNESS_PORT 99999\nAZUREML_HARNESS_READY\n",
		"AZUREML_HARNESS_PORT -5\nAZUREML_HARNESS_READY\n",
		"AZUREML_HARNESS_PORT  8080 \r\nAZUREML_HARNESS_READY\r\n",
		"AZUREML_HARNESS_PORT 1\nAZUREML_HARNESS_PORT 2\nAZUREML_HARNESS_READY\nAZUREML_HARNESS_READY\n",
		strings.Repeat("x", 70<<10) + "\nAZUREML_HARNESS_PORT 5\n",
		"\xff\xfe\n",
		strings.Repeat("x", maxLineBytes-1) + "é€𝄞\n",
		strings.Repeat("x", maxLineBytes-2) + "𝄞𝄞\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, out []byte) {
		r := &replica{log: newRingLog(1000), ready: make(chan struct{})}
		// What the reader has set when it declares readiness is what Score sees.
		var atReady string
		seen, finished := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(seen)
			select {
			case <-r.ready:
				atReady = r.baseURL
			case <-finished:
				select { // both closed: readiness was declared during the read
				case <-r.ready:
					atReady = r.baseURL
				default:
				}
			}
		}()
		r.readStdout(strings.NewReader(string(out)))
		close(finished)
		select {
		case <-r.ready:
			<-seen
			if atReady != r.baseURL {
				t.Fatalf("base URL changed after ready: %q then %q", atReady, r.baseURL)
			}
			u, err := url.Parse(r.baseURL)
			if err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" {
				t.Fatalf("ready with base URL %q", r.baseURL)
			}
			if p, err := strconv.Atoi(u.Port()); err != nil || p < 1 || p > 65535 {
				t.Fatalf("ready with port %q", u.Port())
			}
		default:
		}
		for _, l := range r.log.snapshot() {
			if len(l.text) > maxLineBytes+len("…(truncated)") {
				t.Fatalf("a %d-byte log line", len(l.text))
			}
			if utf8.ValidString(string(out)) && !utf8.ValidString(l.text) {
				t.Fatalf("truncation split a character: %q", l.text[len(l.text)-20:])
			}
		}
	})
}

// FuzzExtractTraceback feeds arbitrary replica logs to the traceback extraction: no
// panic, and what it returns is a part of the log that starts a traceback.
func FuzzExtractTraceback(f *testing.F) {
	for _, s := range []string{
		"loading\nTraceback (most recent call last):\n  File \"score.py\", line 3, in init\nValueError: x\nUser's init() failed\n",
		"Traceback (most recent call last):", "no traceback", "Traceback (most recent call last):\nA\nTraceback (most recent call last):\nB\n",
		"\nUser's init() failedTraceback (most recent call last):",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, log string) {
		tb := extractTraceback(log)
		if tb == "" {
			return
		}
		if !strings.HasPrefix(tb, "Traceback (most recent call last):") || !strings.Contains(log, tb) {
			t.Fatalf("traceback %q is not a part of the log", tb)
		}
		_ = (&InitError{Replica: 1, ExitCode: exitInitFailed, Traceback: tb, Log: log}).Error()
	})
}
