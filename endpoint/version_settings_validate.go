package endpoint

import (
	"fmt"
	"math"

	"github.com/azureml-go/azureml/webservice"
)

// maxScoringTimeoutMs is the service's cap on scoringTimeoutMs.
const maxScoringTimeoutMs = 300000

// validateSettingsUpdate checks the settings an UpdateVersion sets, alone
// and against the version's current ones (for limits and bounds given on
// one side only), and returns every problem as a *webservice.ValidationError.
func validateSettingsUpdate(current, u VersionSettings) error {
	var ps []webservice.Problem
	add := func(field, param, rule string, args ...any) {
		ps = append(ps, webservice.Problem{Field: field, Param: param, Rule: fmt.Sprintf(rule, args...)})
	}
	positive := func(field, param string, v *int) {
		if v != nil && *v <= 0 {
			add(field, param, "must be > 0, got %d", *v)
		}
	}
	positiveF := func(field, param string, v *float64) {
		if v != nil && (!(*v > 0) || math.IsInf(*v, 0)) {
			add(field, param, "must be > 0, got %v", *v)
		}
	}
	positive("AutoscaleMinReplicas", "autoscale_min_replicas", u.AutoscaleMinReplicas)
	positive("AutoscaleMaxReplicas", "autoscale_max_replicas", u.AutoscaleMaxReplicas)
	positive("AutoscaleRefreshSeconds", "autoscale_refresh_seconds", u.AutoscaleRefreshSeconds)
	positive("AutoscaleTargetUtilization", "autoscale_target_utilization", u.AutoscaleTargetUtilization)
	if v := u.AutoscaleTargetUtilization; v != nil && *v > 100 {
		add("AutoscaleTargetUtilization", "autoscale_target_utilization", "must be at most 100, got %d", *v)
	}
	positiveF("CPUCores", "cpu_cores", u.CPUCores)
	positiveF("CPUCoresLimit", "cpu_cores_limit", u.CPUCoresLimit)
	positiveF("MemoryGB", "memory_gb", u.MemoryGB)
	positiveF("MemoryGBLimit", "memory_gb_limit", u.MemoryGBLimit)
	if v := u.GPUCores; v != nil && *v < 0 {
		add("GPUCores", "gpu_cores", "must be >= 0, got %d", *v)
	}
	positive("ScoringTimeoutMs", "scoring_timeout_ms", u.ScoringTimeoutMs)
	if v := u.ScoringTimeoutMs; v != nil && *v > maxScoringTimeoutMs {
		add("ScoringTimeoutMs", "scoring_timeout_ms", "must be at most %d, got %d", maxScoringTimeoutMs, *v)
	}
	positive("ReplicaMaxConcurrentRequests", "replica_max_concurrent_requests", u.ReplicaMaxConcurrentRequests)
	positive("MaxRequestWaitTimeMs", "max_request_wait_time", u.MaxRequestWaitTimeMs)
	positive("NumReplicas", "num_replicas", u.NumReplicas)
	positive("PeriodSeconds", "period_seconds", u.PeriodSeconds)
	positive("InitialDelaySeconds", "initial_delay_seconds", u.InitialDelaySeconds)
	positive("TimeoutSeconds", "timeout_seconds", u.TimeoutSeconds)
	positive("SuccessThreshold", "success_threshold", u.SuccessThreshold)
	positive("FailureThreshold", "failure_threshold", u.FailureThreshold)

	// Pairs: the new value against the new or else the current other side.
	minR, maxR := pick(u.AutoscaleMinReplicas, current.AutoscaleMinReplicas), pick(u.AutoscaleMaxReplicas, current.AutoscaleMaxReplicas)
	if (u.AutoscaleMinReplicas != nil || u.AutoscaleMaxReplicas != nil) && minR != nil && maxR != nil && *minR > *maxR {
		add("AutoscaleMaxReplicas", "autoscale_max_replicas", "must be >= AutoscaleMinReplicas (%d), got %d", *minR, *maxR)
	}
	cpu, cpuLimit := pick(u.CPUCores, current.CPUCores), pick(u.CPUCoresLimit, current.CPUCoresLimit)
	if (u.CPUCores != nil || u.CPUCoresLimit != nil) && cpu != nil && cpuLimit != nil && *cpuLimit < *cpu {
		add("CPUCoresLimit", "cpu_cores_limit", "must be >= CPUCores (%v), got %v", *cpu, *cpuLimit)
	}
	mem, memLimit := pick(u.MemoryGB, current.MemoryGB), pick(u.MemoryGBLimit, current.MemoryGBLimit)
	if (u.MemoryGB != nil || u.MemoryGBLimit != nil) && mem != nil && memLimit != nil && *memLimit < *mem {
		add("MemoryGBLimit", "memory_gb_limit", "must be >= MemoryGB (%v), got %v", *mem, *memLimit)
	}
	autoscale := pick(u.AutoscaleEnabled, current.AutoscaleEnabled)
	if u.NumReplicas != nil && autoscale != nil && *autoscale {
		add("NumReplicas", "num_replicas", "cannot be set while autoscaling is enabled; set AutoscaleEnabled to false too")
	}
	if u.AutoscaleEnabled != nil && !*u.AutoscaleEnabled && pick(u.NumReplicas, current.NumReplicas) == nil {
		add("NumReplicas", "num_replicas", "is required when autoscaling is disabled")
	}
	if len(ps) == 0 {
		return nil
	}
	return &webservice.ValidationError{Problems: ps}
}

func pick[T any](update, current *T) *T {
	if update != nil {
		return update
	}
	return current
}
