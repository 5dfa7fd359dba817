package compute_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

const externalCluster = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/prod-rg/providers/Microsoft.ContainerService/managedClusters/prod-aks"

func newLocal(t *testing.T) (*emulator.Server, *workspace.Workspace) {
	t.Helper()
	srv, ws := workspacetest.NewServer(t, &workspacetest.Options{Emulator: emulator.Options{
		OperationDelay: 20 * time.Millisecond,
		RetryAfter:     5 * time.Millisecond,
	}})
	srv.SetComputePageSize(1) // every list crosses pages
	return srv, ws
}

// listAll returns every AKS compute name, following nextLink.
func listAll(t *testing.T, ws *workspace.Workspace) []string {
	t.Helper()
	var names []string
	pager := compute.List(ws, nil)
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		require.NoError(t, err)
		for _, c := range page.Computes {
			names = append(names, c.Name())
		}
	}
	return names
}

// lifecycle runs create → wait → get → list → update → detach → attach again → delete,
// checking after each step that nothing was duplicated.
func lifecycle(t *testing.T, srv *emulator.Server, ws *workspace.Workspace) {
	ctx := context.Background()
	wait := &compute.WaitOptions{Frequency: 5 * time.Millisecond}

	// Create and wait, with progress.
	c, err := compute.Create(ctx, ws, "e2e-aks", compute.ProvisioningConfiguration{
		ClusterPurpose: compute.ClusterPurposeDevTest, AgentCount: 1, VMSize: "Standard_D2_v2",
	})
	require.NoError(t, err)
	var progress bytes.Buffer
	require.NoError(t, c.WaitForCompletion(ctx, &compute.WaitOptions{Progress: &progress, Frequency: 5 * time.Millisecond}))
	assert.Contains(t, progress.String(), `create of e2e-aks: operation finished, operation "Succeeded"`)
	assert.Equal(t, compute.StateSucceeded, c.ProvisioningState())
	props := c.Properties()
	require.NotNil(t, props)
	assert.Equal(t, 1, props.AgentCount)
	assert.Equal(t, "Standard_D2_v2", props.VMSize)
	assert.Equal(t, compute.ClusterPurposeDevTest, props.ClusterPurpose)
	assert.NotEmpty(t, props.ClusterFQDN)
	require.Len(t, props.SystemServices, 1)
	clusterID := c.ResourceID()
	require.NotEmpty(t, clusterID)
	assert.Equal(t, []string{clusterID}, srv.AKSClusters())

	// Get and list.
	got, err := compute.Get(ctx, ws, "e2e-aks")
	require.NoError(t, err)
	assert.Equal(t, c.ID(), got.ID())
	st, err := got.GetStatus(ctx)
	require.NoError(t, err)
	assert.Equal(t, compute.StateSucceeded, st)

	other, err := compute.Attach(ctx, ws, "e2e-prod", compute.AttachConfiguration{ResourceID: externalCluster, ClusterPurpose: compute.ClusterPurposeFastProd})
	require.NoError(t, err)
	require.NoError(t, other.WaitForCompletion(ctx, wait))
	assert.Equal(t, []string{"e2e-aks", "e2e-prod"}, listAll(t, ws))

	// Update: a Microsoft-issued certificate.
	op, err := got.Update(ctx, compute.UpdateConfiguration{SSL: compute.MicrosoftCert{LeafDomainLabel: "e2escoring"}})
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, wait))
	require.NotNil(t, got.Properties().SSL)
	assert.Equal(t, "Auto", got.Properties().SSL.Status)
	assert.Equal(t, "e2escoring", got.Properties().SSL.LeafDomainLabel)
	assert.Equal(t, compute.LoadBalancerPublicIP, got.Properties().LoadBalancerType, "unchanged by an SSL-only update")

	creds, err := got.GetCredentials(ctx)
	require.NoError(t, err)
	assert.Contains(t, creds.AdminKubeConfig.Reveal(), "kind: Config")

	// Attaching a cluster that is already attached is refused, naming the compute.
	_, err = compute.Attach(ctx, ws, "e2e-dup", compute.AttachConfiguration{ResourceID: strings.ToUpper(clusterID), ClusterPurpose: compute.ClusterPurposeDevTest})
	var already *compute.AlreadyAttachedError
	require.ErrorAs(t, err, &already)
	assert.Equal(t, "e2e-aks", already.ComputeName)

	// Detach keeps the cluster.
	op, err = got.Detach(ctx)
	require.NoError(t, err)
	require.NoError(t, got.WaitForCompletion(ctx, wait))
	_, err = compute.Get(ctx, ws, "e2e-aks")
	require.ErrorIs(t, err, compute.ErrNotFound)
	assert.Contains(t, srv.AKSClusters(), clusterID)
	assert.Equal(t, []string{"e2e-prod"}, listAll(t, ws))

	// Attach it again, under a new name.
	again, err := compute.Attach(ctx, ws, "e2e-again", compute.AttachConfiguration{ResourceID: clusterID, ClusterPurpose: compute.ClusterPurposeDevTest})
	require.NoError(t, err)
	require.NoError(t, again.WaitForCompletion(ctx, wait))
	assert.True(t, again.IsAttached())
	assert.Equal(t, clusterID, again.ResourceID())
	assert.Equal(t, "Standard_D2_v2", again.Properties().VMSize)
	assert.Equal(t, []string{"e2e-again", "e2e-prod"}, listAll(t, ws))

	// The external cluster cannot be deleted, only detached.
	_, err = other.Delete(ctx)
	require.Error(t, err)
	op, err = other.Detach(ctx)
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, wait))

	// Delete removes the compute and the cluster the workspace created.
	op, err = again.Delete(ctx)
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, wait))
	_, err = compute.Get(ctx, ws, "e2e-again")
	require.ErrorIs(t, err, compute.ErrNotFound)
	assert.Empty(t, listAll(t, ws))
	assert.Equal(t, []string{externalCluster}, srv.AKSClusters(), "only the detached external cluster is left")
}

func TestEndToEndLocalWorkspace(t *testing.T) {
	srv, ws := newLocal(t)
	lifecycle(t, srv, ws)
}

func TestEndToEndWithFaults(t *testing.T) {
	srv, ws := workspacetest.NewServer(t, &workspacetest.Options{
		Emulator: emulator.Options{OperationDelay: 20 * time.Millisecond, RetryAfter: 5 * time.Millisecond},
		// Several faults may hit one call in a row; the test is about what retries do
		// to the workspace, not about the retry budget.
		// Retry-After hints of "1" second are honoured in full (no retry sooner than the
		// server asked), so the maximum delay must allow them.
		Workspace: workspace.Options{Retry: workspace.RetryOptions{MaxRetries: 6, MaxRetryDelay: 2 * time.Second}},
	})
	srv.SetComputePageSize(1)
	on := func(method, path string) func(*http.Request) bool {
		return func(r *http.Request) bool { return r.Method == method && strings.HasSuffix(r.URL.Path, path) }
	}
	isList := func(r *http.Request) bool {
		return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/computes")
	}
	isOp := func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/operations/arm/") }
	for _, f := range []emulator.Fault{
		// Create: handled but the answer lost, then refused before reading.
		{Match: on(http.MethodPut, "/computes/e2e-aks"), DropAfterHandle: true},
		{Match: on(http.MethodPut, "/computes/e2e-aks"), DropBeforeRead: true},
		{Match: on(http.MethodPut, "/computes/e2e-prod"), DropAfterHandle: true},
		{Match: on(http.MethodPut, "/computes/e2e-again"), Status: http.StatusTooManyRequests, RetryAfter: "1"},
		{Match: on(http.MethodPut, "/computes/e2e-again"), DropAfterHandle: true},
		{Match: on(http.MethodDelete, "/computes/e2e-aks"), DropAfterHandle: true, Count: 2},
		{Match: on(http.MethodDelete, "/computes/e2e-again"), Status: http.StatusServiceUnavailable, RetryAfterMs: 5},
		{Match: on(http.MethodDelete, "/computes/e2e-again"), DropAfterHandle: true},
		{Match: on(http.MethodPost, "/listKeys"), DropAfterHandle: true},
		{Match: isList, Status: http.StatusServiceUnavailable, RetryAfter: "1", Count: 2},
		{Match: isList, DropBeforeRead: true},
		{Match: isList, Delay: 20 * time.Millisecond, Count: 2},
		{Match: on(http.MethodGet, "/computes/e2e-aks"), Status: http.StatusServiceUnavailable},
		{Match: on(http.MethodGet, "/computes/e2e-aks"), DropAfterHandle: true},
		{Match: isOp, Status: http.StatusTooManyRequests, RetryAfterMs: 5, Count: 2},
		{Match: isOp, DropAfterHandle: true, Count: 3},
	} {
		srv.InjectFault(f)
	}
	lifecycle(t, srv, ws)
	faulted := 0
	for _, r := range srv.Requests() {
		if r.Faulted {
			faulted++
		}
	}
	assert.Equal(t, 22, faulted, "every fault was exercised")
}

func TestEndToEndProvisioningFailure(t *testing.T) {
	_, ws := newLocal(t)
	ctx := context.Background()
	c, err := compute.Create(ctx, ws, "bad-size", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest, VMSize: "Standard_Z99"})
	require.NoError(t, err)
	assert.Equal(t, compute.RuleUnknownVMSize, c.Warnings()[0].Rule)
	err = c.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 5 * time.Millisecond})
	var pe *compute.ProvisioningError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "Failed", pe.State)
	assert.Equal(t, compute.StateFailed, pe.ProvisioningState)
	require.Len(t, pe.ProvisioningErrors, 1)
	assert.Contains(t, pe.ProvisioningErrors[0].Message, "Standard_Z99")
	assert.Equal(t, compute.StateFailed, c.ProvisioningState())
}

func TestEndToEndServerSideRules(t *testing.T) {
	_, ws := newLocal(t)
	ctx := context.Background()
	// The SDK validates first; the server applies the same rules in the ARM error shape
	// (checked here through an unknown VM size, which the SDK lets through).
	_, err := compute.Create(ctx, ws, "aks1", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeFastProd, AgentCount: 1, VMSize: "Standard_D2_v2"})
	var ve *compute.ValidationError
	require.ErrorAs(t, err, &ve)

	c, err := compute.Attach(ctx, ws, "small", compute.AttachConfiguration{ResourceID: externalCluster, ClusterPurpose: compute.ClusterPurposeDevTest})
	require.NoError(t, err)
	require.NoError(t, c.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 5 * time.Millisecond}))
	_, err = compute.Attach(ctx, ws, "small", compute.AttachConfiguration{ResourceID: externalCluster + "2", ClusterPurpose: compute.ClusterPurposeDevTest})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "409") || strings.Contains(err.Error(), "Conflict"), err.Error())
	assert.False(t, errors.Is(err, compute.ErrNotFound))
}

func TestEndToEndResumeInAnotherProcess(t *testing.T) {
	srv, ws := workspacetest.NewServer(t, &workspacetest.Options{Emulator: emulator.Options{OperationDelay: 50 * time.Millisecond}})
	_ = srv
	ctx := context.Background()
	c, err := compute.Create(ctx, ws, "resumed", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest})
	require.NoError(t, err)
	tok, err := c.Operation().ResumeToken()
	require.NoError(t, err)
	op, err := compute.ResumeOperation(ws, tok)
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, &compute.WaitOptions{Frequency: 5 * time.Millisecond}))
	assert.Equal(t, compute.StateSucceeded, op.Compute().ProvisioningState())
	assert.NotEmpty(t, op.Compute().Properties().ClusterFQDN)
}

// A hung status GET is skipped after WaitOptions.PollTimeout; the wait goes
// on with the next poll instead of sitting out the per-attempt timeout.
func TestWaitSkipsAHungPoll(t *testing.T) {
	srv, ws := newLocal(t)
	srv.InjectFault(emulator.Fault{Match: func(r *http.Request) bool {
		return r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/operations/")
	}, Delay: time.Minute})
	ctx := context.Background()
	c, err := compute.Create(ctx, ws, "hung-poll", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest})
	require.NoError(t, err)
	start := time.Now()
	require.NoError(t, c.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 5 * time.Millisecond, PollTimeout: 100 * time.Millisecond}))
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Equal(t, compute.StateSucceeded, c.ProvisioningState())
}
