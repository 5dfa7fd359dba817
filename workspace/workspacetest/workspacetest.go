// Package workspacetest starts a local workspace for tests, much as net/http/httptest
// starts a server: NewServer returns a running local workspace on 127.0.0.1 and a
// *workspace.Workspace bound to it, and stops it when the test ends.
package workspacetest

import (
	"context"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/workspace"
)

// Options configures NewServer. A nil *Options means defaults.
type Options struct {
	// Emulator configures the local workspace (operation delay, data directory,
	// Retry-After hints, python interpreter). Unset fields keep the emulator's
	// defaults; OperationDelay defaults to zero, so operations finish at once.
	Emulator emulator.Options
	// Workspace configures the client side (retries, HTTP client, telemetry).
	// Unless set, the backoff base is 5 ms so that fault tests stay fast; a server's
	// Retry-After is still honoured.
	Workspace workspace.Options
}

// NewServer starts a local workspace and connects a Workspace to it. Both are closed by
// t.Cleanup.
func NewServer(t testing.TB, opts *Options) (*emulator.Server, *workspace.Workspace) {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	srv, err := emulator.New(opts.Emulator)
	if err != nil {
		t.Fatalf("workspacetest: starting the local workspace: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ws, err := Connect(context.Background(), srv, &opts.Workspace)
	if err != nil {
		t.Fatalf("workspacetest: connecting to the local workspace: %v", err)
	}
	return srv, ws
}

// Connect returns a Workspace bound to a running local workspace. An unset backoff base
// defaults to 5 ms.
func Connect(ctx context.Context, srv *emulator.Server, opts *workspace.Options) (*workspace.Workspace, error) {
	o := workspace.Options{}
	if opts != nil {
		o = *opts
	}
	info := srv.Info()
	o.ARMEndpoint = info.ARMEndpoint
	if o.DiscoveryURL == "" {
		o.DiscoveryURL = info.DiscoveryURL
	}
	if o.Retry.RetryDelay == 0 {
		o.Retry.RetryDelay = 5 * time.Millisecond
	}
	return workspace.Get(ctx, info.SubscriptionID, info.ResourceGroup, info.WorkspaceName, LocalCredential{}, &o)
}

// LocalCredential is the credential the local workspace accepts: a fixed bearer token
// that never expires. It must not be used against Azure.
type LocalCredential struct{}

// GetToken implements azcore.TokenCredential.
func (LocalCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "local-workspace-token", ExpiresOn: time.Now().Add(24 * time.Hour)}, nil
}

var _ azcore.TokenCredential = LocalCredential{}
