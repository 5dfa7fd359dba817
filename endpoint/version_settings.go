package endpoint

// VersionSettings are the deployment settings of one version, as
// create_version and update_version of azureml-core take them. Each field
// maps to the AksWebservice setting of the same name (see
// webservice.AksDeployConfig for the meaning, service defaults and rules).
//
// Every field is a pointer or a map: nil means "not set". For CreateVersion
// an unset field is left to the service's default; for UpdateVersion it is
// left unchanged. Unlike azureml-core, which drops a numeric setting whose
// value is zero, a set field is always sent.
type VersionSettings struct {
	// AutoscaleEnabled turns autoscaling on or off (autoScaler.autoscaleEnabled).
	AutoscaleEnabled *bool
	// AutoscaleMinReplicas is autoScaler.minReplicas.
	AutoscaleMinReplicas *int
	// AutoscaleMaxReplicas is autoScaler.maxReplicas.
	AutoscaleMaxReplicas *int
	// AutoscaleRefreshSeconds is autoScaler.refreshPeriodInSeconds.
	AutoscaleRefreshSeconds *int
	// AutoscaleTargetUtilization is autoScaler.targetUtilization.
	AutoscaleTargetUtilization *int
	// CollectModelData is dataCollection.storageEnabled.
	CollectModelData *bool
	// CPUCores is containerResourceRequirements.cpu.
	CPUCores *float64
	// CPUCoresLimit is containerResourceRequirements.cpuLimit.
	CPUCoresLimit *float64
	// MemoryGB is containerResourceRequirements.memoryInGB.
	MemoryGB *float64
	// MemoryGBLimit is containerResourceRequirements.memoryInGBLimit.
	MemoryGBLimit *float64
	// GPUCores is containerResourceRequirements.gpu.
	GPUCores *int
	// ScoringTimeoutMs is scoringTimeoutMs.
	ScoringTimeoutMs *int
	// ReplicaMaxConcurrentRequests is maxConcurrentRequestsPerContainer.
	ReplicaMaxConcurrentRequests *int
	// MaxRequestWaitTimeMs is maxQueueWaitMs.
	MaxRequestWaitTimeMs *int
	// NumReplicas is numReplicas.
	NumReplicas *int
	// PeriodSeconds is livenessProbeRequirements.periodSeconds.
	PeriodSeconds *int
	// InitialDelaySeconds is livenessProbeRequirements.initialDelaySeconds.
	InitialDelaySeconds *int
	// TimeoutSeconds is livenessProbeRequirements.timeoutSeconds.
	TimeoutSeconds *int
	// SuccessThreshold is livenessProbeRequirements.successThreshold.
	SuccessThreshold *int
	// FailureThreshold is livenessProbeRequirements.failureThreshold.
	FailureThreshold *int
	// Tags are the version's key/value tags. For UpdateVersion a non-nil map
	// replaces all tags (an empty map removes them).
	Tags map[string]string
	// Description describes the version.
	Description *string
}

// isZero reports whether no setting is set.
func (s VersionSettings) isZero() bool {
	return s.AutoscaleEnabled == nil && s.AutoscaleMinReplicas == nil && s.AutoscaleMaxReplicas == nil &&
		s.AutoscaleRefreshSeconds == nil && s.AutoscaleTargetUtilization == nil && s.CollectModelData == nil &&
		s.CPUCores == nil && s.CPUCoresLimit == nil && s.MemoryGB == nil && s.MemoryGBLimit == nil &&
		s.GPUCores == nil && s.ScoringTimeoutMs == nil && s.ReplicaMaxConcurrentRequests == nil &&
		s.MaxRequestWaitTimeMs == nil && s.NumReplicas == nil && s.PeriodSeconds == nil &&
		s.InitialDelaySeconds == nil && s.TimeoutSeconds == nil && s.SuccessThreshold == nil &&
		s.FailureThreshold == nil && s.Tags == nil && s.Description == nil
}
