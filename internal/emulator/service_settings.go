package emulator

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
)

// serviceNameRule is azureml-core's webservice_name_validation (reference §3.3).
var serviceNameRule = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

// serviceNamespaceRule is the Kubernetes namespace rule of reference §4.
var serviceNamespaceRule = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Service defaults applied when a setting is unset (reference §4 "Doc default").
const (
	defaultMinReplicas       = 1
	defaultMaxReplicas       = 10
	defaultRefreshSeconds    = 1
	defaultTargetUtilization = 70
	defaultCPU               = 0.1
	defaultMemoryGB          = 0.5
	defaultScoringTimeoutMs  = 60000
	defaultMaxConcurrent     = 1
	defaultMaxQueueWaitMs    = 500
	defaultProbePeriod       = 10
	defaultProbeInitialDelay = 310
	defaultProbeTimeout      = 2
	defaultProbeSuccess      = 1
	defaultProbeFailure      = 3
	maxScoringTimeoutMs      = 300000
	maxModelsPerDeployment   = 1000
	// maxLocalReplicas caps the processes one local service starts; more
	// requested replicas are reported but not all run.
	maxLocalReplicas = 8
)

// serviceSettings are the effective settings of a service: the request with
// the service defaults filled in.
type serviceSettings struct {
	Autoscale                             bool
	MinReplicas, MaxReplicas              int
	RefreshSeconds, TargetUtilization     int
	NumReplicas                           *int
	CPU, MemoryGB                         float64
	CPULimit, MemoryGBLimit               *float64
	GPU                                   int
	ScoringTimeoutMs, MaxConcurrent       int
	MaxQueueWaitMs                        int
	ProbePeriod, ProbeInitialDelay        int
	ProbeTimeout, ProbeSuccess, ProbeFail int
	AuthEnabled, AadAuthEnabled           bool
	AppInsights, DataCollection           bool
	Namespace                             string
}

func settingInt(p *int, d int) int {
	if p != nil {
		return *p
	}
	return d
}

func settingFloat(p *float64, d float64) float64 {
	if p != nil {
		return *p
	}
	return d
}

func settingBool(p *bool, d bool) bool {
	if p != nil {
		return *p
	}
	return d
}

// settings computes the effective settings of a create request.
func (r *serviceCreateRequest) settings(workspace string) serviceSettings {
	var st serviceSettings
	as := r.AutoScaler
	if as == nil {
		as = &serviceAutoScaler{}
	}
	st.Autoscale = settingBool(as.AutoscaleEnabled, r.NumReplicas == nil)
	st.MinReplicas = settingInt(as.MinReplicas, defaultMinReplicas)
	st.MaxReplicas = settingInt(as.MaxReplicas, defaultMaxReplicas)
	st.RefreshSeconds = settingInt(as.RefreshPeriodInSeconds, defaultRefreshSeconds)
	st.TargetUtilization = settingInt(as.TargetUtilization, defaultTargetUtilization)
	st.NumReplicas = r.NumReplicas
	res := r.ContainerResourceRequirements
	if res == nil {
		res = &serviceResources{}
	}
	st.CPU = settingFloat(res.CPU, defaultCPU)
	st.MemoryGB = settingFloat(res.MemoryInGB, defaultMemoryGB)
	st.CPULimit, st.MemoryGBLimit = res.CPULimit, res.MemoryInGBLimit
	st.GPU = settingInt(res.GPU, 0)
	st.ScoringTimeoutMs = settingInt(r.ScoringTimeoutMs, defaultScoringTimeoutMs)
	st.MaxConcurrent = settingInt(r.MaxConcurrentRequestsPerContainer, defaultMaxConcurrent)
	st.MaxQueueWaitMs = settingInt(r.MaxQueueWaitMs, defaultMaxQueueWaitMs)
	p := r.LivenessProbeRequirements
	if p == nil {
		p = &serviceLivenessProbe{}
	}
	st.ProbePeriod = settingInt(p.PeriodSeconds, defaultProbePeriod)
	st.ProbeInitialDelay = settingInt(p.InitialDelaySeconds, defaultProbeInitialDelay)
	st.ProbeTimeout = settingInt(p.TimeoutSeconds, defaultProbeTimeout)
	st.ProbeSuccess = settingInt(p.SuccessThreshold, defaultProbeSuccess)
	st.ProbeFail = settingInt(p.FailureThreshold, defaultProbeFailure)
	st.AadAuthEnabled = settingBool(r.AadAuthEnabled, false)
	// Key auth is on by default, except when token auth is asked for: the
	// two are exclusive.
	st.AuthEnabled = settingBool(r.AuthEnabled, !st.AadAuthEnabled)
	st.AppInsights = settingBool(r.AppInsightsEnabled, false)
	st.DataCollection = r.DataCollection != nil && settingBool(r.DataCollection.StorageEnabled, false)
	st.Namespace = "azureml-" + strings.ToLower(workspace)
	if r.Namespace != nil {
		st.Namespace = *r.Namespace
	}
	return st
}

// replicasToRun is how many processes the local service starts.
func (st serviceSettings) replicasToRun() int {
	n := st.MinReplicas
	if !st.Autoscale && st.NumReplicas != nil {
		n = *st.NumReplicas
	}
	if n < 1 {
		n = 1
	}
	return min(n, maxLocalReplicas)
}

func (st serviceSettings) scoringTimeout() time.Duration {
	return time.Duration(st.ScoringTimeoutMs) * time.Millisecond
}

func (st serviceSettings) queueWait() time.Duration {
	return time.Duration(st.MaxQueueWaitMs) * time.Millisecond
}

// validateSettings returns every rule the request's settings break (the
// server-side counterpart of azureml-core's validate_configuration).
func (r *serviceCreateRequest) validateSettings() []string {
	var ps []string
	positive := func(field string, v *int) {
		if v != nil && *v <= 0 {
			ps = append(ps, fmt.Sprintf("%s must be greater than 0, got %d", field, *v))
		}
	}
	positiveF := func(field string, v *float64) {
		if v != nil && (!(*v > 0) || math.IsInf(*v, 0)) {
			ps = append(ps, fmt.Sprintf("%s must be a positive number, got %v", field, *v))
		}
	}
	if res := r.ContainerResourceRequirements; res != nil {
		positiveF("containerResourceRequirements.cpu", res.CPU)
		positiveF("containerResourceRequirements.cpuLimit", res.CPULimit)
		positiveF("containerResourceRequirements.memoryInGB", res.MemoryInGB)
		positiveF("containerResourceRequirements.memoryInGBLimit", res.MemoryInGBLimit)
		if res.CPU != nil && res.CPULimit != nil && *res.CPULimit < *res.CPU {
			ps = append(ps, "containerResourceRequirements.cpuLimit must be greater than or equal to cpu")
		}
		if res.MemoryInGB != nil && res.MemoryInGBLimit != nil && *res.MemoryInGBLimit < *res.MemoryInGB {
			ps = append(ps, "containerResourceRequirements.memoryInGBLimit must be greater than or equal to memoryInGB")
		}
		if res.GPU != nil && *res.GPU < 0 {
			ps = append(ps, fmt.Sprintf("containerResourceRequirements.gpu must not be negative, got %d", *res.GPU))
		}
	}
	positive("numReplicas", r.NumReplicas)
	positive("scoringTimeoutMs", r.ScoringTimeoutMs)
	if r.ScoringTimeoutMs != nil && *r.ScoringTimeoutMs > maxScoringTimeoutMs {
		ps = append(ps, fmt.Sprintf("scoringTimeoutMs must not exceed %d, got %d", maxScoringTimeoutMs, *r.ScoringTimeoutMs))
	}
	positive("maxConcurrentRequestsPerContainer", r.MaxConcurrentRequestsPerContainer)
	positive("maxQueueWaitMs", r.MaxQueueWaitMs)
	if p := r.LivenessProbeRequirements; p != nil {
		positive("livenessProbeRequirements.periodSeconds", p.PeriodSeconds)
		positive("livenessProbeRequirements.initialDelaySeconds", p.InitialDelaySeconds)
		positive("livenessProbeRequirements.timeoutSeconds", p.TimeoutSeconds)
		positive("livenessProbeRequirements.successThreshold", p.SuccessThreshold)
		positive("livenessProbeRequirements.failureThreshold", p.FailureThreshold)
	}
	if as := r.AutoScaler; as != nil {
		if settingBool(as.AutoscaleEnabled, false) {
			if r.NumReplicas != nil {
				ps = append(ps, "numReplicas cannot be set when autoScaler.autoscaleEnabled is true")
			}
			positive("autoScaler.minReplicas", as.MinReplicas)
			positive("autoScaler.maxReplicas", as.MaxReplicas)
			positive("autoScaler.refreshPeriodInSeconds", as.RefreshPeriodInSeconds)
			positive("autoScaler.targetUtilization", as.TargetUtilization)
			if as.TargetUtilization != nil && *as.TargetUtilization > 100 {
				ps = append(ps, "autoScaler.targetUtilization is a percentage and must not exceed 100")
			}
			if as.MinReplicas != nil && as.MaxReplicas != nil && *as.MinReplicas > *as.MaxReplicas {
				ps = append(ps, "autoScaler.minReplicas must not exceed autoScaler.maxReplicas")
			}
		} else if as.AutoscaleEnabled != nil && r.NumReplicas == nil {
			ps = append(ps, "numReplicas is required when autoscaling is disabled")
		}
	}
	if r.Namespace != nil && !serviceNamespaceRule.MatchString(*r.Namespace) {
		ps = append(ps, fmt.Sprintf("namespace %q must be a valid Kubernetes namespace (%s)", *r.Namespace, serviceNamespaceRule))
	}
	if settingBool(r.AuthEnabled, false) && settingBool(r.AadAuthEnabled, false) {
		ps = append(ps, "authEnabled and aadAuthEnabled cannot both be true")
	}
	return ps
}

// validateServiceName returns the name rule's problem, or "".
func validateServiceName(name string) string {
	if len(name) >= 3 && len(name) <= 32 && serviceNameRule.MatchString(name) {
		return ""
	}
	return fmt.Sprintf("Service name %q is invalid: it must only consist of lowercase letters, numbers, or dashes, start with a letter, end with a letter or number, and be between 3 and 32 characters long.", name)
}
