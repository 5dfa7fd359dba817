package pipeline

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fuzzNow is the clock FuzzRetryAfter evaluates HTTP-dates against.
var fuzzNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// positiveHint reports whether v is a header value parseDuration reads as a
// positive count of unit of at least a nanosecond (the rule retryAfter
// documents, restated independently).
func positiveHint(v string, unit time.Duration) bool {
	n, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	return err == nil && !math.IsNaN(n) && n > 0 && n*float64(unit) >= 1
}

// FuzzRetryAfter checks that the retry hint read from retry-after-ms,
// x-ms-retry-after-ms and Retry-After is in [0, maxDuration], that an
// HTTP-date in the past asks for no wait, and that one in the future asks
// for exactly the time until it.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{
		"", "0", "1", "1.5", "-1", "-0", "1e400", "-1e400", "NaN", "Inf", "+Inf", "-Inf",
		" 20 ", "0x10", "1_000", "9223372036854.775807", "9223372036854775807", "9223372036.854775807",
		"9.223372036854775e12", "9.223372036854776e9", "9223372036854.773", "9223372036.854774", "5e-324",
		"Wed, 21 Oct 2015 07:28:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT",
		"Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
		"Fri, 31 Dec 9999 23:59:59 GMT", "Sat, 28 Nov 2026 12:00:01 GMT", "Sat, 28 Nov 2026 12:00:00 GMT",
	} {
		f.Add(s, "", "")
		f.Add("", s, "")
		f.Add("", "", s)
	}
	f.Add("-1", "NaN", "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add("0", "2", "Fri, 31 Dec 9999 23:59:59 GMT")
	f.Fuzz(func(t *testing.T, ms, xms, ra string) {
		resp := &http.Response{Header: http.Header{}}
		if ms != "" {
			resp.Header[headerRetryAfterMS] = []string{ms}
		}
		if xms != "" {
			resp.Header[headerXMSRetryAfterMS] = []string{xms}
		}
		if ra != "" {
			resp.Header[headerRetryAfter] = []string{ra}
		}
		d := retryAfter(resp, fuzzNow)
		if d < 0 || d > maxDuration {
			t.Fatalf("retryAfter(%q, %q, %q) = %v, outside [0, max]", ms, xms, ra, d)
		}
		if got := retryAfter(nil, fuzzNow); got != 0 {
			t.Fatalf("retryAfter(nil) = %v", got)
		}
		if positiveHint(ms, time.Millisecond) || positiveHint(xms, time.Millisecond) {
			if d <= 0 {
				t.Fatalf("retryAfter(%q, %q, %q) = %v for a positive millisecond hint", ms, xms, ra, d)
			}
			return
		}
		if positiveHint(ra, time.Second) {
			if d <= 0 {
				t.Fatalf("retryAfter(%q, %q, %q) = %v for a positive Retry-After", ms, xms, ra, d)
			}
			return
		}
		if at, err := http.ParseTime(strings.TrimSpace(ra)); err == nil {
			want := at.Sub(fuzzNow)
			if !at.After(fuzzNow) {
				want = 0
			}
			if d != want {
				t.Fatalf("retryAfter(Retry-After %q) = %v, want %v (now %v)", ra, d, want, fuzzNow)
			}
			return
		}
		if d != 0 {
			t.Fatalf("retryAfter(%q, %q, %q) = %v, want 0 for no usable hint", ms, xms, ra, d)
		}
	})
}

// FuzzTruncatedJSON checks that a complete JSON body is never reported as
// truncated, and that only a 2xx JSON response with a non-blank body can be.
func FuzzTruncatedJSON(f *testing.F) {
	for _, ct := range []string{"application/json", "application/json; charset=utf-8", "text/json",
		"application/problem+json", "text/plain", "", "application/json;;", "APPLICATION/JSON"} {
		for _, b := range []string{`{}`, `{"a":1}`, `[1,2`, `{"a":`, ``, "  \n", `null`, `"x"`,
			"\xef\xbb\xbf{}", "{}\x00", `{"a":"\u00a0"}`, "\u00a0{}", `{} {}`} {
			f.Add(ct, 200, []byte(b))
		}
	}
	f.Add("application/json", 204, []byte(`{`))
	f.Add("application/json", 500, []byte(`{`))
	f.Fuzz(func(t *testing.T, ct string, status int, body []byte) {
		resp := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": []string{ct}}}
		truncated := truncatedJSON(resp, body)
		if !truncated {
			return
		}
		if json.Valid(body) {
			t.Fatalf("valid JSON body %q reported truncated (Content-Type %q)", body, ct)
		}
		if status < 200 || status > 299 {
			t.Fatalf("HTTP %d reported truncated", status)
		}
		if !isJSONMediaType(ct) {
			t.Fatalf("non-JSON Content-Type %q reported truncated", ct)
		}
		if strings.TrimSpace(string(body)) == "" {
			t.Fatalf("blank body %q reported truncated", body)
		}
	})
}

// secretQueryKeys are the query parameters whose values FuzzRedactor
// requires to be hidden.
var secretQueryKeys = []string{"sig", "token", "signature", "access_token", "code", "key", "client_secret"}

// FuzzRedactor checks that no sig=/token (or other secret) query value of
// the input URL survives in the redacted URL, and that the user info is gone.
func FuzzRedactor(f *testing.F) {
	for _, s := range []string{
		"https://acct.blob.core.windows.net/c/b?sv=2021&sig=abc%2Bdef%3D&se=2030",
		"https://h/p?api-version=2023-04-01&token=t0k3n",
		"https://user:pa55@h/p?SIG=Upper&Token=x&TOKEN=y",
		"https://h/p?sig=a&sig=b&sig=c",
		"https://h/p?sig=a;token=b",
		"https://h/p?sig=%zz&token=ok",
		"https://h/p?sig",
		"https://h/p?=sig&sig=",
		"https:opaque?sig=secret",
		"/relative?token=secret",
		"https://h/p?x=1#sig=fragment",
		"https://h/%3Fsig=x?token=real",
		"https://h/p?sig+=spaced&%73ig=escaped",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		out := newRedactor(nil).url(u)
		ou, err := url.Parse(out)
		if err != nil {
			t.Fatalf("redacted URL %q of %q does not parse: %v", out, raw, err)
		}
		for k, vs := range ou.Query() {
			if strings.EqualFold(k, "api-version") {
				continue
			}
			for _, v := range vs {
				if v != "REDACTED" {
					t.Fatalf("redacted URL %q keeps %s=%q", out, k, v)
				}
			}
		}
		in := u.Query()
		for k, vs := range in {
			secret := false
			for _, s := range secretQueryKeys {
				secret = secret || strings.EqualFold(k, s)
			}
			if !secret {
				continue
			}
			for _, v := range vs {
				if len(v) < 3 || strings.Contains("REDACTED", v) || strings.Contains(k, v) {
					continue
				}
				if strings.Contains(ou.RawQuery, v) || strings.Contains(ou.RawQuery, url.QueryEscape(v)) {
					t.Fatalf("redacted query %q of %q keeps the %s value %q", ou.RawQuery, raw, k, v)
				}
			}
		}
		if u.User != nil && ou.User != nil {
			t.Fatalf("redacted URL %q of %q keeps user info", out, raw)
		}
	})
}
