package auth

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
)

// Redacted is what a [Secret] shows in place of its value.
const Redacted = "REDACTED"

// Secret holds a sensitive string — a service key, an access token, a client
// secret — and never shows it: String, GoString, every fmt verb (%v %+v %#v
// %s %q %x %X %d ...), MarshalJSON, MarshalText and slog all give
// "REDACTED", whatever the value, empty included. Call [Secret.Reveal] where
// the value is really needed, such as when building an Authorization header.
//
// The value sits behind a pointer, so even a Secret inside an unexported
// field of another struct, which fmt prints without calling methods, shows
// as an address rather than the text.
//
// The zero Secret is empty. Compare Secrets with [Secret.Equal], not ==
// (which compares identity). UnmarshalJSON accepts a JSON string (or null),
// so response types can decode straight into a Secret; note that marshalling
// gives "REDACTED", so a Secret does not survive a JSON round trip.
type Secret struct {
	v *string
}

// NewSecret wraps value.
func NewSecret(value string) Secret {
	if value == "" {
		return Secret{}
	}
	return Secret{v: &value}
}

// Reveal returns the secret value. Keep the result out of logs and errors.
func (s Secret) Reveal() string {
	if s.v == nil {
		return ""
	}
	return *s.v
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Reveal() == "" }

// Equal reports whether s and o hold the same value, in constant time.
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.Reveal()), []byte(o.Reveal())) == 1
}

// String implements fmt.Stringer.
func (Secret) String() string { return Redacted }

// GoString implements fmt.GoStringer (%#v).
func (Secret) GoString() string { return "auth.Secret{" + Redacted + "}" }

// Format implements fmt.Formatter: every verb, flag and width applies to the
// text "REDACTED"; %#v gives GoString.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprint(f, s.GoString())
		return
	}
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), Redacted)
}

// MarshalJSON implements json.Marshaler: always the JSON string "REDACTED".
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler (YAML, XML, map keys):
// always "REDACTED".
func (Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// UnmarshalJSON implements json.Unmarshaler: a JSON string becomes the value,
// null leaves the Secret empty.
func (s *Secret) UnmarshalJSON(b []byte) error {
	var v *string
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("auth: a secret must be a JSON string or null")
	}
	if v == nil {
		*s = Secret{}
		return nil
	}
	*s = NewSecret(*v)
	return nil
}

// LogValue implements slog.LogValuer.
func (Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

var (
	_ fmt.Formatter    = Secret{}
	_ fmt.GoStringer   = Secret{}
	_ json.Marshaler   = Secret{}
	_ slog.LogValuer   = Secret{}
	_ json.Unmarshaler = (*Secret)(nil)
)
