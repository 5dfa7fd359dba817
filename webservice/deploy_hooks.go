package webservice

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/workspace"
)

// AksDeployConfig is the deployment configuration model.Deploy takes for an
// AKS web service.
var _ model.DeploymentConfig[*AksWebservice] = AksDeployConfig{}

// ComputeName returns ComputeTargetName when set, else targetName.
func (c AksDeployConfig) ComputeName(targetName string) string {
	if c.ComputeTargetName != "" {
		return c.ComputeTargetName
	}
	return targetName
}

// CreateBody renders the create request of reference §4 for model.Deploy.
func (c AksDeployConfig) CreateBody(req model.CreateRequest) ([]byte, error) {
	return c.buildCreateBody(createInput{
		Name: req.Name, ComputeName: req.ComputeName,
		EnvironmentImageRequest: req.EnvironmentImageRequest, Overwrite: req.Overwrite,
	})
}

// OpenService returns the service model.Deploy created. It reads the
// service once; if that read fails the deployment still proceeds, and the
// returned service knows only its name and operation until Refresh.
func (c AksDeployConfig) OpenService(ctx context.Context, ws *workspace.Workspace, d model.Deployment) (*AksWebservice, error) {
	svc, err := Get(ctx, ws, d.Name)
	if err != nil {
		svc = &AksWebservice{ws: ws, name: d.Name}
		svc.snap.wire = serviceWire{Name: d.Name, State: string(StateTransitioning), ComputeType: computeTypeAKS}
	}
	svc.mu.Lock()
	svc.operationLocation = d.OperationLocation
	svc.mu.Unlock()
	return svc, nil
}

// Get reads the web service named name (GET {MMS}/services/{name}?expand=true).
// A missing service is an error matching ErrNotFound (and unwrapping to the
// *azcore.ResponseError of the 404).
func Get(ctx context.Context, ws *workspace.Workspace, name string) (*AksWebservice, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	raw, err := getService(ctx, ws, name)
	if err != nil {
		return nil, err
	}
	return newService(ws, raw)
}

// Refresh re-reads the service.
func (s *AksWebservice) Refresh(ctx context.Context) error {
	raw, err := getService(ctx, s.ws, s.name)
	if err != nil {
		return err
	}
	var w serviceWire
	if err := decodeJSON(raw, &w); err != nil {
		return err
	}
	s.setSnapshot(w, raw)
	return nil
}

func getService(ctx context.Context, ws *workspace.Workspace, name string) ([]byte, error) {
	req, err := runtime.NewRequest(ctx, http.MethodGet, ws.MMSURL("/services/"+url.PathEscape(name)+"?expand=true"))
	if err != nil {
		return nil, err
	}
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, notFound(name, runtime.NewResponseError(resp))
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, runtime.NewResponseError(resp)
	}
	return runtime.Payload(resp)
}

// checkName applies the service-name rule, as a *ValidationError.
func checkName(name string) error {
	var fe model.FieldError
	if errors.As(model.ValidateServiceName(name), &fe) {
		return &ValidationError{Problems: []Problem{{Field: "Name", Param: "name", Rule: fe.Message}}}
	}
	return nil
}
