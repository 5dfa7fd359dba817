package webservice

import (
	"encoding/json"
	"errors"
)

// computeTypeAKS is the computeType of an AKS web service.
const computeTypeAKS = "AKS"

// createBody is the POST {MMS}/services body of reference §4 (environment
// path). Field tags encode the "unset" column of §4: no omitempty means an
// unset value goes out as JSON null; omitempty means the key is left out.
type createBody struct {
	Name                              string             `json:"name"`
	Description                       *string            `json:"description"`
	KvTags                            map[string]string  `json:"kvTags"`
	Properties                        map[string]string  `json:"properties"`
	Keys                              createKeys         `json:"keys"`
	ComputeType                       string             `json:"computeType"`
	ComputeName                       string             `json:"computeName"`
	Location                          *string            `json:"location"`
	EnvironmentImageRequest           json.RawMessage    `json:"environmentImageRequest"`
	NumReplicas                       *int               `json:"numReplicas"`
	AutoScaler                        *createAutoScaler  `json:"autoScaler,omitempty"`
	DataCollection                    *createDataCollect `json:"dataCollection,omitempty"`
	AppInsightsEnabled                *bool              `json:"appInsightsEnabled,omitempty"`
	ContainerResourceRequirements     createResources    `json:"containerResourceRequirements"`
	MaxConcurrentRequestsPerContainer *int               `json:"maxConcurrentRequestsPerContainer"`
	MaxQueueWaitMs                    *int               `json:"maxQueueWaitMs"`
	Namespace                         *string            `json:"namespace"`
	ScoringTimeoutMs                  *int               `json:"scoringTimeoutMs"`
	AuthEnabled                       *bool              `json:"authEnabled,omitempty"`
	AadAuthEnabled                    *bool              `json:"aadAuthEnabled,omitempty"`
	StorageInitEnabled                *bool              `json:"storageInitEnabled,omitempty"`
	LivenessProbeRequirements         createProbe        `json:"livenessProbeRequirements"`
	Overwrite                         bool               `json:"overwrite,omitempty"`
}

type createKeys struct {
	PrimaryKey   *string `json:"primaryKey"`
	SecondaryKey *string `json:"secondaryKey"`
}

type createAutoScaler struct {
	AutoscaleEnabled       *bool `json:"autoscaleEnabled"`
	MinReplicas            *int  `json:"minReplicas"`
	MaxReplicas            *int  `json:"maxReplicas"`
	TargetUtilization      *int  `json:"targetUtilization"`
	RefreshPeriodInSeconds *int  `json:"refreshPeriodInSeconds"`
}

type createDataCollect struct {
	StorageEnabled  bool `json:"storageEnabled"`
	EventHubEnabled bool `json:"eventHubEnabled"`
}

type createResources struct {
	CPU             *float64 `json:"cpu"`
	CPULimit        *float64 `json:"cpuLimit"`
	MemoryInGB      *float64 `json:"memoryInGB"`
	MemoryInGBLimit *float64 `json:"memoryInGBLimit"`
	GPU             *int     `json:"gpu"`
}

type createProbe struct {
	InitialDelaySeconds *int `json:"initialDelaySeconds"`
	PeriodSeconds       *int `json:"periodSeconds"`
	FailureThreshold    *int `json:"failureThreshold"`
	SuccessThreshold    *int `json:"successThreshold"`
	TimeoutSeconds      *int `json:"timeoutSeconds"`
}

// createInput is what a deployment adds to the configuration.
type createInput struct {
	Name                    string
	ComputeName             string // deployment target's name; ComputeTargetName wins
	EnvironmentImageRequest json.RawMessage
	Overwrite               bool
}

// buildCreateBody renders the create request of reference §4. It does not
// validate; callers run Validate first.
func (c AksDeployConfig) buildCreateBody(in createInput) ([]byte, error) {
	if len(in.EnvironmentImageRequest) == 0 {
		return nil, errors.New("webservice: create body needs an environmentImageRequest")
	}
	b := createBody{
		Name:                              in.Name,
		Description:                       c.Description,
		KvTags:                            c.Tags,
		Properties:                        c.Properties,
		ComputeType:                       computeTypeAKS,
		ComputeName:                       in.ComputeName,
		EnvironmentImageRequest:           in.EnvironmentImageRequest,
		NumReplicas:                       c.NumReplicas,
		AppInsightsEnabled:                c.EnableAppInsights,
		MaxConcurrentRequestsPerContainer: c.ReplicaMaxConcurrentRequests,
		MaxQueueWaitMs:                    c.MaxRequestWaitTimeMs,
		Namespace:                         c.Namespace,
		ScoringTimeoutMs:                  c.ScoringTimeoutMs,
		AuthEnabled:                       c.AuthEnabled,
		AadAuthEnabled:                    c.TokenAuthEnabled,
		Overwrite:                         in.Overwrite,
		ContainerResourceRequirements: createResources{
			CPU: c.CPUCores, CPULimit: c.CPUCoresLimit,
			MemoryInGB: c.MemoryGB, MemoryInGBLimit: c.MemoryGBLimit,
			GPU: c.GPUCores,
		},
		LivenessProbeRequirements: createProbe{
			InitialDelaySeconds: c.InitialDelaySeconds, PeriodSeconds: c.PeriodSeconds,
			FailureThreshold: c.FailureThreshold, SuccessThreshold: c.SuccessThreshold,
			TimeoutSeconds: c.TimeoutSeconds,
		},
	}
	if c.ComputeTargetName != "" {
		b.ComputeName = c.ComputeTargetName
	}
	if b.Properties == nil {
		// azureml-core always sends an object here (its git tracking keys are
		// merged in); this SDK adds no tracking keys.
		b.Properties = map[string]string{}
	}
	// azureml-core sends the secondary key only together with a primary key.
	if !c.PrimaryKey.IsZero() {
		pk := c.PrimaryKey.Reveal()
		b.Keys.PrimaryKey = &pk
		if !c.SecondaryKey.IsZero() {
			sk := c.SecondaryKey.Reveal()
			b.Keys.SecondaryKey = &sk
		}
	}
	if c.AutoscaleEnabled != nil {
		b.AutoScaler = &createAutoScaler{
			AutoscaleEnabled:       c.AutoscaleEnabled,
			MinReplicas:            c.AutoscaleMinReplicas,
			MaxReplicas:            c.AutoscaleMaxReplicas,
			TargetUtilization:      c.AutoscaleTargetUtilization,
			RefreshPeriodInSeconds: c.AutoscaleRefreshSeconds,
		}
	}
	if isTrue(c.CollectModelData) {
		b.DataCollection = &createDataCollect{StorageEnabled: true}
	}
	if c.BlobfuseEnabled != nil {
		storageInit := !*c.BlobfuseEnabled
		b.StorageInitEnabled = &storageInit
	}
	return json.Marshal(b)
}
