package pipeline

import (
	"net/url"
	"strings"
)

// logAllowedHeaders are logged with their values by azcore's log policy in
// addition to azcore's own list (which has x-ms-request-id,
// x-ms-client-request-id, retry-after, user-agent, ...). None carries a secret.
var logAllowedHeaders = []string{
	"x-ms-correlation-request-id",
	"x-ms-routing-request-id",
	"x-ms-client-session-id",
	"x-ms-error-code",
	"x-ms-ratelimit-remaining-subscription-reads",
	"x-ms-ratelimit-remaining-subscription-writes",
	"x-ms-ratelimit-remaining-subscription-deletes",
	"x-ms-ratelimit-remaining-tenant-reads",
	"x-ms-ratelimit-remaining-tenant-writes",
	"retry-after-ms",
	"x-ms-retry-after-ms",
	"azure-asyncoperation",
	"operation-location",
	HeaderAttempts,
	HeaderRetryReasons,
}

// Names never allow-listed, whatever ClientOptions.Logging asks for.
var (
	deniedHeaders = map[string]bool{
		"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
		"x-ms-authorization-auxiliary": true, "ocp-apim-subscription-key": true,
		"api-key": true, "x-api-key": true, "x-functions-key": true,
	}
	deniedQueryParams = map[string]bool{
		"sig": true, "signature": true, "code": true, "key": true, "token": true,
		"access_token": true, "api-key": true, "client_secret": true,
	}
)

// allowList drops denied names (case-insensitively) from names.
func allowList(names []string, denied map[string]bool) []string {
	out := make([]string, 0, len(names))
	for _, n := range names {
		if !denied[strings.ToLower(strings.TrimSpace(n))] {
			out = append(out, n)
		}
	}
	return out
}

// redactor hides query values in URLs and error texts, with the same rule as
// azcore's log sanitizer: only allow-listed parameters keep their value.
type redactor struct {
	allowedQuery map[string]bool
}

func newRedactor(extraAllowed []string) redactor {
	r := redactor{allowedQuery: map[string]bool{"api-version": true}}
	for _, q := range allowList(extraAllowed, deniedQueryParams) {
		r.allowedQuery[strings.ToLower(q)] = true
	}
	return r
}

// url returns u as text with the values of non-allowed query parameters
// replaced by REDACTED and any user info removed.
func (r redactor) url(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		for k := range q {
			if !r.allowedQuery[strings.ToLower(k)] {
				q[k] = []string{"REDACTED"}
			}
		}
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// scrub returns err unchanged unless its text contains the raw query or user
// info of u, in which case the text is rewritten (errors.Is/As still work).
func (r redactor) scrub(err error, u *url.URL) error {
	if err == nil || u == nil {
		return err
	}
	msg := err.Error()
	clean := msg
	if u.RawQuery != "" {
		clean = strings.ReplaceAll(clean, u.String(), r.url(u))
		clean = strings.ReplaceAll(clean, u.RawQuery, "REDACTED")
	}
	if u.User != nil {
		clean = strings.ReplaceAll(clean, u.User.String(), "REDACTED")
	}
	if clean == msg {
		return err
	}
	return &scrubbedError{msg: clean, err: err}
}

// scrubbedError is an error whose text had secrets removed.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
