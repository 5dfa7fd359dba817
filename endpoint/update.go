package endpoint

import (
	"context"
	"fmt"

	"github.com/azureml-go/azureml/webservice"
)

// UpdateOptions tunes Update. A nil *UpdateOptions means the defaults.
type UpdateOptions struct {
	// SkipPreflight skips the service's pre-flight validation call.
	SkipPreflight bool
}

// Update changes the endpoint itself (azureml-core AksEndpoint.update):
// authentication, App Insights, tags, description and properties.
//
// Problems are reported as a *webservice.ValidationError, every one at once
// in each of two steps. Before any request: nothing to update (IsNoUpdate
// also reports it), key and token authentication both set to true, an empty
// property key. Then, after reading the endpoint: key and token
// authentication both on once the change is applied (the update turns one
// on while the endpoint has the other), and a property key the endpoint
// already has (properties are add-only).
func (e *AksEndpoint) Update(ctx context.Context, u EndpointUpdate, opts *UpdateOptions) (*Operation, error) {
	if opts == nil {
		opts = &UpdateOptions{}
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := e.Refresh(ctx); err != nil {
		return nil, err
	}
	var ps []webservice.Problem
	keyAuth, tokenAuth := e.AuthEnabled(), e.TokenAuthEnabled()
	if u.AuthEnabled != nil {
		keyAuth = *u.AuthEnabled
	}
	if u.TokenAuthEnabled != nil {
		tokenAuth = *u.TokenAuthEnabled
	}
	if keyAuth && tokenAuth {
		ps = append(ps, webservice.Problem{Field: "AuthEnabled/TokenAuthEnabled", Param: "auth_enabled/token_auth_enabled",
			Rule: "cannot both be true: the endpoint has the other one on; set it to false in the same update"})
	}
	current := e.Properties()
	for _, k := range sortedKeys(u.Properties) {
		if _, ok := current[k]; ok {
			ps = append(ps, webservice.Problem{Field: "Properties", Param: "properties",
				Rule: fmt.Sprintf("are immutable: %s is already set on the endpoint", quoteName(k))})
		}
	}
	if len(ps) > 0 {
		return nil, &webservice.ValidationError{Problems: ps}
	}
	op, err := e.send(ctx, endpointUpdatePatch(u), opts.SkipPreflight, PlanChange{Before: e.TrafficPlan(), After: e.TrafficPlan()})
	if err != nil {
		return nil, err
	}
	if u.AuthEnabled != nil || u.TokenAuthEnabled != nil {
		// The scoring credential follows the auth mode: read it afresh.
		e.setService(nil)
		op.authChange = true
	}
	return op, nil
}

// Validate checks what can be checked without the endpoint, as Update does
// before any request, and returns every problem as a
// *webservice.ValidationError, or nil: nothing to update (IsNoUpdate also
// reports it), key and token authentication both set to true, an empty
// property key. The rules that need the endpoint (the other auth mode
// already on, a property already set) are Update's, after it reads it.
func (u EndpointUpdate) Validate() error {
	if u.AuthEnabled == nil && u.TokenAuthEnabled == nil && u.EnableAppInsights == nil &&
		u.Description == nil && u.Tags == nil && u.Properties == nil {
		return newNoUpdateError("EndpointUpdate", "AuthEnabled, TokenAuthEnabled, EnableAppInsights, Description, Tags or Properties")
	}
	var ps []webservice.Problem
	if isTrue(u.AuthEnabled) && isTrue(u.TokenAuthEnabled) {
		ps = append(ps, webservice.Problem{Field: "AuthEnabled/TokenAuthEnabled", Param: "auth_enabled/token_auth_enabled", Rule: "cannot both be true"})
	}
	if _, ok := u.Properties[""]; ok {
		ps = append(ps, webservice.Problem{Field: "Properties", Param: "properties", Rule: "keys must not be empty"})
	}
	if len(ps) > 0 {
		return &webservice.ValidationError{Problems: ps}
	}
	return nil
}
