package compute

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"
)

const armComputes = wsPath + "/computes/"

func TestWireCreateWaitSucceeded(t *testing.T) {
	ws := newWireWorkspace(t)
	jsonBody(t, expect(t, http.MethodPut, armHost, armComputes+"aks1", "api-version=2020-02-02"), fixture(t, "create_devtest.json")).
		Reply(201).SetHeader("Azure-AsyncOperation", opURL).JSON(computeJSON(t, "compute_creating.json", nil))
	expect(t, http.MethodGet, opHost, opPath, "api-version=2020-02-02").Reply(200).JSON(fixture(t, "operation_inprogress.json"))
	expect(t, http.MethodGet, opHost, opPath, "api-version=2020-02-02").Reply(200).JSON(fixture(t, "operation_succeeded.json"))
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))

	c, err := Create(context.Background(), ws, "aks1", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest, AgentCount: 1, VMSize: "Standard_D2_v2"})
	require.NoError(t, err)
	assert.Equal(t, StateCreating, c.ProvisioningState())
	assert.Nil(t, c.Properties())
	assert.Equal(t, "op-1", c.Operation().ID())
	assert.Empty(t, c.Warnings())

	var out bytes.Buffer
	var events []ProgressEvent
	require.NoError(t, c.WaitForCompletion(context.Background(), &WaitOptions{Progress: &out, OnProgress: func(e ProgressEvent) { events = append(events, e) }, Frequency: time.Millisecond}))
	assert.Equal(t, StateSucceeded, c.ProvisioningState())
	p := c.Properties()
	require.NotNil(t, p)
	assert.Equal(t, "aks1-a1b2c3.hcp.eastus.azmk8s.io", p.ClusterFQDN)
	assert.Equal(t, []SystemService{{Type: "ScoringFront", Version: "1.0.0", PublicIPAddress: "20.62.1.2"}}, p.SystemServices)
	assert.Equal(t, 1, p.AgentCount)
	assert.Equal(t, ClusterPurposeDevTest, p.ClusterPurpose)
	assert.Equal(t, LoadBalancerPublicIP, p.LoadBalancerType)
	assert.Equal(t, "Disabled", p.SSL.Status)
	assert.Equal(t, time.Date(2026, 1, 2, 3, 4, 5, 123456700, time.UTC), c.CreatedOn().UTC())
	assert.False(t, c.IsAttached())
	require.Len(t, events, 2)
	assert.Equal(t, "InProgress", events[0].State)
	assert.Equal(t, "Succeeded", events[1].State)
	assert.Equal(t, OperationCreate, events[1].Operation)
	assert.Contains(t, out.String(), "create of aks1: InProgress")
	assert.Contains(t, out.String(), `operation finished, operation "Succeeded"`)
}

func TestWireCreateFullBody(t *testing.T) {
	ws := newWireWorkspace(t)
	jsonBody(t, expect(t, http.MethodPut, armHost, armComputes+"aks-full", "api-version=2020-02-02"), fixture(t, "create_full.json")).
		Reply(201).SetHeader("Azure-AsyncOperation", opURL)
	c, err := Create(context.Background(), ws, "aks-full", ProvisioningConfiguration{
		AgentCount: 3, VMSize: "Standard_D4s_v3", ClusterPurpose: ClusterPurposeFastProd, Location: "westus2",
		SSL:              CustomCert{CNAME: "scoring.contoso.com", CertFile: "testdata/cert.pem", KeyFile: "testdata/key.pem"},
		VNet:             &VNetConfiguration{ResourceGroup: "net-rg", Name: "ml-vnet", SubnetName: "aks-nodes", ServiceCIDR: "10.0.0.0/16", DNSServiceIP: "10.0.0.10", DockerBridgeCIDR: "172.17.0.1/16"},
		LoadBalancerType: LoadBalancerInternal, LoadBalancerSubnet: "scoring-subnet",
	})
	require.NoError(t, err)
	assert.Equal(t, "aks-full", c.Name())
	assert.Equal(t, StateCreating, c.ProvisioningState(), "no body: state assumed Creating")
	assert.Equal(t, []string{"Location/location"}, problemKeys(c.Warnings()))
}

func TestWireCreateMinimalBody(t *testing.T) {
	ws := newWireWorkspace(t)
	jsonBody(t, expect(t, http.MethodPut, armHost, armComputes+"aks1", "api-version=2020-02-02"), fixture(t, "create_minimal.json")).
		Reply(201).SetHeader("Azure-AsyncOperation", opURL).JSON(computeJSON(t, "compute_creating.json", nil))
	c, err := Create(context.Background(), ws, "aks1", ProvisioningConfiguration{})
	require.NoError(t, err)
	assert.Equal(t, []string{"ClusterPurpose/purpose-unset"}, problemKeys(c.Warnings()))
}

func TestWireCreateValidatesBeforeIO(t *testing.T) {
	ws := newWireWorkspace(t) // no compute mock: any request would fail to match
	_, err := Create(context.Background(), ws, "local", ProvisioningConfiguration{AgentCount: 2, VMSize: "Standard_D2_v2", ClusterPurpose: ClusterPurposeFastProd})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"name/name-reserved", "AgentCount/fastprod-vcpus", "AgentCount/fastprod-nodes"}, problemKeys(ve.Problems))
	_, err = Attach(context.Background(), ws, "x", AttachConfiguration{})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"name/name-format", "ResourceID/required"}, problemKeys(ve.Problems))
}

func TestWirePutWithoutAsyncOperationHeader(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodPut, armHost, armComputes+"aks1", "api-version=2020-02-02").Reply(201).JSON(computeJSON(t, "compute_creating.json", nil))
	_, err := Create(context.Background(), ws, "aks1", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest})
	require.ErrorIs(t, err, ErrNoOperation)
	assert.Contains(t, err.Error(), "Azure-AsyncOperation")
}

func TestWirePutRejected(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodPut, armHost, armComputes+"aks1", "api-version=2020-02-02").Reply(409).
		JSON(map[string]any{"error": map[string]any{"code": "Conflict", "message": "compute aks1 exists"}})
	_, err := Create(context.Background(), ws, "aks1", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest})
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 409, re.StatusCode)
	assert.Equal(t, "Conflict", re.ErrorCode)
}

func TestWireCreateFailed(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodPut, armHost, armComputes+"aks1", "api-version=2020-02-02").
		Reply(201).SetHeader("Azure-AsyncOperation", opURL).JSON(computeJSON(t, "compute_creating.json", nil))
	expect(t, http.MethodGet, opHost, opPath, "api-version=2020-02-02").Reply(200).JSON(fixture(t, "operation_failed.json"))
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_failed.json"))

	c, err := Create(context.Background(), ws, "aks1", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest, VMSize: "Standard_Z99"})
	require.NoError(t, err)
	assert.Equal(t, []string{"VMSize/unknown-vm-size"}, problemKeys(c.Warnings()))
	err = c.WaitForCompletion(context.Background(), fastWait())
	var pe *ProvisioningError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "Failed", pe.State)
	assert.Equal(t, StateFailed, pe.ProvisioningState)
	assert.Equal(t, "op-1", pe.OperationID)
	assert.Equal(t, OperationCreate, pe.Operation)
	require.NotNil(t, pe.Err)
	assert.Equal(t, "BadRequest", pe.Err.Code)
	require.Len(t, pe.ProvisioningErrors, 1)
	assert.Equal(t, "BadRequest", pe.ProvisioningErrors[0].Code)
	assert.Equal(t, []ErrorDetail{{Code: "VMSizeNotSupported", Message: "Standard_Z99 is not available in eastus"}}, pe.ProvisioningErrors[0].Details)
	assert.Equal(t, pe.ProvisioningErrors, c.ProvisioningErrors())
	assert.Contains(t, err.Error(), "non-successful terminal state Failed")
	assert.Contains(t, err.Error(), "VMSizeNotSupported")
}

func TestWireWaitCanceled(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodPut, armHost, armComputes+"aks1", "api-version=2020-02-02").
		Reply(201).SetHeader("Azure-AsyncOperation", opURL)
	expect(t, http.MethodGet, opHost, opPath, "api-version=2020-02-02").Reply(200).JSON(map[string]any{"status": "Canceled"})
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(404).
		JSON(map[string]any{"error": map[string]any{"code": "NotFound", "message": "gone"}})
	c, err := Create(context.Background(), ws, "aks1", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest})
	require.NoError(t, err)
	var pe *ProvisioningError
	require.ErrorAs(t, c.WaitForCompletion(context.Background(), fastWait()), &pe)
	assert.Equal(t, "Canceled", pe.State)
	assert.Equal(t, ProvisioningState(""), pe.ProvisioningState, "the compute could not be read")
}

func TestWireWaitHonoursContext(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodPut, armHost, armComputes+"aks1", "api-version=2020-02-02").
		Reply(201).SetHeader("Azure-AsyncOperation", opURL)
	expect(t, http.MethodGet, opHost, opPath, "api-version=2020-02-02").Reply(200).JSON(fixture(t, "operation_inprogress.json"))
	c, err := Create(context.Background(), ws, "aks1", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	err = c.WaitForCompletion(ctx, &WaitOptions{Frequency: time.Hour, OnProgress: func(ProgressEvent) { cancel() }})
	require.ErrorIs(t, err, context.Canceled)

	// The operation can be resumed from a token.
	tok, err := c.Operation().ResumeToken()
	require.NoError(t, err)
	expect(t, http.MethodGet, opHost, opPath, "api-version=2020-02-02").Reply(200).JSON(fixture(t, "operation_succeeded.json"))
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))
	op, err := ResumeOperation(ws, tok)
	require.NoError(t, err)
	assert.Equal(t, OperationCreate, op.Kind())
	assert.Equal(t, "aks1", op.ComputeName())
	require.NoError(t, op.Wait(context.Background(), fastWait()))
	assert.Equal(t, StateSucceeded, op.Compute().ProvisioningState())
}

func TestResumeOperationRejectsBadTokens(t *testing.T) {
	ws := newWireWorkspace(t)
	for _, tok := range []string{"", "!!", "bm90IGpzb24", "eyJ2IjoyLCJraW5kIjoiY3JlYXRlIiwibmFtZSI6ImEiLCJ1cmwiOiJ1In0",
		"eyJ2IjoxLCJraW5kIjoieCIsIm5hbWUiOiJhIiwidXJsIjoidSJ9", "eyJ2IjoxLCJraW5kIjoiY3JlYXRlIn0"} {
		_, err := ResumeOperation(ws, tok)
		assert.ErrorContains(t, err, "invalid resume token", tok)
	}
}

func TestWireGet(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))
	c, err := Get(context.Background(), ws, "aks1")
	require.NoError(t, err)
	assert.Equal(t, "aks1", c.Name())
	assert.Equal(t, wsPath+"/computes/aks1", c.ID())
	assert.Equal(t, "eastus", c.Location())
	assert.Equal(t, "eastus", c.ComputeLocation())
	assert.Equal(t, StateSucceeded, c.ProvisioningState())
	assert.Nil(t, c.ProvisioningErrors())
	assert.Contains(t, c.ResourceID(), "managedClusters/aks1a1b2c3")
	assert.Equal(t, "AksCompute(aks1, Succeeded)", c.String())
	assert.Equal(t, "AksCompute(aks1, Succeeded)", strings.TrimSpace(func() string { return c.GoString() }()))

	// WaitForCompletion on a compute from Get has nothing to poll.
	require.ErrorIs(t, c.WaitForCompletion(context.Background(), nil), ErrNoOperation)
}

func TestWireGetNotFound(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/nope", "api-version=2020-02-02").Reply(404).
		JSON(map[string]any{"error": map[string]any{"code": "ComputeTargetNotFound", "message": "not found"}})
	_, err := Get(context.Background(), ws, "nope")
	var nf *NotFoundError
	require.ErrorAs(t, err, &nf)
	assert.Equal(t, "nope", nf.Name)
	assert.ErrorIs(t, err, ErrNotFound)
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 404, re.StatusCode)
	assert.Contains(t, err.Error(), `compute target "nope" not found in workspace ws`)
}

func TestWireGetOtherErrorsAndTypes(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/cpu", "api-version=2020-02-02").Reply(200).
		JSON(map[string]any{"name": "cpu", "properties": map[string]any{"computeType": "AmlCompute"}})
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/bad", "api-version=2020-02-02").Reply(403).
		JSON(map[string]any{"error": map[string]any{"code": "AuthorizationFailed", "message": "no"}})
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/junk", "api-version=2020-02-02").Reply(200).BodyString("[1,2]")
	_, err := Get(context.Background(), ws, "cpu")
	var wt *WrongTypeError
	require.ErrorAs(t, err, &wt)
	assert.Equal(t, "AmlCompute", wt.ComputeType)
	_, err = Get(context.Background(), ws, "bad")
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "AuthorizationFailed", re.ErrorCode)
	assert.False(t, errors.Is(err, ErrNotFound))
	_, err = Get(context.Background(), ws, "junk")
	assert.ErrorContains(t, err, "invalid compute payload")
	_, err = Get(context.Background(), ws, "a/b")
	assert.ErrorContains(t, err, "not a compute name")
}

func TestWireGetStatus(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_creating.json"))
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))
	c, err := Get(context.Background(), ws, "aks1")
	require.NoError(t, err)
	assert.Equal(t, StateCreating, c.ProvisioningState())
	st, err := c.GetStatus(context.Background())
	require.NoError(t, err)
	assert.Equal(t, StateSucceeded, st)
	assert.Equal(t, StateSucceeded, c.ProvisioningState())
}

func TestWireListPages(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "list_page1.json"))
	expect(t, http.MethodGet, apiHost, rpPath+"/computes", "api-version=2020-02-02&$skipToken=page2").Reply(200).JSON(fixture(t, "list_page2.json"))

	pager := List(ws, nil)
	require.True(t, pager.More())
	p1, err := pager.NextPage(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, len(gock.Pending()), "the second page is fetched lazily")
	require.Len(t, p1.Computes, 1)
	assert.Equal(t, "aks1", p1.Computes[0].Name())
	assert.Equal(t, []ComputeInfo{{Name: "cpu", ID: wsPath + "/computes/cpu", ComputeType: "AmlCompute", ProvisioningState: StateSucceeded}}, p1.Others)
	require.True(t, pager.More())
	p2, err := pager.NextPage(context.Background())
	require.NoError(t, err)
	require.Len(t, p2.Computes, 1)
	assert.Equal(t, "prod", p2.Computes[0].Name())
	assert.True(t, p2.Computes[0].IsAttached())
	assert.False(t, pager.More())
}

func TestWireListError(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes", "api-version=2020-02-02").Reply(400).
		JSON(map[string]any{"error": map[string]any{"code": "BadRequest", "message": "no"}})
	_, err := List(ws, nil).NextPage(context.Background())
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 400, re.StatusCode)
}

func TestWireAttach(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "list_page1.json"))
	expect(t, http.MethodGet, apiHost, rpPath+"/computes", "api-version=2020-02-02&$skipToken=page2").Reply(200).JSON(map[string]any{"value": []any{}})
	jsonBody(t, expect(t, http.MethodPut, armHost, armComputes+"prod", "api-version=2020-02-02"), fixture(t, "attach_default.json")).
		Reply(201).SetHeader("Azure-AsyncOperation", opURL)
	expect(t, http.MethodGet, opHost, opPath, "api-version=2020-02-02").Reply(200).JSON(fixture(t, "operation_succeeded.json"))
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/prod", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_attached.json"))

	c, err := Attach(context.Background(), ws, "prod", AttachConfiguration{ResourceID: testClusterID})
	require.NoError(t, err)
	assert.Equal(t, StateCreating, c.ProvisioningState())
	require.NoError(t, c.WaitForCompletion(context.Background(), fastWait()))
	assert.True(t, c.IsAttached())
	assert.Equal(t, testClusterID, c.ResourceID())
}

func TestWireAttachFullBody(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes", "api-version=2020-02-02").Reply(200).JSON(map[string]any{"value": []any{}})
	jsonBody(t, expect(t, http.MethodPut, armHost, armComputes+"prod", "api-version=2020-02-02"), fixture(t, "attach_full.json")).
		Reply(201).SetHeader("Azure-AsyncOperation", opURL)
	_, err := Attach(context.Background(), ws, "prod", AttachConfiguration{ResourceGroup: "aks-rg", ClusterName: "prod-aks",
		ClusterPurpose: ClusterPurposeDevTest, SSL: fixtureCert(t), LoadBalancerType: LoadBalancerInternal, LoadBalancerSubnet: "scoring-subnet"})
	require.NoError(t, err)
}

func TestWireAttachRefusesDoubleAttach(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "list_page1.json"))
	expect(t, http.MethodGet, apiHost, rpPath+"/computes", "api-version=2020-02-02&$skipToken=page2").Reply(200).JSON(fixture(t, "list_page2.json"))
	// The id differs from the attached one only in case: ARM ids are case-insensitive.
	_, err := Attach(context.Background(), ws, "second", AttachConfiguration{ResourceID: strings.ToLower(testClusterID), ClusterPurpose: ClusterPurposeDevTest})
	var aa *AlreadyAttachedError
	require.ErrorAs(t, err, &aa)
	assert.Equal(t, "prod", aa.ComputeName)
	assert.Contains(t, err.Error(), `as compute "prod"`)
}

func TestWireAttachListFails(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes", "api-version=2020-02-02").Reply(401).
		JSON(map[string]any{"error": map[string]any{"code": "InvalidAuthenticationToken", "message": "no"}})
	_, err := Attach(context.Background(), ws, "second", AttachConfiguration{ResourceID: testClusterID})
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 401, re.StatusCode)
}

func TestWireUpdate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     UpdateConfiguration
		fixture string
	}{
		{"leaf domain", UpdateConfiguration{SSL: MicrosoftCert{LeafDomainLabel: "myscoring"}}, "update_leaf_put.json"},
		{"internal load balancer", UpdateConfiguration{LoadBalancerType: LoadBalancerInternal, LoadBalancerSubnet: "ilb-subnet"}, "update_ilb_put.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := newWireWorkspace(t)
			expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))
			expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))
			jsonBody(t, expect(t, http.MethodPut, armHost, armComputes+"aks1", "api-version=2020-02-02"), fixture(t, tt.fixture)).
				Reply(200).SetHeader("Azure-AsyncOperation", opURL).JSON(computeJSON(t, "compute_succeeded.json", func(m map[string]any) {
				outerProps(m)["provisioningState"] = "Updating"
			}))
			expect(t, http.MethodGet, opHost, opPath, "api-version=2020-02-02").Reply(200).JSON(fixture(t, "operation_succeeded.json"))
			expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))

			c, err := Get(context.Background(), ws, "aks1")
			require.NoError(t, err)
			op, err := c.Update(context.Background(), tt.cfg)
			require.NoError(t, err)
			assert.Equal(t, OperationUpdate, op.Kind())
			assert.Equal(t, StateUpdating, c.ProvisioningState())
			assert.Same(t, op, c.Operation())
			require.NoError(t, c.WaitForCompletion(context.Background(), fastWait()))
			assert.Equal(t, StateSucceeded, c.ProvisioningState())
		})
	}
}

func TestWireUpdateRulesNeedingCurrentState(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))
	c, err := Get(context.Background(), ws, "aks1")
	require.NoError(t, err)
	_, err = c.Update(context.Background(), UpdateConfiguration{SSL: RenewSSL{}})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("SSL", RuleRenewNeedsLeaf))
	// Static rules fail before any request.
	_, err = c.Update(context.Background(), UpdateConfiguration{})
	require.ErrorAs(t, err, &ve)
}

func TestWireDetachAndDelete(t *testing.T) {
	for _, kind := range []OperationKind{OperationDetach, OperationDelete} {
		t.Run(string(kind), func(t *testing.T) {
			ws := newWireWorkspace(t)
			expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))
			noBody(t, expect(t, http.MethodDelete, armHost, armComputes+"aks1", "api-version=2020-02-02&underlyingResourceAction="+string(kind))).
				Reply(202).SetHeader("Azure-AsyncOperation", opURL).SetHeader("Location", opURL)
			expect(t, http.MethodGet, opHost, opPath, "api-version=2020-02-02").Reply(200).JSON(fixture(t, "operation_inprogress.json"))
			expect(t, http.MethodGet, opHost, opPath, "api-version=2020-02-02").Reply(200).JSON(fixture(t, "operation_succeeded.json"))
			c, err := Get(context.Background(), ws, "aks1")
			require.NoError(t, err)
			var op *Operation
			if kind == OperationDetach {
				op, err = c.Detach(context.Background())
			} else {
				op, err = c.Delete(context.Background())
			}
			require.NoError(t, err)
			assert.Equal(t, kind, op.Kind())
			assert.Equal(t, StateDeleting, c.ProvisioningState())
			assert.Nil(t, op.Compute())
			var states []string
			require.NoError(t, op.Wait(context.Background(), &WaitOptions{Frequency: time.Millisecond, OnProgress: func(e ProgressEvent) { states = append(states, e.State) }}))
			assert.Equal(t, []string{"InProgress", "Succeeded"}, states)
		})
	}
}

func TestWireDeleteEdgeCases(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))
	expect(t, http.MethodDelete, armHost, armComputes+"aks1", "api-version=2020-02-02&underlyingResourceAction=delete").Reply(204)
	expect(t, http.MethodDelete, armHost, armComputes+"aks1", "api-version=2020-02-02&underlyingResourceAction=delete").Reply(200)
	expect(t, http.MethodDelete, armHost, armComputes+"aks1", "api-version=2020-02-02&underlyingResourceAction=detach").Reply(400).
		JSON(map[string]any{"error": map[string]any{"code": "BadRequest", "message": "no"}})
	c, err := Get(context.Background(), ws, "aks1")
	require.NoError(t, err)

	// 204: nothing to delete; the operation is already done.
	op, err := c.Delete(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "", op.ID())
	require.NoError(t, op.Wait(context.Background(), nil))
	_, err = op.ResumeToken()
	assert.Error(t, err)

	// 200 without Azure-AsyncOperation.
	_, err = c.Delete(context.Background())
	require.ErrorIs(t, err, ErrNoOperation)

	_, err = c.Detach(context.Background())
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 400, re.StatusCode)
}

func TestWireRetriesTransientErrors(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(503).SetHeader("Retry-After", "0")
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))
	c, err := Get(context.Background(), ws, "aks1")
	require.NoError(t, err)
	assert.Equal(t, "aks1", c.Name())
}

func TestWireGetCredentials(t *testing.T) {
	ws := newWireWorkspace(t)
	expect(t, http.MethodGet, apiHost, rpPath+"/computes/aks1", "api-version=2020-02-02").Reply(200).JSON(fixture(t, "compute_succeeded.json"))
	noBody(t, expect(t, http.MethodPost, armHost, armComputes+"aks1/listKeys", "api-version=2020-02-02")).Reply(503)
	noBody(t, expect(t, http.MethodPost, armHost, armComputes+"aks1/listKeys", "api-version=2020-02-02")).Reply(200).JSON(fixture(t, "listkeys.json"))
	expect(t, http.MethodPost, armHost, armComputes+"aks1/listKeys", "api-version=2020-02-02").Reply(200).BodyString(`{"userKubeConfig": 12`)
	expect(t, http.MethodPost, armHost, armComputes+"aks1/listKeys", "api-version=2020-02-02").Reply(404).
		JSON(map[string]any{"error": map[string]any{"code": "NotFound", "message": "no"}})
	c, err := Get(context.Background(), ws, "aks1")
	require.NoError(t, err)
	creds, err := c.GetCredentials(context.Background()) // the 503 is retried: listKeys changes nothing
	require.NoError(t, err)
	assert.Contains(t, creds.UserKubeConfig.Reveal(), "USER-SECRET-TOKEN")
	assert.Contains(t, creds.AdminKubeConfig.Reveal(), "ADMIN-SECRET-TOKEN")
	assert.Equal(t, "acr-secret", creds.ImagePullSecretName)
	for _, s := range []string{fmt.Sprint(creds), fmt.Sprintf("%+v", creds), fmt.Sprintf("%#v", creds), fmt.Sprintf("%v", *creds)} {
		assert.NotContains(t, s, "SECRET-TOKEN")
	}
	_, err = c.GetCredentials(context.Background())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "userKubeConfig")
	_, err = c.GetCredentials(context.Background())
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestUnboundComputeFailsClearly(t *testing.T) {
	var c AksCompute
	ctx := context.Background()
	require.ErrorIs(t, c.Refresh(ctx), errNoWorkspace)
	_, err := c.GetStatus(ctx)
	require.ErrorIs(t, err, errNoWorkspace)
	_, err = c.Delete(ctx)
	require.ErrorIs(t, err, errNoWorkspace)
	_, err = c.Detach(ctx)
	require.ErrorIs(t, err, errNoWorkspace)
	_, err = c.GetCredentials(ctx)
	require.ErrorIs(t, err, errNoWorkspace)
	_, err = c.Update(ctx, UpdateConfiguration{SSL: DisableSSL{}})
	require.ErrorIs(t, err, errNoWorkspace)
	require.ErrorIs(t, c.WaitForCompletion(ctx, nil), ErrNoOperation)
	_, err = Get(ctx, nil, "x")
	require.ErrorIs(t, err, errNilWorkspace)
	_, err = Create(ctx, nil, "x", ProvisioningConfiguration{})
	require.ErrorIs(t, err, errNilWorkspace)
	_, err = Attach(ctx, nil, "x", AttachConfiguration{})
	require.ErrorIs(t, err, errNilWorkspace)
	_, err = List(nil, nil).NextPage(ctx)
	require.ErrorIs(t, err, errNilWorkspace)
	_, err = ResumeOperation(nil, "x")
	require.ErrorIs(t, err, errNilWorkspace)
}
