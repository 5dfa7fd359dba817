package webservice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/auth"
)

// scoringServer accepts "Bearer <want>" and echoes the body.
type scoringServer struct {
	*httptest.Server
	mu       sync.Mutex
	want     string
	requests []*http.Request
	bodies   []string
	conns    atomic.Int32
}

func newScoringServer(t *testing.T, want string) *scoringServer {
	s := &scoringServer{want: want}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.requests = append(s.requests, r)
		s.bodies = append(s.bodies, string(b))
		want := s.want
		s.mu.Unlock()
		if want != "" && r.Header.Get("Authorization") != "Bearer "+want {
			w.Header().Set("x-ms-request-id", "rid-401")
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		switch string(b) {
		case "model-error":
			w.Header().Set("X-Ms-Run-Function-Failed", "True")
			http.Error(w, "ValueError: bad shape", http.StatusBadGateway)
		case "busy":
			w.Header().Set("Retry-After", "2")
			http.Error(w, "Too many requests", http.StatusTooManyRequests)
		default:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"echo":%q}`, b)
		}
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *scoringServer) setWant(v string) {
	s.mu.Lock()
	s.want = v
	s.mu.Unlock()
}

func TestScoringClientSendsKeyAndHeaders(t *testing.T) {
	srv := newScoringServer(t, "the-key")
	c, err := NewScoringClient(srv.URL+"/api/v1/service/s/score", KeyCredential(auth.NewSecret("the-key")), nil)
	require.NoError(t, err)
	out, err := c.Score(context.Background(), []byte(`{"data":1}`))
	require.NoError(t, err)
	assert.Equal(t, `{"echo":"{\"data\":1}"}`, string(out))
	r := srv.requests[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/api/v1/service/s/score", r.URL.Path)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	id := r.Header.Get("X-Ms-Client-Request-Id")
	assert.Regexp(t, regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$`), id)
	_, err = c.Score(context.Background(), []byte(`{}`))
	require.NoError(t, err)
	assert.NotEqual(t, id, srv.requests[1].Header.Get("X-Ms-Client-Request-Id"))

	doc, err := c.Swagger(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "/api/v1/service/s/swagger.json", srv.requests[2].URL.Path)
	assert.Equal(t, http.MethodGet, srv.requests[2].Method)
	assert.NotEmpty(t, doc)
}

func TestScoringClientWithoutCredentialSendsNoAuthorization(t *testing.T) {
	srv := newScoringServer(t, "")
	c, err := NewScoringClient(srv.URL+"/score", nil, nil)
	require.NoError(t, err)
	_, err = c.Score(context.Background(), []byte(`1`))
	require.NoError(t, err)
	assert.Empty(t, srv.requests[0].Header.Get("Authorization"))
}

// countingCredential returns key i after i refreshes.
type countingCredential struct {
	mu        sync.Mutex
	keys      []string
	i         int
	refreshes int
}

func (c *countingCredential) ScoringCredential(_ context.Context, refresh bool) (auth.Secret, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if refresh {
		c.refreshes++
		if c.i < len(c.keys)-1 {
			c.i++
		}
	}
	return auth.NewSecret(c.keys[c.i]), nil
}

func TestScoringClient401RefreshesOnceAndRetriesOnce(t *testing.T) {
	srv := newScoringServer(t, "new")
	cred := &countingCredential{keys: []string{"old", "new"}}
	c, err := NewScoringClient(srv.URL+"/score", cred, nil)
	require.NoError(t, err)
	out, err := c.Score(context.Background(), []byte(`x`))
	require.NoError(t, err)
	assert.Contains(t, string(out), "echo")
	assert.Equal(t, 1, cred.refreshes)
	assert.Len(t, srv.requests, 2)
	assert.Equal(t, `x`, srv.bodies[1], "the retry resends the body")

	// Still refused after the refresh: one retry only, then the 401.
	srv.setWant("other")
	_, err = c.Score(context.Background(), []byte(`y`))
	var se *ScoringError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, SourceAuth, se.Source)
	assert.Equal(t, "rid-401", se.RequestID)
	assert.Equal(t, 2, cred.refreshes)
	assert.Len(t, srv.requests, 4)
	assert.NotContains(t, err.Error(), "new")
}

func TestScoringErrorsSayWhoFailed(t *testing.T) {
	srv := newScoringServer(t, "")
	c, err := NewScoringClient(srv.URL+"/score", nil, &ScoringOptions{MaxRetries: -1})
	require.NoError(t, err)
	_, err = c.Score(context.Background(), []byte("model-error"))
	var se *ScoringError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, SourceModel, se.Source)
	assert.Equal(t, http.StatusBadGateway, se.StatusCode)
	assert.Contains(t, se.Message, "ValueError: bad shape")
	assert.Contains(t, err.Error(), "run() raised")
	_, err = c.Score(context.Background(), []byte("busy"))
	require.ErrorAs(t, err, &se)
	assert.Equal(t, SourceRouter, se.Source)
	assert.Equal(t, 2*time.Second, se.RetryAfter)
	assert.Contains(t, err.Error(), "overloaded")
}

func TestScoringClientReusesConnectionsConcurrently(t *testing.T) {
	srv := newScoringServer(t, "k")
	c, err := NewScoringClient(srv.URL+"/score", KeyCredential(auth.NewSecret("k")), nil)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				_, err := c.Score(context.Background(), []byte(`{}`))
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	// 400 requests; a dial racing a connection's return to the pool may add a few.
	assert.LessOrEqual(t, int(srv.conns.Load()), 16, "connections are reused")
}

func TestNewScoringClientRejectsBadURIs(t *testing.T) {
	for _, u := range []string{"", "score", "ftp://x/score", "http:///score"} {
		_, err := NewScoringClient(u, nil, nil)
		assert.Error(t, err, u)
	}
}

func TestTokenSourceRefreshesAfterRefreshAfterOnly(t *testing.T) {
	now := time.Unix(1000, 0)
	var fetches int
	ts := NewTokenSource(func(context.Context) (auth.AccessToken, error) {
		fetches++
		return auth.AccessToken{Token: auth.NewSecret(fmt.Sprintf("tok-%d", fetches)), TokenType: "Bearer",
			RefreshAfter: now.Add(30 * time.Minute), ExpiresOn: now.Add(time.Hour)}, nil
	})
	ts.now = func() time.Time { return now }
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		tok, err := ts.Token(ctx)
		require.NoError(t, err)
		assert.Equal(t, "tok-1", tok.Token.Reveal())
	}
	assert.Equal(t, 1, fetches)
	now = now.Add(31 * time.Minute)
	tok, err := ts.Token(ctx)
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok.Token.Reveal())
	sec, err := ts.ScoringCredential(ctx, true)
	require.NoError(t, err)
	assert.Equal(t, "tok-3", sec.Reveal(), "a 401 forces a new token")
}

func TestTokenSourceKeepsAValidTokenWhenRefreshFails(t *testing.T) {
	now := time.Unix(1000, 0)
	fail := false
	ts := NewTokenSource(func(context.Context) (auth.AccessToken, error) {
		if fail {
			return auth.AccessToken{}, errors.New("region down")
		}
		return auth.AccessToken{Token: auth.NewSecret("tok"), RefreshAfter: now.Add(time.Minute), ExpiresOn: now.Add(time.Hour)}, nil
	})
	ts.now = func() time.Time { return now }
	_, err := ts.Token(context.Background())
	require.NoError(t, err)
	fail = true
	now = now.Add(2 * time.Minute)
	tok, err := ts.Token(context.Background())
	require.NoError(t, err, "past RefreshAfter but not expired: keep using it")
	assert.Equal(t, "tok", tok.Token.Reveal())
	now = now.Add(2 * time.Hour)
	_, err = ts.Token(context.Background())
	require.ErrorContains(t, err, "region down")
}

func TestTokenSourceConcurrentCallersFetchOnce(t *testing.T) {
	var fetches atomic.Int32
	release := make(chan struct{})
	ts := NewTokenSource(func(context.Context) (auth.AccessToken, error) {
		fetches.Add(1)
		<-release
		return auth.AccessToken{Token: auth.NewSecret("t"), RefreshAfter: time.Now().Add(time.Hour), ExpiresOn: time.Now().Add(2 * time.Hour)}, nil
	})
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = ts.Token(context.Background()) }()
	}
	close(release)
	wg.Wait()
	assert.Equal(t, int32(1), fetches.Load())
}
