package endpoint

import (
	"encoding/json"
	"time"

	"github.com/azureml-go/azureml/webservice"
)

// Version is one version of an endpoint, as the service last reported it.
type Version struct {
	// Name is the version name.
	Name string
	// State is the version's state (Transitioning, Healthy, Unhealthy,
	// Failed, Unschedulable).
	State webservice.State
	// Error is the error the service reports for the version, nil when none.
	Error *webservice.ServiceError
	// TrafficPercentile is the explicit percentile (nil when the service has
	// none); EffectivePercent is the share the version receives under the
	// endpoint's current plan.
	TrafficPercentile *float64
	EffectivePercent  float64
	// IsDefault marks the version that receives the unallocated traffic.
	IsDefault bool
	// Type is Control, Treatment, or empty when the service set none.
	Type VersionType
	// ScoringURI is the version's own scoring URI as the service reports it
	// ("" when it has none); see AksEndpoint.RunVersion.
	ScoringURI string
	// ModelIDs are the version's deployed models.
	ModelIDs []string
	// Description and Tags describe the version.
	Description string
	Tags        map[string]string
	// CreatedTime and UpdatedTime are zero when unknown.
	CreatedTime, UpdatedTime time.Time
	// Replicas are the version's replica counts.
	Replicas webservice.ReplicaStatus
	// Settings are the version's effective deployment settings as the
	// service reports them (keys and endpoint-level settings not included).
	Settings VersionSettings
}

// traffic returns the version's place in a plan.
func (v Version) traffic() VersionTraffic {
	t := VersionTraffic{Name: v.Name, IsDefault: v.IsDefault, Type: v.Type}
	if v.TrafficPercentile != nil {
		t.Percentile = *v.TrafficPercentile
	}
	return t
}

func newVersion(name string, w versionWire) Version {
	v := Version{
		Name: name, State: webservice.State(w.State), Error: decodeServiceError(w.Error),
		TrafficPercentile: w.TrafficPercentile, IsDefault: w.IsDefault != nil && *w.IsDefault,
		CreatedTime: parseTime(w.CreatedTime), UpdatedTime: parseTime(w.UpdatedTime),
		Tags: w.KvTags,
	}
	if w.Type != nil {
		v.Type = VersionType(*w.Type)
	}
	if w.ScoringURI != nil {
		v.ScoringURI = *w.ScoringURI
	}
	if w.Description != nil {
		v.Description = *w.Description
	}
	for _, m := range w.Models {
		v.ModelIDs = append(v.ModelIDs, m.ID)
	}
	if len(v.ModelIDs) == 0 && w.EnvironmentImageRequest != nil {
		v.ModelIDs = append(v.ModelIDs, w.EnvironmentImageRequest.ModelIDs...)
	}
	if d := w.DeploymentStatus; d != nil {
		v.Replicas = webservice.ReplicaStatus{Desired: d.DesiredReplicas, Updated: d.UpdatedReplicas, Available: d.AvailableReplicas}
	}
	s := &v.Settings
	s.NumReplicas, s.ScoringTimeoutMs = w.NumReplicas, w.ScoringTimeoutMs
	s.ReplicaMaxConcurrentRequests, s.MaxRequestWaitTimeMs = w.MaxConcurrentRequestsPerContainer, w.MaxQueueWaitMs
	if a := w.AutoScaler; a != nil {
		s.AutoscaleEnabled, s.AutoscaleMinReplicas, s.AutoscaleMaxReplicas = a.AutoscaleEnabled, a.MinReplicas, a.MaxReplicas
		s.AutoscaleRefreshSeconds, s.AutoscaleTargetUtilization = a.RefreshPeriodInSeconds, a.TargetUtilization
	}
	if r := w.ContainerResourceRequirements; r != nil {
		s.CPUCores, s.CPUCoresLimit, s.MemoryGB, s.MemoryGBLimit, s.GPUCores = r.CPU, r.CPULimit, r.MemoryInGB, r.MemoryInGBLimit, r.GPU
	}
	if d := w.DataCollection; d != nil {
		s.CollectModelData = d.StorageEnabled
	}
	if p := w.LivenessProbeRequirements; p != nil {
		s.PeriodSeconds, s.InitialDelaySeconds, s.TimeoutSeconds = p.PeriodSeconds, p.InitialDelaySeconds, p.TimeoutSeconds
		s.SuccessThreshold, s.FailureThreshold = p.SuccessThreshold, p.FailureThreshold
	}
	s.Tags, s.Description = w.KvTags, w.Description
	return v
}

// decodeServiceError turns an error object into a *webservice.ServiceError;
// nil for null, absent or empty objects.
func decodeServiceError(raw json.RawMessage) *webservice.ServiceError {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return nil
		}
		return &webservice.ServiceError{Message: s}
	}
	var w serviceErrorWire
	if json.Unmarshal(raw, &w) != nil {
		return &webservice.ServiceError{Message: string(raw)}
	}
	if w.Code == "" && w.Message == "" && len(w.Details) == 0 {
		return nil
	}
	e := &webservice.ServiceError{Code: w.Code, StatusCode: w.StatusCode, Message: w.Message}
	for _, d := range w.Details {
		e.Details = append(e.Details, webservice.ErrorDetail{Code: d.Code, Message: d.Message, Target: d.Target})
	}
	return e
}
