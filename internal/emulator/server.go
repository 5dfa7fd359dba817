package emulator

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Default identity of the local workspace.
const (
	DefaultSubscriptionID = "00000000-0000-0000-0000-000000000000"
	DefaultResourceGroup  = "local-rg"
	DefaultWorkspaceName  = "local-ws"
	DefaultLocation       = "eastus"
	DefaultAddr           = "127.0.0.1:0"
)

// Options configures a local workspace server. The zero value is usable.
type Options struct {
	// SubscriptionID of the emulated workspace; default DefaultSubscriptionID.
	SubscriptionID string
	// ResourceGroup of the emulated workspace; default DefaultResourceGroup.
	ResourceGroup string
	// WorkspaceName of the emulated workspace; default DefaultWorkspaceName.
	WorkspaceName string
	// Location (Azure region) reported for the workspace; default DefaultLocation.
	Location string
	// Addr is the listen address; default DefaultAddr (an ephemeral loopback port).
	Addr string
	// DataDir persists the workspace state there when set; "" keeps it in memory.
	// A server started with the DataDir of a previous one reloads its state.
	DataDir string
	// OperationDelay is the minimum time an async operation stays in progress
	// before its work runs; default 0 (the CLI defaults to 2s).
	OperationDelay time.Duration
	// RetryAfter, when > 0, is sent as a hint on non-terminal operation polls:
	// "Retry-After" in whole seconds (rounded up, at least 1) and
	// "retry-after-ms" with the exact milliseconds. Default 0: no hint.
	RetryAfter time.Duration
	// Python is the python3 executable used to run scoring scripts; default "python3".
	Python string
	// Logf receives server-side log lines (one request per line, plus
	// lifecycle and net/http errors); nil discards them. It may be called
	// concurrently. Lines never carry Authorization values, keys, tokens or SAS
	// signatures (query strings are logged with sig= redacted).
	Logf func(format string, args ...any)
}

// Info describes how a client reaches the local workspace. Its JSON form is
// the first line the azureml-emulator command prints.
type Info struct {
	ARMEndpoint    string `json:"armEndpoint"`
	DiscoveryURL   string `json:"discoveryUrl"`
	SubscriptionID string `json:"subscriptionId"`
	ResourceGroup  string `json:"resourceGroup"`
	WorkspaceName  string `json:"workspaceName"`
}

// Server is a running local workspace. Create it with New and stop it with Close.
type Server struct {
	opts Options
	base string // http://127.0.0.1:PORT, no trailing slash

	ln    net.Listener
	lst   *reopenListener // ln as served; RefuseConnections pauses it
	conns connTracker
	http  *http.Server
	mux   *http.ServeMux

	store  *jsonStore
	ops    *opRegistry
	faults faultList
	reqlog requestLog

	// ctx is cancelled by Close; background work (operations, processes) watches it.
	ctx    context.Context
	cancel context.CancelFunc
	bg     sync.WaitGroup

	closeMu  sync.Mutex
	closers  []func()
	closed   bool
	closeErr error
	served   chan struct{}
	closing  chan struct{} // closed when Close starts; ends injected delays

	ws workspaceRecord
}

var (
	routeMu  sync.Mutex
	routeFns []func(s *Server, mux *http.ServeMux)
)

// registerRoutes adds a feature's routes. Call it from an init function; every
// Server created afterwards calls fn once from New, after the store has been
// loaded (so fn may also repair persisted state, e.g. restart processes) and
// before the listener serves requests. Patterns use Go 1.22 ServeMux syntax.
func registerRoutes(fn func(s *Server, mux *http.ServeMux)) {
	routeMu.Lock()
	defer routeMu.Unlock()
	routeFns = append(routeFns, fn)
}

// New starts a local workspace: it loads Options.DataDir (if any), listens on
// Options.Addr and is serving when it returns.
func New(opts Options) (*Server, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	st, err := openStore(opts.DataDir)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("emulator: listen %s: %w", opts.Addr, err)
	}
	s := &Server{opts: opts, ln: ln, store: st, served: make(chan struct{}), closing: make(chan struct{})}
	s.base = "http://" + clientAddr(ln.Addr())
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.ops = newOpRegistry(s)
	if err := s.ops.restore(); err != nil {
		_ = ln.Close()
		return nil, err
	}
	if err := s.loadWorkspace(); err != nil {
		_ = ln.Close()
		return nil, err
	}

	s.mux = http.NewServeMux()
	s.registerCoreRoutes(s.mux)
	routeMu.Lock()
	fns := append([]func(*Server, *http.ServeMux){}, routeFns...)
	routeMu.Unlock()
	for _, fn := range fns {
		fn(s, s.mux)
	}
	s.mux.HandleFunc("/", s.notFound)

	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(logfWriter{s}, "", 0),
		BaseContext:       func(net.Listener) context.Context { return s.ctx },
		ConnState:         s.conns.track,
	}
	s.lst = newReopenListener(ln)
	go func() {
		defer close(s.served)
		if err := s.http.Serve(s.lst); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("emulator: serve: %v", err)
		}
	}()
	s.logf("emulator: local workspace %s/%s/%s listening on %s", opts.SubscriptionID, opts.ResourceGroup, opts.WorkspaceName, s.base)
	return s, nil
}

func (o Options) withDefaults() Options {
	if o.SubscriptionID == "" {
		o.SubscriptionID = DefaultSubscriptionID
	}
	if o.ResourceGroup == "" {
		o.ResourceGroup = DefaultResourceGroup
	}
	if o.WorkspaceName == "" {
		o.WorkspaceName = DefaultWorkspaceName
	}
	if o.Location == "" {
		o.Location = DefaultLocation
	}
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.Python == "" {
		o.Python = "python3"
	}
	return o
}

// validate rejects names that cannot appear literally in a route pattern or a
// URL path segment; all problems are reported at once.
func (o Options) validate() error {
	var problems []string
	check := func(field, v string) {
		if strings.ContainsAny(v, "/{}?#% \t\r\n\\") {
			problems = append(problems, fmt.Sprintf("%s %q must not contain '/', '{', '}', '?', '#', '%%', '\\' or whitespace", field, v))
		}
	}
	check("SubscriptionID", o.SubscriptionID)
	check("ResourceGroup", o.ResourceGroup)
	check("WorkspaceName", o.WorkspaceName)
	check("Location", o.Location)
	if o.OperationDelay < 0 {
		problems = append(problems, "OperationDelay must not be negative")
	}
	if o.RetryAfter < 0 {
		problems = append(problems, "RetryAfter must not be negative")
	}
	if len(problems) > 0 {
		return errors.New("emulator: invalid options: " + strings.Join(problems, "; "))
	}
	return nil
}

// clientAddr turns a listen address into one a client can dial: an unspecified
// IP (0.0.0.0, ::) becomes the loopback address.
func clientAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := tcp.IP
	if ip == nil || ip.IsUnspecified() {
		if ip != nil && ip.To4() == nil {
			ip = net.IPv6loopback
		} else {
			ip = net.IPv4(127, 0, 0, 1)
		}
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(tcp.Port))
}

// URL returns the base URL of every host of the workspace, e.g.
// "http://127.0.0.1:41234" (no trailing slash). Feature files build absolute
// URLs (Azure-AsyncOperation, Operation-Location, scoringUri, contentUri) on it.
func (s *Server) URL() string { return s.base }

// Info returns the endpoints and identity a client needs.
func (s *Server) Info() Info {
	return Info{
		ARMEndpoint:    s.base,
		DiscoveryURL:   s.base + "/discovery",
		SubscriptionID: s.opts.SubscriptionID,
		ResourceGroup:  s.opts.ResourceGroup,
		WorkspaceName:  s.opts.WorkspaceName,
	}
}

// onClose registers fn to run during Close, after the listener has stopped and
// background work has been told to stop (s.ctx is done), before Close waits
// for operations. Feature files use it to stop processes they started.
func (s *Server) onClose(fn func()) {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	s.closers = append(s.closers, fn)
}

// goBackground runs fn in a goroutine that Close waits for. fn must return
// soon after s.ctx is done.
func (s *Server) goBackground(fn func()) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		fn()
	}()
}

// Close stops the server: it stops accepting requests, waits (up to 5 s) for
// requests in flight, cancels operations and background work, runs the onClose
// hooks and waits for background goroutines. State already acknowledged is on
// disk (every store write is synchronous). Close is idempotent.
func (s *Server) Close() error {
	s.closeMu.Lock()
	if s.closed {
		s.closeMu.Unlock()
		return s.closeErr
	}
	s.closed = true
	close(s.closing)
	s.closeMu.Unlock()

	// Close connections that are not serving a request, including ones a client
	// dialled but never used (http.Server.Shutdown would wait up to 5 s for those);
	// the others close when their request ends.
	s.conns.refuse(true)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	err := s.http.Shutdown(ctx)
	cancel()
	if err != nil {
		err = s.http.Close()
	}
	<-s.served
	s.cancel()

	s.closeMu.Lock()
	closers := s.closers
	s.closers = nil
	s.closeMu.Unlock()
	for i := len(closers) - 1; i >= 0; i-- {
		closers[i]()
	}
	s.bg.Wait()

	s.closeMu.Lock()
	s.closeErr = err
	s.closeMu.Unlock()
	s.logf("emulator: closed")
	return err
}

// logfWriter adapts Options.Logf for http.Server.ErrorLog.
type logfWriter struct{ s *Server }

func (w logfWriter) Write(p []byte) (int, error) {
	w.s.logf("emulator: %s", redactSig(strings.TrimRight(string(p), "\n")))
	return len(p), nil
}

// logf logs through Options.Logf. Callers never pass secrets.
func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// workspacePath is /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}.
func (s *Server) workspacePath() string {
	return "/subscriptions/" + s.opts.SubscriptionID + "/resourceGroups/" + s.opts.ResourceGroup +
		"/providers/Microsoft.MachineLearningServices/workspaces/" + s.opts.WorkspaceName
}

// armWorkspacePath returns the ARM path (and resource id) of the workspace:
// "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}".
func (s *Server) armWorkspacePath() string { return s.workspacePath() }

// mmsPrefix returns the model-management path prefix (no host):
// "/modelmanagement/v1.0/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}".
func (s *Server) mmsPrefix() string { return "/modelmanagement/v1.0" + s.workspacePath() }

// rpPrefix returns the RP data-plane path prefix used for compute reads:
// "/rp/workspaces/subscriptions/{sub}/.../workspaces/{ws}".
func (s *Server) rpPrefix() string { return "/rp/workspaces" + s.workspacePath() }

// historyPrefix returns the artifact service path prefix:
// "/artifact/v2.0/subscriptions/{sub}/.../workspaces/{ws}".
func (s *Server) historyPrefix() string { return "/artifact/v2.0" + s.workspacePath() }

// mmsOperationURL is the absolute URL of an MMS operation, suitable for an
// Operation-Location header.
func (s *Server) mmsOperationURL(id string) string {
	return s.base + s.mmsPrefix() + "/operations/" + id
}

// requireBearer wraps next so that it runs only when the request carries
// "Authorization: Bearer <non-empty token>" (any token is accepted); otherwise
// it answers 401 with an ARM-shaped error and a WWW-Authenticate challenge.
func (s *Server) requireBearer(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !hasBearer(r) {
			w.Header().Set("WWW-Authenticate", `Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"`)
			writeARMError(w, http.StatusUnauthorized, "AuthenticationFailed",
				"Authentication failed. The 'Authorization' header is missing or is not a Bearer token.")
			return
		}
		next(w, r)
	}
}

// hasBearer reports whether r carries "Bearer <non-empty token>".
func hasBearer(r *http.Request) bool {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(token) != ""
}

// notFound answers requests that match no route, in the error shape of the
// route family the path belongs to.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	msg := fmt.Sprintf("The local workspace has no route for %s %s.", r.Method, r.URL.Path)
	switch {
	case strings.HasPrefix(r.URL.Path, "/modelmanagement/"):
		writeMMSError(w, http.StatusNotFound, "NotFound", msg)
	case strings.HasPrefix(r.URL.Path, "/artifact/"), strings.HasPrefix(r.URL.Path, "/history/"):
		writeHistoryError(w, http.StatusNotFound, "NotFound", msg)
	default:
		writeARMError(w, http.StatusNotFound, "NotFound", msg)
	}
}
