package webservice

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
)

// namespaceRegexp is azureml-core's NAMESPACE_REGEX (its "{,61}" written for RE2).
var namespaceRegexp = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// maxScoringTimeoutMs is the service's cap on scoring_timeout_ms: larger values
// are accepted by azureml-core and then not applied (user-pain-points P4), so
// the SDK rejects them up front.
const maxScoringTimeoutMs = 300000

// Validate applies every rule of AksWebservice.deploy_configuration and
// returns all broken rules at once as a *ValidationError, or nil.
func (c AksDeployConfig) Validate() error {
	var ps problems
	c.validateResources(&ps)
	c.validateAutoscale(&ps)
	c.validateTimeouts(&ps)
	c.validateProbe(&ps)
	c.validateAuth(&ps)
	if c.Namespace != nil && !namespaceRegexp.MatchString(*c.Namespace) {
		ps.add("Namespace", "namespace", fmt.Sprintf("must be a valid Kubernetes namespace, got %q. Regex for validation is %s", *c.Namespace, namespaceRegexp))
	}
	return ps.err()
}

func (c AksDeployConfig) validateResources(ps *problems) {
	positiveFloat(ps, "CPUCores", "cpu_cores", c.CPUCores)
	positiveFloat(ps, "CPUCoresLimit", "cpu_cores_limit", c.CPUCoresLimit)
	if c.CPUCores != nil && c.CPUCoresLimit != nil && *c.CPUCoresLimit < *c.CPUCores {
		ps.add("CPUCoresLimit", "cpu_cores_limit", fmt.Sprintf("must be >= CPUCores (%s), got %s", fmtFloat(*c.CPUCores), fmtFloat(*c.CPUCoresLimit)))
	}
	positiveFloat(ps, "MemoryGB", "memory_gb", c.MemoryGB)
	positiveFloat(ps, "MemoryGBLimit", "memory_gb_limit", c.MemoryGBLimit)
	if c.MemoryGB != nil && c.MemoryGBLimit != nil && *c.MemoryGBLimit < *c.MemoryGB {
		ps.add("MemoryGBLimit", "memory_gb_limit", fmt.Sprintf("must be >= MemoryGB (%s), got %s", fmtFloat(*c.MemoryGB), fmtFloat(*c.MemoryGBLimit)))
	}
	if c.GPUCores != nil && *c.GPUCores < 0 {
		ps.add("GPUCores", "gpu_cores", fmt.Sprintf("must be >= 0, got %d", *c.GPUCores))
	}
}

func (c AksDeployConfig) validateAutoscale(ps *problems) {
	positiveInt(ps, "NumReplicas", "num_replicas", c.NumReplicas)
	bounds := []struct {
		field, param string
		v            *int
	}{
		{"AutoscaleMinReplicas", "autoscale_min_replicas", c.AutoscaleMinReplicas},
		{"AutoscaleMaxReplicas", "autoscale_max_replicas", c.AutoscaleMaxReplicas},
		{"AutoscaleRefreshSeconds", "autoscale_refresh_seconds", c.AutoscaleRefreshSeconds},
		{"AutoscaleTargetUtilization", "autoscale_target_utilization", c.AutoscaleTargetUtilization},
	}
	if c.AutoscaleEnabled != nil && *c.AutoscaleEnabled {
		if c.NumReplicas != nil {
			ps.add("NumReplicas", "num_replicas", "cannot be set when autoscaling is enabled (autoscale enabled and num_replicas provided)")
		}
		for _, b := range bounds {
			positiveInt(ps, b.field, b.param, b.v)
		}
		if t := c.AutoscaleTargetUtilization; t != nil && *t > 100 {
			ps.add("AutoscaleTargetUtilization", "autoscale_target_utilization", fmt.Sprintf("is a percentage and must be <= 100, got %d", *t))
		}
		if mn, mx := c.AutoscaleMinReplicas, c.AutoscaleMaxReplicas; mn != nil && mx != nil && *mn > *mx {
			ps.add("AutoscaleMaxReplicas", "autoscale_max_replicas", fmt.Sprintf("must be >= AutoscaleMinReplicas (%d), got %d", *mn, *mx))
		}
		return
	}
	if c.AutoscaleEnabled != nil && c.NumReplicas == nil {
		ps.add("NumReplicas", "num_replicas", "is required when autoscaling is disabled (autoscale disabled but num_replicas not provided)")
	}
	for _, b := range bounds {
		if b.v != nil {
			ps.add(b.field, b.param, "is provided without enabling autoscaling: set AutoscaleEnabled to true")
		}
	}
}

func (c AksDeployConfig) validateTimeouts(ps *problems) {
	positiveInt(ps, "ScoringTimeoutMs", "scoring_timeout_ms", c.ScoringTimeoutMs)
	if t := c.ScoringTimeoutMs; t != nil && *t > maxScoringTimeoutMs {
		ps.add("ScoringTimeoutMs", "scoring_timeout_ms", fmt.Sprintf("must be <= %d (the service's maximum), got %d", maxScoringTimeoutMs, *t))
	}
	positiveInt(ps, "ReplicaMaxConcurrentRequests", "replica_max_concurrent_requests", c.ReplicaMaxConcurrentRequests)
	positiveInt(ps, "MaxRequestWaitTimeMs", "max_request_wait_time", c.MaxRequestWaitTimeMs)
}

func (c AksDeployConfig) validateProbe(ps *problems) {
	positiveInt(ps, "PeriodSeconds", "period_seconds", c.PeriodSeconds)
	positiveInt(ps, "InitialDelaySeconds", "initial_delay_seconds", c.InitialDelaySeconds)
	positiveInt(ps, "TimeoutSeconds", "timeout_seconds", c.TimeoutSeconds)
	positiveInt(ps, "SuccessThreshold", "success_threshold", c.SuccessThreshold)
	positiveInt(ps, "FailureThreshold", "failure_threshold", c.FailureThreshold)
}

func (c AksDeployConfig) validateAuth(ps *problems) {
	if isTrue(c.AuthEnabled) && isTrue(c.TokenAuthEnabled) {
		ps.add("TokenAuthEnabled", "token_auth_enabled", "cannot be true together with AuthEnabled (auth_enabled and token_auth_enabled cannot both be true)")
	}
	if !c.SecondaryKey.IsZero() && c.PrimaryKey.IsZero() {
		ps.add("SecondaryKey", "secondary_key", "requires PrimaryKey: the service ignores a secondary key sent without a primary key")
	}
}

func positiveInt(ps *problems, field, param string, v *int) {
	if v != nil && *v <= 0 {
		ps.add(field, param, fmt.Sprintf("must be > 0, got %d", *v))
	}
}

func positiveFloat(ps *problems, field, param string, v *float64) {
	switch {
	case v == nil:
	case math.IsInf(*v, 0):
		ps.add(field, param, "must be a finite number")
	case !(*v > 0): // also rejects NaN
		ps.add(field, param, fmt.Sprintf("must be > 0, got %s", fmtFloat(*v)))
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
