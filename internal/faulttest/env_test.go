package faulttest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// TestMain raises the default parallelism: the matrix's runs mostly sleep
// through Retry-After hints, so running only GOMAXPROCS of them at once (2 on
// a small machine) would make the suite several times slower for nothing.
// An explicit -test.parallel is respected.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", "16")
	}
	if os.Getenv(childEnv) != "" {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

// Timing of the runs. Local operations finish in milliseconds; the hints and
// timeouts are chosen so that every fault costs a few seconds at most.
const (
	operationDelay = 20 * time.Millisecond
	opRetryAfter   = 5 * time.Millisecond
	pollEvery      = 5 * time.Millisecond
	// tryTimeout is the per-attempt timeout of the "slower than the timeout"
	// class; slowDelay is how long its fault holds the answer back.
	// Both leave room for a busy machine: an attempt that is merely slow
	// must not time out.
	tryTimeout = time.Second
	slowDelay  = 2500 * time.Millisecond
	// pollTimeout bounds each status GET of the waits in the slow class, below
	// tryTimeout: a held-back poll is skipped by the wait itself
	// (lro PollTimeout) before the attempt's own timeout would retry it.
	pollTimeout = 500 * time.Millisecond
	// refuseFor is how long the "refused" class keeps the port closed.
	refuseFor = 30 * time.Millisecond
	// normalTryTimeout bounds attempts in the other classes (generous: the
	// machine may be busy).
	normalTryTimeout = 30 * time.Second
)

// target selects the request of a step that a fault hits: the first request
// after arming whose method and path match.
type target struct {
	method string
	path   *regexp.Regexp
}

func on(method, pathPattern string) *target {
	return &target{method: method, path: regexp.MustCompile(pathPattern)}
}

func (tg *target) match(r *http.Request) bool {
	return r.Method == tg.method && tg.path.MatchString(r.URL.Path)
}

func (tg *target) String() string { return tg.method + " " + tg.path.String() }

// step is one call of a flow (or a few calls that belong together).
type step struct {
	name   string
	target *target // nil: no fault is armed for this step
	run    func(ctx context.Context) error
	// recover does what a user does after run failed with
	// workspace.ErrOutcomeUnknown: it reads the resource and repeats the
	// call only if nothing was created. nil: the step must not end that way.
	recover func(ctx context.Context) error
}

// env is one run: a flow against its own local workspace under one class.
type env struct {
	t     *testing.T
	class faultClass
	srv   *emulator.Server
	ws    *workspace.Workspace
	ctx   context.Context

	armedAt time.Time
	fired   atomic.Bool // the armed fault acted on a request
	notes   []string
}

// newEnv starts a local workspace for class.
func newEnv(t *testing.T, class faultClass) *env {
	t.Helper()
	try := normalTryTimeout
	if class.slow {
		try = tryTimeout
	}
	srv, ws := workspacetest.NewServer(t, &workspacetest.Options{
		Emulator: emulator.Options{OperationDelay: operationDelay, RetryAfter: opRetryAfter, Python: python()},
		Workspace: workspace.Options{Retry: workspace.RetryOptions{
			MaxRetries:    6,
			RetryDelay:    5 * time.Millisecond,
			MaxRetryDelay: 5 * time.Second, // above every hint of the matrix: hints are honoured, never cut
			TryTimeout:    try,
		}},
	})
	srv.ClearRequests() // the workspace discovery is not part of the flow
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return &env{t: t, class: class, srv: srv, ws: ws, ctx: ctx}
}

// note records what happened at a step, for the matrix summary.
func (e *env) note(format string, args ...any) {
	e.notes = append(e.notes, fmt.Sprintf(format, args...))
}

// settle waits until the request the armed fault acted on has ended (the
// log records a request when it ends), so that reading the workspace shows
// its effect: a request held back by the slow class runs its handler long
// after the client gave up on it.
func (e *env) settle() {
	e.t.Helper()
	if e.class.refuse || !e.fired.Load() {
		return
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range e.srv.Requests() {
			if r.Faulted && !r.Time.Before(e.armedAt) {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.t.Fatalf("the request hit by the %s fault armed at %s never ended", e.class.name, e.armedAt.Format(time.StampMilli))
}

// run executes the steps in order, arming the class's fault before every
// step that has a target, and fails the test at the first step that does not
// end as the rules allow.
func (e *env) run(steps []step) {
	e.t.Helper()
	for _, s := range steps {
		if s.target != nil {
			e.armedAt = time.Now()
			e.class.arm(e, s.target)
		}
		since := time.Now()
		err := s.run(e.ctx)
		outcome := "ok"
		if err != nil && errors.Is(err, workspace.ErrOutcomeUnknown) && e.class.losesAnswer && s.recover != nil {
			e.t.Logf("step %s: %v", s.name, err)
			outcome = "outcome unknown → read back by the flow"
			e.settle()
			err = s.recover(e.ctx)
		}
		if err != nil {
			e.srv.ClearFaults()
			e.t.Fatalf("step %q under %s: %v", s.name, e.class.name, err)
		}
		if s.target != nil {
			e.checkFired(s, since)
			e.note("%s [%s%s]: %s", s.name, s.target, e.faultEffect(), outcome)
		}
	}
}

// checkFired verifies that the fault armed for s acted on it.
func (e *env) checkFired(s step, since time.Time) {
	e.t.Helper()
	e.srv.ClearFaults()
	reqs := e.srv.Requests()
	if e.class.refuse {
		// Nothing can have arrived while the port was closed, and the step's
		// first request came after: its first attempt was refused.
		end := e.armedAt.Add(refuseFor)
		for _, r := range reqs {
			if !r.Time.Before(since) && r.Time.Before(end) {
				e.t.Errorf("step %q: %s %s arrived at %s, while connections were refused", s.name, r.Method, shortPath(r.Path), r.Time.Sub(since))
			}
		}
		for _, r := range reqs {
			if !r.Time.Before(since) && s.target.method == r.Method && s.target.path.MatchString(r.Path) {
				return
			}
		}
		e.t.Errorf("step %q never sent %s", s.name, s.target)
		return
	}
	if e.fired.Load() {
		return
	}
	e.t.Errorf("step %q: the %s fault armed for %s never fired: the step does not send that request", s.name, e.class.name, s.target)
}

// faultEffect describes, for the notes, what the armed fault did to its
// request, when the request log already shows it.
func (e *env) faultEffect() string {
	if e.class.refuse {
		return ""
	}
	for _, r := range e.srv.Requests() {
		if !r.Faulted || r.Time.Before(e.armedAt) {
			continue
		}
		switch {
		case e.class.name == "truncated-json" && r.ResponseHeader.Get("Content-Length") == "0":
			return " → empty body, nothing to cut"
		case e.class.slow && r.Handled:
			return " → held back, then handled"
		case e.class.slow:
			return " → held back; the client gave up first and the server dropped it unhandled"
		}
		return " → " + describeAnswer(r)
	}
	return " → still held back"
}

// finish applies the request-log rules.
func (e *env) finish() {
	e.t.Helper()
	e.settle() // a held-back request is logged when it ends
	checkLog(e.t, e.srv.Requests())
}

// expectInventory compares what the workspace holds with what the flow means
// to leave behind: a duplicate created by a retry shows up here.
func (e *env) expectInventory(what string, got, want []string) {
	e.t.Helper()
	got, want = sorted(got), sorted(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		e.t.Errorf("%s in the workspace: %q, want %q (a retry left a duplicate, or the flow lost one)", what, got, want)
	}
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

// matrix collects the outcome of every run for the summary.
var matrix struct {
	sync.Mutex
	cells map[string]map[string]string // flow → class → result
	notes map[string][]string          // "flow/class" → step notes
}

func record(flow, class, result string, notes []string) {
	matrix.Lock()
	defer matrix.Unlock()
	if matrix.cells == nil {
		matrix.cells = map[string]map[string]string{}
		matrix.notes = map[string][]string{}
	}
	if matrix.cells[flow] == nil {
		matrix.cells[flow] = map[string]string{}
	}
	matrix.cells[flow][class] = result
	matrix.notes[flow+"/"+class] = notes
}

// python is the interpreter the local workspaces run entry scripts with:
// python3 resolved once to its real executable, so that every replica does
// not start through a version-manager shim (pyenv's costs several times the
// interpreter's own start).
var python = sync.OnceValue(func() string {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if p := strings.TrimSpace(string(out)); err == nil && p != "" {
		return p
	}
	return "python3"
})

// pythonRuns bounds how many runs that deploy services start replicas at
// once: the rest of the matrix mostly sleeps through Retry-After hints, but
// replicas cost CPU, and a burst of them would starve timing-sensitive tests
// of other packages running beside this one.
var pythonRuns = make(chan struct{}, 8)

// needPython skips runs that deploy a service when python3 is missing (the
// local workspace runs entry scripts with it), and otherwise holds one of the
// pythonRuns slots until the run ends.
func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed: the local workspace cannot run scoring scripts")
	}
	pythonRuns <- struct{}{}
	t.Cleanup(func() { <-pythonRuns })
}

// serviceWait is the wait of a targeted "wait" step: quick polls, and in the
// slow class a PollTimeout that skips the held-back poll.
func (e *env) serviceWait() *webservice.WaitOptions {
	w := *fastWait
	if e.class.slow {
		w.PollTimeout = pollTimeout
	}
	return &w
}

// computeWait is serviceWait for compute operations.
func (e *env) computeWait() *compute.WaitOptions {
	w := &compute.WaitOptions{Frequency: pollEvery}
	if e.class.slow {
		w.PollTimeout = pollTimeout
	}
	return w
}
