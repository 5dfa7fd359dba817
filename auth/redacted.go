package auth

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// redactedCredential hides the credential it wraps from fmt, JSON and slog.
// azidentity's client-secret credential keeps the secret in an unexported string
// field, which %s, %q and %x print through reflection; the default chain holds such
// a credential when AZURE_CLIENT_SECRET is set.
type redactedCredential struct {
	azcore.TokenCredential
	name string
}

// redact wraps cred for the constructors of this package.
func redact(name string, cred azcore.TokenCredential) azcore.TokenCredential {
	return redactedCredential{TokenCredential: cred, name: name}
}

// String implements fmt.Stringer without any secret.
func (c redactedCredential) String() string { return "auth." + c.name + "{" + Redacted + "}" }

// GoString implements fmt.GoStringer (%#v) without any secret.
func (c redactedCredential) GoString() string { return c.String() }

// Format implements fmt.Formatter: every verb prints String.
func (c redactedCredential) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// MarshalJSON implements json.Marshaler without any secret.
func (c redactedCredential) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// LogValue implements slog.LogValuer without any secret.
func (c redactedCredential) LogValue() slog.Value { return slog.StringValue(c.String()) }
