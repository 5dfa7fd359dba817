package compute

import (
	"context"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// Detach removes the compute from the workspace and keeps the AKS cluster
// (underlyingResourceAction=detach). Wait on the returned operation (or
// WaitForCompletion) before attaching the cluster again.
func (c *AksCompute) Detach(ctx context.Context) (*Operation, error) {
	return c.remove(ctx, OperationDetach)
}

// Delete removes the compute and deletes the AKS cluster that the workspace created
// (underlyingResourceAction=delete). The service refuses to delete a cluster that was
// created outside the workspace and only attached; detach it instead.
func (c *AksCompute) Delete(ctx context.Context) (*Operation, error) {
	return c.remove(ctx, OperationDelete)
}

// remove sends the DELETE. A 204 means the compute is already gone: the operation is
// returned done.
func (c *AksCompute) remove(ctx context.Context, kind OperationKind) (*Operation, error) {
	if c.ws == nil {
		return nil, errNoWorkspace
	}
	name := c.Name()
	// azureml-core sends the values lowercase; ARM's enum is Delete/Detach and matches
	// case-insensitively.
	req, err := runtime.NewRequest(ctx, http.MethodDelete, armComputeURL(c.ws, name, "", "underlyingResourceAction="+string(kind)))
	if err != nil {
		return nil, err
	}
	req.Raw().Header.Set("Accept", "application/json")
	resp, err := c.ws.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	var op *Operation
	switch {
	case runtime.HasStatusCode(resp, http.StatusNoContent):
		op = &Operation{ws: c.ws, kind: kind, name: name}
	case runtime.HasStatusCode(resp, http.StatusOK, http.StatusAccepted):
		if op, err = newOperation(c.ws, kind, name, resp); err != nil {
			return nil, err
		}
	default:
		return nil, runtime.NewResponseError(resp)
	}
	c.mu.Lock()
	c.op = op
	c.snap.state = StateDeleting
	c.mu.Unlock()
	return op, nil
}
