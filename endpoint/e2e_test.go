package endpoint_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// rollout runs the controlled-rollout scenario of the issue end to end and
// returns the endpoint.
func rollout(t *testing.T, f *fixture) *endpoint.AksEndpoint {
	ctx := context.Background()
	ep := f.deploy(t, "rollout", "versiona", 20)
	vs := ep.Versions()
	require.Len(t, vs, 1)
	assert.Equal(t, "versiona", vs[0].Name)
	assert.True(t, vs[0].IsDefault, "the first version is the default")
	assert.Equal(t, 20.0, *vs[0].TrafficPercentile)
	assert.Equal(t, 100.0, vs[0].EffectivePercent)
	assert.Equal(t, webservice.StateHealthy, vs[0].State)

	op, err := ep.CreateVersion(ctx, "versionb", f.models, f.ic, &endpoint.CreateVersionOptions{
		VersionSettings: settings, TrafficPercentile: to.Ptr(10.0),
	})
	require.NoError(t, err)
	assert.Equal(t, "versionb 10 (new)", op.Change().Summary())
	require.NoError(t, op.Wait(ctx, fastWait))
	b, ok := ep.Version("versionb")
	require.True(t, ok)
	assert.Equal(t, webservice.StateHealthy, b.State)
	assert.Equal(t, 10.0, b.EffectivePercent)

	op, err = ep.UpdateVersion(ctx, "versionb", endpoint.UpdateVersionOptions{
		TrafficPercentile: to.Ptr(40.0), IsDefault: to.Ptr(true), IsControl: to.Ptr(true),
	})
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, fastWait))
	plan := ep.TrafficPlan()
	require.NoError(t, plan.Validate())
	assert.Equal(t, "versionb", plan.Default())
	assert.Equal(t, "versionb", plan.Control())
	a, _ := ep.Version("versiona")
	assert.Equal(t, endpoint.VersionTypeTreatment, a.Type, "the other version was flipped to treatment")
	assert.False(t, a.IsDefault)
	assert.Equal(t, op.Change().After, plan, "the service applied exactly the planned change")
	return ep
}

func TestEndToEndControlledRollout(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	ep := rollout(t, f)

	// Scoring through the plan, and one version directly.
	out, err := ep.Run(ctx, []byte(sampleInput))
	require.NoError(t, err)
	assert.JSONEq(t, sampleOutput, string(out))
	out, err = ep.RunVersion(ctx, "versiona", []byte(sampleInput))
	require.NoError(t, err)
	assert.JSONEq(t, sampleOutput, string(out))
	_, err = ep.RunVersion(ctx, "nosuch", []byte(sampleInput))
	assert.ErrorContains(t, err, "has no version")

	counts := scoreSplit(t, ep, 2000, 32)
	t.Logf("2000 requests: versiona %d, versionb %d (plan 20/80)", counts["versiona"], counts["versionb"])
	assert.InDelta(t, 400, counts["versiona"], 100)
	assert.InDelta(t, 1600, counts["versionb"], 100)

	// Keys, logs: those of the endpoint.
	keys, err := ep.GetKeys(ctx)
	require.NoError(t, err)
	assert.False(t, keys.Primary.IsZero())
	logs, err := ep.GetLogs(ctx, nil)
	require.NoError(t, err)
	assert.Contains(t, logs, "versiona: ")
	assert.Contains(t, logs, "versionb: ")

	// Refused before any request, every problem named.
	patches := requests(f.srv, http.MethodPatch, "/services/rollout")
	_, err = ep.DeleteVersion(ctx, "versionb", nil)
	var pe *endpoint.PlanError
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.Has(endpoint.RuleDefault))
	_, err = ep.UpdateVersion(ctx, "versiona", endpoint.UpdateVersionOptions{TrafficPercentile: to.Ptr(70.0), IsControl: to.Ptr(true)})
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.Has(endpoint.RuleTotal), "%v", err) // 70 + 40 = 110
	assert.False(t, pe.Has(endpoint.RuleControl), "the control flips to versiona")
	assert.Equal(t, patches, requests(f.srv, http.MethodPatch, "/services/rollout"), "nothing was sent")

	// versiona becomes the default, then versionb can go.
	op, err := ep.UpdateVersion(ctx, "versiona", endpoint.UpdateVersionOptions{IsDefault: to.Ptr(true)})
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, fastWait))
	op, err = ep.DeleteVersion(ctx, "versionb", nil)
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, fastWait))
	require.Len(t, ep.Versions(), 1)
	out, err = ep.Run(ctx, []byte(sampleInput))
	require.NoError(t, err)
	assert.JSONEq(t, sampleOutput, string(out))

	// Endpoint-level update: token auth instead of keys; scoring follows.
	op, err = ep.Update(ctx, endpoint.EndpointUpdate{AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(true),
		Description: to.Ptr("rollout"), Tags: map[string]string{"stage": "done"}, Properties: map[string]string{"owner": "tests"}}, nil)
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, fastWait))
	assert.True(t, ep.TokenAuthEnabled())
	assert.False(t, ep.AuthEnabled())
	assert.Equal(t, "rollout", ep.Description())
	assert.Equal(t, map[string]string{"stage": "done"}, ep.Tags())
	assert.Equal(t, "tests", ep.Properties()["owner"])
	tok, err := ep.GetAccessToken(ctx)
	require.NoError(t, err)
	assert.False(t, tok.Token.IsZero())
	out, err = ep.Run(ctx, []byte(sampleInput))
	require.NoError(t, err)
	assert.JSONEq(t, sampleOutput, string(out))

	// Get, then delete (twice: the second is a no-op).
	again, err := endpoint.Get(ctx, f.ws, "rollout")
	require.NoError(t, err)
	assert.Equal(t, ep.TrafficPlan(), again.TrafficPlan())
	require.NoError(t, ep.Delete(ctx, nil))
	_, err = endpoint.Get(ctx, f.ws, "rollout")
	assert.True(t, errors.Is(err, endpoint.ErrNotFound), "%v", err)
	require.NoError(t, again.Delete(ctx, nil))
}

func TestEndToEndSplitTwentyTenSeventy(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	ep := f.deploy(t, "split", "versiona", 20)
	op, err := ep.CreateVersion(ctx, "versionb", f.models, f.ic, &endpoint.CreateVersionOptions{VersionSettings: settings, TrafficPercentile: to.Ptr(10.0)})
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, fastWait))
	op, err = ep.CreateVersion(ctx, "versionc", f.models, f.ic, &endpoint.CreateVersionOptions{VersionSettings: settings, IsDefault: true})
	require.NoError(t, err)
	t.Log("\n" + op.Change().Explain())
	require.NoError(t, op.Wait(ctx, fastWait))
	plan := ep.TrafficPlan()
	want := map[string]float64{"versiona": 20, "versionb": 10, "versionc": 70}
	for v, p := range want {
		got, _ := plan.Share(v)
		require.Equal(t, p, got, v)
	}

	const n = 10000
	counts := scoreSplit(t, ep, n, 64)
	for v, p := range want {
		got := 100 * float64(counts[v]) / n
		t.Logf("%s: %.2f%% observed, %.0f%% planned", v, got, p)
		assert.InDelta(t, p, got, 2, v)
	}
}

func TestEndToEndWithFaults(t *testing.T) {
	f := newFixture(t, &workspacetest.Options{Emulator: emulator.Options{RetryAfter: 0}})
	ctx := context.Background()
	// Throttling, busy servers and dropped connections on every kind of call
	// the rollout makes: reads, JSON Patch, operation polls, pre-flight. A
	// call is tried 4 times (3 retries), and the faults of one kind are
	// consumed in order, so no call sees more than 3 in a row.
	f.srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodPatch, "/services/"), Status: http.StatusTooManyRequests, RetryAfter: "0", Count: 3})
	f.srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodGet, "/services/rollout"), Status: http.StatusServiceUnavailable, RetryAfterMs: 1, Count: 2})
	f.srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodGet, "/operations/"), DropBeforeRead: true, Count: 3})
	f.srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodGet, "/services/rollout"), DropAfterHandle: true, Count: 1})
	f.srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodPost, "/services/validate"), Status: http.StatusServiceUnavailable, RetryAfter: "0", Count: 2})
	ep := rollout(t, f)

	faulted := 0
	for _, r := range f.srv.Requests() {
		if r.Faulted {
			faulted++
		}
	}
	assert.Equal(t, 3+2+3+1+2, faulted, "every injected fault was hit and survived")

	counts := scoreSplit(t, ep, 500, 16)
	assert.Equal(t, 500, counts["versiona"]+counts["versionb"])
	op, err := ep.UpdateVersion(ctx, "versiona", endpoint.UpdateVersionOptions{IsDefault: to.Ptr(true)})
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, fastWait))
	op, err = ep.DeleteVersion(ctx, "versionb", nil)
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, fastWait))
	assert.Len(t, ep.Versions(), 1)
}

func TestEndToEndFailedVersionGetsNoTraffic(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	ep := f.deploy(t, "crashy", "versiona", 0)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "score.py"), []byte(
		"def init():\n    raise RuntimeError('weights are missing')\ndef run(raw):\n    return raw\n"), 0o644))
	crash := &model.InferenceConfig{EntryScript: "score.py", SourceDirectory: dir, Environment: model.NewEnvironment("crash-env")}
	op, err := ep.CreateVersion(ctx, "versionb", f.models, crash, &endpoint.CreateVersionOptions{VersionSettings: settings, TrafficPercentile: to.Ptr(50.0)})
	require.NoError(t, err)
	err = op.Wait(ctx, fastWait)
	var de *webservice.DeploymentError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "Failed", de.State)
	assert.Contains(t, err.Error(), "weights are missing")

	b, ok := ep.Version("versionb")
	require.True(t, ok)
	assert.Equal(t, webservice.StateFailed, b.State)
	require.NotNil(t, b.Error)
	assert.Equal(t, webservice.StateUnhealthy, ep.State())
	// The failed version's 50% goes to the default while it cannot serve.
	counts := scoreSplit(t, ep, 200, 8)
	assert.Equal(t, 200, counts["versiona"])
	_, err = ep.RunVersion(ctx, "versionb", []byte(sampleInput))
	var se *webservice.ScoringError
	require.ErrorAs(t, err, &se)
}
