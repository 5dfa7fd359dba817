package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/azureml-go/azureml/endpoint"
)

// endpointView is the output form of an AKS endpoint.
type endpointView struct {
	Name             string            `json:"name"`
	ComputeType      string            `json:"computeType"`
	ComputeName      string            `json:"computeName,omitempty"`
	State            string            `json:"state"`
	ScoringURI       string            `json:"scoringUri,omitempty"`
	AuthEnabled      bool              `json:"authEnabled"`
	TokenAuthEnabled bool              `json:"tokenAuthEnabled"`
	Description      string            `json:"description,omitempty"`
	Tags             map[string]string `json:"tags,omitempty"`
	Versions         []*versionView    `json:"versions"`
	Traffic          string            `json:"traffic"`
	CreatedTime      *time.Time        `json:"createdTime,omitempty"`
	UpdatedTime      *time.Time        `json:"updatedTime,omitempty"`
	Error            string            `json:"error,omitempty"`
}

// versionView is one version of an endpoint.
type versionView struct {
	Name              string   `json:"name"`
	State             string   `json:"state"`
	TrafficPercentile *float64 `json:"trafficPercentile,omitempty"`
	EffectivePercent  float64  `json:"effectivePercent"`
	IsDefault         bool     `json:"isDefault"`
	Type              string   `json:"type,omitempty"`
	Models            []string `json:"models,omitempty"`
	ScoringURI        string   `json:"scoringUri,omitempty"`
	Error             string   `json:"error,omitempty"`
}

func newEndpointView(ep *endpoint.AksEndpoint) *endpointView {
	v := &endpointView{
		Name: ep.Name(), ComputeType: endpoint.ComputeTypeAKSEndpoint, ComputeName: ep.ComputeName(), State: string(ep.State()),
		ScoringURI: ep.ScoringURI(), AuthEnabled: ep.AuthEnabled(), TokenAuthEnabled: ep.TokenAuthEnabled(),
		Description: ep.Description(), Tags: ep.Tags(), Traffic: ep.TrafficPlan().Explain(),
		CreatedTime: timePtr(ep.CreatedTime()), UpdatedTime: timePtr(ep.UpdatedTime()),
		Versions: versionViews(ep.Versions()),
	}
	if e := ep.Error(); e != nil {
		v.Error = e.Error()
	}
	return v
}

func versionViews(vs []endpoint.Version) []*versionView {
	out := make([]*versionView, 0, len(vs))
	for _, ver := range vs {
		vv := &versionView{
			Name: ver.Name, State: string(ver.State), TrafficPercentile: ver.TrafficPercentile, EffectivePercent: ver.EffectivePercent,
			IsDefault: ver.IsDefault, Type: string(ver.Type), Models: ver.ModelIDs, ScoringURI: ver.ScoringURI,
		}
		if ver.Error != nil {
			vv.Error = ver.Error.Error()
		}
		out = append(out, vv)
	}
	return out
}

var versionHeaders = []string{"Version", "State", "Percentile", "Share", "Default", "Type", "Models"}

func versionRow(v *versionView) []string {
	pct := ""
	if v.TrafficPercentile != nil {
		pct = strconv.FormatFloat(*v.TrafficPercentile, 'g', -1, 64)
	}
	return []string{v.Name, v.State, pct, strconv.FormatFloat(v.EffectivePercent, 'g', -1, 64) + "%", strconv.FormatBool(v.IsDefault), v.Type, strings.Join(v.Models, ",")}
}

func (v *endpointView) table() *table {
	t := &table{headers: versionHeaders}
	for _, ver := range v.Versions {
		t.add(versionRow(ver)...)
	}
	return t
}

// trafficView is the output of endpoint traffic show.
type trafficView struct {
	Endpoint    string         `json:"endpoint"`
	Default     string         `json:"default"`
	Control     string         `json:"control,omitempty"`
	Allocated   float64        `json:"allocated"`
	Remainder   float64        `json:"remainder"`
	Versions    []*versionView `json:"versions"`
	Explanation string         `json:"explanation"`
}

func newTrafficView(ep *endpoint.AksEndpoint) *trafficView {
	plan := ep.TrafficPlan()
	return &trafficView{
		Endpoint: ep.Name(), Default: plan.Default(), Control: plan.Control(),
		Allocated: plan.Allocated(), Remainder: plan.Remainder(),
		Versions: versionViews(ep.Versions()), Explanation: plan.Explain(),
	}
}

// text is the -o table form: the plan explained in words.
func (t *trafficView) text() string { return t.Explanation }

// changeView is the output of a --dry-run version operation.
type changeView struct {
	Endpoint    string `json:"endpoint"`
	Summary     string `json:"summary"`
	Explanation string `json:"explanation"`
	DryRun      bool   `json:"dryRun"`
}

func (c *changeView) text() string { return c.Explanation }
