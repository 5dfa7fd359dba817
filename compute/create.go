package compute

import (
	"context"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/workspace"
)

// Create starts provisioning a new AKS cluster as compute name of the workspace. The name
// and configuration are validated first (all problems at once, *ValidationError); then
// the compute is PUT to Azure Resource Manager. The returned compute reflects the
// service's answer (state Creating); call WaitForCompletion to wait for the cluster.
//
// The request's location is the workspace's region; cfg.Location, when set, is the
// cluster's region (computeLocation).
func Create(ctx context.Context, ws *workspace.Workspace, name string, cfg ProvisioningConfiguration) (*AksCompute, error) {
	if ws == nil {
		return nil, errNilWorkspace
	}
	var chk checker
	checkName(&chk, name)
	body, cfgChk := cfg.prepare(ws.SubscriptionID(), ws.Location())
	chk.merge(cfgChk)
	if err := chk.err("create"); err != nil {
		return nil, err
	}
	return put(ctx, ws, OperationCreate, name, body, chk.warnings)
}

// Attach starts attaching an existing AKS cluster as compute name of the workspace. After
// validating (all problems at once, *ValidationError) it lists the workspace's computes
// and refuses, with an *AlreadyAttachedError naming it, when one already points at the
// same cluster. Call WaitForCompletion before deploying to it.
func Attach(ctx context.Context, ws *workspace.Workspace, name string, cfg AttachConfiguration) (*AksCompute, error) {
	if ws == nil {
		return nil, errNilWorkspace
	}
	var chk checker
	checkName(&chk, name)
	body, cfgChk := cfg.prepare(ws.SubscriptionID(), ws.Location())
	chk.merge(cfgChk)
	if err := chk.err("attach"); err != nil {
		return nil, err
	}
	if err := refuseDoubleAttach(ctx, ws, body.Properties.ResourceID); err != nil {
		return nil, err
	}
	return put(ctx, ws, OperationAttach, name, body, chk.warnings)
}

// refuseDoubleAttach lists every compute and fails if one already uses resourceID.
func refuseDoubleAttach(ctx context.Context, ws *workspace.Workspace, resourceID string) error {
	pager := List(ws, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return err
		}
		infos := page.Others
		for _, c := range page.Computes {
			infos = append(infos, c.Info())
		}
		for _, info := range infos {
			if info.ResourceID != "" && strings.EqualFold(info.ResourceID, resourceID) {
				return &AlreadyAttachedError{ResourceID: resourceID, ComputeName: info.Name, Workspace: ws.Name()}
			}
		}
	}
	return nil
}

// put sends the create/attach/update PUT and builds the compute from the answer.
func put(ctx context.Context, ws *workspace.Workspace, kind OperationKind, name string, body any, warnings []Problem) (*AksCompute, error) {
	resp, err := sendPut(ctx, ws, name, body)
	if err != nil {
		return nil, err
	}
	op, err := newOperation(ws, kind, name, resp)
	if err != nil {
		return nil, err
	}
	c := newAksCompute(ws, snapshot{name: name, computeType: computeTypeAKS, state: StateCreating})
	if kind == OperationUpdate {
		c.snap.state = StateUpdating
	}
	if b, err := runtime.Payload(resp); err == nil && isJSONObject(b) {
		if s, err := parseCompute(b); err == nil && s.computeType == computeTypeAKS {
			if s.name == "" {
				s.name = name
			}
			c.snap = s
		}
	}
	c.warnings = warnings
	op.compute = c
	c.op = op
	return c, nil
}

// sendPut PUTs body to the compute's ARM URL and checks the status.
func sendPut(ctx context.Context, ws *workspace.Workspace, name string, body any) (*http.Response, error) {
	req, err := runtime.NewRequest(ctx, http.MethodPut, armComputeURL(ws, name, "", ""))
	if err != nil {
		return nil, err
	}
	req.Raw().Header.Set("Accept", "application/json")
	if err := runtime.MarshalAsJSON(req, body); err != nil {
		return nil, err
	}
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK, http.StatusCreated, http.StatusAccepted) {
		return nil, runtime.NewResponseError(resp)
	}
	return resp, nil
}
