package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"

	"github.com/azureml-go/azureml/internal/backend"
	"github.com/azureml-go/azureml/workspace"
)

// app is one azml invocation: its streams and environment.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// tty reports whether stderr is a terminal (spinner) or not (plain lines).
	tty bool
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, tty bool) *app {
	return &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, tty: tty}
}

// run executes the command line args (without the program name) and returns the exit
// code.
func (a *app) run(ctx context.Context, args []string) int {
	all := commands()
	if len(args) == 0 {
		a.topHelp(a.stderr, all)
		return exitBadInput
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		a.topHelp(a.stdout, all)
		return exitOK
	case "--version", "version":
		fmt.Fprintf(a.stdout, "azml %s\n", version())
		return exitOK
	}
	words := leadingWords(args)
	cmd, n, prefix := findCommand(all, words)
	if cmd == nil {
		return a.noCommand(all, args, words, prefix)
	}
	f := newFlagSet(cmd.path)
	g := &globals{}
	runner := cmd.setup(f, g)
	g.define(f)
	if err := f.parse(args[n:], &g.help); err != nil {
		return a.fail(err)
	}
	if g.help {
		a.commandHelp(a.stdout, cmd, f)
		return exitOK
	}
	if err := g.check(); err != nil {
		return a.fail(err)
	}
	x := &execution{app: a, g: g, cmd: cmd.path}
	defer x.close()
	if g.timeout.set {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, g.timeout.v)
		defer cancel()
	}
	if g.verbose {
		stopLog := a.logRequests()
		defer stopLog()
	}
	result, err := runner(ctx, x)
	if err != nil && g.timeout.set && errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("gave up after --timeout %s (an operation already started continues on the service): %w", g.timeout.v, err)
	}
	if err == nil {
		err = writeResult(a.stdout, result, g.output)
	}
	if err != nil {
		return a.failVerbose(err, g.verbose)
	}
	return exitOK
}

// leadingWords returns the arguments before the first flag.
func leadingWords(args []string) []string {
	for i, a := range args {
		if strings.HasPrefix(a, "-") {
			return args[:i]
		}
	}
	return args
}

// noCommand handles a command line whose words select no command: group help, or an
// unknown command.
func (a *app) noCommand(all []*command, args, words, prefix []string) int {
	wantsHelp := false
	for _, arg := range args[len(words):] {
		if arg == "-h" || arg == "--help" || arg == "-help" {
			wantsHelp = true
		}
	}
	if len(words) > 0 && len(prefix) == len(words) {
		if wantsHelp {
			a.groupHelp(a.stdout, all, prefix)
			return exitOK
		}
		a.groupHelp(a.stderr, all, prefix)
		fmt.Fprintf(a.stderr, "\nazml: %s: missing command\n", strings.Join(prefix, " "))
		return exitBadInput
	}
	if len(words) == 0 {
		return a.fail(badInput("expected a command before %s (see 'azml --help')", args[0]))
	}
	if len(prefix) > 0 {
		return a.fail(badInput("unknown command %q (see 'azml %s --help')", strings.Join(words, " "), strings.Join(prefix, " ")))
	}
	return a.fail(badInput("unknown command %q (see 'azml --help')", strings.Join(words, " ")))
}

// fail prints err and returns its exit code.
func (a *app) fail(err error) int { return a.failVerbose(err, false) }

// failVerbose prints err (in full with verbose) and returns its exit code.
func (a *app) failVerbose(err error, verbose bool) int {
	err = describeInterrupt(err)
	if isOutcomeUnknown(err) {
		fmt.Fprintf(a.stderr, "azml: %s\n", outcomeUnknownNote)
	}
	fmt.Fprintf(a.stderr, "azml: %s\n", describe(err, verbose))
	return exitCode(err)
}

// logMu serialises the process-wide azcore log listener.
var logMu sync.Mutex

// logRequests prints azcore's request and response log lines (already redacted by the
// pipeline) to stderr until the returned function is called.
func (a *app) logRequests() func() {
	logMu.Lock()
	defer logMu.Unlock()
	azlog.SetEvents(azlog.EventRequest, azlog.EventResponse, azlog.EventRetryPolicy)
	azlog.SetListener(func(ev azlog.Event, msg string) {
		fmt.Fprintf(a.stderr, "[%s] %s\n", ev, strings.TrimRight(msg, "\n"))
	})
	return func() {
		logMu.Lock()
		defer logMu.Unlock()
		azlog.SetListener(nil)
	}
}

// execution is the state of one command run: the lazily resolved workspace and the
// helpers commands share.
type execution struct {
	app     *app
	g       *globals
	cmd     string
	backend *backend.Backend
}

// workspace resolves the workspace on first use. Commands validate all their input
// before calling it, so bad input never causes a request.
func (x *execution) workspace(ctx context.Context) (*workspace.Workspace, error) {
	if x.backend == nil {
		b, err := x.app.connect(ctx, x.g)
		if err != nil {
			return nil, err
		}
		x.backend = b
	}
	return x.backend.Workspace, nil
}

func (x *execution) close() {
	if x.backend != nil {
		_ = x.backend.Close()
	}
}

// pollInterval is the time between polls when the service sends no Retry-After:
// --poll-interval, else 0 (the SDK default, 5s). A service's Retry-After hint wins over
// both; the embedded local workspace sends one.
func (x *execution) pollInterval() time.Duration {
	if x.g.pollInterval.set {
		return x.g.pollInterval.v
	}
	return 0
}

// noWait returns whether to skip waiting for a deployment when --no-wait was given.
// The embedded local workspace stops with this process, and a deployment it was running
// fails when it starts again, so there azml waits anyway and says so.
func (x *execution) noWait(requested bool) bool {
	if requested && x.backend != nil && x.backend.Kind == backend.KindLocal {
		x.warn("--no-wait is ignored on the embedded local workspace, which stops when this command ends; " +
			"run the standalone local workspace (go run ./cmd/azureml-emulator) to leave deployments running")
		return false
	}
	return requested
}

// progress starts a progress display on stderr.
func (x *execution) progress(format string, args ...any) *progress {
	return startProgress(x.app.stderr, x.app.tty, fmt.Sprintf(format, args...))
}
