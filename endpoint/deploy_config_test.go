package endpoint

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

func TestCreateBodyMatchesReference(t *testing.T) {
	cfg := AksEndpointDeployConfig{
		AksDeployConfig: webservice.AksDeployConfig{
			AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1), CPUCores: to.Ptr(0.5),
			AuthEnabled: to.Ptr(true), Tags: map[string]string{"team": "ml"}, Description: to.Ptr("rollout endpoint"),
			PrimaryKey: auth.NewSecret("pk-value"),
		},
		VersionName: "versiona", TrafficPercentile: to.Ptr(20.0),
	}
	require.NoError(t, cfg.Validate())
	assert.Equal(t, "aks-1", cfg.ComputeName("aks-1"))
	b, err := cfg.CreateBody(model.CreateRequest{
		Name: "rollout", ComputeName: cfg.ComputeName("aks-1"), Overwrite: true,
		EnvironmentImageRequest: json.RawMessage(`{"driverProgram":"d.py","assets":[],"modelIds":["m:1"]}`),
	})
	require.NoError(t, err)
	assert.JSONEq(t, fixture(t, "create_body_endpoint.json"), string(b))
}

func TestCreateBodyEndpointLevelSettingsAndNullPercentile(t *testing.T) {
	cfg := AksEndpointDeployConfig{
		AksDeployConfig: webservice.AksDeployConfig{
			EnableAppInsights: to.Ptr(true), Namespace: to.Ptr("team-a"), TokenAuthEnabled: to.Ptr(true),
			AuthEnabled: to.Ptr(false), ComputeTargetName: "aks-2",
		},
		VersionName: "blue",
	}
	require.NoError(t, cfg.Validate())
	b, err := cfg.CreateBody(model.CreateRequest{Name: "rollout", ComputeName: cfg.ComputeName("ignored"),
		EnvironmentImageRequest: json.RawMessage(`{"modelIds":["m:1"]}`)})
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, "aks-2", got["computeName"])
	assert.Equal(t, true, got["appInsightsEnabled"])
	assert.Equal(t, "team-a", got["namespace"])
	assert.Equal(t, true, got["aadAuthEnabled"])
	assert.Equal(t, false, got["authEnabled"])
	assert.NotContains(t, got, "overwrite")
	assert.Contains(t, got, "tags")
	assert.Nil(t, got["tags"])
	v := got["versions"].(map[string]any)["blue"].(map[string]any)
	assert.Contains(t, v, "trafficPercentile")
	assert.Nil(t, v["trafficPercentile"])
	assert.Nil(t, v["computeName"])
	assert.Equal(t, "AKSENDPOINT", v["computeType"])
	assert.NotContains(t, v, "isDefault")
	assert.NotContains(t, v, "type")
	assert.NotContains(t, v, "overwrite")
	assert.NotContains(t, string(b), "pk-value")
}

func TestDeployConfigValidate(t *testing.T) {
	cfg := AksEndpointDeployConfig{
		AksDeployConfig:   webservice.AksDeployConfig{CPUCores: to.Ptr(-1.0), BlobfuseEnabled: to.Ptr(true)},
		TrafficPercentile: to.Ptr(101.0),
	}
	err := cfg.Validate()
	var ve *webservice.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, f := range []string{"CPUCores", "VersionName", "TrafficPercentile", "BlobfuseEnabled"} {
		assert.True(t, ve.HasField(f), "missing %s in %v", f, err)
	}
	assert.Contains(t, err.Error(), "cannot be negative or greater than 100, got 101")
	// model.Deploy folds the problems into its own error.
	assert.Len(t, ve.FieldErrors(), len(ve.Problems))

	cfg = AksEndpointDeployConfig{VersionName: "rollout", TrafficPercentile: to.Ptr(math.NaN())}
	assert.Error(t, cfg.Validate())
	cfg.TrafficPercentile = nil
	_, err = cfg.CreateBody(model.CreateRequest{Name: "rollout", EnvironmentImageRequest: json.RawMessage(`{}`)})
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.HasField("VersionName"))
	assert.Contains(t, err.Error(), "must differ from the endpoint name")
	assert.False(t, errors.Is(err, ErrNotFound))
}

func TestDeployConfigValidateForEndpointName(t *testing.T) {
	cfg := AksEndpointDeployConfig{VersionName: "rollout",
		AksDeployConfig: webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1)}}
	require.NoError(t, cfg.Validate())
	require.NoError(t, cfg.ValidateFor("other"))
	err := cfg.ValidateFor("rollout")
	var ve *webservice.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.HasField("VersionName"))
	assert.Contains(t, err.Error(), `must differ from the endpoint name "rollout"`)

	// model.Deploy asks before any request (a nil workspace would fail any
	// request) and reports it with its own problems.
	_, err = model.Deploy(context.Background(), nil, "rollout", []*model.Model{{ID: "m:1", Framework: model.FrameworkOnnx}}, nil, cfg, nil, nil)
	var me *model.ValidationError
	require.ErrorAs(t, err, &me)
	fields := map[string]bool{}
	for _, p := range me.Problems {
		fields[p.Field] = true
	}
	for _, f := range []string{"ws", "DeployConfig.VersionName", "target"} {
		assert.True(t, fields[f], "missing %s in %v", f, err)
	}
	assert.Contains(t, err.Error(), "must differ from the endpoint name")
}
