package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/azureml-go/azureml/internal/backend"
	"github.com/azureml-go/azureml/workspace"
)

// Environment variables azml reads besides those of internal/backend.
const (
	envSubscription  = backend.EnvSubscription
	envResourceGroup = backend.EnvResourceGroup
	envWorkspaceName = backend.EnvWorkspaceName
	// envLocalDataDir is where the embedded local workspace keeps its state between
	// invocations.
	envLocalDataDir = "AZUREML_LOCAL_DATA_DIR"
	// envLocalOperationDelay is how long the embedded local workspace keeps an operation
	// in progress (a duration; default 1s). Tests set it small.
	envLocalOperationDelay = "AZUREML_LOCAL_OPERATION_DELAY"
	// envStateHome is the XDG base directory for state.
	envStateHome = "XDG_STATE_HOME"
)

// localRetryAfter is the poll hint of the embedded local workspace.
const localRetryAfter = 100 * time.Millisecond

// identity is a workspace identity being assembled from flags, environment and
// config.json, with where each part came from.
type identity struct {
	sub, rg, ws string
	from        []string
}

func (id *identity) complete() bool { return id.sub != "" && id.rg != "" && id.ws != "" }

// fill sets the parts still empty from another source.
func (id *identity) fill(source, sub, rg, ws string) {
	used := false
	for _, p := range []struct {
		dst *string
		v   string
	}{{&id.sub, sub}, {&id.rg, rg}, {&id.ws, ws}} {
		if *p.dst == "" && p.v != "" {
			*p.dst, used = p.v, true
		}
	}
	if used {
		id.from = append(id.from, source)
	}
}

// connect resolves the workspace the way every tool of this repository does
// (internal/backend), with azml's flags first:
//
//  1. -s/-g/-w, then AZUREML_SUBSCRIPTION_ID / _RESOURCE_GROUP / _WORKSPACE_NAME, then
//     config.json (searched from --path) fill the workspace identity part by part;
//  2. a complete identity → that workspace (ARM credential from the environment);
//  3. otherwise → the embedded local workspace, named after whatever parts were given,
//     persisted under --local-data / AZUREML_LOCAL_DATA_DIR / a per-user directory.
func (a *app) connect(ctx context.Context, g *globals) (*backend.Backend, error) {
	id := &identity{}
	id.fill("flags", g.subscription, g.resourceGroup, g.workspaceName)
	id.fill("environment", a.getenv(envSubscription), a.getenv(envResourceGroup), a.getenv(envWorkspaceName))
	configPath := g.configPath
	if configPath == "" {
		configPath = "."
	}
	if !id.complete() {
		cfg, path, err := workspace.ReadConfig(configPath)
		switch {
		case err == nil:
			id.fill(path, cfg.SubscriptionID, cfg.ResourceGroup, cfg.WorkspaceName)
		case errors.Is(err, fs.ErrNotExist):
		default:
			return nil, err // a *workspace.ConfigError naming the file: bad input
		}
	}
	opts := &backend.Options{Out: io.Discard, ConfigPath: configPath}
	if g.verbose {
		opts.Local.Logf = func(format string, args ...any) {
			fmt.Fprintf(a.stderr, "local: "+format+"\n", args...)
		}
	}
	if id.complete() {
		opts.Getenv = a.overlay(map[string]string{envSubscription: id.sub, envResourceGroup: id.rg, envWorkspaceName: id.ws})
		b, err := backend.Resolve(ctx, opts)
		if err != nil {
			return nil, err
		}
		if g.verbose {
			fmt.Fprintf(a.stderr, "azml: workspace %s (resource group %s) from %s\n", id.ws, id.rg, strings.Join(id.from, ", "))
		}
		return b, nil
	}
	dir, err := a.localDataDir(g, id)
	if err != nil {
		return nil, err
	}
	delay, err := a.localOperationDelay()
	if err != nil {
		return nil, err
	}
	opts.Getenv = a.overlay(map[string]string{envSubscription: "", envResourceGroup: "", envWorkspaceName: ""})
	opts.Local.SubscriptionID, opts.Local.ResourceGroup, opts.Local.WorkspaceName = id.sub, id.rg, id.ws
	opts.Local.DataDir, opts.Local.OperationDelay = dir, delay
	// The local workspace hints its clients to poll again soon (Retry-After /
	// retry-after-ms), which beats the SDK's 1s minimum poll interval.
	opts.Local.RetryAfter = localRetryAfter
	b, err := backend.Resolve(ctx, opts)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(a.stderr, "azml: embedded local workspace %s (no subscription given; state in %s)\n", b.Name(), dir)
	return b, nil
}

// overlay returns a getenv that answers from m first.
func (a *app) overlay(m map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := m[k]; ok {
			return v
		}
		return a.getenv(k)
	}
}

// localDataDir returns (and creates) the directory of the embedded local workspace: one
// subdirectory per workspace identity under the base directory, so that workspaces of
// different names never share state.
func (a *app) localDataDir(g *globals, id *identity) (string, error) {
	base, source := g.localData, "--local-data"
	if base == "" {
		base, source = a.getenv(envLocalDataDir), envLocalDataDir
	}
	if base == "" {
		source = "the default local data directory"
		if x := a.getenv(envStateHome); x != "" {
			base = filepath.Join(x, "azureml-go", "local")
		} else {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", badInput("no home directory for the embedded local workspace's state: set %s or --local-data (%v)", envLocalDataDir, err)
			}
			base = filepath.Join(home, ".azureml-go", "local")
		}
	}
	def := backend.LocalIdentity()
	parts := []struct{ flag, v, def string }{
		{"-s/--subscription", id.sub, def.SubscriptionID},
		{"-g/--resource-group", id.rg, def.ResourceGroup},
		{"-w/--workspace-name", id.ws, def.WorkspaceName},
	}
	dir := base
	for _, p := range parts {
		v := p.v
		if v == "" {
			v = p.def
		}
		if v == "." || v == ".." || strings.ContainsAny(v, `/\`) {
			return "", badInput("flag %s: %q cannot name a workspace (no '/', '\\', '.' or '..')", p.flag, v)
		}
		dir = filepath.Join(dir, v)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", badInput("%s %s: cannot create the local workspace's state directory: %v", source, base, err)
	}
	return dir, nil
}

// localOperationDelay reads AZUREML_LOCAL_OPERATION_DELAY (default: the backend's 1s).
func (a *app) localOperationDelay() (time.Duration, error) {
	v := a.getenv(envLocalOperationDelay)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, badInput("%s=%q: not a duration such as 100ms or 2s", envLocalOperationDelay, v)
	}
	return d, nil
}
