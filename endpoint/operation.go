package endpoint

import (
	"context"

	"github.com/azureml-go/azureml/webservice"
)

// Operation is a running change of an endpoint (a version created, updated
// or deleted, or an endpoint-level update). azureml-core returns without
// waiting; here the caller waits with Wait.
type Operation struct {
	ep       *AksEndpoint
	location string
	change   PlanChange
	// authChange: the operation changes the auth mode, so the endpoint's
	// scoring credential is read afresh after it.
	authChange bool
}

// ID returns the model-management operation id.
func (o *Operation) ID() string { return operationID(o.location) }

// Endpoint returns the endpoint the operation changes (for an operation from
// ResumeOperation, the endpoint it read).
func (o *Operation) Endpoint() *AksEndpoint { return o.ep }

// Change returns the traffic plan before and after the operation, as
// computed and validated before it was sent. Change().Explain() describes it.
func (o *Operation) Change() PlanChange { return o.change }

// Wait waits for the operation like webservice.AksWebservice.WaitForDeployment:
// nil once it succeeded; a *webservice.DeploymentError (with the service's
// error, the sub-operation hint and the last log lines) when it ended in
// Failed, Cancelled or TimedOut or opts.Timeout passed; an
// *azcore.ResponseError when polling failed. The endpoint is re-read after
// the wait.
func (o *Operation) Wait(ctx context.Context, opts *webservice.WaitOptions) error {
	svc, err := o.ep.Service(ctx)
	if err != nil {
		return err
	}
	err = svc.OperationAt(o.location).Wait(ctx, opts)
	if err == nil && o.authChange {
		o.ep.setService(nil)
	}
	if rerr := o.ep.Refresh(ctx); err == nil && rerr != nil {
		return rerr
	}
	return err
}
