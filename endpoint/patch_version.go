package endpoint

import (
	"encoding/json"
	"errors"
	"fmt"
)

// versionTypeTreatment etc. as wire strings.
const (
	wireControl   = string(VersionTypeControl)
	wireTreatment = string(VersionTypeTreatment)
)

// versionFlags are the traffic fields of create_version / update_version.
type versionFlags struct {
	TrafficPercentile *float64
	IsDefault         *bool
	IsControl         *bool
}

// createVersionPatch builds the create_version patch of reference §6.2:
// when the new version becomes the default, "replace
// /versions/{other}/isDefault false" for every other version; when it becomes
// the control, "replace /versions/{other}/type Treatment" for every other
// version; then "add /versions/{version}" whose value is the full AKS version
// body plus trafficPercentile (when set), isDefault true and type Control (each
// only when chosen). others are the endpoint's other versions, in the order
// the ops are sent.
func createVersionPatch(others []string, version string, body json.RawMessage, f versionFlags) ([]patchOp, error) {
	value, err := decodeObject(body)
	if err != nil {
		return nil, fmt.Errorf("endpoint: version body: %w", err)
	}
	var ops []patchOp
	isDefault := f.IsDefault != nil && *f.IsDefault
	isControl := f.IsControl != nil && *f.IsControl
	if isDefault {
		for _, o := range others {
			ops = append(ops, replace(versionPath(o, "isDefault"), false))
		}
	}
	if isControl {
		for _, o := range others {
			ops = append(ops, replace(versionPath(o, "type"), wireTreatment))
		}
	}
	if f.TrafficPercentile != nil {
		pct, err := json.Marshal(*f.TrafficPercentile)
		if err != nil { // NaN or ±Inf; Validate refuses them first
			return nil, fmt.Errorf("endpoint: traffic percentile: %w", err)
		}
		value["trafficPercentile"] = pct
	}
	if isDefault {
		value["isDefault"] = json.RawMessage("true")
	}
	if isControl {
		value["type"] = json.RawMessage(`"` + wireControl + `"`)
	}
	return append(ops, patchOp{Op: opAdd, Path: versionPath(version), Value: value}), nil
}

// updateVersionPatch builds the update_version patch of reference §6.2, in
// azureml-core's order: isDefault (true for the version, false for the
// others, or false for the version alone), type (Control for the version,
// Treatment for the others, or Treatment for the version alone),
// environmentImageRequest, autoScaler/*, dataCollection/storageEnabled,
// containerResourceRequirements/*, scoringTimeoutMs,
// maxConcurrentRequestsPerContainer, maxQueueWaitMs, numReplicas,
// livenessProbeRequirements/*, trafficPercentile, description and tags (the
// whole map, at /versions/{v}/tags — not kvTags).
func updateVersionPatch(others []string, version string, s VersionSettings, f versionFlags, envImageRequest json.RawMessage) []patchOp {
	var ops []patchOp
	put := func(v any, rest ...string) { ops = append(ops, replace(versionPath(version, rest...), v)) }
	if f.IsDefault != nil {
		put(*f.IsDefault, "isDefault")
		if *f.IsDefault {
			for _, o := range others {
				ops = append(ops, replace(versionPath(o, "isDefault"), false))
			}
		}
	}
	if f.IsControl != nil {
		if *f.IsControl {
			put(wireControl, "type")
			for _, o := range others {
				ops = append(ops, replace(versionPath(o, "type"), wireTreatment))
			}
		} else {
			put(wireTreatment, "type")
		}
	}
	if len(envImageRequest) > 0 {
		put(json.RawMessage(envImageRequest), "environmentImageRequest")
	}
	opt(put, s.AutoscaleEnabled, "autoScaler", "autoscaleEnabled")
	opt(put, s.AutoscaleMinReplicas, "autoScaler", "minReplicas")
	opt(put, s.AutoscaleMaxReplicas, "autoScaler", "maxReplicas")
	opt(put, s.AutoscaleRefreshSeconds, "autoScaler", "refreshPeriodInSeconds")
	opt(put, s.AutoscaleTargetUtilization, "autoScaler", "targetUtilization")
	opt(put, s.CollectModelData, "dataCollection", "storageEnabled")
	opt(put, s.CPUCores, "containerResourceRequirements", "cpu")
	opt(put, s.CPUCoresLimit, "containerResourceRequirements", "cpuLimit")
	opt(put, s.MemoryGB, "containerResourceRequirements", "memoryInGB")
	opt(put, s.MemoryGBLimit, "containerResourceRequirements", "memoryInGBLimit")
	opt(put, s.GPUCores, "containerResourceRequirements", "gpu")
	opt(put, s.ScoringTimeoutMs, "scoringTimeoutMs")
	opt(put, s.ReplicaMaxConcurrentRequests, "maxConcurrentRequestsPerContainer")
	opt(put, s.MaxRequestWaitTimeMs, "maxQueueWaitMs")
	opt(put, s.NumReplicas, "numReplicas")
	opt(put, s.PeriodSeconds, "livenessProbeRequirements", "periodSeconds")
	opt(put, s.InitialDelaySeconds, "livenessProbeRequirements", "initialDelaySeconds")
	opt(put, s.TimeoutSeconds, "livenessProbeRequirements", "timeoutSeconds")
	opt(put, s.SuccessThreshold, "livenessProbeRequirements", "successThreshold")
	opt(put, s.FailureThreshold, "livenessProbeRequirements", "failureThreshold")
	opt(put, f.TrafficPercentile, "trafficPercentile")
	opt(put, s.Description, "description")
	if s.Tags != nil {
		put(s.Tags, "tags")
	}
	return ops
}

// opt adds a replace op for a set pointer.
func opt[T any](put func(v any, rest ...string), p *T, rest ...string) {
	if p != nil {
		put(*p, rest...)
	}
}

// deleteVersionPatch is the single op of delete_version.
func deleteVersionPatch(version string) []patchOp {
	return []patchOp{{Op: opRemove, Path: versionPath(version)}}
}

// EndpointUpdate is what an endpoint-level update changes (azureml-core
// AksEndpoint.update). Nil fields are left unchanged.
type EndpointUpdate struct {
	// AuthEnabled turns key authentication on or off (authEnabled). Cannot be
	// true together with TokenAuthEnabled.
	AuthEnabled *bool
	// TokenAuthEnabled turns token authentication on or off (aadAuthEnabled).
	TokenAuthEnabled *bool
	// EnableAppInsights turns Application Insights on or off (appInsightsEnabled).
	EnableAppInsights *bool
	// Description replaces the description.
	Description *string
	// Tags, when non-nil, replace all tags (kvTags); an empty map removes them.
	Tags map[string]string
	// Properties are added to the endpoint's properties. Properties are
	// add-only: a key the endpoint already has is refused.
	Properties map[string]string
}

// endpointUpdatePatch builds the endpoint-level update patch of reference
// §6.2: replace /authEnabled, /aadAuthEnabled, /appInsightsEnabled, /kvTags,
// /description, then add /properties/{key} per property (sorted by key).
func endpointUpdatePatch(u EndpointUpdate) []patchOp {
	var ops []patchOp
	put := func(v any, tokens ...string) { ops = append(ops, replace(pointer(tokens...), v)) }
	opt(put, u.AuthEnabled, "authEnabled")
	opt(put, u.TokenAuthEnabled, "aadAuthEnabled")
	opt(put, u.EnableAppInsights, "appInsightsEnabled")
	if u.Tags != nil {
		put(u.Tags, "kvTags")
	}
	opt(put, u.Description, "description")
	for _, k := range sortedKeys(u.Properties) {
		ops = append(ops, patchOp{Op: opAdd, Path: pointer("properties", k), Value: u.Properties[k]})
	}
	return ops
}

// decodeObject decodes a JSON object into its members.
func decodeObject(body json.RawMessage) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("not a JSON object")
	}
	return m, nil
}
