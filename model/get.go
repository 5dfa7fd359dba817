package model

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/workspace"
)

// validateID checks a model id "{name}:{version}".
func validateID(field, id string) *FieldError {
	name, ver, ok := strings.Cut(id, ":")
	n, err := strconv.Atoi(ver)
	if !ok || ValidateName(name) != nil || err != nil || n < 1 {
		return &FieldError{Field: field, Message: fmt.Sprintf("model id %q must be \"{name}:{version}\" with a valid model name and a version of 1 or more", id)}
	}
	return nil
}

// Get returns the model with the given id ("{name}:{version}") via
// GET {MMS}/models/{id}. A model that does not exist is an error matching
// ErrNotFound (errors.Is) that also unwraps to the *azcore.ResponseError of
// the 404, as compute.Get and webservice.Get report a missing resource.
func Get(ctx context.Context, ws *workspace.Workspace, id string) (*Model, error) {
	if fe := validateID("id", id); fe != nil {
		return nil, &ValidationError{Op: "Get", Problems: []FieldError{*fe}}
	}
	req, err := runtime.NewRequest(ctx, http.MethodGet, ws.MMSURL("/models/"+url.PathEscape(id)))
	if err != nil {
		return nil, err
	}
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, runtime.NewResponseError(resp))
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, runtime.NewResponseError(resp)
	}
	return readModel(resp)
}

// GetByName returns version of the model called name; version 0 means the
// latest version.
//
// A given version is read with GET {MMS}/models/{name}:{version}. The latest is
// found with GET {MMS}/models?name={name}&latestVersionOnly=true, keeping the
// highest version whose name matches exactly: azureml-core sends count=1 and
// trusts the server's ordering, which the reference leaves unconfirmed, while
// latestVersionOnly asks the service for exactly this. When no model matches,
// the error wraps ErrNotFound.
func GetByName(ctx context.Context, ws *workspace.Workspace, name string, version int) (*Model, error) {
	var p problems
	if err := ValidateName(name); err != nil {
		p.add("name", err.(FieldError).Message)
	}
	if version < 0 {
		p.add("version", fmt.Sprintf("must be 0 (latest) or a version of 1 or more, got %d", version))
	}
	if err := p.err("GetByName"); err != nil {
		return nil, err
	}
	if version > 0 {
		return Get(ctx, ws, name+":"+strconv.Itoa(version))
	}
	pager := NewListPager(ws, &ListOptions{Name: name, LatestVersionOnly: true})
	var best *Model
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range page.Models {
			if m.Name == name && (best == nil || m.Version > best.Version) {
				best = m
			}
		}
	}
	if best == nil {
		return nil, fmt.Errorf("model: no model named %q in workspace %s: %w", name, ws.Name(), ErrNotFound)
	}
	return best, nil
}
