package endpoint

import (
	"context"
	"errors"
	"fmt"

	"github.com/azureml-go/azureml/webservice"
)

// UpdateOptions tunes Update. A nil *UpdateOptions means the defaults.
type UpdateOptions struct {
	// SkipPreflight skips the service's pre-flight validation call.
	SkipPreflight bool
}

// Update changes the endpoint itself (azureml-core AksEndpoint.update):
// authentication, App Insights, tags, description and properties. It reads
// the endpoint first and reports every problem before sending, as a
// *webservice.ValidationError: nothing to update; key and token
// authentication both on (after the change); a property key the endpoint
// already has (properties are add-only).
func (e *AksEndpoint) Update(ctx context.Context, u EndpointUpdate, opts *UpdateOptions) (*Operation, error) {
	if opts == nil {
		opts = &UpdateOptions{}
	}
	if u.AuthEnabled == nil && u.TokenAuthEnabled == nil && u.EnableAppInsights == nil &&
		u.Description == nil && u.Tags == nil && u.Properties == nil {
		return nil, errNoUpdate
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
		rule := "cannot both be true"
		if u.AuthEnabled == nil || u.TokenAuthEnabled == nil {
			rule = "cannot both be true: the endpoint has the other one on; set it to false in the same update"
		}
		ps = append(ps, webservice.Problem{Field: "AuthEnabled/TokenAuthEnabled", Param: "auth_enabled/token_auth_enabled", Rule: rule})
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

// IsNoUpdate reports whether err says that an Update or UpdateVersion was
// called with nothing to change.
func IsNoUpdate(err error) bool {
	return errors.Is(err, errNoUpdate) || errors.Is(err, errNoVersionUpdate)
}
