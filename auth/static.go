package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// staticLifetime is the lifetime reported for a static token whose expiry is
// unknown: azcore's bearer policy then asks again about every hour and gets
// the same token.
const staticLifetime = time.Hour

// NewStaticTokenCredential returns a credential that always hands out token,
// for any scope, like azureml-core's ArmTokenAuthentication: use it with an
// ARM access token obtained elsewhere (for example `az account
// get-access-token`). expiresOn may be zero; the expiry is then read from
// the token's "exp" claim when it is a JWT (the signature is not checked),
// else it is unknown. Once a known expiry has passed GetToken fails with a
// clear error instead of letting the service answer 401.
//
// The credential never prints the token: fmt, %#v and JSON show REDACTED.
func NewStaticTokenCredential(token string, expiresOn time.Time) (azcore.TokenCredential, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, errors.New("auth: static token credential: the token is empty")
	}
	if expiresOn.IsZero() {
		expiresOn = jwtExpiry(token)
	}
	return &staticTokenCredential{token: NewSecret(token), expiresOn: expiresOn, now: time.Now}, nil
}

// staticTokenCredential implements azcore.TokenCredential.
type staticTokenCredential struct {
	token     Secret
	expiresOn time.Time // zero: unknown
	now       func() time.Time
}

// GetToken implements azcore.TokenCredential; the scopes are ignored.
func (c *staticTokenCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	now := c.now()
	if c.expiresOn.IsZero() {
		return azcore.AccessToken{Token: c.token.Reveal(), ExpiresOn: now.Add(staticLifetime)}, nil
	}
	if !now.Before(c.expiresOn) {
		return azcore.AccessToken{}, fmt.Errorf("auth: the static access token expired at %s; supply a fresh token",
			c.expiresOn.UTC().Format(time.RFC3339))
	}
	return azcore.AccessToken{Token: c.token.Reveal(), ExpiresOn: c.expiresOn}, nil
}

// String implements fmt.Stringer without the token.
func (c *staticTokenCredential) String() string {
	return "auth.StaticTokenCredential{Token: " + Redacted + "}"
}

// GoString implements fmt.GoStringer without the token.
func (c *staticTokenCredential) GoString() string { return c.String() }

// Format implements fmt.Formatter without the token, for every verb.
func (c *staticTokenCredential) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, c.String()) }

// MarshalJSON implements json.Marshaler without the token.
func (c *staticTokenCredential) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Token     Secret    `json:"token"`
		ExpiresOn time.Time `json:"expiresOn,omitzero"`
	}{c.token, c.expiresOn})
}

// jwtExpiry returns the "exp" claim of a JWT, or the zero time when token is
// not a JWT or has no usable exp.
func jwtExpiry(token string) time.Time {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}
	}
	var claims struct {
		Exp *float64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == nil {
		return time.Time{}
	}
	exp := *claims.Exp
	if math.IsNaN(exp) || exp <= 0 || exp > 1e11 { // beyond year 5000: not a real expiry
		return time.Time{}
	}
	return time.Unix(int64(exp), 0)
}
