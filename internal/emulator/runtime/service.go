package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"sync"
	"time"
)

// Outcome classifies a scoring result.
type Outcome int

const (
	// OutcomeOK: run() returned; Body is its JSON-encoded result.
	OutcomeOK Outcome = iota
	// OutcomeModelError: run() raised; Body is the exception text.
	OutcomeModelError
	// OutcomeQueueFull: no replica had a free slot within MaxQueueWait.
	OutcomeQueueFull
	// OutcomeTimeout: run() did not answer within ScoringTimeout.
	OutcomeTimeout
	// OutcomeUnavailable: no live replica, or the replica dropped the request.
	OutcomeUnavailable
)

// Result is the answer to one scoring request. Status is the HTTP status the
// router should return for it (200, 500 for a model error, 429, 504, 503).
type Result struct {
	Status  int
	Header  http.Header
	Body    []byte
	Outcome Outcome
	// Replica is the index of the replica that served the request, or -1.
	Replica int
}

// Service is a running set of replicas of one entry script. Its methods are
// safe for concurrent use.
type Service struct {
	spec       Spec
	python     string
	harnessDir string
	harness    string
	client     *http.Client

	mu       sync.Mutex
	replicas []*replica
	retired  []*ringLog // logs of replicas removed by Scale
	next     int
	nextIdx  int
	wake     chan struct{} // closed and replaced whenever a slot frees
	waiting  int           // requests queued for a slot
	stopped  bool
}

// Start launches spec.Replicas replicas and waits until every one has run
// init(). If any fails, all are stopped and the error is an *InitError
// carrying the traceback and log; ErrPythonNotFound if there is no
// interpreter; ctx bounds the wait.
func Start(ctx context.Context, spec Spec) (*Service, error) {
	spec, err := spec.withDefaults()
	if err != nil {
		return nil, err
	}
	python, err := exec.LookPath(spec.Python)
	if err != nil {
		return nil, fmt.Errorf("%w (looked for %q)", ErrPythonNotFound, spec.Python)
	}
	dir, harness, err := writeHarness()
	if err != nil {
		return nil, fmt.Errorf("runtime: write harness: %w", err)
	}
	s := &Service{
		spec: spec, python: python, harnessDir: dir, harness: harness,
		wake: make(chan struct{}),
		client: &http.Client{Transport: &http.Transport{
			Proxy:               nil, // replicas are on loopback; never via a proxy
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        256,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
			DisableCompression:  true,
		}},
	}
	rs, err := s.launch(ctx, spec.Replicas)
	if err != nil {
		s.cleanup()
		return nil, err
	}
	s.replicas = rs
	return s, nil
}

// launch starts n replicas in parallel and waits for all of them.
func (s *Service) launch(ctx context.Context, n int) ([]*replica, error) {
	rs := make([]*replica, 0, n)
	for i := 0; i < n; i++ {
		s.mu.Lock()
		idx := s.nextIdx
		s.nextIdx++
		spec := s.spec
		s.mu.Unlock()
		r, err := startReplica(idx, spec, s.python, s.harness)
		if err != nil {
			killAll(rs)
			return nil, err
		}
		rs = append(rs, r)
	}
	// The first replica to fail stops the wait for the others.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for _, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.waitReady(wctx); err != nil {
				once.Do(func() { firstErr = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		killAll(rs)
		return nil, firstErr
	}
	return rs, nil
}

func killAll(rs []*replica) {
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Add(1)
		go func() { defer wg.Done(); r.kill() }()
	}
	wg.Wait()
}

// Replicas returns the number of replicas.
func (s *Service) Replicas() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.replicas)
}

// Scale changes the number of replicas to n (n >= 1). New replicas must pass
// init(); on failure the service keeps its previous replicas.
func (s *Service) Scale(ctx context.Context, n int) error {
	if n < 1 {
		return fmt.Errorf("runtime: cannot scale to %d replicas", n)
	}
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return ErrStopped
	}
	cur := len(s.replicas)
	if n < cur {
		removed := append([]*replica(nil), s.replicas[n:]...)
		s.replicas = s.replicas[:n]
		for _, r := range removed {
			s.retired = append(s.retired, r.log)
		}
		s.mu.Unlock()
		killAll(removed)
		return nil
	}
	s.mu.Unlock()
	if n == cur {
		return nil
	}
	added, err := s.launch(ctx, n-cur)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		go killAll(added)
		return ErrStopped
	}
	s.replicas = append(s.replicas, added...)
	s.signalLocked()
	return nil
}

// Stop kills every replica (and anything it started) and removes the
// harness. It is idempotent.
func (s *Service) Stop() error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil
	}
	s.stopped = true
	rs := s.replicas
	s.replicas = nil
	for _, r := range rs {
		s.retired = append(s.retired, r.log)
	}
	s.signalLocked()
	s.mu.Unlock()
	killAll(rs)
	s.cleanup()
	return nil
}

func (s *Service) cleanup() {
	s.client.CloseIdleConnections()
	_ = os.RemoveAll(s.harnessDir)
}

// Logs returns the last tail lines of the replicas' output (all replicas,
// in the order written; retired replicas included). tail <= 0 means all.
func (s *Service) Logs(tail int) string {
	s.mu.Lock()
	logs := append([]*ringLog(nil), s.retired...)
	for _, r := range s.replicas {
		logs = append(logs, r.log)
	}
	s.mu.Unlock()
	var all []logLine
	for _, l := range logs {
		all = append(all, l.snapshot()...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	if tail > 0 && len(all) > tail {
		all = all[len(all)-tail:]
	}
	return joinLines(all)
}

// signalLocked wakes every request waiting for a slot.
func (s *Service) signalLocked() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// Limits are the per-request settings of a running service.
type Limits struct {
	// ScoringTimeout bounds one run() call; 0 means DefaultScoringTimeout.
	ScoringTimeout time.Duration
	// MaxConcurrentPerReplica; 0 means DefaultMaxConcurrentPerReplica.
	MaxConcurrentPerReplica int
	// MaxQueueWait; 0 means DefaultMaxQueueWait.
	MaxQueueWait time.Duration
}

// SetLimits changes the per-request settings without restarting replicas
// (an update of scoring_timeout_ms, max_request_wait_time or
// replica_max_concurrent_requests). Negative values are treated as 0.
func (s *Service) SetLimits(l Limits) {
	if l.ScoringTimeout <= 0 {
		l.ScoringTimeout = DefaultScoringTimeout
	}
	if l.MaxConcurrentPerReplica <= 0 {
		l.MaxConcurrentPerReplica = DefaultMaxConcurrentPerReplica
	}
	if l.MaxQueueWait <= 0 {
		l.MaxQueueWait = DefaultMaxQueueWait
	}
	s.mu.Lock()
	s.spec.ScoringTimeout, s.spec.MaxConcurrentPerReplica, s.spec.MaxQueueWait = l.ScoringTimeout, l.MaxConcurrentPerReplica, l.MaxQueueWait
	s.signalLocked() // more slots may be free now
	s.mu.Unlock()
}

func (s *Service) limits() Limits {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Limits{ScoringTimeout: s.spec.ScoringTimeout, MaxConcurrentPerReplica: s.spec.MaxConcurrentPerReplica, MaxQueueWait: s.spec.MaxQueueWait}
}

// acquire reserves a slot on a live replica, round-robin, waiting at most
// MaxQueueWait.
func (s *Service) acquire(ctx context.Context, queueWait time.Duration) (*replica, error) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		s.mu.Lock()
		if s.stopped {
			s.mu.Unlock()
			return nil, ErrStopped
		}
		live := 0
		n := len(s.replicas)
		for i := 0; i < n; i++ {
			r := s.replicas[(s.next+i)%n]
			if !r.alive() {
				continue
			}
			live++
			if r.inflight < s.spec.MaxConcurrentPerReplica {
				r.inflight++
				s.next = (s.next + i + 1) % n
				s.mu.Unlock()
				return r, nil
			}
		}
		wake := s.wake
		s.mu.Unlock()
		if live == 0 {
			return nil, errNoReplica
		}
		if timer == nil {
			timer = time.NewTimer(queueWait)
		}
		if err := s.await(ctx, wake, timer.C); err != nil {
			return nil, err
		}
	}
}

// await blocks until a slot may have freed, counting the request as queued.
func (s *Service) await(ctx context.Context, wake <-chan struct{}, expired <-chan time.Time) error {
	s.mu.Lock()
	s.waiting++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.waiting--
		s.mu.Unlock()
	}()
	select {
	case <-wake:
		return nil
	case <-expired:
		return errQueueFull
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Load reports the requests being served and the requests queued.
func (s *Service) Load() (inflight, queued int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.replicas {
		inflight += r.inflight
	}
	return inflight, s.waiting
}

var errQueueFull = errors.New("queue full")

func (s *Service) release(r *replica) {
	s.mu.Lock()
	r.inflight--
	s.signalLocked()
	s.mu.Unlock()
}

// forwardHeaders are passed to the entry script (run(..., request_headers)).
// Authorization is consumed by the router and never reaches user code.
var forwardHeaders = []string{"Content-Type", "Accept", "X-Ms-Request-Id", "X-Ms-Client-Request-Id", "X-Request-Id"}

// Score sends body to a replica's run() and classifies the answer. The error
// is non-nil only for ErrStopped or the caller's ctx ending; every service
// condition (model error, queue full, timeout, dead replica) is a Result.
func (s *Service) Score(ctx context.Context, body []byte, header http.Header) (*Result, error) {
	lim := s.limits()
	r, err := s.acquire(ctx, lim.MaxQueueWait)
	switch {
	case errors.Is(err, errQueueFull):
		return textResult(http.StatusTooManyRequests, OutcomeQueueFull, -1,
			fmt.Sprintf("too many requests: every replica is busy and the request waited longer than %s", lim.MaxQueueWait)), nil
	case errors.Is(err, errNoReplica):
		return textResult(http.StatusServiceUnavailable, OutcomeUnavailable, -1, "no ready replicas"), nil
	case err != nil:
		return nil, err
	}
	defer s.release(r)

	tctx, cancel := context.WithTimeout(ctx, lim.ScoringTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(tctx, http.MethodPost, r.baseURL+"/score", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for _, h := range forwardHeaders {
		if v := header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.client.Do(req)
	if err == nil {
		defer resp.Body.Close()
		var out []byte
		out, err = io.ReadAll(resp.Body)
		if err == nil {
			res := &Result{Status: resp.StatusCode, Header: resp.Header, Body: out, Outcome: OutcomeOK, Replica: r.index}
			if resp.StatusCode != http.StatusOK {
				res.Outcome = OutcomeModelError
			}
			return res, nil
		}
	}
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case tctx.Err() != nil:
		return textResult(http.StatusGatewayTimeout, OutcomeTimeout, r.index,
			fmt.Sprintf("scoring timed out: run() did not return within %s", lim.ScoringTimeout)), nil
	default:
		return textResult(http.StatusBadGateway, OutcomeUnavailable, r.index, "replica closed the connection before replying"), nil
	}
}

func textResult(status int, o Outcome, replica int, msg string) *Result {
	return &Result{
		Status: status, Outcome: o, Replica: replica, Body: []byte(msg),
		Header: http.Header{"Content-Type": []string{"text/plain; charset=utf-8"}},
	}
}

// Swagger returns the service's swagger.json as served by a live replica.
func (s *Service) Swagger(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	var r *replica
	for _, c := range s.replicas {
		if c.alive() {
			r = c
			break
		}
	}
	stopped := s.stopped
	s.mu.Unlock()
	if stopped {
		return nil, ErrStopped
	}
	if r == nil {
		return nil, errNoReplica
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.baseURL+"/swagger.json", nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("replica answered %d", resp.StatusCode)
	}
	return b, nil
}
