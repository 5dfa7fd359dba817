package endpoint

import (
	"encoding/json"
	"time"
)

// endpointWire is the part of the endpoint GET body (reference §6.3) this
// package reads. Decoding is lenient: the service may add fields.
type endpointWire struct {
	Name               string                 `json:"name"`
	Description        *string                `json:"description"`
	KvTags             map[string]string      `json:"kvTags"`
	Properties         map[string]string      `json:"properties"`
	State              string                 `json:"state"`
	Error              json.RawMessage        `json:"error"`
	CreatedTime        string                 `json:"createdTime"`
	UpdatedTime        string                 `json:"updatedTime"`
	ComputeType        string                 `json:"computeType"`
	ComputeName        string                 `json:"computeName"`
	Namespace          *string                `json:"namespace"`
	AppInsightsEnabled *bool                  `json:"appInsightsEnabled"`
	AuthEnabled        *bool                  `json:"authEnabled"`
	AadAuthEnabled     *bool                  `json:"aadAuthEnabled"`
	ScoringURI         *string                `json:"scoringUri"`
	SwaggerURI         *string                `json:"swaggerUri"`
	Versions           map[string]versionWire `json:"versions"`
	// OperationID is the endpoint's last create or update operation.
	OperationID string `json:"operationId"`
}

// versionWire is one version object: an AKS service body with isDefault,
// trafficPercentile and type.
type versionWire struct {
	Name                              string            `json:"name"`
	Description                       *string           `json:"description"`
	KvTags                            map[string]string `json:"kvTags"`
	State                             string            `json:"state"`
	Error                             json.RawMessage   `json:"error"`
	CreatedTime                       string            `json:"createdTime"`
	UpdatedTime                       string            `json:"updatedTime"`
	ScoringURI                        *string           `json:"scoringUri"`
	IsDefault                         *bool             `json:"isDefault"`
	TrafficPercentile                 *float64          `json:"trafficPercentile"`
	Type                              *string           `json:"type"`
	NumReplicas                       *int              `json:"numReplicas"`
	ScoringTimeoutMs                  *int              `json:"scoringTimeoutMs"`
	MaxConcurrentRequestsPerContainer *int              `json:"maxConcurrentRequestsPerContainer"`
	MaxQueueWaitMs                    *int              `json:"maxQueueWaitMs"`
	AutoScaler                        *struct {
		AutoscaleEnabled       *bool `json:"autoscaleEnabled"`
		MinReplicas            *int  `json:"minReplicas"`
		MaxReplicas            *int  `json:"maxReplicas"`
		RefreshPeriodInSeconds *int  `json:"refreshPeriodInSeconds"`
		TargetUtilization      *int  `json:"targetUtilization"`
	} `json:"autoScaler"`
	ContainerResourceRequirements *struct {
		CPU             *float64 `json:"cpu"`
		CPULimit        *float64 `json:"cpuLimit"`
		MemoryInGB      *float64 `json:"memoryInGB"`
		MemoryInGBLimit *float64 `json:"memoryInGBLimit"`
		GPU             *int     `json:"gpu"`
	} `json:"containerResourceRequirements"`
	DataCollection *struct {
		StorageEnabled *bool `json:"storageEnabled"`
	} `json:"dataCollection"`
	LivenessProbeRequirements *struct {
		PeriodSeconds       *int `json:"periodSeconds"`
		InitialDelaySeconds *int `json:"initialDelaySeconds"`
		TimeoutSeconds      *int `json:"timeoutSeconds"`
		SuccessThreshold    *int `json:"successThreshold"`
		FailureThreshold    *int `json:"failureThreshold"`
	} `json:"livenessProbeRequirements"`
	Models []struct {
		ID string `json:"id"`
	} `json:"models"`
	EnvironmentImageRequest *struct {
		ModelIDs []string `json:"modelIds"`
	} `json:"environmentImageRequest"`
	DeploymentStatus *struct {
		DesiredReplicas   int `json:"desiredReplicas"`
		UpdatedReplicas   int `json:"updatedReplicas"`
		AvailableReplicas int `json:"availableReplicas"`
	} `json:"deploymentStatus"`
}

// serviceErrorWire is the model-management error shape (reference §7.1).
type serviceErrorWire struct {
	Code       string `json:"code"`
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
	Details    []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Target  string `json:"target"`
	} `json:"details"`
}

func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
