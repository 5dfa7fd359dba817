package compute

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/workspace"
)

// computePath returns "/computes/{name}" with the name escaped.
func computePath(name string) string { return "/computes/" + url.PathEscape(name) }

// rpComputeURL is the regional RP URL of a compute (reads).
func rpComputeURL(ws *workspace.Workspace, name string) string {
	return ws.RPURL(computePath(name) + "?api-version=" + APIVersion)
}

// armComputeURL is the ARM URL of a compute (writes), with extra query parameters.
func armComputeURL(ws *workspace.Workspace, name, suffix, query string) string {
	u := ws.ARMResourceURL(computePath(name)+suffix) + "?api-version=" + APIVersion
	if query != "" {
		u += "&" + query
	}
	return u
}

// checkLookupName rejects names that cannot be a path segment. Get accepts names that
// ValidateName would refuse, since older computes may have them.
func checkLookupName(name string) error {
	if name == "" || strings.ContainsAny(name, "/?#") {
		return &ValidationError{Operation: "compute name", Problems: []Problem{{Field: "name", Rule: RuleNameFormat,
			Message: fmt.Sprintf("%q is not a compute name", name)}}}
	}
	return nil
}

// Get reads an AKS compute from the workspace's regional resource provider. A missing
// compute gives a *NotFoundError (errors.Is ErrNotFound; errors.As also reaches the
// *azcore.ResponseError); a compute of another type a *WrongTypeError.
func Get(ctx context.Context, ws *workspace.Workspace, name string) (*AksCompute, error) {
	if ws == nil {
		return nil, errNilWorkspace
	}
	if err := checkLookupName(name); err != nil {
		return nil, err
	}
	s, err := getSnapshot(ctx, ws, name)
	if err != nil {
		return nil, err
	}
	return newAksCompute(ws, s), nil
}

// getRaw GETs the compute document.
func getRaw(ctx context.Context, ws *workspace.Workspace, name string) ([]byte, error) {
	req, err := runtime.NewRequest(ctx, http.MethodGet, rpComputeURL(ws, name))
	if err != nil {
		return nil, err
	}
	req.Raw().Header.Set("Accept", "application/json")
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	switch {
	case runtime.HasStatusCode(resp, http.StatusOK):
		return runtime.Payload(resp)
	case runtime.HasStatusCode(resp, http.StatusNotFound):
		return nil, &NotFoundError{Name: name, Workspace: ws.Name(), Err: runtime.NewResponseError(resp)}
	}
	return nil, runtime.NewResponseError(resp)
}

func getSnapshot(ctx context.Context, ws *workspace.Workspace, name string) (snapshot, error) {
	body, err := getRaw(ctx, ws, name)
	if err != nil {
		return snapshot{}, err
	}
	s, err := parseCompute(body)
	if err != nil {
		return snapshot{}, err
	}
	if s.computeType != computeTypeAKS {
		return snapshot{}, &WrongTypeError{Name: name, ComputeType: s.computeType}
	}
	if s.name == "" {
		s.name = name
	}
	return s, nil
}

// Refresh reads the compute again and updates this value.
func (c *AksCompute) Refresh(ctx context.Context) error {
	if c.ws == nil {
		return errNoWorkspace
	}
	s, err := getSnapshot(ctx, c.ws, c.Name())
	if err != nil {
		return err
	}
	c.set(s)
	return nil
}

// GetStatus reads the compute again and returns its provisioning state, like get_status
// in azureml-core.
func (c *AksCompute) GetStatus(ctx context.Context) (ProvisioningState, error) {
	if err := c.Refresh(ctx); err != nil {
		return "", err
	}
	return c.ProvisioningState(), nil
}
