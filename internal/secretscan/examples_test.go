package secretscan

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// exampleRun says how to run one example against the test's local workspace: its flags
// (fast polls, names the workspace already has), what to prepare first, and the kinds of
// secret the run must have produced (so that a clean scan means something).
type exampleRun struct {
	args    []string
	prepare func(t *testing.T, srv *emulator.Server)
	expect  []string
}

// examples lists every example; TestEveryExampleIsScanned fails when one is missing.
var examples = map[string]exampleRun{
	"quickstart":     {expect: []string{emulator.SecretServiceKey, emulator.SecretSASSignature, emulator.SecretKubeconfigToken}},
	"create-aks":     {args: []string{"-poll", "50ms"}, expect: []string{emulator.SecretKubeconfigToken}},
	"attach-aks":     {args: []string{"-poll", "50ms", "-purpose", "DevTest", "-resource-id", "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/scan-rg/providers/Microsoft.ContainerService/managedClusters/scan-aks"}, expect: []string{emulator.SecretKubeconfigToken}},
	"register-model": {expect: []string{emulator.SecretSASSignature}},
	"deploy-aks":     {args: []string{"-poll", "50ms"}, expect: []string{emulator.SecretServiceKey, emulator.SecretAccessToken, emulator.SecretSASSignature}},
	"controlled-rollout": {
		args:    []string{"-poll", "50ms", "-requests", "40", "-workers", "4", "-keep"},
		prepare: createCompute("aks-devtest"),
		expect:  []string{emulator.SecretEndpointKey, emulator.SecretSASSignature},
	},
}

// createCompute makes the AKS compute an example expects to find: only on the embedded
// local workspace do the examples create it themselves.
func createCompute(name string) func(t *testing.T, srv *emulator.Server) {
	return func(t *testing.T, srv *emulator.Server) {
		ctx := context.Background()
		ws, err := workspacetest.Connect(ctx, srv, nil)
		require.NoError(t, err)
		aks, err := compute.Create(ctx, ws, name, compute.ProvisioningConfiguration{
			ClusterPurpose: compute.ClusterPurposeDevTest, AgentCount: 1, VMSize: "Standard_D2_v2"})
		require.NoError(t, err)
		require.NoError(t, aks.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 20 * time.Millisecond}))
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	return root
}

func TestEveryExampleIsScanned(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join(repoRoot(t), "examples"))
	require.NoError(t, err)
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(repoRoot(t), "examples", e.Name(), "main.go")); err == nil {
			require.Contains(t, examples, e.Name(), "example %s is not in the secret scan: add it to examples", e.Name())
		}
	}
}

// TestExamplesLeakNoSecret builds every example and runs it against a local workspace
// of the test's own, as a real workspace (AZUREML_* variables, a static ARM token),
// with azcore logging everything to stderr (AZURE_SDK_GO_LOGGING=all). Nothing the
// run printed may contain a secret.
func TestExamplesLeakNoSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every example")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed: the examples deploy and score")
	}
	root := repoRoot(t)
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./examples/...")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building the examples:\n%s", out)

	for name, ex := range examples {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, err := emulator.New(emulator.Options{RetryAfter: 20 * time.Millisecond})
			require.NoError(t, err)
			defer srv.Close()
			if ex.prepare != nil {
				ex.prepare(t, srv)
			}
			armToken := randomSecret("ARM bearer token")

			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(bin, name), ex.args...)
			cmd.Dir = root
			info := srv.Info()
			cmd.Env = append(cleanEnv(),
				"AZUREML_SUBSCRIPTION_ID="+info.SubscriptionID,
				"AZUREML_RESOURCE_GROUP="+info.ResourceGroup,
				"AZUREML_WORKSPACE_NAME="+info.WorkspaceName,
				"AZUREML_ARM_ENDPOINT="+info.ARMEndpoint,
				"AZUREML_DISCOVERY_SERVICE_ENDPOINT="+info.DiscoveryURL,
				"AZUREML_ARM_ACCESS_TOKEN="+armToken.value,
				"AZURE_SDK_GO_LOGGING=all",
			)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			runErr := cmd.Run()
			secrets := append(issued(srv), armToken)
			outputs := []output{{name + " stdout", stdout.String()}, {name + " stderr (azcore log)", stderr.String()}}
			requireNoLeak(t, outputs, secrets) // first: a failing run must not print secrets either
			require.NoError(t, runErr, "%s failed:\n%s\n%s", name, stdout.String(), tail(stderr.String(), 40))

			requireVerboseLog(t, stderr.String())
			have := kinds(secrets)
			for _, k := range ex.expect {
				require.NotZero(t, have[k], "the run produced no %s to look for", k)
			}
			t.Logf("%s: %d bytes of output clean of %d secrets %v", name, stdout.Len()+stderr.Len(), len(secrets), have)
		})
	}
}

// requireVerboseLog fails unless log holds what azcore writes at full verbosity:
// requests with their headers, responses, retry decisions. Without them a clean scan
// would prove nothing.
func requireVerboseLog(t *testing.T, log string) {
	t.Helper()
	for _, want := range []string{"Request: ==> OUTGOING REQUEST", "RESPONSE RECEIVED", "Authorization: REDACTED", "Retry: "} {
		if !strings.Contains(log, want) {
			t.Fatalf("the azcore log has no %q: logging is not at full verbosity (%d bytes logged)", want, len(log))
		}
	}
}

// cleanEnv is the test's environment without anything that chooses a workspace or a
// credential, or turns logging on or off.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AZUREML_") || strings.HasPrefix(k, "AZURE_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func tail(s string, lines int) string {
	parts := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return strings.Join(parts, "\n")
}
