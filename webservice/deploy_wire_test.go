package webservice

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	"github.com/azureml-go/azureml/model"
)

var noCodeModel = &model.Model{ID: "sk:1", Name: "sk", Version: 1, Framework: model.FrameworkScikitLearn}

// expectedCreateBody is the §4 body of the wire deployment below.
const expectedCreateBody = `{
  "name": "wire-svc", "description": null, "kvTags": {"team": "ml"}, "properties": {},
  "keys": {"primaryKey": null, "secondaryKey": null},
  "computeType": "AKS", "computeName": "aks1", "location": null,
  "environmentImageRequest": {"modelIds": ["sk:1"]},
  "numReplicas": 2,
  "autoScaler": {"autoscaleEnabled": false, "minReplicas": null, "maxReplicas": null, "targetUtilization": null, "refreshPeriodInSeconds": null},
  "containerResourceRequirements": {"cpu": 0.5, "cpuLimit": null, "memoryInGB": 1, "memoryInGBLimit": null, "gpu": null},
  "maxConcurrentRequestsPerContainer": null, "maxQueueWaitMs": null, "namespace": null, "scoringTimeoutMs": 5000,
  "aadAuthEnabled": true,
  "livenessProbeRequirements": {"initialDelaySeconds": null, "periodSeconds": null, "failureThreshold": null, "successThreshold": null, "timeoutSeconds": null}
}`

var wireConfig = AksDeployConfig{
	AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(2), CPUCores: to.Ptr(0.5), MemoryGB: to.Ptr(1.0),
	ScoringTimeoutMs: to.Ptr(5000), TokenAuthEnabled: to.Ptr(true), Tags: map[string]string{"team": "ml"},
}

func TestWireDeploySendsPreflightAndCreateBodies(t *testing.T) {
	ws, rec := newWireWorkspace(t)
	gock.New(wMMSHost).Post(wMMS + "/services/validate/name/wire-svc").Reply(200).JSON(map[string]any{})
	gock.New(wMMSHost).Post(wMMS + "/services/validate").Reply(200).JSON(map[string]any{})
	gock.New(wMMSHost).Post(wMMS + "/services/validate/resource").Reply(200).JSON(map[string]any{})
	gock.New(wMMSHost).Post(wMMS+"/services").Reply(202).SetHeader("Operation-Location", "https://elsewhere.test/operations/op-123")
	gock.New(wMMSHost).Get(wMMS+"/services/wire-svc").MatchParam("expand", "true").Reply(200).
		JSON(serviceJSON("wire-svc", map[string]any{"state": "Transitioning"}))

	svc, err := model.Deploy(context.Background(), ws, "wire-svc", []*model.Model{noCodeModel}, nil, wireConfig, fakeTarget("aks1"), nil)
	require.NoError(t, err)
	require.True(t, gock.IsDone(), "pending: %v", gock.Pending())
	assert.Equal(t, StateTransitioning, svc.State())
	assert.Equal(t, "op-123", svc.OperationID())

	name := rec.one(t, "POST", "/services/validate/name/wire-svc")
	requireMMS(t, name, "application/json")
	assert.JSONEq(t, `{}`, string(name.Body))

	validate := rec.exact(t, "POST", "/services/validate")
	requireMMS(t, validate, "application/json")
	var v struct {
		Type          string          `json:"type"`
		ServiceName   string          `json:"serviceName"`
		CreateRequest json.RawMessage `json:"createRequest"`
		UpdateRequest json.RawMessage `json:"updateRequest"`
	}
	require.NoError(t, json.Unmarshal(validate.Body, &v))
	assert.Equal(t, "Create", v.Type)
	assert.Equal(t, "wire-svc", v.ServiceName)
	assert.Equal(t, "null", string(v.UpdateRequest))
	assert.JSONEq(t, expectedCreateBody, string(v.CreateRequest))

	resource := rec.one(t, "POST", "/services/validate/resource")
	requireMMS(t, resource, "application/json")
	assert.JSONEq(t, expectedCreateBody, string(resource.Body))

	create := rec.exact(t, "POST", "/services")
	requireMMS(t, create, "application/json")
	assert.JSONEq(t, expectedCreateBody, string(create.Body))
	assert.NotContains(t, create.URL, "api-version", "model-management routes carry no api-version")
	get := rec.exact(t, "GET", "/services/wire-svc?expand=true")
	requireMMS(t, get, "")
}

func TestWireDeployOverwriteSkipsNameAndResourceChecks(t *testing.T) {
	ws, rec := newWireWorkspace(t)
	gock.New(wMMSHost).Post(wMMS + "/services/validate").Reply(200).JSON(map[string]any{})
	gock.New(wMMSHost).Post(wMMS+"/services").Reply(202).SetHeader("Operation-Location", "/operations/op-9")
	gock.New(wMMSHost).Get(wMMS + "/services/wire-svc").Reply(200).JSON(serviceJSON("wire-svc", nil))
	_, err := model.Deploy(context.Background(), ws, "wire-svc", []*model.Model{noCodeModel}, nil, wireConfig, fakeTarget("aks1"), &model.DeployOptions{Overwrite: true})
	require.NoError(t, err)
	assert.Empty(t, rec.find("POST", "/validate/name/"))
	assert.Empty(t, rec.find("POST", "/validate/resource"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(rec.exact(t, "POST", "/services").Body, &body))
	assert.Equal(t, true, body["overwrite"])
}

func TestWireDeployPreflight(t *testing.T) {
	t.Run("a 200 with error.message rejects before uploading or creating", func(t *testing.T) {
		ws, rec := newWireWorkspace(t)
		gock.New(wMMSHost).Post(wMMS + "/services/validate/name/wire-svc").Reply(200).
			JSON(map[string]any{"error": map[string]any{"code": "ServiceExists", "message": "A service with name wire-svc already exists."}})
		_, err := model.Deploy(context.Background(), ws, "wire-svc", []*model.Model{noCodeModel}, nil, wireConfig, fakeTarget("aks1"), nil)
		var pe *model.PreflightError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "name", pe.Check)
		assert.Equal(t, "ServiceExists", pe.Code)
		assert.Len(t, rec.all(), 1)
	})
	t.Run("failing checks are ignored", func(t *testing.T) {
		ws, _ := newWireWorkspace(t)
		gock.New(wMMSHost).Post(wMMS + "/services/validate/name/wire-svc").Reply(500).JSON(map[string]any{"code": "InternalServerError"})
		gock.New(wMMSHost).Post(wMMS + "/services/validate").Reply(404)
		gock.New(wMMSHost).Post(wMMS + "/services/validate/resource").Reply(200).BodyString("not json")
		gock.New(wMMSHost).Post(wMMS+"/services").Reply(202).SetHeader("Operation-Location", "/operations/op-1")
		gock.New(wMMSHost).Get(wMMS + "/services/wire-svc").Reply(200).JSON(serviceJSON("wire-svc", nil))
		_, err := model.Deploy(context.Background(), ws, "wire-svc", []*model.Model{noCodeModel}, nil, wireConfig, fakeTarget("aks1"), nil)
		require.NoError(t, err)
	})
	t.Run("SkipPreflight sends only the create", func(t *testing.T) {
		ws, rec := newWireWorkspace(t)
		gock.New(wMMSHost).Post(wMMS+"/services").Reply(202).SetHeader("Operation-Location", "/operations/op-1")
		gock.New(wMMSHost).Get(wMMS + "/services/wire-svc").Reply(200).JSON(serviceJSON("wire-svc", nil))
		_, err := model.Deploy(context.Background(), ws, "wire-svc", []*model.Model{noCodeModel}, nil, wireConfig, fakeTarget("aks1"), &model.DeployOptions{SkipPreflight: true})
		require.NoError(t, err)
		assert.Len(t, rec.all(), 2)
	})
}

func TestWireDeployCreateFailures(t *testing.T) {
	t.Run("HTTP error is an azcore.ResponseError", func(t *testing.T) {
		ws, _ := newWireWorkspace(t)
		gock.New(wMMSHost).Post(wMMS + "/services").Reply(409).JSON(map[string]any{"code": "ServiceExists", "statusCode": 409, "message": "exists"})
		_, err := model.Deploy(context.Background(), ws, "wire-svc", []*model.Model{noCodeModel}, nil, wireConfig, fakeTarget("aks1"), &model.DeployOptions{SkipPreflight: true})
		var re *azcore.ResponseError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, 409, re.StatusCode)
		assert.Equal(t, "ServiceExists", re.ErrorCode)
	})
	t.Run("missing Operation-Location", func(t *testing.T) {
		ws, _ := newWireWorkspace(t)
		gock.New(wMMSHost).Post(wMMS + "/services").Reply(202)
		_, err := model.Deploy(context.Background(), ws, "wire-svc", []*model.Model{noCodeModel}, nil, wireConfig, fakeTarget("aks1"), &model.DeployOptions{SkipPreflight: true})
		require.ErrorContains(t, err, "Operation-Location")
	})
	t.Run("a failing read after the create still returns the service", func(t *testing.T) {
		ws, _ := newWireWorkspace(t)
		gock.New(wMMSHost).Post(wMMS+"/services").Reply(202).SetHeader("Operation-Location", "/operations/op-7")
		gock.New(wMMSHost).Get(wMMS + "/services/wire-svc").Reply(500)
		svc, err := model.Deploy(context.Background(), ws, "wire-svc", []*model.Model{noCodeModel}, nil, wireConfig, fakeTarget("aks1"), &model.DeployOptions{SkipPreflight: true})
		require.NoError(t, err)
		assert.Equal(t, "op-7", svc.OperationID())
		assert.Equal(t, StateTransitioning, svc.State())
	})
}

func TestWireDeployLimitsModelsAndNoCode(t *testing.T) {
	ws, rec := newWireWorkspace(t)
	many := make([]*model.Model, 1001)
	for i := range many {
		many[i] = noCodeModel
	}
	_, err := model.Deploy(context.Background(), ws, "wire-svc", many, &model.InferenceConfig{}, wireConfig, fakeTarget("aks1"), nil)
	var ve *model.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, err.Error(), "limited to 1000")
	_, err = model.Deploy(context.Background(), ws, "wire-svc", []*model.Model{{ID: "c:1", Framework: model.FrameworkCustom}}, nil, wireConfig, fakeTarget("aks1"), nil)
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, err.Error(), "no-code")
	assert.Empty(t, rec.all())
}
