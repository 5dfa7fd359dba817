// Package backend resolves the workspace that examples and tools work on, the same way
// for all of them:
//
//  1. AZUREML_SUBSCRIPTION_ID, AZUREML_RESOURCE_GROUP and AZUREML_WORKSPACE_NAME set →
//     that workspace;
//  2. else a config.json found by the workspace.FromConfig search rules → that workspace;
//  3. otherwise an embedded local workspace started in-process on 127.0.0.1.
//
// For a real workspace AZUREML_ARM_ENDPOINT overrides the ARM base URL,
// AZUREML_DISCOVERY_SERVICE_ENDPOINT overrides discovery and AZUREML_ARM_ACCESS_TOKEN
// supplies a static ARM token; without it the default azidentity chain is used.
package backend

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// Environment variables read by Resolve.
const (
	EnvSubscription   = "AZUREML_SUBSCRIPTION_ID"
	EnvResourceGroup  = "AZUREML_RESOURCE_GROUP"
	EnvWorkspaceName  = "AZUREML_WORKSPACE_NAME"
	EnvARMEndpoint    = "AZUREML_ARM_ENDPOINT"
	EnvARMAccessToken = "AZUREML_ARM_ACCESS_TOKEN"
)

// Kind names where the workspace came from.
type Kind string

// The kinds of backend.
const (
	KindEnvironment Kind = "environment"
	KindConfigFile  Kind = "config file"
	KindLocal       Kind = "embedded local workspace"
)

// Options configures Resolve. A nil *Options means defaults.
type Options struct {
	// Out receives the one line that names the backend. Default os.Stderr; io.Discard
	// silences it.
	Out io.Writer
	// ConfigPath is where the config.json search starts. Default ".".
	ConfigPath string
	// Local configures the embedded local workspace. OperationDelay defaults to 1 s so
	// that waits show their progress.
	Local emulator.Options
	// Workspace configures the client.
	Workspace workspace.Options
	// Getenv reads the environment. Default os.Getenv.
	Getenv func(string) string
}

// Backend is the resolved workspace.
type Backend struct {
	*workspace.Workspace
	// Kind says where the workspace came from.
	Kind Kind
	// Source is the config file path, or the local workspace's URL.
	Source string
	// Local is the embedded local workspace, or nil.
	Local *emulator.Server
	// Credential is the credential used for the workspace.
	Credential azcore.TokenCredential
}

// Close stops the embedded local workspace, if any.
func (b *Backend) Close() error {
	if b.Local != nil {
		return b.Local.Close()
	}
	return nil
}

// Resolve finds the workspace, prints one line naming it, and connects.
func Resolve(ctx context.Context, opts *Options) (*Backend, error) {
	if opts == nil {
		opts = &Options{}
	}
	out := opts.Out
	if out == nil {
		out = os.Stderr
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	wopts := opts.Workspace
	if ep := getenv(EnvARMEndpoint); ep != "" && wopts.ARMEndpoint == "" {
		wopts.ARMEndpoint = ep
	}
	sub, rg, name := getenv(EnvSubscription), getenv(EnvResourceGroup), getenv(EnvWorkspaceName)
	if sub != "" || rg != "" || name != "" {
		if sub == "" || rg == "" || name == "" {
			return nil, fmt.Errorf("backend: set all of %s, %s and %s, or none", EnvSubscription, EnvResourceGroup, EnvWorkspaceName)
		}
		cred, err := credential(getenv)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "backend: workspace %s from the environment (%s)\n", name, EnvWorkspaceName)
		ws, err := workspace.Get(ctx, sub, rg, name, cred, &wopts)
		if err != nil {
			return nil, err
		}
		return &Backend{Workspace: ws, Kind: KindEnvironment, Credential: cred}, nil
	}
	cfg, path, err := workspace.ReadConfig(opts.ConfigPath)
	switch {
	case err == nil:
		cred, err := credential(getenv)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "backend: workspace %s from %s\n", cfg.WorkspaceName, path)
		ws, err := workspace.Get(ctx, cfg.SubscriptionID, cfg.ResourceGroup, cfg.WorkspaceName, cred, &wopts)
		if err != nil {
			return nil, err
		}
		return &Backend{Workspace: ws, Kind: KindConfigFile, Source: path, Credential: cred}, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	local := opts.Local
	if local.OperationDelay == 0 {
		local.OperationDelay = time.Second
	}
	srv, err := emulator.New(local)
	if err != nil {
		return nil, fmt.Errorf("backend: starting the embedded local workspace: %w", err)
	}
	fmt.Fprintf(out, "backend: embedded local workspace at %s (no AZUREML_* variables and no config.json found)\n", srv.URL())
	ws, err := workspacetest.Connect(ctx, srv, &wopts)
	if err != nil {
		_ = srv.Close()
		return nil, err
	}
	return &Backend{Workspace: ws, Kind: KindLocal, Source: srv.URL(), Local: srv, Credential: workspacetest.LocalCredential{}}, nil
}

// credential returns the static token from AZUREML_ARM_ACCESS_TOKEN, or the default
// azidentity chain.
func credential(getenv func(string) string) (azcore.TokenCredential, error) {
	if tok := getenv(EnvARMAccessToken); tok != "" {
		// The expiry is read from the token (a JWT) when it has one.
		return auth.NewStaticTokenCredential(tok, time.Time{})
	}
	cred, err := auth.NewDefaultCredential(nil)
	if err != nil {
		return nil, fmt.Errorf("backend: no credential: %w", err)
	}
	return cred, nil
}

// LocalIdentity is the identity of the embedded local workspace when Options.Local does
// not name another one.
func LocalIdentity() workspace.Config {
	return workspace.Config{
		SubscriptionID: emulator.DefaultSubscriptionID,
		ResourceGroup:  emulator.DefaultResourceGroup,
		WorkspaceName:  emulator.DefaultWorkspaceName,
	}
}
