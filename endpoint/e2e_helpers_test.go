package endpoint_test

import (
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/endpoint"
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

// fastWait polls quickly: the local workspace finishes operations at once.
var fastWait = &webservice.WaitOptions{PollFrequency: 5 * time.Millisecond}

// settings run one replica serving many requests at once, so that scoring
// tests are quick.
var settings = endpoint.VersionSettings{
	AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1),
	ReplicaMaxConcurrentRequests: to.Ptr(32), MaxRequestWaitTimeMs: to.Ptr(30000),
}

type fixture struct {
	srv    *emulator.Server
	ws     *workspace.Workspace
	aks    *compute.AksCompute
	models []*model.Model
	ic     *model.InferenceConfig
}

func newFixture(t testing.TB, opts *workspacetest.Options) *fixture {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	ctx := context.Background()
	srv, ws := workspacetest.NewServer(t, opts)
	aks, err := compute.Create(ctx, ws, "aks-test", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest})
	require.NoError(t, err)
	require.NoError(t, aks.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 5 * time.Millisecond}))
	m, err := model.Register(ctx, ws, filepath.Join(assets, "model.json"), "example-linear", nil)
	require.NoError(t, err)
	ic, err := model.LoadInferenceConfig(filepath.Join(assets, "inferenceconfig.json"))
	require.NoError(t, err)
	return &fixture{srv: srv, ws: ws, aks: aks, models: []*model.Model{m}, ic: ic}
}

// deployConfig is the endpoint configuration with versiona at pct.
func deployConfig(version string, pct float64) endpoint.AksEndpointDeployConfig {
	c := endpoint.AksEndpointDeployConfig{VersionName: version, TrafficPercentile: to.Ptr(pct)}
	c.AutoscaleEnabled, c.NumReplicas = settings.AutoscaleEnabled, settings.NumReplicas
	c.ReplicaMaxConcurrentRequests, c.MaxRequestWaitTimeMs = settings.ReplicaMaxConcurrentRequests, settings.MaxRequestWaitTimeMs
	return c
}

// deploy creates the endpoint and waits until it is healthy.
func (f *fixture) deploy(t testing.TB, name, version string, pct float64) *endpoint.AksEndpoint {
	t.Helper()
	ep, err := model.Deploy(context.Background(), f.ws, name, f.models, f.ic, deployConfig(version, pct), f.aks, nil)
	require.NoError(t, err)
	require.NoError(t, ep.WaitForDeployment(context.Background(), fastWait))
	require.Equal(t, webservice.StateHealthy, ep.State())
	return ep
}

// requests returns the recorded requests whose method and path match.
func requests(srv *emulator.Server, method, pathPart string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && strings.Contains(r.Path, pathPart) {
			n++
		}
	}
	return n
}

// scoreSplit sends n requests through the endpoint's scoring URI with c
// workers and counts the answering versions (azureml-model-version).
func scoreSplit(t testing.TB, ep *endpoint.AksEndpoint, n, c int) map[string]int {
	t.Helper()
	ctx := context.Background()
	svc, err := ep.Service(ctx)
	require.NoError(t, err)
	secret, err := svc.ScoringCredential().ScoringCredential(ctx, false)
	require.NoError(t, err)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c}}
	defer client.CloseIdleConnections()
	var mu sync.Mutex
	counts := map[string]int{}
	var failures []string
	jobs := make(chan struct{})
	var wg sync.WaitGroup
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				req, _ := http.NewRequest(http.MethodPost, ep.ScoringURI(), strings.NewReader(sampleInput))
				req.Header.Set("Authorization", "Bearer "+secret.Reveal())
				resp, err := client.Do(req)
				mu.Lock()
				switch {
				case err != nil:
					failures = append(failures, err.Error())
				case resp.StatusCode != http.StatusOK:
					failures = append(failures, resp.Status)
				default:
					counts[resp.Header.Get("azureml-model-version")]++
				}
				mu.Unlock()
				if resp != nil {
					resp.Body.Close()
				}
			}
		}()
	}
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	require.Empty(t, failures)
	return counts
}
