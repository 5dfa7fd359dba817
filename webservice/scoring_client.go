package webservice

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/azureml-go/azureml/internal/pipeline"
	"github.com/azureml-go/azureml/workspace"
)

// ScoringOptions tunes a ScoringClient. A nil *ScoringOptions means the
// defaults.
type ScoringOptions struct {
	// HTTPClient sends the requests. Default: a client of its own with a
	// pooled transport (keep-alive, up to 64 idle connections per host), no
	// overall timeout (bound calls with their context) and certificates
	// always verified.
	HTTPClient *http.Client

	// MaxRetries is how many times a scoring call is sent again when it
	// certainly did not run: the service's front end refused it (429 or 503
	// not marked as a failure of run()) or no connection could be made.
	// Default 3; a negative value means never. A call whose request was sent
	// but whose answer was lost is never sent again (the model may have run
	// it): its error matches workspace.ErrOutcomeUnknown.
	MaxRetries int
	// RetryDelay is the base of the jittered exponential backoff used when
	// the service sends no retry-after-ms or Retry-After hint. Default 800 ms.
	RetryDelay time.Duration
	// MaxRetryDelay caps that backoff. A hint is always honoured in full;
	// when it asks for longer than MaxRetryDelay the call is not retried and
	// its *ScoringError carries the hint. Default 60 s.
	MaxRetryDelay time.Duration
}

// Defaults of ScoringOptions.
const (
	defaultScoringRetries       = 3
	defaultScoringRetryDelay    = 800 * time.Millisecond
	defaultScoringMaxRetryDelay = 60 * time.Second
)

// ScoringClient calls a web service's scoring URI: POST the input, get the
// model's output. It is safe for concurrent use and reuses connections; its
// steady state makes no control-plane call (credentials are cached). A 401
// gets one credential refresh and one retry. A call the service certainly
// did not run — refused by its front end with 429 or 503, or no connection —
// is retried as ScoringOptions say, never sooner than a Retry-After asks.
// Other failures are returned without retrying, since a scoring call may not
// be safe to repeat: *ScoringError for an error status, and an error matching
// workspace.ErrOutcomeUnknown when the request was sent but its answer was
// lost or arrived as cut-short JSON.
type ScoringClient struct {
	uri    string
	swag   string
	cred   ScoringCredential
	client *http.Client

	retries            int
	retryDelay, maxGap time.Duration

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
	c := &ScoringClient{uri: scoringURI, swag: swaggerURIFor(scoringURI), cred: cred, client: opts.HTTPClient,
		retries: opts.MaxRetries, retryDelay: opts.RetryDelay, maxGap: opts.MaxRetryDelay}
	if c.client == nil {
		c.client = &http.Client{Transport: scoringTransport()}
	}
	switch {
	case c.retries == 0:
		c.retries = defaultScoringRetries
	case c.retries < 0:
		c.retries = 0
	}
	if c.retryDelay <= 0 {
		c.retryDelay = defaultScoringRetryDelay
	}
	if c.maxGap <= 0 {
		c.maxGap = defaultScoringMaxRetryDelay
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
	id := c.requestID() // the same on every retry of this call
	refreshed := false
	for attempt := 0; ; attempt++ {
		resp, err := c.send(ctx, http.MethodPost, c.uri, input, authz, id)
		if err != nil {
			if !neverSent(err) {
				return nil, answerLost(ctx, err)
			}
			if attempt >= c.retries || ctx.Err() != nil {
				return nil, err
			}
			if err := sleepCtx(ctx, exponentialWait(c.retryDelay, c.maxGap, attempt)); err != nil {
				return nil, err
			}
			continue
		}
		if resp.StatusCode == http.StatusUnauthorized && c.cred != nil && !refreshed {
			drain(resp)
			refreshed = true
			if authz, err = c.authorization(ctx, true); err != nil {
				return nil, err
			}
			id = c.requestID() // a new request, sent with another credential
			continue
		}
		if attempt < c.retries && refusedByRouter(resp) {
			wait := pipeline.RetryAfter(resp)
			if wait <= c.maxGap {
				if wait <= 0 {
					wait = exponentialWait(c.retryDelay, c.maxGap, attempt)
				}
				drain(resp)
				if err := sleepCtx(ctx, wait); err != nil {
					return nil, err
				}
				continue
			}
		}
		return readScored(ctx, resp)
	}
}

// readScored reads a scoring answer. An answer whose body breaks off, or a
// 200 declared as JSON whose body is not JSON (cut short on the way), is an
// answer lost: its error matches workspace.ErrOutcomeUnknown.
func readScored(ctx context.Context, resp *http.Response) ([]byte, error) {
	jsonBody := isJSONContent(resp.Header.Get("Content-Type"))
	out, err := readScoring(resp)
	if err != nil {
		var se *ScoringError
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, answerLost(ctx, err)
	}
	if jsonBody && !json.Valid(out) && len(bytes.TrimSpace(out)) > 0 {
		return nil, fmt.Errorf("webservice: the scoring answer (%d bytes) is not valid JSON: it was probably cut short on the way, and run() may have run the request: %w", len(out), workspace.ErrOutcomeUnknown)
	}
	return out, nil
}

// isJSONContent reports application/json, text/json and +json media types.
func isJSONContent(ct string) bool {
	if ct == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json"))
}

// refusedByRouter reports a 429 or 503 from the service's front end: the
// request was not run (a failure of run() is marked X-Ms-Run-Function-Failed).
func refusedByRouter(resp *http.Response) bool {
	return (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) &&
		!strings.EqualFold(resp.Header.Get("X-Ms-Run-Function-Failed"), "true")
}

// neverSent reports a transport error that happened before any byte of the
// request could leave: the connection was never made.
func neverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// answerLost marks a transport error of a request that may have been sent:
// the model may have run it. The caller's own cancellation is left as it is.
func answerLost(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return err
	}
	return fmt.Errorf("%w; the request was sent, so run() may have run it: %w", err, workspace.ErrOutcomeUnknown)
}

// exponentialWait is base × (2^(attempt+1) − 1) × a random factor in
// [0.8, 1.3), capped at maxWait: the SDK's backoff.
func exponentialWait(base, maxWait time.Duration, attempt int) time.Duration {
	attempt = max(0, min(attempt, 30))
	d := float64(base) * float64(uint64(1)<<(attempt+1)-1) * (0.8 + 0.5*mrand.Float64())
	if d >= float64(maxWait) {
		return maxWait
	}
	return time.Duration(d)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
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
	resp, err := c.send(ctx, http.MethodGet, c.swag, nil, authz, c.requestID())
	if err != nil {
		return nil, err
	}
	return readScoring(resp)
}

func (c *ScoringClient) send(ctx context.Context, method, uri string, body []byte, authz, requestID string) (*http.Response, error) {
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
	h["X-Ms-Client-Request-Id"] = []string{requestID}
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

// maxScoringPrealloc is the largest declared Content-Length allocated in one piece
// before the body arrives.
const maxScoringPrealloc = 1 << 20

// readScoring reads a response: the body on 200, a *ScoringError otherwise.
func readScoring(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxScoringErrorBody+1))
		drain(resp)
		return nil, newScoringError(resp, b)
	}
	if n := resp.ContentLength; n >= 0 && n <= maxScoringPrealloc {
		b := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, b); err != nil {
			return nil, fmt.Errorf("webservice: reading the scoring response: %w", err)
		}
		return b, nil
	} else if n > maxScoringPrealloc && n <= maxScoringResponse {
		// A large declared length is believed only as the bytes arrive: allocating it
		// up front would let one bad header cost a gigabyte.
		var buf bytes.Buffer
		buf.Grow(maxScoringPrealloc)
		if _, err := io.CopyN(&buf, resp.Body, n); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("webservice: reading the scoring response: %w", err)
		}
		return buf.Bytes(), nil
	} else if n > maxScoringResponse {
		return nil, fmt.Errorf("webservice: the scoring response declares %d bytes, over the %d-byte limit", n, maxScoringResponse)
	}
	// Unknown length: read one byte past the limit, so that a longer answer is an
	// error rather than silently cut.
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxScoringResponse+1))
	if err != nil {
		return nil, fmt.Errorf("webservice: reading the scoring response: %w", err)
	}
	if len(b) > maxScoringResponse {
		return nil, fmt.Errorf("webservice: the scoring response is over the %d-byte limit", maxScoringResponse)
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
