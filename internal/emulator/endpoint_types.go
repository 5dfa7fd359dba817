package emulator

import (
	"encoding/json"
	"time"
)

// Wire and store types of AKS endpoints (computeType AKSENDPOINT, reference
// §6). They are the emulator's own, written from the reference; decoding
// rejects unknown fields.

// computeTypeAKSEndpoint is the computeType of an endpoint.
const computeTypeAKSEndpoint = "AKSENDPOINT"

// Endpoint limits and version types (reference §6.4).
const (
	maxEndpointVersions   = 6
	endpointTypeControl   = "Control"
	endpointTypeTreatment = "Treatment"
)

// endpointCreateRequest is POST {MMS}/services for computeType AKSENDPOINT
// (reference §6.1).
type endpointCreateRequest struct {
	Name               string                             `json:"name"`
	Description        *string                            `json:"description"`
	KvTags             map[string]string                  `json:"kvTags"`
	Tags               map[string]string                  `json:"tags"` // a literal null in azureml-core's template
	Properties         map[string]string                  `json:"properties"`
	Keys               *serviceKeysRequest                `json:"keys"`
	ComputeType        string                             `json:"computeType"`
	ComputeName        string                             `json:"computeName"`
	AppInsightsEnabled *bool                              `json:"appInsightsEnabled"`
	Namespace          *string                            `json:"namespace"`
	AuthEnabled        *bool                              `json:"authEnabled"`
	AadAuthEnabled     *bool                              `json:"aadAuthEnabled"`
	Overwrite          *bool                              `json:"overwrite"`
	Versions           map[string]*endpointVersionRequest `json:"versions"`
}

// endpointVersionRequest is one version body: an AKS service body (§4) plus
// the traffic fields of §6.2. The first version of a create carries
// computeType AKSENDPOINT and computeName null; later ones AKS and the
// endpoint's compute.
type endpointVersionRequest struct {
	serviceCreateRequest
	TrafficPercentile *float64 `json:"trafficPercentile"`
	IsDefault         *bool    `json:"isDefault"`
	Type              *string  `json:"type"`
}

// endpointSpec is the endpoint-level part of an endpoint.
type endpointSpec struct {
	Description        *string           `json:"description"`
	KvTags             map[string]string `json:"kvTags"`
	Properties         map[string]string `json:"properties"`
	ComputeName        string            `json:"computeName"`
	AppInsightsEnabled *bool             `json:"appInsightsEnabled"`
	Namespace          *string           `json:"namespace"`
	AuthEnabled        *bool             `json:"authEnabled"`
	AadAuthEnabled     *bool             `json:"aadAuthEnabled"`
}

// endpointVersionRecord is the persisted state of one version.
type endpointVersionRecord struct {
	// Spec is the version's AKS body with updates applied; keys, overwrite
	// and the registry password are never kept.
	Spec              serviceCreateRequest `json:"spec"`
	TrafficPercentile *float64             `json:"trafficPercentile"`
	IsDefault         bool                 `json:"isDefault"`
	Type              *string              `json:"type"`
	State             string               `json:"state"`
	Error             *mmsError            `json:"error,omitempty"`
	Created           time.Time            `json:"created"`
	Updated           time.Time            `json:"updated"`
	// Generation counts deployments of this version; Deployed is the layout
	// of the running one.
	Generation int                `json:"generation"`
	Deployed   *serviceDeployment `json:"deployed,omitempty"`
	Log        string             `json:"log,omitempty"`
	InitLog    string             `json:"initLog,omitempty"`
}

// endpointRecord is the persisted state of one endpoint (store kind
// "endpoint").
type endpointRecord struct {
	Name         string                            `json:"name"`
	Spec         endpointSpec                      `json:"spec"`
	Versions     map[string]*endpointVersionRecord `json:"versions"`
	State        string                            `json:"state"`
	Error        *mmsError                         `json:"error,omitempty"`
	Created      time.Time                         `json:"created"`
	Updated      time.Time                         `json:"updated"`
	PrimaryKey   string                            `json:"primaryKey"`
	SecondaryKey string                            `json:"secondaryKey"`
	Incarnation  string                            `json:"incarnation"`
	OperationID  string                            `json:"operationId"`
	Busy         bool                              `json:"busy"`
	// Generation counts operations on the endpoint; an operation commits only
	// while the generation it started from is current.
	Generation int `json:"generation"`
}

// endpointJSON is an endpoint on the wire (reference §6.3).
type endpointJSON struct {
	ID                 string                 `json:"id"`
	Name               string                 `json:"name"`
	Description        *string                `json:"description"`
	KvTags             map[string]string      `json:"kvTags"`
	Properties         map[string]string      `json:"properties"`
	State              string                 `json:"state"`
	Error              *mmsError              `json:"error"`
	CreatedTime        string                 `json:"createdTime"`
	UpdatedTime        string                 `json:"updatedTime"`
	OperationID        string                 `json:"operationId"`
	ComputeType        string                 `json:"computeType"`
	ComputeName        string                 `json:"computeName"`
	Namespace          string                 `json:"namespace"`
	AppInsightsEnabled bool                   `json:"appInsightsEnabled"`
	AuthEnabled        bool                   `json:"authEnabled"`
	AadAuthEnabled     bool                   `json:"aadAuthEnabled"`
	ScoringURI         string                 `json:"scoringUri"`
	SwaggerURI         string                 `json:"swaggerUri"`
	DeploymentStatus   *serviceReplicaStatus  `json:"deploymentStatus"`
	Versions           map[string]serviceJSON `json:"versions"`
	CreatedBy          json.RawMessage        `json:"createdBy"`
	DeploymentType     string                 `json:"deploymentType"`
}
