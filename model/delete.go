package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/internal/pipeline"
	"github.com/azureml-go/azureml/workspace"
)

// InUseError is returned by Delete when the service refuses (412) because
// deployments still use the model. errors.As also reaches the underlying
// *azcore.ResponseError.
type InUseError struct {
	// ModelID is the model that was not deleted.
	ModelID string
	// Services names what uses the model, as far as the service says.
	Services []string
	// Err is the service's response.
	Err *azcore.ResponseError
}

// Error implements error.
func (e *InUseError) Error() string {
	users := "services (the service did not name them)"
	if len(e.Services) > 0 {
		users = "services " + strings.Join(e.Services, ", ")
	}
	return fmt.Sprintf("model: cannot delete model %s: it is used by %s; delete those services or deploy them without this model first", e.ModelID, users)
}

// Unwrap returns the *azcore.ResponseError.
func (e *InUseError) Unwrap() error { return e.Err }

// Delete deletes a model version (DELETE {MMS}/models/{id}, 200 or 204).
// When services still use it the service answers 412 and Delete returns an
// *InUseError naming them. A 404 on a retried attempt (the first attempt
// deleted the model but its answer was lost) counts as success.
func Delete(ctx context.Context, ws *workspace.Workspace, id string) error {
	if fe := validateID("id", id); fe != nil {
		return &ValidationError{Op: "Delete", Problems: []FieldError{*fe}}
	}
	req, err := runtime.NewRequest(ctx, http.MethodDelete, ws.MMSURL("/models/"+url.PathEscape(id)))
	if err != nil {
		return err
	}
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return err
	}
	switch {
	case runtime.HasStatusCode(resp, http.StatusOK, http.StatusNoContent):
		_ = resp.Body.Close()
		return nil
	case resp.StatusCode == http.StatusNotFound && pipeline.Attempts(resp) > 1:
		_ = resp.Body.Close()
		return nil
	case resp.StatusCode == http.StatusPreconditionFailed:
		body, _ := runtime.Payload(resp)
		rerr := runtime.NewResponseError(resp)
		var re *azcore.ResponseError
		errors.As(rerr, &re)
		return &InUseError{ModelID: id, Services: servicesInError(body), Err: re}
	default:
		return runtime.NewResponseError(resp)
	}
}

// servicesInError reads the names of the services using a model from a 412
// body: the targets of its details, in the MMS error shape.
func servicesInError(body []byte) []string {
	var e struct {
		Details []struct {
			Target string `json:"target"`
		} `json:"details"`
	}
	if json.Unmarshal(body, &e) != nil {
		return nil
	}
	var out []string
	for _, d := range e.Details {
		if d.Target != "" {
			out = append(out, d.Target)
		}
	}
	return out
}
