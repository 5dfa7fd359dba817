package auth

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

const secretValue = "sk-LEAK-me-not-7f3a"

// leaks reports whether s shows the secret in any recognisable encoding.
func leaks(s string) bool {
	for _, enc := range []string{
		secretValue,
		hex.EncodeToString([]byte(secretValue)),
		strings.ToUpper(hex.EncodeToString([]byte(secretValue))),
		base64.StdEncoding.EncodeToString([]byte(secretValue)),
		"LEAK",
	} {
		if strings.Contains(s, enc) {
			return true
		}
	}
	return false
}

func TestSecretFormatsNeverReveal(t *testing.T) {
	s := NewSecret(secretValue)
	type exported struct{ Key Secret }
	type unexported struct{ key Secret }
	values := map[string]any{
		"value":            s,
		"pointer":          &s,
		"slice":            []Secret{s, s},
		"map":              map[string]Secret{"k": s},
		"exported field":   exported{Key: s},
		"unexported field": unexported{key: s},
		"pointer to struct with unexported field": &unexported{key: s},
		"service keys": ServiceKeys{Primary: s, Secondary: s},
		"access token": AccessToken{Token: s, TokenType: "Bearer", ExpiresOn: time.Unix(1, 0)},
		"interface":    any(s),
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s", "%-12v", "%.3s", "%T", "%p"}
	for name, v := range values {
		for _, verb := range verbs {
			out := fmt.Sprintf(verb, v)
			assert.False(t, leaks(out), "%s with %s: %q", name, verb, out)
		}
		assert.False(t, leaks(fmt.Sprint(v)), name)
		assert.False(t, leaks(fmt.Sprintln(v)), name)
	}

	assert.Equal(t, Redacted, s.String())
	assert.Equal(t, "auth.Secret{REDACTED}", s.GoString())
	assert.Equal(t, "auth.Secret{REDACTED}", fmt.Sprintf("%#v", s))
	assert.Equal(t, `"REDACTED"`, fmt.Sprintf("%q", s))
	assert.Equal(t, "  REDACTED", fmt.Sprintf("%10s", s))
	assert.Equal(t, "{Key:REDACTED}", fmt.Sprintf("%+v", exported{Key: s}))
}

func TestSecretReveal(t *testing.T) {
	s := NewSecret(secretValue)
	assert.Equal(t, secretValue, s.Reveal())
	assert.False(t, s.IsZero())
	assert.True(t, Secret{}.IsZero())
	assert.Equal(t, "", Secret{}.Reveal())
	assert.True(t, NewSecret("").IsZero())
	assert.Equal(t, Redacted, Secret{}.String(), "empty secrets look the same")

	assert.True(t, s.Equal(NewSecret(secretValue)))
	assert.False(t, s.Equal(NewSecret(secretValue+"x")))
	assert.True(t, Secret{}.Equal(NewSecret("")))
}

func TestSecretJSON(t *testing.T) {
	s := NewSecret(secretValue)
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.Equal(t, `"REDACTED"`, string(b))

	b, err = json.Marshal(ServiceKeys{Primary: s, Secondary: s})
	require.NoError(t, err)
	assert.JSONEq(t, `{"Primary":"REDACTED","Secondary":"REDACTED"}`, string(b))

	b, err = json.Marshal(map[Secret]int{s: 1})
	require.NoError(t, err)
	assert.False(t, leaks(string(b)), string(b))

	var in struct {
		Key   Secret `json:"primaryKey"`
		Other Secret `json:"secondaryKey"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"primaryKey":"`+secretValue+`","secondaryKey":null}`), &in))
	assert.Equal(t, secretValue, in.Key.Reveal())
	assert.True(t, in.Other.IsZero())

	err = json.Unmarshal([]byte(`{"primaryKey":12345}`), &in)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "12345")
}

func TestSecretYAMLAndText(t *testing.T) {
	s := NewSecret(secretValue)
	b, err := yaml.Marshal(struct{ Key Secret }{s})
	require.NoError(t, err)
	assert.False(t, leaks(string(b)), string(b))
	assert.Contains(t, string(b), Redacted)

	txt, err := s.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, Redacted, string(txt))
}

func TestSecretSlog(t *testing.T) {
	s := NewSecret(secretValue)
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	} {
		var buf bytes.Buffer
		logger := slog.New(h(&buf))
		logger.Info("keys", "key", s, "ptr", &s, slog.Any("keys", ServiceKeys{Primary: s}),
			slog.Any("token", AccessToken{Token: s}), slog.Group("g", "k", s))
		assert.False(t, leaks(buf.String()), "%s: %s", name, buf.String())
		assert.Contains(t, buf.String(), Redacted, name)
	}
}

func TestAccessTokenRefresh(t *testing.T) {
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	tok := AccessToken{RefreshAfter: now.Add(time.Minute), ExpiresOn: now.Add(time.Hour)}
	assert.False(t, tok.NeedsRefresh(now))
	assert.True(t, tok.NeedsRefresh(now.Add(time.Minute)))
	assert.False(t, tok.Expired(now.Add(59*time.Minute)))
	assert.True(t, tok.Expired(now.Add(time.Hour)))

	onlyExpiry := AccessToken{ExpiresOn: now.Add(time.Hour)}
	assert.False(t, onlyExpiry.NeedsRefresh(now))
	assert.True(t, onlyExpiry.NeedsRefresh(now.Add(2*time.Hour)))

	assert.False(t, AccessToken{}.NeedsRefresh(now))
	assert.False(t, AccessToken{}.Expired(now))
}
