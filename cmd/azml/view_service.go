package main

import (
	"strings"
	"time"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/webservice"
)

// serviceView is the output form of a web service.
type serviceView struct {
	Name             string            `json:"name"`
	ComputeType      string            `json:"computeType"`
	ComputeName      string            `json:"computeName,omitempty"`
	State            string            `json:"state"`
	ScoringURI       string            `json:"scoringUri,omitempty"`
	SwaggerURI       string            `json:"swaggerUri,omitempty"`
	AuthEnabled      bool              `json:"authEnabled"`
	TokenAuthEnabled bool              `json:"tokenAuthEnabled"`
	Models           []string          `json:"models,omitempty"`
	Description      string            `json:"description,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
	Properties       map[string]string `json:"properties,omitempty"`
	Replicas         *replicasView     `json:"replicas,omitempty"`
	Settings         *settingsView     `json:"settings,omitempty"`
	CreatedTime      *time.Time        `json:"createdTime,omitempty"`
	UpdatedTime      *time.Time        `json:"updatedTime,omitempty"`
	Error            string            `json:"error,omitempty"`
}

// replicasView is the service's deployment status.
type replicasView struct {
	Desired   int `json:"desired"`
	Updated   int `json:"updated"`
	Available int `json:"available"`
}

// settingsView is the part of the effective deployment settings users check most.
type settingsView struct {
	AutoscaleEnabled     *bool    `json:"autoscaleEnabled,omitempty"`
	AutoscaleMinReplicas *int     `json:"autoscaleMinReplicas,omitempty"`
	AutoscaleMaxReplicas *int     `json:"autoscaleMaxReplicas,omitempty"`
	NumReplicas          *int     `json:"numReplicas,omitempty"`
	CPUCores             *float64 `json:"cpuCores,omitempty"`
	CPUCoresLimit        *float64 `json:"cpuCoresLimit,omitempty"`
	MemoryGB             *float64 `json:"memoryGb,omitempty"`
	MemoryGBLimit        *float64 `json:"memoryGbLimit,omitempty"`
	GPUCores             *int     `json:"gpuCores,omitempty"`
	ScoringTimeoutMs     *int     `json:"scoringTimeoutMs,omitempty"`
	MaxConcurrent        *int     `json:"replicaMaxConcurrentRequests,omitempty"`
	MaxRequestWaitTimeMs *int     `json:"maxRequestWaitTimeMs,omitempty"`
	AppInsightsEnabled   *bool    `json:"appInsightsEnabled,omitempty"`
	CollectModelData     *bool    `json:"collectModelData,omitempty"`
	Namespace            *string  `json:"namespace,omitempty"`
}

func newServiceView(s *webservice.AksWebservice) *serviceView {
	v := &serviceView{
		Name: s.Name(), ComputeType: s.ComputeType(), ComputeName: s.ComputeName(), State: string(s.State()),
		ScoringURI: s.ScoringURI(), SwaggerURI: s.SwaggerURI(),
		AuthEnabled: s.AuthEnabled(), TokenAuthEnabled: s.TokenAuthEnabled(),
		Models: s.ModelIDs(), Description: s.Description(), Tags: s.Tags(), Properties: s.Properties(),
		CreatedTime: timePtr(s.CreatedTime()), UpdatedTime: timePtr(s.UpdatedTime()),
	}
	if r := s.ReplicaStatus(); r != (webservice.ReplicaStatus{}) {
		v.Replicas = &replicasView{Desired: r.Desired, Updated: r.Updated, Available: r.Available}
	}
	c := s.Settings()
	v.Settings = &settingsView{
		AutoscaleEnabled: c.AutoscaleEnabled, AutoscaleMinReplicas: c.AutoscaleMinReplicas, AutoscaleMaxReplicas: c.AutoscaleMaxReplicas,
		NumReplicas: c.NumReplicas, CPUCores: c.CPUCores, CPUCoresLimit: c.CPUCoresLimit, MemoryGB: c.MemoryGB, MemoryGBLimit: c.MemoryGBLimit,
		GPUCores: c.GPUCores, ScoringTimeoutMs: c.ScoringTimeoutMs, MaxConcurrent: c.ReplicaMaxConcurrentRequests,
		MaxRequestWaitTimeMs: c.MaxRequestWaitTimeMs, AppInsightsEnabled: c.EnableAppInsights, CollectModelData: c.CollectModelData,
		Namespace: c.Namespace,
	}
	if e := s.Error(); e != nil {
		v.Error = e.Error()
	}
	return v
}

var serviceHeaders = []string{"Name", "Type", "Compute", "State", "Auth", "Models", "Scoring URI"}

func (v *serviceView) row() []string {
	authMode := "none"
	switch {
	case v.AuthEnabled:
		authMode = "key"
	case v.TokenAuthEnabled:
		authMode = "token"
	}
	return []string{v.Name, v.ComputeType, v.ComputeName, v.State, authMode, strings.Join(v.Models, ","), v.ScoringURI}
}

func (v *serviceView) table() *table {
	t := &table{headers: serviceHeaders}
	t.add(v.row()...)
	return t
}

// serviceListView is the output of service list.
type serviceListView []*serviceView

func (l serviceListView) table() *table {
	t := &table{headers: serviceHeaders}
	for _, v := range l {
		t.add(v.row()...)
	}
	return t
}

// logsView is the output of service logs.
type logsView struct {
	Name    string `json:"name"`
	Content string `json:"content"`
}

func (l *logsView) text() string { return l.Content }

// keysView is the output of service keys: the values themselves, since printing them
// is what the command is for. They go to stdout only, never to logs or errors.
type keysView struct {
	Name         string `json:"name"`
	PrimaryKey   string `json:"primaryKey"`
	SecondaryKey string `json:"secondaryKey"`
}

func newKeysView(name string, k auth.ServiceKeys) *keysView {
	return &keysView{Name: name, PrimaryKey: k.Primary.Reveal(), SecondaryKey: k.Secondary.Reveal()}
}

func (k *keysView) table() *table {
	t := &table{headers: []string{"Name", "PrimaryKey", "SecondaryKey"}}
	t.add(k.Name, k.PrimaryKey, k.SecondaryKey)
	return t
}

// tokenView is the output of service token.
type tokenView struct {
	Name         string    `json:"name"`
	AccessToken  string    `json:"accessToken"`
	TokenType    string    `json:"tokenType"`
	RefreshAfter time.Time `json:"refreshAfter"`
	ExpiresOn    time.Time `json:"expiryOn"`
}

func newTokenView(name string, t auth.AccessToken) *tokenView {
	return &tokenView{Name: name, AccessToken: t.Token.Reveal(), TokenType: t.TokenType, RefreshAfter: t.RefreshAfter, ExpiresOn: t.ExpiresOn}
}

func (tv *tokenView) table() *table {
	t := &table{headers: []string{"Name", "TokenType", "RefreshAfter", "ExpiryOn", "AccessToken"}}
	t.add(tv.Name, tv.TokenType, tv.RefreshAfter.Format(time.RFC3339), tv.ExpiresOn.Format(time.RFC3339), tv.AccessToken)
	return t
}
