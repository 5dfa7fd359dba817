package webservice

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/azureml-go/azureml/auth"
)

// ScoringCredential supplies the bearer credential of scoring requests: a
// service key or an access token. Implementations must be safe for
// concurrent use and cheap when nothing changed: the scoring client calls
// ScoringCredential on every request.
type ScoringCredential interface {
	// ScoringCredential returns the value to send as "Authorization: Bearer
	// <value>"; a zero Secret sends no Authorization header. refresh is true
	// after the service answered 401: return a fresh credential then.
	ScoringCredential(ctx context.Context, refresh bool) (auth.Secret, error)
}

// KeyCredential returns a credential that always sends key.
func KeyCredential(key auth.Secret) ScoringCredential { return staticCredential{key} }

type staticCredential struct{ key auth.Secret }

func (c staticCredential) ScoringCredential(context.Context, bool) (auth.Secret, error) {
	return c.key, nil
}

// TokenSource caches an access token and fetches a new one once its
// RefreshAfter has passed (or when a 401 asks for it). It is safe for
// concurrent use: one caller fetches while the others wait; the steady state
// is a lock-free read.
type TokenSource struct {
	fetch func(context.Context) (auth.AccessToken, error)
	now   func() time.Time

	cur atomic.Pointer[auth.AccessToken]
	mu  sync.Mutex // serialises fetches
}

// NewTokenSource returns a TokenSource that gets tokens from fetch (for
// example an AksWebservice's GetAccessToken).
func NewTokenSource(fetch func(context.Context) (auth.AccessToken, error)) *TokenSource {
	return &TokenSource{fetch: fetch, now: time.Now}
}

// Token returns the cached token, fetching a new one when there is none or
// its RefreshAfter (or expiry) has passed.
func (ts *TokenSource) Token(ctx context.Context) (auth.AccessToken, error) {
	return ts.token(ctx, false)
}

func (ts *TokenSource) token(ctx context.Context, force bool) (auth.AccessToken, error) {
	seen := ts.cur.Load()
	if !force && seen != nil && !seen.NeedsRefresh(ts.now()) {
		return *seen, nil
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	cur := ts.cur.Load()
	// Someone else fetched while this caller waited: use theirs, even when a
	// refresh was forced (the 401 was for the token this caller saw).
	if cur != nil && cur != seen && !cur.NeedsRefresh(ts.now()) {
		return *cur, nil
	}
	tok, err := ts.fetch(ctx)
	if err != nil {
		// A token past RefreshAfter but not expired is still usable.
		if cur != nil && !force && !cur.Expired(ts.now()) {
			return *cur, nil
		}
		return auth.AccessToken{}, err
	}
	if tok.Token.IsZero() {
		return auth.AccessToken{}, errors.New("webservice: the service returned an empty access token")
	}
	ts.cur.Store(&tok)
	return tok, nil
}

// ScoringCredential implements ScoringCredential.
func (ts *TokenSource) ScoringCredential(ctx context.Context, refresh bool) (auth.Secret, error) {
	tok, err := ts.token(ctx, refresh)
	if err != nil {
		return auth.Secret{}, err
	}
	return tok.Token, nil
}

// serviceCredential follows a service's auth mode: its primary key with key
// auth, a cached token with token auth, nothing otherwise. A refresh re-reads
// the service first, so a change of auth mode or keys is picked up.
type serviceCredential struct {
	svc *AksWebservice

	cur atomic.Pointer[auth.Secret]
	mu  sync.Mutex
	ts  atomic.Pointer[TokenSource]
	// mode is 0 until known, then modeNone, modeKey or modeToken.
	mode atomic.Int32
}

const (
	modeNone int32 = iota + 1
	modeKey
	modeToken
)

func newServiceCredential(s *AksWebservice) *serviceCredential {
	c := &serviceCredential{svc: s}
	c.ts.Store(NewTokenSource(s.GetAccessToken))
	return c
}

func (c *serviceCredential) ScoringCredential(ctx context.Context, refresh bool) (auth.Secret, error) {
	switch c.mode.Load() {
	case modeNone:
		if !refresh {
			return auth.Secret{}, nil
		}
	case modeKey:
		if k := c.cur.Load(); k != nil && !refresh {
			return *k, nil
		}
	case modeToken:
		if !refresh {
			return c.ts.Load().ScoringCredential(ctx, false)
		}
	}
	return c.resolve(ctx, refresh)
}

// resolve (re)learns the auth mode and fetches the credential.
func (c *serviceCredential) resolve(ctx context.Context, refresh bool) (auth.Secret, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if refresh || c.mode.Load() == 0 {
		if refresh || c.svc.get().AuthEnabled == nil {
			if err := c.svc.Refresh(ctx); err != nil {
				return auth.Secret{}, err
			}
		}
	}
	switch {
	case c.svc.TokenAuthEnabled():
		c.mode.Store(modeToken)
		return c.ts.Load().ScoringCredential(ctx, refresh)
	case c.svc.AuthEnabled():
		if k := c.cur.Load(); k != nil && !refresh {
			c.mode.Store(modeKey)
			return *k, nil
		}
		keys, err := c.svc.GetKeys(ctx)
		if err != nil {
			return auth.Secret{}, err
		}
		c.cur.Store(&keys.Primary)
		c.mode.Store(modeKey)
		return keys.Primary, nil
	default:
		c.mode.Store(modeNone)
		return auth.Secret{}, nil
	}
}

// forget drops what is cached; the next call re-reads the service.
func (c *serviceCredential) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cur.Store(nil)
	c.mode.Store(0)
	c.ts.Store(NewTokenSource(c.svc.GetAccessToken))
}
