package webservice_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// createPOST matches the create request only (not the validation POSTs below /services/).
func createPOST(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/services")
}

// sent counts the requests with method whose path ends with suffix.
func sent(srv *emulator.Server, method, suffix string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}

// Creates and changes whose answer is lost are never sent again: the SDK
// reads the service back and carries on with the operation it started.
func TestLostAnswersAreReadBack(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()

	f.srv.InjectFault(emulator.Fault{Match: createPOST, DropAfterHandle: true})
	svc, err := model.Deploy(ctx, f.ws, "lost-svc", []*model.Model{f.model}, f.ic, fixedReplicas, f.aks, nil)
	require.NoError(t, err, "the created service is adopted")
	require.NoError(t, svc.WaitForDeployment(ctx, fastWait))
	assert.Equal(t, webservice.StateHealthy, svc.State())
	assert.Equal(t, 1, sent(f.srv, http.MethodPost, "/services"), "the create is not repeated")

	f.srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodPatch, "/services/lost-svc"), DropAfterHandle: true})
	op, err := svc.Update(ctx, webservice.AksUpdateConfig{Description: to.Ptr("changed")}, nil)
	require.NoError(t, err, "the update's operation is found")
	require.NoError(t, op.Wait(ctx, fastWait))
	assert.Equal(t, "changed", svc.Description())
	assert.Equal(t, 1, sent(f.srv, http.MethodPatch, "/services/lost-svc"))

	f.srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodPost, "/regenerateKeys"), DropAfterHandle: true})
	require.NoError(t, svc.RegenKey(ctx, webservice.KeyPrimary, &webservice.RegenKeyOptions{Value: auth.NewSecret("chosen"), Wait: fastWait}),
		"with a chosen value the outcome is proven")
	keys, err := svc.GetKeys(ctx)
	require.NoError(t, err)
	assert.Equal(t, "chosen", keys.Primary.Reveal())
	assert.Equal(t, 1, sent(f.srv, http.MethodPost, "/regenerateKeys"))

	// Without a chosen value nothing proves the outcome: the error says how to check.
	f.srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodPost, "/regenerateKeys"), DropAfterHandle: true})
	err = svc.RegenKey(ctx, webservice.KeySecondary, &webservice.RegenKeyOptions{Wait: fastWait})
	require.ErrorIs(t, err, workspace.ErrOutcomeUnknown)
	assert.Contains(t, err.Error(), "GetKeys")
	assert.Equal(t, 2, sent(f.srv, http.MethodPost, "/regenerateKeys"))
}

// When nothing changed, the lost create is reported, with what to check.
func TestLostCreateThatDidNotHappen(t *testing.T) {
	// The client gives up after TryTimeout, with its request written; the
	// server then drops it unread.
	f := newFixture(t, &workspacetest.Options{Workspace: workspace.Options{Retry: workspace.RetryOptions{TryTimeout: 300 * time.Millisecond}}})
	f.srv.InjectFault(emulator.Fault{Match: createPOST, Delay: time.Second, DropBeforeRead: true})
	_, err := model.Deploy(context.Background(), f.ws, "gone-svc", []*model.Model{f.model}, f.ic, fixedReplicas, f.aks, nil)
	require.ErrorIs(t, err, workspace.ErrOutcomeUnknown)
	assert.Contains(t, err.Error(), "webservice.Get")
	assert.Empty(t, f.srv.Inventory().Services)
}

// A read that shows a newer operation makes WaitForDeployment wait for it.
func TestWaitFollowsTheOperationTheServiceReports(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	a := f.deploy(t, "two-handles", fixedReplicas)
	b, err := webservice.Get(ctx, f.ws, "two-handles")
	require.NoError(t, err)
	op, err := b.Update(ctx, webservice.AksUpdateConfig{Description: to.Ptr("from b")}, nil)
	require.NoError(t, err)
	require.NotEqual(t, op.ID(), a.OperationID())
	require.NoError(t, a.Refresh(ctx))
	assert.Equal(t, op.ID(), a.OperationID(), "a's wait now means b's update")
	require.NoError(t, a.WaitForDeployment(ctx, fastWait))
	assert.Equal(t, "from b", a.Description())
}

// A hung status GET is skipped after WaitOptions.PollTimeout.
func TestWaitSkipsAHungPoll(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	svc, err := model.Deploy(ctx, f.ws, "hung-poll", []*model.Model{f.model}, f.ic, fixedReplicas, f.aks, nil)
	require.NoError(t, err)
	f.srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodGet, "/operations/"), Delay: time.Minute})
	start := time.Now()
	require.NoError(t, svc.WaitForDeployment(ctx, &webservice.WaitOptions{PollFrequency: fastWait.PollFrequency, PollTimeout: 100 * time.Millisecond}))
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Equal(t, webservice.StateHealthy, svc.State())
}
