package webservice

import (
	"encoding/json"
	"time"
)

// serviceWire is the part of the service GET body (reference §5.4) this
// package reads. Decoding is lenient: the service may add fields.
type serviceWire struct {
	Name                              string              `json:"name"`
	Description                       *string             `json:"description"`
	KvTags                            map[string]string   `json:"kvTags"`
	Properties                        map[string]string   `json:"properties"`
	ComputeType                       string              `json:"computeType"`
	ComputeName                       string              `json:"computeName"`
	CreatedTime                       string              `json:"createdTime"`
	UpdatedTime                       string              `json:"updatedTime"`
	State                             string              `json:"state"`
	Error                             json.RawMessage     `json:"error"`
	OperationID                       string              `json:"operationId"`
	ScoringURI                        *string             `json:"scoringUri"`
	AuthEnabled                       *bool               `json:"authEnabled"`
	AadAuthEnabled                    *bool               `json:"aadAuthEnabled"`
	AppInsightsEnabled                *bool               `json:"appInsightsEnabled"`
	AutoScaler                        *autoScalerWire     `json:"autoScaler"`
	ContainerResourceRequirements     *resourcesWire      `json:"containerResourceRequirements"`
	DataCollection                    *dataCollectionWire `json:"dataCollection"`
	MaxConcurrentRequestsPerContainer *int                `json:"maxConcurrentRequestsPerContainer"`
	MaxQueueWaitMs                    *int                `json:"maxQueueWaitMs"`
	NumReplicas                       *int                `json:"numReplicas"`
	ScoringTimeoutMs                  *int                `json:"scoringTimeoutMs"`
	LivenessProbeRequirements         *probeWire          `json:"livenessProbeRequirements"`
	Namespace                         *string             `json:"namespace"`
	Models                            []struct {
		ID string `json:"id"`
	} `json:"models"`
	DeploymentStatus *struct {
		DesiredReplicas   int `json:"desiredReplicas"`
		UpdatedReplicas   int `json:"updatedReplicas"`
		AvailableReplicas int `json:"availableReplicas"`
	} `json:"deploymentStatus"`
	EnvironmentImageRequest json.RawMessage `json:"environmentImageRequest"`
}

type autoScalerWire struct {
	AutoscaleEnabled       *bool `json:"autoscaleEnabled"`
	MinReplicas            *int  `json:"minReplicas"`
	MaxReplicas            *int  `json:"maxReplicas"`
	RefreshPeriodInSeconds *int  `json:"refreshPeriodInSeconds"`
	TargetUtilization      *int  `json:"targetUtilization"`
}

type resourcesWire struct {
	CPU             *float64 `json:"cpu"`
	CPULimit        *float64 `json:"cpuLimit"`
	MemoryInGB      *float64 `json:"memoryInGB"`
	MemoryInGBLimit *float64 `json:"memoryInGBLimit"`
	GPU             *int     `json:"gpu"`
}

type dataCollectionWire struct {
	StorageEnabled *bool `json:"storageEnabled"`
}

type probeWire struct {
	PeriodSeconds       *int `json:"periodSeconds"`
	InitialDelaySeconds *int `json:"initialDelaySeconds"`
	TimeoutSeconds      *int `json:"timeoutSeconds"`
	SuccessThreshold    *int `json:"successThreshold"`
	FailureThreshold    *int `json:"failureThreshold"`
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

// decodeServiceError turns an error object into a *ServiceError; nil for
// null, absent or empty objects. A bare string becomes the message.
func decodeServiceError(raw json.RawMessage) *ServiceError {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return nil
		}
		return &ServiceError{Message: s}
	}
	var w serviceErrorWire
	if json.Unmarshal(raw, &w) != nil {
		return &ServiceError{Message: string(raw)}
	}
	if w.Code == "" && w.Message == "" && len(w.Details) == 0 {
		return nil
	}
	e := &ServiceError{Code: w.Code, StatusCode: w.StatusCode, Message: w.Message}
	for _, d := range w.Details {
		e.Details = append(e.Details, ErrorDetail{Code: d.Code, Message: d.Message, Target: d.Target})
	}
	return e
}

func parseTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02T15:04:05.9999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
