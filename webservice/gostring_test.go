package webservice

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/auth"
)

func TestHandlesPrintSummariesWithEveryVerb(t *testing.T) {
	const key = "s3cr3t-key-value-123456"
	const token = "s3cr3t-token-value-654321"
	ts := NewTokenSource(func(context.Context) (auth.AccessToken, error) {
		return auth.AccessToken{Token: auth.NewSecret(token), RefreshAfter: time.Now().Add(time.Hour), ExpiresOn: time.Now().Add(2 * time.Hour)}, nil
	})
	assert.Equal(t, "TokenSource (no token yet)", fmt.Sprintf("%#v", ts))
	_, err := ts.Token(context.Background())
	require.NoError(t, err)

	keyClient, err := NewScoringClient("https://user:pw@svc.example/api/v1/service/x/score?code="+key+"#frag", KeyCredential(auth.NewSecret(key)), nil)
	require.NoError(t, err)
	tokenClient, err := NewScoringClient("http://127.0.0.1:1/score", ts, nil)
	require.NoError(t, err)
	svc := &AksWebservice{name: "my-svc"}

	for _, tc := range []struct {
		v    any
		want string
	}{
		{ts, "TokenSource (token cached)"},
		{keyClient, "ScoringClient https://svc.example/api/v1/service/x/score (key auth)"},
		{tokenClient, "ScoringClient http://127.0.0.1:1/score (token auth)"},
		{svc, "AksWebservice my-svc (unknown)"},
	} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			got := fmt.Sprintf(verb, tc.v)
			assert.Equal(t, tc.want, got, verb)
			assert.False(t, strings.Contains(got, key) || strings.Contains(got, token) || strings.Contains(got, "pw"), "%s leaks: %s", verb, got)
		}
	}
	var nilClient *ScoringClient
	var nilSource *TokenSource
	var nilSvc *AksWebservice
	assert.Equal(t, "(*webservice.ScoringClient)(nil)", fmt.Sprintf("%#v", nilClient))
	assert.Equal(t, "(*webservice.TokenSource)(nil)", fmt.Sprintf("%#v", nilSource))
	assert.Equal(t, "(*webservice.AksWebservice)(nil)", fmt.Sprintf("%#v", nilSvc))
}
