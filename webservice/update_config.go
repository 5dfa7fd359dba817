package webservice

import (
	"fmt"
	"reflect"

	"github.com/azureml-go/azureml/model"
)

// AksUpdateConfig lists what Update changes (azureml-core
// AksWebservice.update). Every field is optional; nil leaves the setting as
// it is, so an update never resets what it does not name. Field meanings
// and rules are those of AksDeployConfig.
type AksUpdateConfig struct {
	AutoscaleEnabled           *bool
	AutoscaleMinReplicas       *int
	AutoscaleMaxReplicas       *int
	AutoscaleRefreshSeconds    *int
	AutoscaleTargetUtilization *int

	CollectModelData  *bool
	EnableAppInsights *bool
	AuthEnabled       *bool
	TokenAuthEnabled  *bool

	CPUCores      *float64
	CPUCoresLimit *float64
	MemoryGB      *float64
	MemoryGBLimit *float64
	GPUCores      *int

	ScoringTimeoutMs             *int
	ReplicaMaxConcurrentRequests *int
	MaxRequestWaitTimeMs         *int
	NumReplicas                  *int

	PeriodSeconds       *int
	InitialDelaySeconds *int
	TimeoutSeconds      *int
	SuccessThreshold    *int
	FailureThreshold    *int

	Namespace *string
	// Tags, when non-nil, replaces all the service's tags.
	Tags map[string]string
	// Properties are added; properties are immutable, so an existing key may
	// only be given its current value.
	Properties map[string]string
	// Description replaces the description.
	Description *string

	// Models and InferenceConfig redeploy the service: the new models with
	// the new entry script and environment. InferenceConfig alone keeps the
	// current models; Models alone is a no-code deployment of one model.
	Models          []*model.Model
	InferenceConfig *model.InferenceConfig
}

// empty reports whether nothing is set.
func (u AksUpdateConfig) empty() bool {
	v := reflect.ValueOf(u)
	for i := 0; i < v.NumField(); i++ {
		if !v.Field(i).IsZero() {
			return false
		}
	}
	return true
}

// asDeployConfig maps the fields shared with AksDeployConfig, for the
// single-value rules.
func (u AksUpdateConfig) asDeployConfig() AksDeployConfig {
	return AksDeployConfig{
		CPUCores: u.CPUCores, CPUCoresLimit: u.CPUCoresLimit, MemoryGB: u.MemoryGB, MemoryGBLimit: u.MemoryGBLimit, GPUCores: u.GPUCores,
		ScoringTimeoutMs: u.ScoringTimeoutMs, ReplicaMaxConcurrentRequests: u.ReplicaMaxConcurrentRequests,
		MaxRequestWaitTimeMs: u.MaxRequestWaitTimeMs, NumReplicas: u.NumReplicas,
		PeriodSeconds: u.PeriodSeconds, InitialDelaySeconds: u.InitialDelaySeconds, TimeoutSeconds: u.TimeoutSeconds,
		SuccessThreshold: u.SuccessThreshold, FailureThreshold: u.FailureThreshold, Namespace: u.Namespace,
	}
}

// Validate applies the rules that need no knowledge of the service's
// current settings (positive values, limits of the same update, namespace,
// key and token auth not both on, no-code models) and returns every problem
// as a *ValidationError. Update applies these and the rules that compare
// with the current settings.
func (u AksUpdateConfig) Validate() error {
	return u.check(AksDeployConfig{}, false)
}

// validate applies the rules of reference §5.8 against the service's current
// settings (cur) and returns every problem.
func (u AksUpdateConfig) validate(cur AksDeployConfig) error {
	return u.check(cur, true)
}

// check applies the rules; known says whether cur holds the service's current
// settings, without which the rules that depend on them are skipped.
func (u AksUpdateConfig) check(cur AksDeployConfig, known bool) error {
	var ps problems
	if u.empty() {
		ps.add("AksUpdateConfig", "", "No parameters provided to update.")
		return ps.err()
	}
	single := u.asDeployConfig()
	single.validateResources(&ps)
	single.validateTimeouts(&ps)
	single.validateProbe(&ps)
	positiveInt(&ps, "NumReplicas", "num_replicas", u.NumReplicas)
	if single.Namespace != nil && !namespaceRegexp.MatchString(*single.Namespace) {
		ps.add("Namespace", "namespace", fmt.Sprintf("must be a valid Kubernetes namespace, got %q. Regex for validation is %s", *single.Namespace, namespaceRegexp))
	}
	// Limits against the current values.
	if u.CPUCores != nil && u.CPUCoresLimit == nil && cur.CPUCoresLimit != nil && *u.CPUCores > *cur.CPUCoresLimit {
		ps.add("CPUCores", "cpu_cores", fmt.Sprintf("must be <= the current CPUCoresLimit (%s), got %s", fmtFloat(*cur.CPUCoresLimit), fmtFloat(*u.CPUCores)))
	}
	if u.CPUCoresLimit != nil && u.CPUCores == nil && cur.CPUCores != nil && *u.CPUCoresLimit < *cur.CPUCores {
		ps.add("CPUCoresLimit", "cpu_cores_limit", fmt.Sprintf("must be >= the current CPUCores (%s), got %s", fmtFloat(*cur.CPUCores), fmtFloat(*u.CPUCoresLimit)))
	}
	if u.MemoryGB != nil && u.MemoryGBLimit == nil && cur.MemoryGBLimit != nil && *u.MemoryGB > *cur.MemoryGBLimit {
		ps.add("MemoryGB", "memory_gb", fmt.Sprintf("must be <= the current MemoryGBLimit (%s), got %s", fmtFloat(*cur.MemoryGBLimit), fmtFloat(*u.MemoryGB)))
	}
	if u.MemoryGBLimit != nil && u.MemoryGB == nil && cur.MemoryGB != nil && *u.MemoryGBLimit < *cur.MemoryGB {
		ps.add("MemoryGBLimit", "memory_gb_limit", fmt.Sprintf("must be >= the current MemoryGB (%s), got %s", fmtFloat(*cur.MemoryGB), fmtFloat(*u.MemoryGBLimit)))
	}
	u.validateAutoscale(cur, known, &ps)
	u.validateAuth(cur, &ps)
	for k, v := range u.Properties {
		if old, ok := cur.Properties[k]; ok && old != v {
			ps.add("Properties", "properties", fmt.Sprintf("properties are immutable: %q is already %q", k, old))
		}
	}
	if u.Models != nil && u.InferenceConfig == nil {
		if len(u.Models) != 1 || u.Models[0] == nil || !u.Models[0].Framework.SupportsNoCodeDeploy() {
			ps.add("Models", "models", "without an InferenceConfig, Models must be one model of a no-code framework (Onnx, ScikitLearn, TensorFlow, Multi)")
		}
	}
	if len(u.Models) > model.MaxModelsPerDeployment {
		ps.add("Models", "models", fmt.Sprintf("the number of models to be deployed is limited to %d per deployment; got %d", model.MaxModelsPerDeployment, len(u.Models)))
	}
	return ps.err()
}

func (u AksUpdateConfig) validateAutoscale(cur AksDeployConfig, known bool, ps *problems) {
	enabled := isTrue(cur.AutoscaleEnabled)
	if u.AutoscaleEnabled != nil {
		enabled = *u.AutoscaleEnabled
	}
	for _, b := range []struct {
		field, param string
		v            *int
	}{
		{"AutoscaleMinReplicas", "autoscale_min_replicas", u.AutoscaleMinReplicas},
		{"AutoscaleMaxReplicas", "autoscale_max_replicas", u.AutoscaleMaxReplicas},
		{"AutoscaleRefreshSeconds", "autoscale_refresh_seconds", u.AutoscaleRefreshSeconds},
		{"AutoscaleTargetUtilization", "autoscale_target_utilization", u.AutoscaleTargetUtilization},
	} {
		positiveInt(ps, b.field, b.param, b.v)
	}
	if t := u.AutoscaleTargetUtilization; t != nil && *t > 100 {
		ps.add("AutoscaleTargetUtilization", "autoscale_target_utilization", fmt.Sprintf("is a percentage and must be <= 100, got %d", *t))
	}
	mn, mx := pick(u.AutoscaleMinReplicas, cur.AutoscaleMinReplicas), pick(u.AutoscaleMaxReplicas, cur.AutoscaleMaxReplicas)
	if mn != nil && mx != nil && *mn > *mx && (u.AutoscaleMinReplicas != nil || u.AutoscaleMaxReplicas != nil) {
		ps.add("AutoscaleMaxReplicas", "autoscale_max_replicas", fmt.Sprintf("must be >= AutoscaleMinReplicas (%d), got %d", *mn, *mx))
	}
	if u.NumReplicas != nil && enabled {
		ps.add("NumReplicas", "num_replicas", "cannot be set while autoscaling is enabled: set AutoscaleEnabled to false as well")
	}
	if known && u.AutoscaleEnabled != nil && !*u.AutoscaleEnabled && u.NumReplicas == nil && cur.NumReplicas == nil {
		ps.add("NumReplicas", "num_replicas", "is required when autoscaling is disabled")
	}
}

func (u AksUpdateConfig) validateAuth(cur AksDeployConfig, ps *problems) {
	key := pick(u.AuthEnabled, cur.AuthEnabled)
	token := pick(u.TokenAuthEnabled, cur.TokenAuthEnabled)
	switch {
	case isTrue(u.AuthEnabled) && isTrue(u.TokenAuthEnabled):
		ps.add("TokenAuthEnabled", "token_auth_enabled", "cannot be true together with AuthEnabled")
	case isTrue(u.TokenAuthEnabled) && isTrue(key):
		ps.add("TokenAuthEnabled", "token_auth_enabled", "enabling token auth needs AuthEnabled set to false: key auth is currently on")
	case isTrue(u.AuthEnabled) && isTrue(token):
		ps.add("AuthEnabled", "auth_enabled", "enabling key auth needs TokenAuthEnabled set to false: token auth is currently on")
	}
}

func pick[T any](update, current *T) *T {
	if update != nil {
		return update
	}
	return current
}
