package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/azureml-go/azureml/internal/pipeline"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

func TestServicePrincipalFromEnvNamesEveryMissingVariable(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		missing []string
		present []string
	}{
		{name: "all missing", missing: []string{EnvServicePrincipalTenantID, EnvServicePrincipalID, EnvServicePrincipalPassword}},
		{name: "password missing",
			env:     map[string]string{EnvServicePrincipalTenantID: tenant, EnvServicePrincipalID: "app"},
			missing: []string{EnvServicePrincipalPassword},
			present: []string{EnvServicePrincipalTenantID, EnvServicePrincipalID}},
		{name: "blank counts as missing",
			env:     map[string]string{EnvServicePrincipalTenantID: "  ", EnvServicePrincipalID: "app", EnvServicePrincipalPassword: secretValue},
			missing: []string{EnvServicePrincipalTenantID},
			present: []string{EnvServicePrincipalID, EnvServicePrincipalPassword}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range []string{EnvServicePrincipalTenantID, EnvServicePrincipalID, EnvServicePrincipalPassword} {
				t.Setenv(name, tc.env[name])
			}
			_, err := NewServicePrincipalCredentialFromEnv(nil)
			require.Error(t, err)
			for _, m := range tc.missing {
				assert.Contains(t, err.Error(), m)
			}
			for _, p := range tc.present {
				assert.NotContains(t, err.Error(), p)
			}
			assert.NotContains(t, err.Error(), secretValue)
		})
	}
}

func TestServicePrincipalFromEnv(t *testing.T) {
	t.Setenv(EnvServicePrincipalTenantID, tenant)
	t.Setenv(EnvServicePrincipalID, "00000000-0000-0000-0000-000000000001")
	t.Setenv(EnvServicePrincipalPassword, secretValue)
	cred, err := NewServicePrincipalCredentialFromEnv(nil)
	require.NoError(t, err)
	assert.NotNil(t, cred)
}

func TestServicePrincipalValidation(t *testing.T) {
	_, err := NewServicePrincipalCredential("", " ", "", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "tenantID, clientID, secret")

	_, err = NewServicePrincipalCredential("not a tenant!", "app", secretValue, nil)
	require.Error(t, err, "azidentity rejects the tenant")
	assert.NotContains(t, err.Error(), secretValue)

	cred, err := NewServicePrincipalCredential(tenant, "app", secretValue, &Options{})
	require.NoError(t, err)
	assert.NotNil(t, cred)
}

func TestManagedIdentity(t *testing.T) {
	for _, opts := range []*ManagedIdentityOptions{nil, {}, {ClientID: "00000000-0000-0000-0000-000000000002"},
		{ObjectID: "o"}, {ResourceID: "/subscriptions/s/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/i"}} {
		cred, err := NewManagedIdentityCredential(opts)
		require.NoError(t, err)
		assert.NotNil(t, cred)
	}
	_, err := NewManagedIdentityCredential(&ManagedIdentityOptions{ClientID: "c", ObjectID: "o"})
	require.ErrorContains(t, err, "at most one")
}

func TestAzureCLIAndDefault(t *testing.T) {
	cli, err := NewAzureCLICredential(&Options{TenantID: tenant})
	require.NoError(t, err)
	assert.NotNil(t, cli)
	_, err = NewAzureCLICredential(&Options{TenantID: "bad tenant!"})
	require.Error(t, err)

	def, err := NewDefaultCredential(nil)
	require.NoError(t, err)
	assert.NotNil(t, def)
}

func jwtWith(exp any) string {
	claims, _ := json.Marshal(map[string]any{"aud": "https://management.core.windows.net/", "exp": exp})
	seg := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	return seg([]byte(`{"alg":"none"}`)) + "." + seg(claims) + ".sig"
}

func TestStaticTokenCredential(t *testing.T) {
	ctx := context.Background()
	exp := time.Now().Add(30 * time.Minute).Truncate(time.Second)

	cred, err := NewStaticTokenCredential(" "+secretValue+"\n", exp)
	require.NoError(t, err)
	for _, scopes := range [][]string{{"https://management.core.windows.net//.default"}, {"https://ml.azure.com/.default"}, nil} {
		tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: scopes})
		require.NoError(t, err)
		assert.Equal(t, secretValue, tok.Token, "the same token for any scope")
		assert.True(t, tok.ExpiresOn.Equal(exp))
	}

	_, err = NewStaticTokenCredential("   ", time.Time{})
	require.ErrorContains(t, err, "empty")

	expired, err := NewStaticTokenCredential(secretValue, time.Now().Add(-time.Minute))
	require.NoError(t, err)
	_, err = expired.GetToken(ctx, policy.TokenRequestOptions{})
	require.ErrorContains(t, err, "expired")
	assert.NotContains(t, err.Error(), secretValue)
}

func TestStaticTokenExpiryFromJWT(t *testing.T) {
	ctx := context.Background()
	exp := time.Now().Add(20 * time.Minute).Truncate(time.Second)
	cred, err := NewStaticTokenCredential(jwtWith(exp.Unix()), time.Time{})
	require.NoError(t, err)
	tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{})
	require.NoError(t, err)
	assert.True(t, tok.ExpiresOn.Equal(exp), "%v", tok.ExpiresOn)

	stale, err := NewStaticTokenCredential(jwtWith(time.Now().Add(-time.Hour).Unix()), time.Time{})
	require.NoError(t, err)
	_, err = stale.GetToken(ctx, policy.TokenRequestOptions{})
	require.ErrorContains(t, err, "expired")

	for _, opaque := range []string{secretValue, jwtWith("soon"), jwtWith(nil), "a.!!!.c", jwtWith(1e300)} {
		cred, err := NewStaticTokenCredential(opaque, time.Time{})
		require.NoError(t, err)
		before := time.Now()
		tok, err := cred.GetToken(ctx, policy.TokenRequestOptions{})
		require.NoError(t, err, opaque)
		assert.False(t, tok.ExpiresOn.Before(before.Add(staticLifetime)), "unknown expiry is reported an hour ahead")
	}
}

func TestStaticTokenCredentialNeverPrintsTheToken(t *testing.T) {
	cred, err := NewStaticTokenCredential(secretValue, time.Time{})
	require.NoError(t, err)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out := fmt.Sprintf(verb, cred)
		assert.False(t, leaks(out), "%s: %q", verb, out)
	}
	b, err := json.Marshal(cred)
	require.NoError(t, err)
	assert.False(t, leaks(string(b)), string(b))
}

// The static credential works with the SDK pipeline against a local server.
func TestStaticTokenCredentialThroughThePipeline(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
	}))
	t.Cleanup(srv.Close)

	cred, err := NewStaticTokenCredential(secretValue, time.Time{})
	require.NoError(t, err)
	pl, err := pipeline.New(cred, nil)
	require.NoError(t, err)
	req, err := runtime.NewRequest(context.Background(), http.MethodGet, srv.URL+"/subscriptions")
	require.NoError(t, err)
	resp, err := pl.Do(req)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "Bearer "+secretValue, got)
}
