package model

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/workspace"
)

// adoptCreatedService handles a create request whose answer was lost (the
// POST is never sent twice): it reads the service by its name and, when the
// service is the one this call created, returns the location of its
// operation, so that Deploy goes on as if the answer had arrived.
//
// The service is this call's when it carries this call's driver program (a
// fresh upload named "driver_<random>.py"), or — when the service does not
// echo the environmentImageRequest, or for a no-code deployment — when the
// pre-flight name check confirmed just before that no service had the name.
// Otherwise the error matches workspace.ErrOutcomeUnknown and says how to
// check.
func adoptCreatedService(ctx context.Context, ws *workspace.Workspace, name string, eir *EnvironmentImageRequest, nameWasFree bool, lost error) (string, error) {
	unknown := func(why string) error {
		return fmt.Errorf("model: the answer to the request creating service %s was lost, and %s: read the service (webservice.Get) before deploying again: %w", name, why, lost)
	}
	req, err := runtime.NewRequest(ctx, http.MethodGet, ws.MMSURL("/services/"+url.PathEscape(name)))
	if err != nil {
		return "", unknown("it could not be read back")
	}
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return "", unknown(fmt.Sprintf("reading it back failed too (%v)", err))
	}
	if resp.StatusCode == http.StatusNotFound {
		return "", unknown("no service of that name exists (yet): it was not created, or the service is still working on it")
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return "", unknown(fmt.Sprintf("reading it back failed too (HTTP %d)", resp.StatusCode))
	}
	var got struct {
		OperationID             string `json:"operationId"`
		EnvironmentImageRequest *struct {
			DriverProgram string `json:"driverProgram"`
		} `json:"environmentImageRequest"`
	}
	raw, err := runtime.Payload(resp)
	if err != nil || json.Unmarshal(raw, &got) != nil {
		return "", unknown("its description could not be read")
	}
	echoed := got.EnvironmentImageRequest != nil && got.EnvironmentImageRequest.DriverProgram != ""
	ours := false
	switch {
	case echoed && eir != nil && eir.DriverProgram != "":
		ours = got.EnvironmentImageRequest.DriverProgram == eir.DriverProgram
	default:
		ours = nameWasFree
	}
	if !ours {
		return "", unknown("a service of that name exists that this call cannot tell apart from one created earlier")
	}
	if got.OperationID == "" {
		return "", unknown("the service names no operation to wait for")
	}
	return ws.MMSURL("/operations/" + url.PathEscape(got.OperationID)), nil
}
