package pipeline

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"
)

const testHost = "https://aml.example.test"

// fakeCredential hands out a fixed token and records the scopes asked for.
type fakeCredential struct {
	token string

	mu     sync.Mutex
	calls  int
	scopes [][]string
}

func (c *fakeCredential) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	c.scopes = append(c.scopes, o.Scopes)
	return azcore.AccessToken{Token: c.token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func (c *fakeCredential) callCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// attempt is one HTTP attempt seen by gock.
type attempt struct {
	method string
	url    string
	header http.Header
	body   string
	at     time.Time
}

// recorder collects every attempt gock intercepts.
type recorder struct {
	mu       sync.Mutex
	attempts []attempt
	onEach   func(n int)
}

func (r *recorder) observe(req *http.Request, _ gock.Mock) {
	var body string
	if req.Body != nil && req.Body != http.NoBody {
		b, _ := io.ReadAll(req.Body)
		body = string(b)
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	r.mu.Lock()
	r.attempts = append(r.attempts, attempt{
		method: req.Method, url: req.URL.String(), header: req.Header.Clone(), body: body, at: time.Now(),
	})
	n := len(r.attempts)
	fn := r.onEach
	r.mu.Unlock()
	if fn != nil {
		fn(n)
	}
}

func (r *recorder) all() []attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]attempt(nil), r.attempts...)
}

func (r *recorder) count() int { return len(r.all()) }

// mockClient returns an inner client intercepted by gock and a recorder of
// the attempts; both are undone when the test ends. gock state is global, so
// tests using it must not run in parallel.
func mockClient(t *testing.T) (*http.Client, *recorder) {
	t.Helper()
	c := &http.Client{Transport: &http.Transport{}}
	gock.InterceptClient(c)
	rec := &recorder{}
	gock.Observe(rec.observe)
	t.Cleanup(func() {
		gock.Observe(nil)
		gock.RestoreClient(c)
		gock.OffAll()
	})
	return c, rec
}

// fastOptions are Options with waits short enough for tests.
func fastOptions(c *http.Client) *Options {
	return &Options{HTTPClient: c, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}
}

func newPipeline(t *testing.T, cred azcore.TokenCredential, opts *Options) runtime.Pipeline {
	t.Helper()
	pl, err := New(cred, opts)
	require.NoError(t, err)
	return pl
}

// send makes one call; body, if not empty, is sent as JSON.
func send(ctx context.Context, pl runtime.Pipeline, method, url, body string) (*http.Response, error) {
	req, err := runtime.NewRequest(ctx, method, url)
	if err != nil {
		return nil, err
	}
	if body != "" {
		if err := req.SetBody(nopSeekCloser{strings.NewReader(body)}, "application/json"); err != nil {
			return nil, err
		}
	}
	return pl.Do(req)
}

type nopSeekCloser struct{ io.ReadSeeker }

func (nopSeekCloser) Close() error { return nil }
