package endpoint_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// Version changes whose answer is lost are never sent again: the endpoint is
// read back and the operation the change started is returned.
func TestLostVersionAnswersAreReadBack(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	ep := f.deploy(t, "lost-ep", "versiona", 50)
	patch := emulator.MatchRequest(http.MethodPatch, "/services/lost-ep")

	f.srv.InjectFault(emulator.Fault{Match: patch, DropAfterHandle: true})
	op, err := ep.CreateVersion(ctx, "versionb", f.models, f.ic, &endpoint.CreateVersionOptions{VersionSettings: settings, TrafficPercentile: to.Ptr(10.0)})
	require.NoError(t, err, "the create's operation is found")
	assert.Equal(t, "versionb 10 (new)", op.Change().Summary())
	require.NoError(t, op.Wait(ctx, fastWait))
	b, ok := ep.Version("versionb")
	require.True(t, ok)
	assert.Equal(t, webservice.StateHealthy, b.State)

	f.srv.InjectFault(emulator.Fault{Match: patch, TruncateBody: true})
	op, err = ep.UpdateVersion(ctx, "versionb", endpoint.UpdateVersionOptions{TrafficPercentile: to.Ptr(40.0), IsDefault: to.Ptr(true)})
	require.NoError(t, err, "a truncated answer is read back too")
	require.NoError(t, op.Wait(ctx, fastWait))
	assert.Equal(t, "versionb", ep.TrafficPlan().Default())

	f.srv.InjectFault(emulator.Fault{Match: patch, DropAfterHandle: true})
	op, err = ep.DeleteVersion(ctx, "versiona", nil)
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, fastWait))
	_, ok = ep.Version("versiona")
	assert.False(t, ok)

	f.srv.InjectFault(emulator.Fault{Match: patch, DropAfterHandle: true})
	op, err = ep.Update(ctx, endpoint.EndpointUpdate{Description: to.Ptr("changed")}, nil)
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, fastWait))
	assert.Equal(t, "changed", ep.Description())

	assert.Equal(t, 4, requests(f.srv, http.MethodPatch, "/services/lost-ep"), "no change was sent twice")
}

// A change whose answer is lost and that the endpoint does not show is
// reported as an unknown outcome, with what to check; it is not sent again.
func TestLostVersionAnswerWithoutEffectIsOutcomeUnknown(t *testing.T) {
	f := newFixture(t, &workspacetest.Options{Workspace: workspace.Options{Retry: workspace.RetryOptions{TryTimeout: 2 * time.Second}}})
	ctx := context.Background()
	ep := f.deploy(t, "unknown-ep", "versiona", 50)
	f.srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodPatch, "/services/unknown-ep"), Delay: time.Minute})
	_, err := ep.UpdateVersion(ctx, "versiona", endpoint.UpdateVersionOptions{TrafficPercentile: to.Ptr(30.0)})
	require.Error(t, err)
	assert.True(t, errors.Is(err, workspace.ErrOutcomeUnknown), "%v", err)
	assert.Contains(t, err.Error(), "shows no new operation")
	assert.Contains(t, err.Error(), "check its versions and traffic plan before repeating the change")
	assert.Contains(t, err.Error(), "it was not sent again")
	a, _ := ep.Version("versiona")
	assert.Equal(t, 50.0, *a.TrafficPercentile, "the endpoint was read back")
}

// After a Refresh shows an operation this handle did not start,
// WaitForDeployment waits for that one, not for the one it remembers.
func TestWaitForDeploymentFollowsTheNewestOperation(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	ep := f.deploy(t, "newest-ep", "versiona", 50)
	other, err := endpoint.Get(ctx, f.ws, "newest-ep")
	require.NoError(t, err)
	_, err = other.CreateVersion(ctx, "versionb", f.models, f.ic, &endpoint.CreateVersionOptions{VersionSettings: settings, TrafficPercentile: to.Ptr(10.0)})
	require.NoError(t, err)

	require.NoError(t, ep.Refresh(ctx))
	require.NoError(t, ep.WaitForDeployment(ctx, fastWait))
	assert.Equal(t, webservice.StateHealthy, ep.State())
	b, ok := ep.Version("versionb")
	require.True(t, ok)
	assert.Equal(t, webservice.StateHealthy, b.State, "the wait covered the other handle's operation")
}

// An operation's resume token continues the wait in another handle (as in
// another process); tokens are those of webservice.ResumeDeployment.
func TestResumeOperation(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	ep := f.deploy(t, "resume-ep", "versiona", 50)
	op, err := ep.CreateVersion(ctx, "versionb", f.models, f.ic, &endpoint.CreateVersionOptions{VersionSettings: settings, TrafficPercentile: to.Ptr(10.0)})
	require.NoError(t, err)
	token, err := op.ResumeToken()
	require.NoError(t, err)
	assert.NotContains(t, token, "resume-ep", "the token is opaque")

	resumed, err := endpoint.ResumeOperation(ctx, f.ws, token)
	require.NoError(t, err)
	assert.Equal(t, op.ID(), resumed.ID())
	require.NoError(t, resumed.Wait(ctx, fastWait))
	b, ok := resumed.Endpoint().Version("versionb")
	require.True(t, ok)
	assert.Equal(t, webservice.StateHealthy, b.State)

	svc, err := webservice.ResumeDeployment(ctx, f.ws, token)
	require.NoError(t, err, "webservice reads the token")
	assert.Equal(t, op.ID(), svc.OperationID())

	_, err = endpoint.ResumeOperation(ctx, f.ws, "not a token")
	assert.ErrorIs(t, err, webservice.ErrInvalidResumeToken)

	require.NoError(t, ep.Delete(ctx, &webservice.DeleteOptions{Wait: fastWait}))
	_, err = endpoint.ResumeOperation(ctx, f.ws, token)
	assert.ErrorIs(t, err, endpoint.ErrNotFound)
}
