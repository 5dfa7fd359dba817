package model

import (
	"encoding/json"
	"strings"
	"time"
)

// Model is a registered model as the model-management service returns it.
type Model struct {
	// ID is "{name}:{version}".
	ID string
	// Name of the model.
	Name string
	// Version is assigned by the service, counting up per name from 1.
	Version int
	// Description is free text.
	Description string
	// Tags are the mutable key/value labels (wire field kvTags).
	Tags map[string]string
	// Properties are immutable key/value pairs.
	Properties map[string]string
	// URL locates the model's files, "aml://asset/{assetId}".
	URL string
	// MimeType is the model's MIME type ("application/json" for registered files).
	MimeType string
	// Framework and FrameworkVersion describe how the model was built.
	Framework Framework
	// FrameworkVersion is the framework's version.
	FrameworkVersion string
	// Unpack tells the service whether the model is an archive to unpack.
	Unpack bool
	// ExperimentName and RunID link the model to the run that produced it.
	ExperimentName string
	// RunID is the id of the run that produced the model.
	RunID string
	// Datasets associated with the model.
	Datasets []DatasetReference
	// SampleInputData and SampleOutputData are "aml://dataset/{id}" references.
	SampleInputData string
	// SampleOutputData is the "aml://dataset/{id}" reference to sample output.
	SampleOutputData string
	// ResourceConfiguration is the CPU, memory and GPU the model needs (wire
	// field resourceRequirements).
	ResourceConfiguration *ResourceConfiguration
	// CreatedTime is when the version was registered; zero when the service
	// sent none or an unreadable value.
	CreatedTime time.Time
	// CreatedBy is who registered it, when the service says.
	CreatedBy *User
	// Raw is the service's JSON for this model, for fields this type does not name.
	Raw json.RawMessage
}

// User identifies who registered a model.
type User struct {
	// Name is the user's display name (wire field userName).
	Name string `json:"userName"`
	// ObjectID is the user's Entra object id (wire field userObjectId).
	ObjectID string `json:"userObjectId"`
	// TenantID is the user's tenant (wire field userTenantId).
	TenantID string `json:"userTenantId"`
}

// AssetID returns the asset id of URL ("aml://asset/{id}"), or "".
func (m *Model) AssetID() string {
	id, ok := strings.CutPrefix(m.URL, "aml://asset/")
	if !ok {
		return ""
	}
	return id
}

// modelResponse is the wire shape of a model in responses; decoding is lenient
// (unknown fields are ignored) because the service adds fields over time.
type modelResponse struct {
	ID                   string                 `json:"id"`
	Name                 string                 `json:"name"`
	Version              int                    `json:"version"`
	Description          string                 `json:"description"`
	KVTags               map[string]string      `json:"kvTags"`
	Properties           map[string]string      `json:"properties"`
	URL                  string                 `json:"url"`
	MimeType             string                 `json:"mimeType"`
	Framework            string                 `json:"framework"`
	FrameworkVersion     string                 `json:"frameworkVersion"`
	Unpack               bool                   `json:"unpack"`
	ExperimentName       string                 `json:"experimentName"`
	RunID                string                 `json:"runId"`
	Datasets             []DatasetReference     `json:"datasets"`
	SampleInputData      string                 `json:"sampleInputData"`
	SampleOutputData     string                 `json:"sampleOutputData"`
	ResourceRequirements *ResourceConfiguration `json:"resourceRequirements"`
	CreatedTime          string                 `json:"createdTime"`
	CreatedBy            *User                  `json:"createdBy"`
}

// decodeModel turns one model JSON object into a *Model.
func decodeModel(raw json.RawMessage) (*Model, error) {
	var w modelResponse
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	m := &Model{
		ID: w.ID, Name: w.Name, Version: w.Version, Description: w.Description,
		Tags: w.KVTags, Properties: w.Properties, URL: w.URL, MimeType: w.MimeType,
		Framework: Framework(w.Framework), FrameworkVersion: w.FrameworkVersion, Unpack: w.Unpack,
		ExperimentName: w.ExperimentName, RunID: w.RunID, Datasets: w.Datasets,
		SampleInputData: w.SampleInputData, SampleOutputData: w.SampleOutputData,
		ResourceConfiguration: w.ResourceRequirements, CreatedTime: parseServiceTime(w.CreatedTime),
		CreatedBy: w.CreatedBy, Raw: append(json.RawMessage(nil), raw...),
	}
	if m.Tags == nil {
		m.Tags = map[string]string{}
	}
	if m.Properties == nil {
		m.Properties = map[string]string{}
	}
	return m, nil
}

// parseServiceTime reads the service's ISO-8601 times, with or without a zone
// (a time without one is taken as UTC); anything else gives the zero time.
func parseServiceTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
