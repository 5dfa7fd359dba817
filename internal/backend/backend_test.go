package backend

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/workspace"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestResolveFromEnvironment(t *testing.T) {
	srv, err := emulator.New(emulator.Options{WorkspaceName: "envws"})
	require.NoError(t, err)
	defer srv.Close()
	info := srv.Info()
	var out bytes.Buffer
	b, err := Resolve(context.Background(), &Options{Out: &out, ConfigPath: t.TempDir(), Getenv: envOf(map[string]string{
		EnvSubscription: info.SubscriptionID, EnvResourceGroup: info.ResourceGroup, EnvWorkspaceName: info.WorkspaceName,
		EnvARMEndpoint: info.ARMEndpoint, EnvARMAccessToken: "static-token-value",
	})})
	require.NoError(t, err)
	defer b.Close()
	require.Equal(t, KindEnvironment, b.Kind)
	require.Equal(t, "envws", b.Name())
	require.Nil(t, b.Local)
	require.Equal(t, "backend: workspace envws from the environment (AZUREML_WORKSPACE_NAME)\n", out.String())
	require.NotContains(t, out.String(), "static-token-value")
}

func TestResolvePartialEnvironmentIsAnError(t *testing.T) {
	_, err := Resolve(context.Background(), &Options{Getenv: envOf(map[string]string{EnvWorkspaceName: "x"})})
	require.ErrorContains(t, err, "set all of")
}

func TestResolveFromConfigFile(t *testing.T) {
	srv, err := emulator.New(emulator.Options{})
	require.NoError(t, err)
	defer srv.Close()
	info := srv.Info()
	dir := t.TempDir()
	path, err := workspace.WriteConfig(dir, workspace.Config{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, WorkspaceName: info.WorkspaceName})
	require.NoError(t, err)
	sub := filepath.Join(dir, "a", "b")
	require.NoError(t, os.MkdirAll(sub, 0o755))
	var out bytes.Buffer
	b, err := Resolve(context.Background(), &Options{Out: &out, ConfigPath: sub, Getenv: envOf(map[string]string{
		EnvARMEndpoint: info.ARMEndpoint, EnvARMAccessToken: "t",
	})})
	require.NoError(t, err)
	require.Equal(t, KindConfigFile, b.Kind)
	require.Equal(t, path, b.Source)
	require.Contains(t, out.String(), "from "+path)
}

func TestResolveFallsBackToTheEmbeddedLocalWorkspace(t *testing.T) {
	var out bytes.Buffer
	b, err := Resolve(context.Background(), &Options{Out: &out, ConfigPath: t.TempDir(), Getenv: envOf(nil)})
	require.NoError(t, err)
	require.Equal(t, KindLocal, b.Kind)
	require.NotNil(t, b.Local)
	require.Contains(t, out.String(), "embedded local workspace at http://127.0.0.1:")
	require.Equal(t, emulator.DefaultWorkspaceName, b.Name())
	require.NoError(t, b.Close())
}

func TestResolveReportsABrokenConfigFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"subscription_id":"x"}`), 0o644))
	_, err := Resolve(context.Background(), &Options{ConfigPath: dir, Getenv: envOf(nil)})
	require.ErrorContains(t, err, "missing resource_group, workspace_name")
}

func TestLocalIdentityMatchesTheEmbeddedWorkspace(t *testing.T) {
	b, err := Resolve(context.Background(), &Options{Out: &bytes.Buffer{}, ConfigPath: t.TempDir(), Getenv: envOf(nil)})
	require.NoError(t, err)
	defer b.Close()
	require.Equal(t, LocalIdentity(), b.Config())
}
