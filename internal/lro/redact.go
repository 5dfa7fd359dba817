package lro

import (
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// redacted replaces secret values in text produced by this package.
const redacted = "REDACTED"

// secretParam matches query-style secrets (SAS signatures, tokens, keys) in
// free text, for example in a service error message that quotes a blob URL.
var secretParam = regexp.MustCompile(`(?i)\b(sig|signature|\w*token|password|secret|api[-_]?key)=([^&\s"'<>]+)`)

// bearerToken matches an Authorization value quoted in free text. '=' is
// part of the value anywhere (not only as token68 padding) so that a value
// redactText already rewrote ("sig=REDACTED") is replaced whole and a second
// pass changes nothing.
var bearerToken = regexp.MustCompile(`(?i)\bbearer\s+[A-Za-z0-9\-._~+/=]+`)

// redactText removes secrets that look like SAS signatures or bearer tokens.
func redactText(s string) string {
	s = secretParam.ReplaceAllString(s, "${1}="+redacted)
	return bearerToken.ReplaceAllString(s, "Bearer "+redacted)
}

// redactURL returns u with every query value and any user-info password
// replaced. Operation-log URLs are SAS URLs, so none of their query values is
// safe to print. An unparsable value is replaced entirely.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return redacted
	}
	if p.RawQuery != "" {
		q := p.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, url.QueryEscape(k)+"="+redacted)
		}
		p.RawQuery = strings.Join(parts, "&")
	}
	p.Fragment, p.RawFragment = "", ""
	return p.Redacted()
}
