package emulator

import "encoding/json"

// Wire types of the web-service routes (reference §4, §5). They are the
// emulator's own, written from the reference, and decoding rejects unknown
// fields, so a field the SDK misspells fails here instead of passing.

// serviceCreateRequest is POST {MMS}/services for computeType AKS (reference
// §4, environment path). Pointers keep "absent/null" apart from zero values.
type serviceCreateRequest struct {
	Name                              string                `json:"name"`
	Description                       *string               `json:"description"`
	KvTags                            map[string]string     `json:"kvTags"`
	Properties                        map[string]string     `json:"properties"`
	Keys                              *serviceKeysRequest   `json:"keys"`
	ComputeType                       string                `json:"computeType"`
	ComputeName                       string                `json:"computeName"`
	Location                          *string               `json:"location"`
	EnvironmentImageRequest           *envImageRequest      `json:"environmentImageRequest"`
	ImageID                           *string               `json:"imageId"`
	NumReplicas                       *int                  `json:"numReplicas"`
	AutoScaler                        *serviceAutoScaler    `json:"autoScaler"`
	DataCollection                    *serviceDataCollect   `json:"dataCollection"`
	AppInsightsEnabled                *bool                 `json:"appInsightsEnabled"`
	ContainerResourceRequirements     *serviceResources     `json:"containerResourceRequirements"`
	MaxConcurrentRequestsPerContainer *int                  `json:"maxConcurrentRequestsPerContainer"`
	MaxQueueWaitMs                    *int                  `json:"maxQueueWaitMs"`
	Namespace                         *string               `json:"namespace"`
	ScoringTimeoutMs                  *int                  `json:"scoringTimeoutMs"`
	AuthEnabled                       *bool                 `json:"authEnabled"`
	AadAuthEnabled                    *bool                 `json:"aadAuthEnabled"`
	StorageInitEnabled                *bool                 `json:"storageInitEnabled"`
	LivenessProbeRequirements         *serviceLivenessProbe `json:"livenessProbeRequirements"`
	Overwrite                         *bool                 `json:"overwrite"`
}

type serviceKeysRequest struct {
	PrimaryKey   *string `json:"primaryKey"`
	SecondaryKey *string `json:"secondaryKey"`
}

// serviceAutoScaler is autoScaler both in requests (fields may be null) and
// in responses (defaults filled in).
type serviceAutoScaler struct {
	AutoscaleEnabled       *bool `json:"autoscaleEnabled"`
	MinReplicas            *int  `json:"minReplicas"`
	MaxReplicas            *int  `json:"maxReplicas"`
	RefreshPeriodInSeconds *int  `json:"refreshPeriodInSeconds"`
	TargetUtilization      *int  `json:"targetUtilization"`
}

type serviceDataCollect struct {
	StorageEnabled  *bool `json:"storageEnabled"`
	EventHubEnabled *bool `json:"eventHubEnabled"`
}

type serviceResources struct {
	CPU             *float64 `json:"cpu"`
	CPULimit        *float64 `json:"cpuLimit"`
	MemoryInGB      *float64 `json:"memoryInGB"`
	MemoryInGBLimit *float64 `json:"memoryInGBLimit"`
	GPU             *int     `json:"gpu"`
}

type serviceLivenessProbe struct {
	PeriodSeconds       *int `json:"periodSeconds"`
	InitialDelaySeconds *int `json:"initialDelaySeconds"`
	TimeoutSeconds      *int `json:"timeoutSeconds"`
	SuccessThreshold    *int `json:"successThreshold"`
	FailureThreshold    *int `json:"failureThreshold"`
}

// envImageRequest is environmentImageRequest (reference §3.4).
type envImageRequest struct {
	DriverProgram        string          `json:"driverProgram"`
	Assets               []imageAsset    `json:"assets"`
	ModelIDs             []string        `json:"modelIds"`
	Environment          *envDefinition  `json:"environment"`
	EnvironmentReference json.RawMessage `json:"environmentReference,omitempty"`
}

type imageAsset struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	MimeType string `json:"mimeType"`
	Unpack   bool   `json:"unpack"`
}

// envDefinition is the serialized Environment (ModelEnvironmentDefinition).
// Sections the emulator does not interpret are kept raw.
type envDefinition struct {
	Name                    string            `json:"name"`
	Version                 *string           `json:"version"`
	EnvironmentVariables    map[string]string `json:"environmentVariables"`
	Python                  *envPython        `json:"python"`
	Docker                  *envDocker        `json:"docker"`
	Spark                   json.RawMessage   `json:"spark,omitempty"`
	R                       json.RawMessage   `json:"r,omitempty"`
	Databricks              json.RawMessage   `json:"databricks,omitempty"`
	InferencingStackVersion *string           `json:"inferencingStackVersion"`
	AssetID                 *string           `json:"assetId,omitempty"`
}

type envPython struct {
	UserManagedDependencies bool            `json:"userManagedDependencies"`
	InterpreterPath         string          `json:"interpreterPath"`
	CondaDependencies       json.RawMessage `json:"condaDependencies"`
	BaseCondaEnvironment    *string         `json:"baseCondaEnvironment,omitempty"`
}

type envDocker struct {
	BaseImage         *string      `json:"baseImage"`
	BaseDockerfile    *string      `json:"baseDockerfile"`
	BaseImageRegistry *envRegistry `json:"baseImageRegistry"`
	Enabled           *bool        `json:"enabled,omitempty"`
	Arguments         []string     `json:"arguments,omitempty"`
}

type envRegistry struct {
	Address  *string `json:"address"`
	Username *string `json:"username"`
	Password *string `json:"password"`
}

// servicePatchOp is one JSON Patch operation of PATCH {MMS}/services/{name}
// (reference §5.8).
type servicePatchOp struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// serviceValidateRequest is POST {MMS}/services/validate (reference §3.5).
type serviceValidateRequest struct {
	Type          string                `json:"type"`
	ServiceName   string                `json:"serviceName"`
	CreateRequest *serviceCreateRequest `json:"createRequest"`
	UpdateRequest []servicePatchOp      `json:"updateRequest"`
}

// regenerateKeysRequest is POST {MMS}/services/{name}/regenerateKeys.
type regenerateKeysRequest struct {
	KeyType  string  `json:"keyType"`
	KeyValue *string `json:"keyValue"`
}

// serviceKeysResponse is the listkeys answer.
type serviceKeysResponse struct {
	PrimaryKey   string `json:"primaryKey"`
	SecondaryKey string `json:"secondaryKey"`
}

// serviceTokenResponse is the token answer; times are Unix epoch seconds.
type serviceTokenResponse struct {
	AccessToken  string `json:"accessToken"`
	TokenType    string `json:"tokenType"`
	RefreshAfter int64  `json:"refreshAfter"`
	ExpiryOn     int64  `json:"expiryOn"`
}

// serviceLogsResponse is the logs answer.
type serviceLogsResponse struct {
	Content string `json:"content"`
}

// serviceReplicaStatus is deploymentStatus.
type serviceReplicaStatus struct {
	DesiredReplicas   int       `json:"desiredReplicas"`
	UpdatedReplicas   int       `json:"updatedReplicas"`
	AvailableReplicas int       `json:"availableReplicas"`
	Error             *mmsError `json:"error"`
}

// serviceJSON is an AKS service on the wire (reference §5.4): every key that
// azureml-core requires is always present.
type serviceJSON struct {
	ID                                string                `json:"id"`
	Name                              string                `json:"name"`
	Description                       *string               `json:"description"`
	KvTags                            map[string]string     `json:"kvTags"`
	Properties                        map[string]string     `json:"properties"`
	ComputeType                       string                `json:"computeType"`
	ComputeName                       string                `json:"computeName"`
	CreatedTime                       string                `json:"createdTime"`
	UpdatedTime                       string                `json:"updatedTime"`
	CreatedBy                         *modelUser            `json:"createdBy"`
	State                             string                `json:"state"`
	Error                             *mmsError             `json:"error"`
	OperationID                       string                `json:"operationId"`
	ImageID                           *string               `json:"imageId"`
	ImageDigest                       *string               `json:"imageDigest"`
	ImageDetails                      json.RawMessage       `json:"imageDetails"`
	EnvironmentImageRequest           *envImageRequest      `json:"environmentImageRequest"`
	Models                            []modelJSON           `json:"models"`
	ModelConfigMap                    map[string]any        `json:"modelConfigMap"`
	ScoringURI                        string                `json:"scoringUri"`
	SwaggerURI                        string                `json:"swaggerUri"`
	DeploymentType                    string                `json:"deploymentType"`
	AppInsightsEnabled                bool                  `json:"appInsightsEnabled"`
	AuthEnabled                       bool                  `json:"authEnabled"`
	AadAuthEnabled                    bool                  `json:"aadAuthEnabled"`
	AutoScaler                        serviceAutoScaler     `json:"autoScaler"`
	ContainerResourceRequirements     serviceResources      `json:"containerResourceRequirements"`
	DataCollection                    serviceDataCollect    `json:"dataCollection"`
	MaxConcurrentRequestsPerContainer int                   `json:"maxConcurrentRequestsPerContainer"`
	MaxQueueWaitMs                    int                   `json:"maxQueueWaitMs"`
	NumReplicas                       *int                  `json:"numReplicas"`
	ScoringTimeoutMs                  int                   `json:"scoringTimeoutMs"`
	LivenessProbeRequirements         serviceLivenessProbe  `json:"livenessProbeRequirements"`
	Namespace                         string                `json:"namespace"`
	DeploymentStatus                  *serviceReplicaStatus `json:"deploymentStatus"`
	IsDefault                         *bool                 `json:"isDefault"`
	TrafficPercentile                 *float64              `json:"trafficPercentile"`
	Type                              *string               `json:"type"`
}

// serviceListResponse is a page of GET {MMS}/services.
type serviceListResponse struct {
	Value    []serviceJSON `json:"value"`
	NextLink *string       `json:"nextLink"`
}
