package main

import (
	"strconv"
	"time"

	"github.com/azureml-go/azureml/model"
)

// modelView is the output form of a model.
type modelView struct {
	ID                    string                       `json:"id"`
	Name                  string                       `json:"name"`
	Version               int                          `json:"version"`
	Description           string                       `json:"description,omitempty"`
	Tags                  map[string]string            `json:"tags,omitempty"`
	Properties            map[string]string            `json:"properties,omitempty"`
	URL                   string                       `json:"url,omitempty"`
	Framework             string                       `json:"framework,omitempty"`
	FrameworkVersion      string                       `json:"frameworkVersion,omitempty"`
	ExperimentName        string                       `json:"experimentName,omitempty"`
	RunID                 string                       `json:"runId,omitempty"`
	ResourceConfiguration *model.ResourceConfiguration `json:"resourceConfiguration,omitempty"`
	CreatedTime           *time.Time                   `json:"createdTime,omitempty"`
	CreatedBy             string                       `json:"createdBy,omitempty"`
}

func newModelView(m *model.Model) *modelView {
	v := &modelView{
		ID: m.ID, Name: m.Name, Version: m.Version, Description: m.Description,
		Tags: m.Tags, Properties: m.Properties, URL: m.URL,
		Framework: string(m.Framework), FrameworkVersion: m.FrameworkVersion,
		ExperimentName: m.ExperimentName, RunID: m.RunID,
		ResourceConfiguration: m.ResourceConfiguration,
		CreatedTime:           timePtr(m.CreatedTime),
	}
	if m.CreatedBy != nil {
		v.CreatedBy = m.CreatedBy.Name
	}
	return v
}

var modelHeaders = []string{"Name", "Version", "Framework", "Created", "Tags", "Description"}

func (v *modelView) row() []string {
	created := ""
	if v.CreatedTime != nil {
		created = v.CreatedTime.Format(time.RFC3339)
	}
	return []string{v.Name, strconv.Itoa(v.Version), v.Framework, created, joinMap(v.Tags), v.Description}
}

func (v *modelView) table() *table {
	t := &table{headers: modelHeaders}
	t.add(v.row()...)
	return t
}

// modelListView is the output of model list.
type modelListView []*modelView

func (l modelListView) table() *table {
	t := &table{headers: modelHeaders}
	for _, v := range l {
		t.add(v.row()...)
	}
	return t
}
