package lro

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// absoluteSeeds are Operation-Location / Azure-AsyncOperation header values.
var absoluteSeeds = []string{
	"https://management.azure.com/subscriptions/s/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/op?api-version=2023-04-01",
	"https://eastus.api.azureml.ms/modelmanagement/v1.0/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/operations/op",
	"http://127.0.0.1:8080/op?sig=s3cr3t&se=2030",
	"  https://h/op  ",
	"HTTPS://H/op", "ftp://h/op?sig=s3cr3t", "/relative/op?token=t0k3n", "https:///op?sig=s3cr3t",
	"https:opaque?sig=s3cr3t", "mailto:a@b?sig=s3cr3t", "https://h:bad/op?sig=s3cr3t",
	"https://h/op%zz?sig=s3cr3t", "https://h/op?sig=%zz", "https://u:pw@h/op?sig=s3cr3t",
	"https://h/op\x7f?sig=s3cr3t", "https://[::1/op?sig=s3cr3t", "", " ", "?sig=s3cr3t",
	"//h/op?sig=s3cr3t", "https://h/op#sig=s3cr3t",
}

// redactedKey matches a query key shown with its value redacted.
var redactedKey = regexp.MustCompile(`[^?&"\s]*=REDACTED`)

// FuzzParseAbsolute checks Operation-Location / Azure-AsyncOperation
// parsing: a parsed URL is http(s) with a host, and an error never shows a
// value of the header's query (SAS signatures, tokens).
func FuzzParseAbsolute(f *testing.F) {
	for _, s := range absoluteSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := parseAbsolute("Operation-Location", raw)
		if err == nil {
			if u == nil {
				t.Fatalf("parseAbsolute(%q): nil URL and nil error", raw)
			}
			if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("parseAbsolute(%q) accepted %q (scheme %q, host %q)", raw, u, u.Scheme, u.Host)
			}
			return
		}
		if u != nil {
			t.Fatalf("parseAbsolute(%q): URL returned with error %v", raw, err)
		}
		msg := err.Error()
		if msg == "" {
			t.Fatal("empty error text")
		}
		// The error may show query keys with REDACTED values; look for
		// values in what is left once those are removed.
		residue := redactedKey.ReplaceAllString(msg, " ")
		s := strings.TrimSpace(raw)
		before, query, ok := strings.Cut(s, "?")
		if !ok {
			return
		}
		query, _, _ = strings.Cut(query, "#")
		pairs := strings.FieldsFunc(query, func(r rune) bool { return r == '&' || r == ';' })
		// Keys are shown (with REDACTED values); a value that is also part
		// of a key cannot be told apart from it.
		inKey := func(v string) bool {
			for _, p := range pairs {
				if k, _, _ := strings.Cut(p, "="); strings.Contains(k, v) {
					return true
				}
			}
			return false
		}
		for _, pair := range pairs {
			_, v, ok := strings.Cut(pair, "=")
			if !ok || len(v) < 4 || inKey(v) || strings.Contains(before, v) || strings.Contains("Operation-Location must be an absolute http(s) URL REDACTED", v) {
				continue
			}
			if strings.Contains(residue, v) {
				t.Fatalf("parseAbsolute(%q) error %q shows the query value %q", raw, msg, v)
			}
			if dv, err := url.QueryUnescape(v); err == nil && len(dv) >= 4 && !strings.Contains(before, dv) && strings.Contains(residue, dv) {
				t.Fatalf("parseAbsolute(%q) error %q shows the query value %q", raw, msg, dv)
			}
		}
	})
}

// sigValue finds each sig= value as redactText's rule delimits it.
var sigValue = regexp.MustCompile(`(?i)\bsig=([^&\s"'<>]*)`)

// redactedPair matches what redactText writes in place of a secret.
var redactedPair = regexp.MustCompile(`(?i)[\w-]*=REDACTED|bearer REDACTED`)

// FuzzRedactText checks that redactText is idempotent and leaves no sig=
// value other than REDACTED.
func FuzzRedactText(f *testing.F) {
	for _, s := range []string{
		"https://acct.blob.core.windows.net/logs/x.txt?sv=2021&sig=abc%2Bdef%3D&se=2030",
		"error: sig=abc token=def password=ghi secret=jkl api-key=mno apikey=p api_key=q",
		"Authorization: Bearer eyJ0eXAi.eyJzdWIi.sig==", "bearer sig=abc", "token=bearer abc",
		"SIG=Upper Sig=Mixed", "xsig=notaparam sig=", "sig=REDACTED", "Bearer REDACTED",
		"accesstoken=a&refresh_token=b", `"sig=quoted"`, "<sig=tag>", "sig=a=b=c", "é sig=x",
		"bearer  bearer x", "sig=sig=x", "", "\xffsig=\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := redactText(s)
		if twice := redactText(once); twice != once {
			t.Fatalf("redactText not idempotent on %q:\n once: %q\ntwice: %q", s, once, twice)
		}
		for _, m := range sigValue.FindAllStringSubmatch(once, -1) {
			if m[1] != "" && m[1] != redacted {
				t.Fatalf("redactText(%q) = %q keeps sig=%q", s, once, m[1])
			}
		}
		residue := redactedPair.ReplaceAllString(once, " ")
		for _, m := range sigValue.FindAllStringSubmatch(s, -1) {
			v := m[1]
			if len(v) < 4 || strings.Contains(redacted, v) || strings.Contains(strings.ReplaceAll(s, m[0], ""), v) {
				continue
			}
			if strings.Contains(residue, v) {
				t.Fatalf("redactText(%q) = %q keeps the sig value %q", s, once, v)
			}
		}
	})
}
