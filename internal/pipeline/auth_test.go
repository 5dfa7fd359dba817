package pipeline

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"
)

func TestARMScopePerCloud(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cloud cloud.Configuration
		want  string
	}{
		{"zero value is public", cloud.Configuration{}, "https://management.core.windows.net//.default"},
		{"public", cloud.AzurePublic, "https://management.core.windows.net//.default"},
		{"china", cloud.AzureChina, "https://management.core.chinacloudapi.cn//.default"},
		{"us government", cloud.AzureGovernment, "https://management.core.usgovcloudapi.net//.default"},
		{"custom", cloud.Configuration{
			ActiveDirectoryAuthorityHost: "https://login.example/",
			Services:                     map[cloud.ServiceName]cloud.ServiceConfiguration{cloud.ResourceManager: {Audience: "https://arm.example", Endpoint: "https://arm.example"}},
		}, "https://arm.example/.default"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ARMScope(tc.cloud)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}

	_, err := ARMScope(cloud.Configuration{ActiveDirectoryAuthorityHost: "https://login.example/"})
	require.ErrorContains(t, err, "no ResourceManager audience")
}

func TestBearerTokenUsesTheCloudsARMScope(t *testing.T) {
	for _, tc := range []struct {
		cloud cloud.Configuration
		scope string
	}{
		{cloud.AzurePublic, "https://management.core.windows.net//.default"},
		{cloud.AzureChina, "https://management.core.chinacloudapi.cn//.default"},
		{cloud.AzureGovernment, "https://management.core.usgovcloudapi.net//.default"},
	} {
		t.Run(tc.scope, func(t *testing.T) {
			c, rec := mockClient(t)
			gock.New(testHost).Get("/a").Reply(200)
			cred := &fakeCredential{token: "tok-123"}
			opts := fastOptions(c)
			opts.Cloud = tc.cloud
			pl := newPipeline(t, cred, opts)

			_, err := send(context.Background(), pl, http.MethodGet, testHost+"/a", "")
			require.NoError(t, err)
			assert.Equal(t, "Bearer tok-123", rec.all()[0].header.Get("Authorization"))
			require.Len(t, cred.scopes, 1)
			assert.Equal(t, []string{tc.scope}, cred.scopes[0])
		})
	}
}

func TestEveryAttemptCarriesTheToken(t *testing.T) {
	c, rec := mockClient(t)
	gock.New(testHost).Get("/a").Times(2).Reply(503)
	gock.New(testHost).Get("/a").Reply(200)
	cred := &fakeCredential{token: "tok"}
	pl := newPipeline(t, cred, fastOptions(c))

	_, err := send(context.Background(), pl, http.MethodGet, testHost+"/a", "")
	require.NoError(t, err)
	for _, a := range rec.all() {
		assert.Equal(t, "Bearer tok", a.header.Get("Authorization"))
	}
	assert.Equal(t, 1, cred.callCount(), "the token is fetched once per call, not per inner attempt")
}

func TestWithoutAuthSendsNoAuthorization(t *testing.T) {
	c, rec := mockClient(t)
	gock.New(testHost).Get("/discovery").Reply(200)
	cred := &fakeCredential{token: "tok"}
	pl := newPipeline(t, cred, fastOptions(c))

	_, err := send(WithoutAuth(context.Background()), pl, http.MethodGet, testHost+"/discovery", "")
	require.NoError(t, err)
	assert.Empty(t, rec.all()[0].header.Values("Authorization"))
	assert.Zero(t, cred.callCount())
}

func TestCredentialOverPlainHTTP(t *testing.T) {
	for _, tc := range []struct {
		name     string
		url      string
		noAuth   bool
		nilCred  bool
		insecure bool
		refused  bool
	}{
		{name: "non-loopback refused", url: "http://aml.example.test/a", refused: true},
		{name: "non-loopback IP refused", url: "http://10.0.0.4:8080/a", refused: true},
		{name: "127.0.0.1 allowed", url: "http://127.0.0.1:8080/a"},
		{name: "127.1.2.3 allowed", url: "http://127.1.2.3/a"},
		{name: "localhost allowed", url: "http://localhost:5000/a"},
		{name: "LOCALHOST allowed", url: "http://LOCALHOST/a"},
		{name: "::1 allowed", url: "http://[::1]:8080/a"},
		{name: "non-loopback WithoutAuth allowed", url: "http://aml.example.test/a", noAuth: true},
		{name: "non-loopback without credential allowed", url: "http://aml.example.test/a", nilCred: true},
		{name: "non-loopback with InsecureAllowCredentialWithHTTP allowed", url: "http://aml.example.test/a", insecure: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, rec := mockClient(t)
			u, err := url.Parse(tc.url)
			require.NoError(t, err)
			gock.New(u.Scheme + "://" + u.Host).Get("/a").Persist().Reply(200)
			cred := &fakeCredential{token: "tok"}
			opts := fastOptions(c)
			opts.InsecureAllowCredentialWithHTTP = tc.insecure
			var pl = newPipeline(t, cred, opts)
			if tc.nilCred {
				pl = newPipeline(t, nil, opts)
			}
			ctx := context.Background()
			if tc.noAuth {
				ctx = WithoutAuth(ctx)
			}

			resp, err := send(ctx, pl, http.MethodGet, tc.url, "")
			if tc.refused {
				require.ErrorIs(t, err, ErrCredentialOverHTTP)
				assert.Contains(t, err.Error(), u.Host)
				assert.Zero(t, rec.count(), "nothing may be sent")
				assert.Zero(t, cred.callCount(), "no token is even fetched")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			require.Equal(t, 1, rec.count())
			wantAuth := !tc.noAuth && !tc.nilCred
			assert.Equal(t, wantAuth, rec.all()[0].header.Get("Authorization") == "Bearer tok")
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://127.0.0.1/":             true,
		"http://127.255.255.254:1/":     true,
		"http://[::1]:80/":              true,
		"http://[::ffff:127.0.0.1]/":    true,
		"http://localhost/":             true,
		"http://LocalHost:8080/":        true,
		"http://128.0.0.1/":             false,
		"http://10.0.0.1/":              false,
		"http://[::2]/":                 false,
		"http://localhost.evil.com/":    false,
		"http://evil.com/localhost":     false,
		"http://0.0.0.0/":               false,
		"https://management.azure.com/": false,
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.Equal(t, want, IsLoopback(u), raw)
	}
	assert.False(t, IsLoopback(nil))
}

func TestRedirectFromHTTPSToRemoteHTTPIsRefused(t *testing.T) {
	from, _ := http.NewRequest(http.MethodGet, "https://aml.example.test/a", nil)
	for raw, wantErr := range map[string]bool{
		"http://aml.example.test/b":  true,
		"http://127.0.0.1/b":         false,
		"https://other.example.test": false,
	} {
		to, _ := http.NewRequest(http.MethodGet, raw, nil)
		err := checkRedirect(to, []*http.Request{from})
		assert.Equal(t, wantErr, err != nil, raw)
	}
	to, _ := http.NewRequest(http.MethodGet, "https://aml.example.test/c", nil)
	assert.Error(t, checkRedirect(to, make([]*http.Request, maxRedirects)), "redirect limit")
}

func TestAuthPolicyRunsPerTryPosition(t *testing.T) {
	// A caller's per-retry policy runs after ours, so it sees Authorization.
	c, _ := mockClient(t)
	gock.New(testHost).Get("/a").Reply(200)
	var sawAuth bool
	opts := fastOptions(c)
	opts.PerRetryPolicies = []policy.Policy{policyFunc(func(req *policy.Request) (*http.Response, error) {
		sawAuth = req.Raw().Header.Get("Authorization") != ""
		return req.Next()
	})}
	pl := newPipeline(t, &fakeCredential{token: "t"}, opts)
	_, err := send(context.Background(), pl, http.MethodGet, testHost+"/a", "")
	require.NoError(t, err)
	assert.True(t, sawAuth)
}
