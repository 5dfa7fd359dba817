package endpoint

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// twoVersions is versiona (20%, default) and versionb (10%).
func twoVersions(t *testing.T) map[string]any {
	return endpointGET(t, map[string]map[string]any{
		"versiona": {"trafficPercentile": 20, "isDefault": true},
		"versionb": {"trafficPercentile": 10},
	}, nil)
}

func TestWireUpdateVersionDefaultAndControl(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	expectGET(t, twoVersions(t))
	ep, err := Get(ctx, ws, "rollout")
	require.NoError(t, err)

	expectGET(t, twoVersions(t))
	expectPatch(t, fixture(t, "patch_update_version_default_control.json"))
	op, err := ep.UpdateVersion(ctx, "versionb", UpdateVersionOptions{
		TrafficPercentile: to.Ptr(40.0), IsDefault: to.Ptr(true), IsControl: to.Ptr(true), SkipPreflight: true,
	})
	require.NoError(t, err)
	assert.Equal(t, "op-1", op.ID())
	assert.Equal(t, "versiona 20 (not default), versionb 10→40 (default, control)", op.Change().Summary())
	share, _ := op.Change().After.Share("versionb")
	assert.Equal(t, 80.0, share)
}

func TestWireUpdateVersionWithPreflight(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	expectGET(t, twoVersions(t))
	ep, err := Get(ctx, ws, "rollout")
	require.NoError(t, err)

	patch := `[{"op":"replace","path":"/versions/versiona/trafficPercentile","value":0}]`
	expectGET(t, twoVersions(t))
	body(t, expect(t, http.MethodPost, mmsPath+"/services/validate", ""), "application/json",
		`{"type":"Update","serviceName":"rollout","createRequest":null,"updateRequest":`+patch+`}`).Reply(200).JSON(map[string]any{})
	expectPatch(t, patch)
	_, err = ep.UpdateVersion(ctx, "versiona", UpdateVersionOptions{TrafficPercentile: to.Ptr(0.0)})
	require.NoError(t, err)
}

func TestWirePreflightRejectionStopsTheUpdate(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	expectGET(t, twoVersions(t))
	ep, err := Get(ctx, ws, "rollout")
	require.NoError(t, err)
	expectGET(t, twoVersions(t))
	expect(t, http.MethodPost, mmsPath+"/services/validate", "").Reply(200).
		JSON(map[string]any{"error": map[string]any{"code": "BadArgument", "message": "quota exceeded"}})
	_, err = ep.UpdateVersion(ctx, "versiona", UpdateVersionOptions{VersionSettings: VersionSettings{Description: to.Ptr("x")}})
	var pe *model.PreflightError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "quota exceeded", pe.Message)
}

func TestWireUpdateVersionEverySetting(t *testing.T) {
	// No models or inference config: every other §6.2 path, in order.
	ws := newWireWorkspace(t)
	ctx := context.Background()
	ep3 := endpointGET(t, map[string]map[string]any{
		"versiona": {"trafficPercentile": 20, "isDefault": true},
		"versionb": {"trafficPercentile": 10, "type": "Control"},
		"versionc": {},
	}, nil)
	expectGET(t, ep3)
	ep, err := Get(ctx, ws, "rollout")
	require.NoError(t, err)
	expectGET(t, ep3)
	want := `[
	  {"op":"replace","path":"/versions/versionb/type","value":"Treatment"},
	  {"op":"replace","path":"/versions/versionb/autoScaler/autoscaleEnabled","value":false},
	  {"op":"replace","path":"/versions/versionb/containerResourceRequirements/cpu","value":0.25},
	  {"op":"replace","path":"/versions/versionb/numReplicas","value":2},
	  {"op":"replace","path":"/versions/versionb/livenessProbeRequirements/failureThreshold","value":4},
	  {"op":"replace","path":"/versions/versionb/trafficPercentile","value":0},
	  {"op":"replace","path":"/versions/versionb/description","value":"canary"},
	  {"op":"replace","path":"/versions/versionb/tags","value":{"stage":"canary"}}
	]`
	expectPatch(t, want)
	_, err = ep.UpdateVersion(ctx, "versionb", UpdateVersionOptions{
		VersionSettings: VersionSettings{
			AutoscaleEnabled: to.Ptr(false), CPUCores: to.Ptr(0.25), NumReplicas: to.Ptr(2), FailureThreshold: to.Ptr(4),
			Description: to.Ptr("canary"), Tags: map[string]string{"stage": "canary"},
		},
		TrafficPercentile: to.Ptr(0.0), IsControl: to.Ptr(false), SkipPreflight: true,
	})
	require.NoError(t, err)
}

func TestWireUpdateVersionRefusedBeforeSending(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	expectGET(t, twoVersions(t))
	ep, err := Get(ctx, ws, "rollout")
	require.NoError(t, err)

	// Invalid on its own: refused before any request, every problem at once.
	_, err = ep.UpdateVersion(ctx, "versionb", UpdateVersionOptions{})
	assert.True(t, IsNoUpdate(err), "%v", err)
	var ve *webservice.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.HasField("UpdateVersionOptions"), "%v", err)

	_, err = ep.UpdateVersion(ctx, "Version_B", UpdateVersionOptions{
		TrafficPercentile: to.Ptr(-5.0), VersionSettings: VersionSettings{CPUCores: to.Ptr(-1.0), NumReplicas: to.Ptr(0)},
		Models: []*model.Model{nil},
	})
	var pe *PlanError
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.Has(RuleVersionName) && pe.Has(RulePercentile), "%v", err)
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.HasField("CPUCores") && ve.HasField("NumReplicas"), "%v", err)
	var me *model.ValidationError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "UpdateVersion", me.Op)
	assert.False(t, IsNoUpdate(err))

	// Valid on its own, invalid against the endpoint: refused after one read.
	expectGET(t, twoVersions(t))
	_, err = ep.UpdateVersion(ctx, "versionb", UpdateVersionOptions{
		TrafficPercentile: to.Ptr(95.0), VersionSettings: VersionSettings{CPUCoresLimit: to.Ptr(0.05), NumReplicas: to.Ptr(2)}, // the request is 0.1
	})
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.Has(RuleTotal))
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.HasField("CPUCoresLimit"), "%v", err)
	assert.False(t, ve.HasField("NumReplicas"), "autoscale is off on the version: %v", err)

	expectGET(t, twoVersions(t))
	_, err = ep.UpdateVersion(ctx, "ghost", UpdateVersionOptions{TrafficPercentile: to.Ptr(1.0)})
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.Has(RuleUnknownVersion))
}

func TestWireDeleteVersion(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	expectGET(t, twoVersions(t))
	ep, err := Get(ctx, ws, "rollout")
	require.NoError(t, err)

	expectGET(t, twoVersions(t))
	expectPatch(t, fixture(t, "patch_delete_version.json"))
	op, err := ep.DeleteVersion(ctx, "versionb", &DeleteVersionOptions{SkipPreflight: true})
	require.NoError(t, err)
	assert.Equal(t, "versionb deleted", op.Change().Summary())

	expectGET(t, twoVersions(t)) // the default cannot go: refused after the read
	_, err = ep.DeleteVersion(ctx, "versiona", &DeleteVersionOptions{SkipPreflight: true})
	var pe *PlanError
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.Has(RuleDefault))
}

func TestWireEndpointUpdate(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	noProps := func(m map[string]any) { m["properties"] = map[string]string{} }
	expectGET(t, endpointGET(t, map[string]map[string]any{"versiona": {"isDefault": true}}, noProps))
	ep, err := Get(ctx, ws, "rollout")
	require.NoError(t, err)
	assert.True(t, ep.AuthEnabled())

	expectGET(t, endpointGET(t, map[string]map[string]any{"versiona": {"isDefault": true}}, noProps))
	expectPatch(t, fixture(t, "patch_endpoint_update.json"))
	_, err = ep.Update(ctx, EndpointUpdate{
		AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(true), EnableAppInsights: to.Ptr(true),
		Tags: map[string]string{"team": "ml"}, Description: to.Ptr("rollout endpoint"),
		Properties: map[string]string{"owner": "me", "a/b": "slash"},
	}, &UpdateOptions{SkipPreflight: true})
	require.NoError(t, err)
}

func TestWireEndpointUpdateRefused(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	expectGET(t, twoVersions(t))
	ep, err := Get(ctx, ws, "rollout")
	require.NoError(t, err)

	// Invalid on its own: refused before any request.
	_, err = ep.Update(ctx, EndpointUpdate{}, nil)
	assert.True(t, IsNoUpdate(err))
	var ve *webservice.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.HasField("EndpointUpdate"), "%v", err)
	assert.Contains(t, err.Error(), "no parameters provided to update")

	_, err = ep.Update(ctx, EndpointUpdate{AuthEnabled: to.Ptr(true), TokenAuthEnabled: to.Ptr(true), Properties: map[string]string{"": "x"}}, nil)
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Problems, 2, "%v", err)
	assert.True(t, ve.HasField("AuthEnabled/TokenAuthEnabled") && ve.HasField("Properties"), "%v", err)
	assert.False(t, IsNoUpdate(err))

	expectGET(t, twoVersions(t)) // key auth is on: turning token auth on alone is refused
	_, err = ep.Update(ctx, EndpointUpdate{TokenAuthEnabled: to.Ptr(true), Properties: map[string]string{"owner": "you"}}, nil)
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Problems, 2)
	assert.Contains(t, err.Error(), "set it to false in the same update")
	assert.Contains(t, err.Error(), `"owner" is already set`)
}

func TestWireCreateVersion(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	one := endpointGET(t, map[string]map[string]any{"versiona": {"trafficPercentile": 20, "isDefault": true, "type": "Control"}}, nil)
	expectGET(t, one)
	ep, err := Get(ctx, ws, "rollout")
	require.NoError(t, err)

	expectGET(t, one)
	want := `[
	  {"op":"replace","path":"/versions/versiona/isDefault","value":false},
	  {"op":"replace","path":"/versions/versiona/type","value":"Treatment"},
	  {"op":"add","path":"/versions/versionb","value":{
	    "name":"versionb","description":"canary","kvTags":{"stage":"canary"},"properties":{"owner":"me"},
	    "keys":{"primaryKey":null,"secondaryKey":null},
	    "computeType":"AKS","computeName":"aks-1","location":null,
	    "environmentImageRequest":{"modelIds":["m:2"]},
	    "numReplicas":2,
	    "autoScaler":{"autoscaleEnabled":false,"minReplicas":null,"maxReplicas":null,"targetUtilization":null,"refreshPeriodInSeconds":null},
	    "containerResourceRequirements":{"cpu":0.5,"cpuLimit":null,"memoryInGB":null,"memoryInGBLimit":null,"gpu":null},
	    "maxConcurrentRequestsPerContainer":null,"maxQueueWaitMs":null,"namespace":null,"scoringTimeoutMs":null,
	    "livenessProbeRequirements":{"initialDelaySeconds":null,"periodSeconds":null,"failureThreshold":null,"successThreshold":null,"timeoutSeconds":null},
	    "trafficPercentile":10,"isDefault":true,"type":"Control"
	  }}
	]`
	expectPatch(t, want)
	m := &model.Model{ID: "m:2", Name: "m", Version: 2, Framework: model.FrameworkScikitLearn}
	op, err := ep.CreateVersion(ctx, "versionb", []*model.Model{m}, nil, &CreateVersionOptions{
		VersionSettings: VersionSettings{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(2), CPUCores: to.Ptr(0.5),
			Description: to.Ptr("canary"), Tags: map[string]string{"stage": "canary"}},
		Properties: map[string]string{"owner": "me"}, TrafficPercentile: to.Ptr(10.0),
		IsDefault: true, IsControl: true, SkipPreflight: true,
	})
	require.NoError(t, err)
	assert.Equal(t, "versiona 20 (not default, not control), versionb 10 (new, default, control)", op.Change().Summary())
}

func TestWireCreateVersionRefusedWithEveryProblem(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	six := map[string]map[string]any{}
	for _, n := range []string{"version1", "version2", "version3", "version4", "version5", "version6"} {
		six[n] = map[string]any{"trafficPercentile": 15}
	}
	six["version1"]["isDefault"] = true
	six["version2"]["type"] = "Control"
	expectGET(t, endpointGET(t, six, nil))
	ep, err := Get(ctx, ws, "rollout")
	require.NoError(t, err)

	// Invalid on its own: nothing is read or sent, every problem is named.
	_, err = ep.CreateVersion(ctx, "rollout", []*model.Model{{ID: "m:1", Framework: model.FrameworkCustom}}, nil, &CreateVersionOptions{
		TrafficPercentile: to.Ptr(101.0),
		VersionSettings:   VersionSettings{MemoryGB: to.Ptr(0.0)},
	})
	var pe *PlanError
	require.ErrorAs(t, err, &pe)
	for _, rule := range []PlanRule{RuleEndpointName, RulePercentile} {
		assert.True(t, pe.Has(rule), "missing %s in %v", rule, err)
	}
	var ve *webservice.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.HasField("MemoryGB"))
	var me *model.ValidationError
	require.ErrorAs(t, err, &me)
	assert.Contains(t, err.Error(), "cannot be deployed without an InferenceConfig")

	_, err = ep.CreateVersion(ctx, "Green", []*model.Model{{ID: "m:1", Framework: model.FrameworkOnnx}}, nil, nil)
	require.ErrorAs(t, err, &pe)
	assert.True(t, pe.Has(RuleVersionName), "%v", err)
	assert.Len(t, pe.Problems, 1, "%v", err)

	// Valid on its own, invalid against the endpoint: one read, then nothing sent.
	expectGET(t, endpointGET(t, six, nil))
	_, err = ep.CreateVersion(ctx, "version7", []*model.Model{{ID: "m:1", Framework: model.FrameworkOnnx}}, nil, &CreateVersionOptions{
		TrafficPercentile: to.Ptr(20.0), IsControl: true,
	})
	require.ErrorAs(t, err, &pe)
	for _, rule := range []PlanRule{RuleVersionCount, RuleTotal} {
		assert.True(t, pe.Has(rule), "missing %s in %v", rule, err)
	}
	assert.False(t, pe.Has(RuleControl), "the other versions become treatments: %v", err)
}

func TestWirePatchAnswers(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	expectGET(t, twoVersions(t))
	ep, err := Get(ctx, ws, "rollout")
	require.NoError(t, err)

	t.Run("200 with operationId", func(t *testing.T) {
		expectGET(t, twoVersions(t))
		expect(t, http.MethodPatch, mmsPath+"/services/rollout", "").Reply(200).JSON(map[string]any{"operationId": "op-9"})
		op, err := ep.DeleteVersion(ctx, "versionb", &DeleteVersionOptions{SkipPreflight: true})
		require.NoError(t, err)
		assert.Equal(t, "op-9", op.ID())
	})
	t.Run("409 is a ResponseError", func(t *testing.T) {
		expectGET(t, twoVersions(t))
		expect(t, http.MethodPatch, mmsPath+"/services/rollout", "").Reply(409).
			JSON(map[string]any{"code": "Conflict", "statusCode": 409, "message": "busy", "details": []any{}})
		_, err := ep.DeleteVersion(ctx, "versionb", &DeleteVersionOptions{SkipPreflight: true})
		var re *azcore.ResponseError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, http.StatusConflict, re.StatusCode)
		assert.Equal(t, "Conflict", re.ErrorCode)
	})
	t.Run("503 then 202: the PATCH is retried", func(t *testing.T) {
		expectGET(t, twoVersions(t))
		expect(t, http.MethodPatch, mmsPath+"/services/rollout", "").Reply(503).SetHeader("Retry-After", "0").
			JSON(map[string]any{"code": "ServiceUnavailable", "statusCode": 503, "message": "later", "details": []any{}})
		expectPatch(t, fixture(t, "patch_delete_version.json"))
		_, err := ep.DeleteVersion(ctx, "versionb", &DeleteVersionOptions{SkipPreflight: true})
		require.NoError(t, err)
	})
}

func TestWireGetNotFoundAndNotEndpoint(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	expect(t, http.MethodGet, mmsPath+"/services/rollout", "expand=true").Reply(404).
		JSON(map[string]any{"code": "WebserviceNotFound", "statusCode": 404, "message": "Webservice with name rollout not found", "details": []any{}})
	_, err := Get(ctx, ws, "rollout")
	assert.True(t, errors.Is(err, ErrNotFound), "%v", err)
	var re *azcore.ResponseError
	assert.ErrorAs(t, err, &re)

	expectGET(t, endpointGET(t, nil, func(m map[string]any) { m["computeType"] = "AKS" }))
	_, err = Get(ctx, ws, "rollout")
	assert.True(t, errors.Is(err, ErrNotEndpoint), "%v", err)

	_, err = Get(ctx, ws, "Bad_Name")
	assert.Error(t, err)
	gock.Flush()
}

func TestVersionsFromGET(t *testing.T) {
	ws := newWireWorkspace(t)
	expectGET(t, endpointGET(t, map[string]map[string]any{
		"versiona": {"trafficPercentile": 20},
		"versionb": {"trafficPercentile": 10, "type": "Control"},
		"versionc": {"isDefault": true, "type": "Treatment", "state": "Failed",
			"error": map[string]any{"code": "CrashLoopBackOff", "statusCode": 400, "message": "init failed", "details": []any{}}},
	}, nil))
	ep, err := Get(context.Background(), ws, "rollout")
	require.NoError(t, err)
	vs := ep.Versions()
	require.Len(t, vs, 3)
	assert.Equal(t, "versiona", vs[0].Name)
	assert.Equal(t, 20.0, *vs[0].TrafficPercentile)
	assert.Equal(t, 20.0, vs[0].EffectivePercent)
	assert.Equal(t, VersionTypeControl, vs[1].Type)
	assert.Equal(t, 70.0, vs[2].EffectivePercent)
	assert.True(t, vs[2].IsDefault)
	assert.Equal(t, webservice.StateFailed, vs[2].State)
	assert.Equal(t, "CrashLoopBackOff", vs[2].Error.Code)
	assert.Equal(t, []string{"m:1"}, vs[0].ModelIDs)
	assert.Equal(t, 1, *vs[0].Settings.NumReplicas)
	assert.Equal(t, "https://ep.example/api/v1/service/rollout/versions/versiona/score", vs[0].ScoringURI)
	assert.NoError(t, ep.TrafficPlan().Validate())
	assert.Equal(t, "versionc", ep.TrafficPlan().Default())
	assert.Equal(t, "aks-1", ep.ComputeName())
	assert.Equal(t, map[string]string{"team": "ml"}, ep.Tags())
	assert.Equal(t, "AksEndpoint rollout (Healthy)", ep.String())
}

func TestWireDeployCreatesTheEndpoint(t *testing.T) {
	ws := newWireWorkspace(t)
	ctx := context.Background()
	want := `{
	  "name":"rollout","description":null,"kvTags":null,"tags":null,"properties":{},
	  "keys":{"primaryKey":null,"secondaryKey":null},
	  "computeType":"AKSENDPOINT","computeName":"aks-1",
	  "versions":{"versiona":{
	    "name":"versiona","description":null,"kvTags":null,"properties":{},
	    "keys":{"primaryKey":null,"secondaryKey":null},
	    "computeType":"AKSENDPOINT","computeName":null,"location":null,
	    "environmentImageRequest":{"modelIds":["m:1"]},
	    "numReplicas":null,
	    "containerResourceRequirements":{"cpu":null,"cpuLimit":null,"memoryInGB":null,"memoryInGBLimit":null,"gpu":null},
	    "maxConcurrentRequestsPerContainer":null,"maxQueueWaitMs":null,"namespace":null,"scoringTimeoutMs":null,
	    "livenessProbeRequirements":{"initialDelaySeconds":null,"periodSeconds":null,"failureThreshold":null,"successThreshold":null,"timeoutSeconds":null},
	    "trafficPercentile":20}}}`
	body(t, expect(t, http.MethodPost, mmsPath+"/services", ""), "application/json", want).
		Reply(202).SetHeader("Operation-Location", opLoc)
	expectGET(t, endpointGET(t, map[string]map[string]any{"versiona": {"trafficPercentile": 20, "isDefault": true, "state": "Transitioning"}},
		func(m map[string]any) { m["state"] = "Transitioning" }))
	m := &model.Model{ID: "m:1", Name: "m", Version: 1, Framework: model.FrameworkScikitLearn}
	ep, err := model.Deploy(ctx, ws, "rollout", []*model.Model{m}, nil,
		AksEndpointDeployConfig{VersionName: "versiona", TrafficPercentile: to.Ptr(20.0)}, target("aks-1"), &model.DeployOptions{SkipPreflight: true})
	require.NoError(t, err)
	assert.Equal(t, "rollout", ep.Name())
	assert.Equal(t, webservice.StateTransitioning, ep.State())
	assert.Equal(t, "versiona", ep.TrafficPlan().Default())

	// Refused before any request: the config's problems and Deploy's own.
	_, err = model.Deploy(ctx, ws, "rollout", []*model.Model{m}, nil,
		AksEndpointDeployConfig{TrafficPercentile: to.Ptr(-5.0)}, target("aks-1"), nil)
	var ve *model.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, err.Error(), "VersionName")
	assert.Contains(t, err.Error(), "cannot be negative or greater than 100, got -5")
}

// target is a deployment target by name.
type target string

func (t target) Name() string { return string(t) }

func TestEndpointUpdateValidate(t *testing.T) {
	assert.NoError(t, EndpointUpdate{Description: to.Ptr("")}.Validate())
	assert.NoError(t, EndpointUpdate{Tags: map[string]string{}}.Validate(), "an empty map removes every tag")
	assert.NoError(t, EndpointUpdate{AuthEnabled: to.Ptr(true), TokenAuthEnabled: to.Ptr(false)}.Validate())
	assert.True(t, IsNoUpdate(EndpointUpdate{}.Validate()))
	err := EndpointUpdate{AuthEnabled: to.Ptr(true), TokenAuthEnabled: to.Ptr(true)}.Validate()
	var ve *webservice.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.HasField("AuthEnabled/TokenAuthEnabled"))
	assert.False(t, IsNoUpdate(err))
}
