package pipeline

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"
)

// captureLog routes azcore's log to a buffer for the test. The azcore
// listener is global, so callers must not run in parallel.
func captureLog(t *testing.T) func() string {
	var mu sync.Mutex
	var b strings.Builder
	log.SetListener(func(e log.Event, msg string) {
		mu.Lock()
		defer mu.Unlock()
		b.WriteString(string(e) + ": " + msg + "\n")
	})
	t.Cleanup(func() { log.SetListener(nil) })
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		return b.String()
	}
}

func TestSecretsNeverReachTheLog(t *testing.T) {
	const (
		token   = "tok-SECRET-0a1b2c"
		sasSig  = "SAS-SECRET-9z8y7x"
		apiKey  = "KEY-SECRET-5e6f"
		respKey = "PRIMARY-SECRET-3c4d"
	)
	logs := captureLog(t)
	c, _ := mockClient(t)
	blob := testHost + "/blob/c/model.pkl?sig=" + sasSig + "&se=2030-01-01&api-version=2020-02-02"

	gock.New(testHost).Get("/blob/c/model.pkl").Times(1).Reply(503)
	gock.New(testHost).Get("/blob/c/model.pkl").Times(1).Reply(200).SetHeader("x-ms-correlation-request-id", "corr-1")
	gock.New(testHost).Put("/blob/c/model.pkl").Persist().ReplyError(syscall.ECONNRESET)
	gock.New(testHost).Post("/listKeys").Reply(200).JSON(map[string]string{"primaryKey": respKey})
	gock.New(testHost).Delete("/blob/c/model.pkl").Reply(403).JSON(map[string]any{"error": map[string]string{"code": "AuthorizationFailure"}})

	opts := fastOptions(c)
	opts.Logging.AllowedHeaders = []string{"Authorization", "x-api-key", "x-custom"}
	opts.Logging.AllowedQueryParams = []string{"sig", "se"}
	pl := newPipeline(t, &fakeCredential{token: token}, opts)
	ctx := context.Background()

	// retried GET of a SAS URL
	resp, err := send(ctx, pl, http.MethodGet, blob, "")
	require.NoError(t, err)
	assert.Equal(t, 2, Attempts(resp))

	// transport failure: the error text names the URL
	_, putErr := send(ctx, pl, http.MethodPut, blob, `{"data":"x"}`)
	require.Error(t, putErr)

	// a key header from the caller and a key in the response body
	req, err := runtime.NewRequest(WithIdempotent(ctx), http.MethodPost, testHost+"/listKeys")
	require.NoError(t, err)
	req.Raw().Header.Set("x-api-key", apiKey)
	_, err = pl.Do(req)
	require.NoError(t, err)

	// an HTTP error turned into *azcore.ResponseError (azcore logs it)
	resp, err = send(ctx, pl, http.MethodDelete, blob, "")
	require.NoError(t, err)
	respErr := runtime.NewResponseError(resp)

	out := logs()
	require.NotEmpty(t, out)
	for _, secret := range []string{token, sasSig, apiKey, respKey} {
		assert.NotContains(t, out, secret)
		assert.NotContains(t, putErr.Error(), secret)
		assert.NotContains(t, respErr.Error(), secret)
	}
	assert.Contains(t, out, "Authorization: REDACTED")
	assert.Contains(t, out, "X-Api-Key: REDACTED")
	assert.Contains(t, out, "sig=REDACTED")
	assert.Contains(t, out, "se=2030-01-01", "caller-allowed, non-secret parameters stay visible")
	assert.Contains(t, out, "api-version=2020-02-02")
	assert.Contains(t, out, "X-Ms-Correlation-Request-Id: corr-1")
	assert.Contains(t, out, HeaderAttempts+": 2")
	assert.Contains(t, out, HeaderRetryReasons+": 503")
	assert.Contains(t, out, "giving up after 4 attempts")
	assert.Contains(t, putErr.Error(), "sig=REDACTED")
}

func TestRetryableClientHasNoLogger(t *testing.T) {
	rc := newRetryableClient(settings{retryMax: 1, httpClient: http.DefaultClient})
	assert.Nil(t, rc.Logger, "go-retryablehttp's logger prints full URLs")
	var _ retryablehttp.RequestLogHook = rc.RequestLogHook
}

func TestRedactor(t *testing.T) {
	r := newRedactor([]string{"se", "SIG"})
	u, _ := url.Parse("https://u:pw@host.test/p?sig=abc&se=2030&api-version=1&token=t")
	got := r.url(u)
	assert.NotContains(t, got, "abc")
	assert.NotContains(t, got, "pw")
	assert.Contains(t, got, "sig=REDACTED")
	assert.Contains(t, got, "token=REDACTED")
	assert.Contains(t, got, "se=2030")
	assert.Contains(t, got, "api-version=1")

	err := r.scrub(&url.Error{Op: "Get", URL: u.String(), Err: syscall.ECONNRESET}, u)
	assert.NotContains(t, err.Error(), "abc")
	assert.ErrorIs(t, err, syscall.ECONNRESET)

	plain := syscall.ECONNREFUSED
	assert.Equal(t, error(plain), r.scrub(plain, u), "clean errors are left alone")
}

func TestAllowListDropsSecretNames(t *testing.T) {
	assert.Equal(t, []string{"x-custom"}, allowList([]string{"Authorization", "x-custom", "COOKIE"}, deniedHeaders))
	assert.Equal(t, []string{"se"}, allowList([]string{"sig", "se", "Sig"}, deniedQueryParams))
	for _, h := range logAllowedHeaders {
		assert.False(t, deniedHeaders[strings.ToLower(h)], h)
	}
}
