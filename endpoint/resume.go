package endpoint

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
)

// resumeToken is the JSON inside a resume token: the format of
// webservice.AksWebservice.OperationResumeToken, so that tokens of either
// package are read by webservice.ResumeDeployment.
type resumeToken struct {
	Version   int    `json:"v"`
	Service   string `json:"service"`
	Operation string `json:"operation"`
}

// ResumeToken returns an opaque token for the wait on this operation, from
// which ResumeOperation continues it, possibly in another process. It holds
// the endpoint name and the operation id, no credential; it is the token
// format of webservice.ResumeDeployment.
func (o *Operation) ResumeToken() (string, error) {
	id := o.ID()
	if id == "" {
		return "", fmt.Errorf("endpoint: resume token for endpoint %s: operation location %q names no operation", o.ep.name, o.location)
	}
	b, err := json.Marshal(resumeToken{Version: 1, Service: o.ep.name, Operation: id})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ResumeOperation continues, possibly in another process, the wait on an
// endpoint operation whose token Operation.ResumeToken returned: it reads
// the endpoint and returns the operation, to Wait on as usual (its Change
// is the endpoint's current plan before and after, the planned change not
// being part of the token). A token that is not one is an error matching
// webservice.ErrInvalidResumeToken, before any request; an endpoint that no
// longer exists matches ErrNotFound and webservice.ErrNotFound; a service
// that is not an endpoint, ErrNotEndpoint.
func ResumeOperation(ctx context.Context, ws *workspace.Workspace, token string) (*Operation, error) {
	svc, err := webservice.ResumeDeployment(ctx, ws, token)
	if err != nil {
		if errors.Is(err, webservice.ErrNotFound) {
			return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
		}
		return nil, err
	}
	id := svc.OperationID()
	ep := &AksEndpoint{ws: ws, name: svc.Name()}
	if err := ep.Refresh(ctx); err != nil {
		return nil, err
	}
	ep.setService(svc)
	plan := ep.TrafficPlan()
	return &Operation{ep: ep, location: ws.MMSURL("/operations/" + url.PathEscape(id)), change: PlanChange{Before: plan, After: plan}}, nil
}
