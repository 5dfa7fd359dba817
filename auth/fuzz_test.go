package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// FuzzStaticTokenExpiry feeds arbitrary tokens (outside input: AZUREML_ARM_ACCESS_TOKEN)
// to the static credential, which reads a JWT's exp claim: no panic, a known expiry is a
// real instant, and the token never shows when the credential is printed.
func FuzzStaticTokenExpiry(f *testing.F) {
	jwt := func(payload string) string {
		return "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
	}
	for _, s := range []string{
		jwt(`{"exp":1700000000,"aud":"https://management.core.windows.net/"}`), jwt(`{"exp":1.7e9}`), jwt(`{"exp":"1700000000"}`),
		jwt(`{"exp":1e300}`), jwt(`{"exp":-1}`), jwt(`{}`), jwt(`null`), "a.b.c", "a..c", "...", "opaque-token", " padded.token= ",
		"eyJhbGciOiJub25lIn0." + base64.URLEncoding.EncodeToString([]byte(`{"exp":1700000000}`)) + ".sig",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		cred, err := NewStaticTokenCredential(token, time.Time{})
		if err != nil {
			if strings.TrimSpace(token) != "" {
				t.Fatalf("non-empty token refused: %v", err)
			}
			return
		}
		c := cred.(*staticTokenCredential)
		if !c.expiresOn.IsZero() && (c.expiresOn.Unix() <= 0 || c.expiresOn.Year() > 5000) {
			t.Fatalf("expiry %v read from %q", c.expiresOn, token)
		}
		tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{})
		if err == nil && tok.Token != strings.TrimSpace(token) {
			t.Fatal("the credential handed out another token")
		}
		show := func(cred any) string {
			b, _ := json.Marshal(cred)
			return fmt.Sprintf("%v %+v %#v %s %q", cred, cred, cred, cred, cred) + string(b)
		}
		secret := strings.TrimSpace(token)
		printed := show(cred)
		// What printing shows for another token with the same expiry: a token that is
		// part of it proves nothing.
		template := show(&staticTokenCredential{token: NewSecret("\x00"), expiresOn: c.expiresOn})
		if len(secret) >= 8 && !strings.Contains(template, secret) && strings.Contains(printed, secret) {
			t.Fatalf("printed credential shows the token: %s", printed)
		}
	})
}

// FuzzSecretUnmarshalJSON feeds arbitrary JSON to Secret.UnmarshalJSON (response types
// decode keys and tokens straight into a Secret): a string or null is kept, anything
// else is an error that does not quote the input.
func FuzzSecretUnmarshalJSON(f *testing.F) {
	for _, s := range []string{`"key-value"`, `null`, `""`, `1`, `{"k":"v"}`, `"\u00e9\ud800"`, `"unterminated`, `["a"]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Secret
		err := json.Unmarshal(b, &s)
		if err != nil {
			// A well-formed document that is not a string is refused with a fixed text,
			// which must not quote any string inside it.
			const fixed = "auth: a secret must be a JSON string or null"
			var v any
			if json.Unmarshal(b, &v) == nil {
				if err.Error() != fixed {
					t.Fatalf("error %q for %q", err, b)
				}
			}
			return
		}
		var want *string
		if json.Unmarshal(b, &want) != nil {
			t.Fatalf("accepted %q, which is not a JSON string or null", b)
		}
		if want != nil && s.Reveal() != *want {
			t.Fatalf("kept %q, want %q", s.Reveal(), *want)
		}
		if fmt.Sprint(s) != Redacted {
			t.Fatal("a secret printed its value")
		}
	})
}
