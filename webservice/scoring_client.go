package webservice

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// ScoringOptions tunes a ScoringClient. A nil *ScoringOptions means the
// defaults.
type ScoringOptions struct {
	// HTTPClient sends the requests. Default: a client of its own with a
	// pooled transport (keep-alive, up to 64 idle connections per host), no
	// overall timeout (bound calls with their context) and certificates
	// always verified.
	HTTPClient *http.Client
}

// ScoringClient calls a web service's scoring URI: POST the input, get the
// model's output. It is safe for concurrent use and reuses connections; its
// steady state makes no control-plane call (credentials are cached). A 401
// gets one credential refresh and one retry. Other failures are returned as
// *ScoringError without retrying: a scoring call may not be safe to repeat.
type ScoringClient struct {
	uri    string
	swag   string
	cred   ScoringCredential
	client *http.Client

	header atomic.Pointer[authHeader]

	idPrefix [24]byte // "xxxxxxxx-xxxx-4xxx-8xxx-" of this client
	counter  atomic.Uint64
}

// authHeader caches the header value built for one credential value.
type authHeader struct{ raw, value string }

var (
	defaultScoringTransport     *http.Transport
	defaultScoringTransportOnce sync.Once
)

func scoringTransport() *http.Transport {
	defaultScoringTransportOnce.Do(func() {
		defaultScoringTransport = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          256,
			MaxIdleConnsPerHost:   64,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: time.Second,
		}
	})
	return defaultScoringTransport
}

// NewScoringClient returns a client for scoringURI (an absolute http or
// https URL, as AksWebservice.ScoringURI returns). cred supplies the key or
// token; nil sends no Authorization header (a service without auth).
func NewScoringClient(scoringURI string, cred ScoringCredential, opts *ScoringOptions) (*ScoringClient, error) {
	u, err := url.Parse(scoringURI)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webservice: scoring URI %q must be an absolute http or https URL", scoringURI)
	}
	if opts == nil {
		opts = &ScoringOptions{}
	}
	c := &ScoringClient{uri: scoringURI, swag: swaggerURIFor(scoringURI), cred: cred, client: opts.HTTPClient}
	if c.client == nil {
		c.client = &http.Client{Transport: scoringTransport()}
	}
	var r [12]byte
	if _, err := rand.Read(r[:]); err != nil {
		return nil, err
	}
	h := hex.EncodeToString(r[:]) // 24 hex digits
	copy(c.idPrefix[:], h[0:8]+"-"+h[8:12]+"-4"+h[13:16]+"-8"+h[17:20]+"-")
	return c, nil
}

// URI returns the scoring URI.
func (c *ScoringClient) URI() string { return c.uri }

// requestID returns a fresh x-ms-client-request-id: this client's random
// prefix and a counter, UUID-shaped. One allocation.
func (c *ScoringClient) requestID() string {
	var b [36]byte
	copy(b[:], c.idPrefix[:])
	n := c.counter.Add(1)
	const digits = "0123456789abcdef"
	for i := 35; i >= 24; i-- {
		b[i] = digits[n&0xf]
		n >>= 4
	}
	return string(b[:])
}

// authorization returns the Authorization header value, "" for none.
func (c *ScoringClient) authorization(ctx context.Context, refresh bool) (string, error) {
	if c.cred == nil {
		return "", nil
	}
	sec, err := c.cred.ScoringCredential(ctx, refresh)
	if err != nil {
		return "", fmt.Errorf("webservice: getting the scoring credential: %w", err)
	}
	raw := sec.Reveal()
	if raw == "" {
		return "", nil
	}
	if h := c.header.Load(); h != nil && h.raw == raw {
		return h.value, nil
	}
	h := &authHeader{raw: raw, value: "Bearer " + raw}
	c.header.Store(h)
	return h.value, nil
}

// Score posts input (the model's JSON input) and returns the response body.
func (c *ScoringClient) Score(ctx context.Context, input []byte) ([]byte, error) {
	authz, err := c.authorization(ctx, false)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, http.MethodPost, c.uri, input, authz)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized && c.cred != nil {
		drain(resp)
		if authz, err = c.authorization(ctx, true); err != nil {
			return nil, err
		}
		if resp, err = c.send(ctx, http.MethodPost, c.uri, input, authz); err != nil {
			return nil, err
		}
	}
	return readScoring(resp)
}

// Swagger fetches the service's swagger.json (beside the scoring URI) with
// the same credential.
func (c *ScoringClient) Swagger(ctx context.Context) ([]byte, error) {
	if c.swag == "" {
		return nil, errors.New("webservice: no swagger URI beside " + c.uri)
	}
	authz, err := c.authorization(ctx, false)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, http.MethodGet, c.swag, nil, authz)
	if err != nil {
		return nil, err
	}
	return readScoring(resp)
}

func (c *ScoringClient) send(ctx context.Context, method, uri string, body []byte, authz string) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, uri, rd)
	if err != nil {
		return nil, err
	}
	h := req.Header
	if body != nil {
		h["Content-Type"] = jsonValue
	}
	h["Accept"] = jsonValue
	h["X-Ms-Client-Request-Id"] = []string{c.requestID()}
	if authz != "" {
		h["Authorization"] = []string{authz}
	}
	resp, err := c.client.Do(req)
	if err != nil {
		// Never echo the request: url.Error holds only method and URL.
		return nil, fmt.Errorf("webservice: scoring request failed: %w", err)
	}
	return resp, nil
}

// jsonValue is shared by every request; net/http does not modify it.
var jsonValue = []string{"application/json"}

// maxScoringResponse bounds a response read into memory.
const maxScoringResponse = 1 << 30

// readScoring reads a response: the body on 200, a *ScoringError otherwise.
func readScoring(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxScoringErrorBody+1))
		drain(resp)
		return nil, newScoringError(resp, b)
	}
	if n := resp.ContentLength; n >= 0 && n <= maxScoringResponse {
		b := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			return nil, fmt.Errorf("webservice: reading the scoring response: %w", err)
		}
		return b, nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxScoringResponse))
	if err != nil {
		return nil, fmt.Errorf("webservice: reading the scoring response: %w", err)
	}
	return b, nil
}

// drain reads what is left so the connection can be reused, then closes.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
}

// CloseIdleConnections closes the client's idle connections.
func (c *ScoringClient) CloseIdleConnections() { c.client.CloseIdleConnections() }
