package webservice

import "net/url"

// The handles below hold credentials or can reach them (a scoring client its
// credential and cached Authorization header, a token source its token, a
// service the client that fetches keys). None prints a secret through %v
// today, but %#v would dump their internals, so every fmt verb prints a
// short summary instead.

// GoString is String, so that %#v does not dump the service's internals.
func (s *AksWebservice) GoString() string {
	if s == nil {
		return "(*webservice.AksWebservice)(nil)"
	}
	return s.String()
}

// String names the scoring URI (without query or user information) and the
// kind of credential, never its value.
func (c *ScoringClient) String() string {
	if c == nil {
		return "(*webservice.ScoringClient)(nil)"
	}
	auth := "no auth"
	switch c.cred.(type) {
	case nil:
	case staticCredential:
		auth = "key auth"
	case *TokenSource:
		auth = "token auth"
	case *serviceCredential:
		auth = "the service's key or token"
	default:
		auth = "custom credential"
	}
	return "ScoringClient " + redactedURI(c.uri) + " (" + auth + ")"
}

// GoString is String.
func (c *ScoringClient) GoString() string { return c.String() }

// String says whether a token is cached, never the token.
func (ts *TokenSource) String() string {
	if ts == nil {
		return "(*webservice.TokenSource)(nil)"
	}
	if ts.cur.Load() == nil {
		return "TokenSource (no token yet)"
	}
	return "TokenSource (token cached)"
}

// GoString is String.
func (ts *TokenSource) GoString() string { return ts.String() }

// redactedURI drops the user information, query and fragment of a URI, where
// a credential could hide.
func redactedURI(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URI)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}
