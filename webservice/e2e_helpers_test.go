package webservice_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// assets is the example model and entry script shared with the examples.
const assets = "../examples/assets"

const sampleInput = `{"data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}`

const sampleOutput = `{"predictions": [2.475, 8.68]}`

func needPython(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
}

// fastWait polls quickly: the local workspace finishes operations at once.
var fastWait = &webservice.WaitOptions{PollFrequency: 5 * time.Millisecond}

// fixture is a local workspace with an AKS compute and the example model.
type fixture struct {
	srv   *emulator.Server
	ws    *workspace.Workspace
	aks   *compute.AksCompute
	model *model.Model
	ic    *model.InferenceConfig
}

func newFixture(t testing.TB, opts *workspacetest.Options) *fixture {
	t.Helper()
	needPython(t)
	ctx := context.Background()
	srv, ws := workspacetest.NewServer(t, opts)
	aks, err := compute.Create(ctx, ws, "aks-test", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest})
	require.NoError(t, err)
	require.NoError(t, aks.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 5 * time.Millisecond}))
	m, err := model.Register(ctx, ws, filepath.Join(assets, "model.json"), "example-linear", nil)
	require.NoError(t, err)
	ic, err := model.LoadInferenceConfig(filepath.Join(assets, "inferenceconfig.json"))
	require.NoError(t, err)
	return &fixture{srv: srv, ws: ws, aks: aks, model: m, ic: ic}
}

// deploy deploys the example and waits until it is healthy.
func (f *fixture) deploy(t testing.TB, name string, cfg webservice.AksDeployConfig) *webservice.AksWebservice {
	t.Helper()
	ctx := context.Background()
	svc, err := model.Deploy(ctx, f.ws, name, []*model.Model{f.model}, f.ic, cfg, f.aks, nil)
	require.NoError(t, err)
	require.NoError(t, svc.WaitForDeployment(ctx, fastWait))
	require.Equal(t, webservice.StateHealthy, svc.State())
	return svc
}

// crashingSource writes a source directory whose init() raises.
func crashingSource(t testing.TB) *model.InferenceConfig {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "crash")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	src := strings.Join([]string{
		"import json",
		"def init():",
		"    print('loading weights')",
		"    raise FileNotFoundError('weights.bin is missing from the model directory')",
		"def run(raw_data):",
		"    return json.loads(raw_data)",
		"",
	}, "\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "score.py"), []byte(src), 0o644))
	env := model.NewEnvironment("crash-env")
	return &model.InferenceConfig{EntryScript: "score.py", SourceDirectory: dir, Environment: env}
}

// mmsRequests counts the control-plane requests the server saw.
func mmsRequests(srv *emulator.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/modelmanagement/") {
			n++
		}
	}
	return n
}

var fixedReplicas = webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1)}
