package endpoint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
)

// CreateVersionOptions are the settings of a new version (azureml-core
// create_version). A nil *CreateVersionOptions means the defaults: service
// defaults for every setting, no percentile, not the default, no type.
type CreateVersionOptions struct {
	VersionSettings
	// Properties are the version's key/value properties.
	Properties map[string]string
	// TrafficPercentile is the version's explicit percentile, 0–100.
	TrafficPercentile *float64
	// IsDefault makes the new version the default (and every other version
	// not the default).
	IsDefault bool
	// IsControl makes the new version the control (and every other version a
	// treatment).
	IsControl bool
	// SkipPreflight skips the service's pre-flight validation call.
	SkipPreflight bool
}

// UpdateVersionOptions change a version (azureml-core update_version). Nil
// fields are left unchanged; at least one must be set.
type UpdateVersionOptions struct {
	VersionSettings
	// TrafficPercentile sets the version's explicit percentile, 0–100. Zero
	// is sent (azureml-core drops zero values of the other settings).
	TrafficPercentile *float64
	// IsDefault true makes the version the default and every other version
	// not the default; false makes it not the default (leaving the endpoint
	// without one, which the plan validation refuses).
	IsDefault *bool
	// IsControl true makes the version the control and every other version a
	// treatment; false makes it a treatment.
	IsControl *bool
	// Models, when non-nil, replace the version's models; with
	// InferenceConfig they redeploy the version. Models without an
	// InferenceConfig make a no-code deployment (one model of a no-code
	// framework), as in azureml-core.
	Models []*model.Model
	// InferenceConfig, when set, redeploys the version with a new entry
	// script, source directory or environment (keeping its models unless
	// Models is set).
	InferenceConfig *model.InferenceConfig
	// SkipPreflight skips the service's pre-flight validation call.
	SkipPreflight bool
}

// DeleteVersionOptions tunes DeleteVersion. A nil *DeleteVersionOptions means
// the defaults.
type DeleteVersionOptions struct {
	// SkipPreflight skips the service's pre-flight validation call.
	SkipPreflight bool
}

// CreateVersion adds a version to the endpoint (azureml-core create_version)
// and returns the operation deploying it.
//
// It checks its input in two steps, each reporting every problem at once
// (the errors are joined; reach each with errors.As). First, before any
// request, what is wrong whatever the endpoint holds: the version name
// (service-name rule, not the endpoint's name) and percentile (0–100) as a
// *PlanError, the settings (webservice.AksDeployConfig rules) as a
// *webservice.ValidationError, the models and inference configuration as a
// *model.ValidationError. Then, after reading the endpoint, the traffic plan
// the endpoint would have (*PlanError: the version does not exist yet, at
// most six versions, one default, one control, percentiles totalling at most
// 100).
//
// Then it uploads the driver and source package and sends the §6.2 JSON
// Patch: the flips of the other versions' isDefault (IsDefault) and type
// (IsControl), then the new version with computeType AKS on the endpoint's
// compute.
func (e *AksEndpoint) CreateVersion(ctx context.Context, version string, models []*model.Model, ic *model.InferenceConfig, opts *CreateVersionOptions) (*Operation, error) {
	if opts == nil {
		opts = &CreateVersionOptions{}
	}
	cfg := opts.deployConfig()
	ps := e.versionProblems(OpCreate, version, opts.TrafficPercentile)
	if err := errors.Join(ps.err(), cfg.Validate(), validateModels("CreateVersion", models, ic)); err != nil {
		return nil, err
	}
	if err := e.Refresh(ctx); err != nil {
		return nil, err
	}
	change, err := e.TrafficPlan().Apply(VersionOp{Kind: OpCreate, Version: version, TrafficPercentile: opts.TrafficPercentile,
		IsDefault: &opts.IsDefault, IsControl: &opts.IsControl})
	if err != nil {
		return nil, err
	}
	eir, err := buildImageRequest(ctx, e, ic, modelIDs(models))
	if err != nil {
		return nil, err
	}
	body, err := cfg.CreateBody(model.CreateRequest{Name: version, ComputeName: e.ComputeName(), EnvironmentImageRequest: eir})
	if err != nil {
		return nil, err
	}
	patch, err := createVersionPatch(e.otherVersions(version), version, body, versionFlags{
		TrafficPercentile: opts.TrafficPercentile, IsDefault: &opts.IsDefault, IsControl: &opts.IsControl,
	})
	if err != nil {
		return nil, err
	}
	return e.send(ctx, patch, opts.SkipPreflight, change)
}

// UpdateVersion changes a version (azureml-core update_version) and returns
// the operation applying the change.
//
// Like CreateVersion it checks in two steps, each reporting every problem at
// once. Before any request: nothing to update (a *webservice.ValidationError
// that IsNoUpdate also reports), the version name and percentile
// (*PlanError), each setting on its own (*webservice.ValidationError), the
// models and inference configuration (*model.ValidationError). After reading
// the endpoint: the settings against the version's current ones (a limit
// below its request, a replica count while autoscaling, …) and the traffic
// plan the endpoint would have (*PlanError).
//
// The §6.2 ops go out in azureml-core's order, with the flips of the other
// versions' isDefault and type when IsDefault or IsControl is true.
func (e *AksEndpoint) UpdateVersion(ctx context.Context, version string, opts UpdateVersionOptions) (*Operation, error) {
	if opts.isZero() {
		return nil, newNoUpdateError("UpdateVersionOptions",
			"a setting, TrafficPercentile, IsDefault, IsControl, Models or InferenceConfig")
	}
	var errs []error
	errs = append(errs, e.versionProblems(OpUpdate, version, opts.TrafficPercentile).err(),
		validateSettingsUpdate(VersionSettings{}, opts.VersionSettings))
	switch {
	case opts.Models != nil:
		errs = append(errs, validateModels("UpdateVersion", opts.Models, opts.InferenceConfig))
	case opts.InferenceConfig != nil:
		errs = append(errs, opts.InferenceConfig.Validate())
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := e.Refresh(ctx); err != nil {
		return nil, err
	}
	var current VersionSettings
	var currentModels []string
	if v, ok := e.Version(version); ok {
		current, currentModels = v.Settings, v.ModelIDs
	}
	change, planErr := e.TrafficPlan().Apply(VersionOp{Kind: OpUpdate, Version: version,
		TrafficPercentile: opts.TrafficPercentile, IsDefault: opts.IsDefault, IsControl: opts.IsControl})
	if err := errors.Join(validateSettingsUpdate(current, opts.VersionSettings), planErr); err != nil {
		return nil, err
	}
	var eir json.RawMessage
	if opts.Models != nil || opts.InferenceConfig != nil {
		ids := currentModels
		if opts.Models != nil {
			ids = modelIDs(opts.Models)
		}
		var err error
		if eir, err = buildImageRequest(ctx, e, opts.InferenceConfig, ids); err != nil {
			return nil, err
		}
	}
	patch := updateVersionPatch(e.otherVersions(version), version, opts.VersionSettings, versionFlags{
		TrafficPercentile: opts.TrafficPercentile, IsDefault: opts.IsDefault, IsControl: opts.IsControl,
	}, eir)
	return e.send(ctx, patch, opts.SkipPreflight, change)
}

// versionProblems returns the traffic rules a version operation breaks
// whatever the endpoint holds: the version name (for a create, also not the
// endpoint's name) and the explicit percentile.
func (e *AksEndpoint) versionProblems(kind OpKind, version string, pct *float64) planProblems {
	var ps planProblems
	if msg := nameProblem(version); msg != "" {
		ps.add(RuleVersionName, version, "version name %s %s", quoteName(version), msg)
	} else if kind == OpCreate && version == e.name {
		ps.add(RuleEndpointName, version, "version name %s must differ from the endpoint name: endpoint-level updates (auth, App Insights) of an endpoint with such a version fail (MicrosoftDocs/azure-docs#53364)", quoteName(version))
	}
	if pct != nil && !(*pct >= 0 && *pct <= 100) { // also catches NaN
		ps.add(RulePercentile, version, "version %s: traffic percentile %s must be within 0–100", quoteName(version), formatPercent(*pct))
	}
	return ps
}

// DeleteVersion removes a version (azureml-core delete_version: one "remove
// /versions/{version}" op) and returns the operation. It refuses, before
// sending, a delete that leaves the endpoint without a default version: make
// another version the default first, or delete the endpoint.
func (e *AksEndpoint) DeleteVersion(ctx context.Context, version string, opts *DeleteVersionOptions) (*Operation, error) {
	if opts == nil {
		opts = &DeleteVersionOptions{}
	}
	if err := e.Refresh(ctx); err != nil {
		return nil, err
	}
	change, err := e.TrafficPlan().Apply(VersionOp{Kind: OpDelete, Version: version})
	if err != nil {
		return nil, err
	}
	return e.send(ctx, deleteVersionPatch(version), opts.SkipPreflight, change)
}

// PlanVersionChange applies ops to the endpoint's current plan (read now)
// and returns the change with its problems, without sending anything: a dry
// run of CreateVersion / UpdateVersion / DeleteVersion for traffic.
func (e *AksEndpoint) PlanVersionChange(ctx context.Context, ops ...VersionOp) (PlanChange, error) {
	if err := e.Refresh(ctx); err != nil {
		return PlanChange{}, err
	}
	return e.TrafficPlan().Apply(ops...)
}

// send sends a patch and returns its operation.
//
// The PATCH is never sent twice. When its answer is lost (an error matching
// workspace.ErrOutcomeUnknown: the connection broke after it was sent,
// TryTimeout, truncated JSON), send reads the endpoint again: if it now names
// an operation other than the one the read before the change showed, the
// change took effect and that operation is returned; otherwise the error
// still matches workspace.ErrOutcomeUnknown and says what to check.
func (e *AksEndpoint) send(ctx context.Context, patch []patchOp, skipPreflight bool, change PlanChange) (*Operation, error) {
	before := e.get().OperationID // read by the caller's Refresh
	loc, err := e.sendPatch(ctx, patch, skipPreflight)
	if errors.Is(err, workspace.ErrOutcomeUnknown) {
		loc, err = e.startedOperation(ctx, before, err)
	}
	if err != nil {
		return nil, err
	}
	return &Operation{ep: e, location: loc, change: change}, nil
}

// startedOperation handles a PATCH whose answer was lost (see send).
func (e *AksEndpoint) startedOperation(ctx context.Context, before string, lost error) (string, error) {
	const check = "read the endpoint (Refresh) and check its versions and traffic plan before repeating the change"
	if err := e.Refresh(ctx); err != nil {
		return "", fmt.Errorf("endpoint: the answer to the change of endpoint %s was lost, and reading the endpoint failed too (%v): %s: %w", e.name, err, check, lost)
	}
	if after := e.get().OperationID; after != "" && after != before {
		return e.ws.MMSURL("/operations/" + url.PathEscape(after)), nil
	}
	return "", fmt.Errorf("endpoint: the answer to the change of endpoint %s was lost, and the endpoint shows no new operation (yet): the change did not take effect, or the service is still working on it; %s: %w", e.name, check, lost)
}

// otherVersions lists the versions other than version, sorted by name: the
// order of the isDefault / type flips.
func (e *AksEndpoint) otherVersions(version string) []string {
	var out []string
	for _, name := range sortedKeys(e.get().Versions) {
		if name != version {
			out = append(out, name)
		}
	}
	return out
}

// deployConfig is the AKS configuration of a new version.
func (o *CreateVersionOptions) deployConfig() webservice.AksDeployConfig {
	s := o.VersionSettings
	return webservice.AksDeployConfig{
		AutoscaleEnabled: s.AutoscaleEnabled, AutoscaleMinReplicas: s.AutoscaleMinReplicas,
		AutoscaleMaxReplicas: s.AutoscaleMaxReplicas, AutoscaleRefreshSeconds: s.AutoscaleRefreshSeconds,
		AutoscaleTargetUtilization: s.AutoscaleTargetUtilization, CollectModelData: s.CollectModelData,
		CPUCores: s.CPUCores, CPUCoresLimit: s.CPUCoresLimit, MemoryGB: s.MemoryGB, MemoryGBLimit: s.MemoryGBLimit,
		GPUCores: s.GPUCores, ScoringTimeoutMs: s.ScoringTimeoutMs, ReplicaMaxConcurrentRequests: s.ReplicaMaxConcurrentRequests,
		MaxRequestWaitTimeMs: s.MaxRequestWaitTimeMs, NumReplicas: s.NumReplicas,
		PeriodSeconds: s.PeriodSeconds, InitialDelaySeconds: s.InitialDelaySeconds, TimeoutSeconds: s.TimeoutSeconds,
		SuccessThreshold: s.SuccessThreshold, FailureThreshold: s.FailureThreshold,
		Tags: s.Tags, Description: s.Description, Properties: o.Properties,
	}
}

func (o UpdateVersionOptions) isZero() bool {
	return o.VersionSettings.isZero() && o.TrafficPercentile == nil && o.IsDefault == nil && o.IsControl == nil &&
		o.Models == nil && o.InferenceConfig == nil
}

// validateModels applies model.Deploy's rules to the models of a version; op
// names the call in the *model.ValidationError.
func validateModels(op string, models []*model.Model, ic *model.InferenceConfig) error {
	var ps []model.FieldError
	for i, m := range models {
		if m == nil || m.ID == "" {
			ps = append(ps, model.FieldError{Field: fmt.Sprintf("models[%d]", i), Message: "a registered model (with an id) is required"})
		}
	}
	if len(models) > 1000 {
		ps = append(ps, model.FieldError{Field: "models", Message: fmt.Sprintf("the number of models to be deployed is limited to 1000 per deployment (per container); got %d", len(models))})
	}
	if ic == nil {
		switch {
		case len(models) != 1:
			ps = append(ps, model.FieldError{Field: "inferenceConfig", Message: fmt.Sprintf("a version without an InferenceConfig (no-code deployment) needs exactly one model; got %d", len(models))})
		case models[0] != nil && !models[0].Framework.SupportsNoCodeDeploy():
			ps = append(ps, model.FieldError{Field: "inferenceConfig", Message: fmt.Sprintf("model %s has framework %q, which cannot be deployed without an InferenceConfig", models[0].ID, models[0].Framework)})
		}
	} else if err := ic.Validate(); err != nil {
		var ve *model.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		ps = append(ps, ve.Problems...)
	}
	if len(ps) == 0 {
		return nil
	}
	return &model.ValidationError{Op: op, Problems: ps}
}

func modelIDs(models []*model.Model) []string {
	ids := make([]string, 0, len(models))
	for _, m := range models {
		if m != nil {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// buildImageRequest uploads what a version needs and returns the wire JSON
// of its environmentImageRequest.
func buildImageRequest(ctx context.Context, e *AksEndpoint, ic *model.InferenceConfig, ids []string) (json.RawMessage, error) {
	eir, err := model.BuildEnvironmentImageRequest(ctx, e.ws, ic, ids)
	if err != nil {
		return nil, err
	}
	return json.Marshal(eir)
}
