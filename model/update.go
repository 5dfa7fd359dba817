package model

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"

	"github.com/azureml-go/azureml/internal/pipeline"
	"github.com/azureml-go/azureml/workspace"
)

// UpdateOptions says what Update changes; unset fields are left alone.
type UpdateOptions struct {
	// AddTags adds tags or changes their values.
	AddTags map[string]string
	// RemoveTags removes tags; keys the model does not have are ignored.
	RemoveTags []string
	// AddProperties adds properties. Properties are immutable: a key the model
	// already has is refused before any change is sent.
	AddProperties map[string]string
	// Description, when non-nil, replaces the description.
	Description *string
}

// patchOp is one JSON Patch operation.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// Update changes a model's tags, properties or description (azureml-core
// Model.update / add_tags / remove_tags / add_properties). It reads the model,
// merges the changes client-side and sends
// PATCH {MMS}/models/{id} (Content-Type application/json-patch+json) with
// {"op":"replace","path":"/description"}, {"op":"replace","path":"/kvTags"}
// and {"op":"add","path":"/properties"} carrying the merged values, as
// azureml-core does. A concurrent update between the read and the PATCH is
// overwritten. Returns the updated model.
func Update(ctx context.Context, ws *workspace.Workspace, id string, opts UpdateOptions) (*Model, error) {
	var p problems
	if fe := validateID("id", id); fe != nil {
		p = append(p, *fe)
	}
	validateKV("AddTags", opts.AddTags, &p)
	validateKV("AddProperties", opts.AddProperties, &p)
	if len(opts.AddTags) == 0 && len(opts.RemoveTags) == 0 && len(opts.AddProperties) == 0 && opts.Description == nil {
		p.add("", "nothing to update: set AddTags, RemoveTags, AddProperties or Description")
	}
	for _, k := range opts.RemoveTags {
		if _, both := opts.AddTags[k]; both {
			p.add("RemoveTags", fmt.Sprintf("tag %q is both added and removed", k))
		}
	}
	if err := p.err("Update"); err != nil {
		return nil, err
	}
	cur, err := Get(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	ops, err := updatePatch(cur, opts)
	if err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return cur, nil
	}
	return patchModel(ctx, ws, id, ops)
}

// updatePatch builds the JSON Patch from the current model and the changes.
func updatePatch(cur *Model, opts UpdateOptions) ([]patchOp, error) {
	var p problems
	keys := sortedKeys(opts.AddProperties)
	for _, k := range keys {
		if _, exists := cur.Properties[k]; exists {
			p.add("AddProperties", fmt.Sprintf("properties are immutable: model %s already has property %q", cur.ID, k))
		}
	}
	if err := p.err("Update"); err != nil {
		return nil, err
	}
	var ops []patchOp
	if opts.Description != nil {
		ops = append(ops, patchOp{Op: "replace", Path: "/description", Value: *opts.Description})
	}
	if len(opts.AddTags) > 0 || len(opts.RemoveTags) > 0 {
		tags := make(map[string]string, len(cur.Tags)+len(opts.AddTags))
		for k, v := range cur.Tags {
			tags[k] = v
		}
		for k, v := range opts.AddTags {
			tags[k] = v
		}
		for _, k := range opts.RemoveTags {
			delete(tags, k)
		}
		ops = append(ops, patchOp{Op: "replace", Path: "/kvTags", Value: tags})
	}
	if len(opts.AddProperties) > 0 {
		props := make(map[string]string, len(cur.Properties)+len(opts.AddProperties))
		for k, v := range cur.Properties {
			props[k] = v
		}
		for k, v := range opts.AddProperties {
			props[k] = v
		}
		ops = append(ops, patchOp{Op: "add", Path: "/properties", Value: props})
	}
	return ops, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// patchModel sends a JSON Patch. It is retried like a PUT: every operation
// carries the complete new value, so applying it twice gives the same model.
func patchModel(ctx context.Context, ws *workspace.Workspace, id string, ops []patchOp) (*Model, error) {
	body, err := json.Marshal(ops)
	if err != nil {
		return nil, err
	}
	req, err := runtime.NewRequest(pipeline.WithIdempotent(ctx), http.MethodPatch, ws.MMSURL("/models/"+url.PathEscape(id)))
	if err != nil {
		return nil, err
	}
	if err := req.SetBody(streaming.NopCloser(bytes.NewReader(body)), "application/json-patch+json; charset=utf-8"); err != nil {
		return nil, err
	}
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, runtime.NewResponseError(resp)
	}
	return readModel(resp)
}
