package webservice

import (
	"encoding/json"
	"github.com/azureml-go/azureml/auth"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

var testEnvImageRequest = json.RawMessage(`{"driverProgram":"driver.py"}`)

func TestCreateBodyUnsetMatchesReference(t *testing.T) {
	body, err := AksDeployConfig{}.buildCreateBody(createInput{
		Name: "my-service", ComputeName: "aks-target", EnvironmentImageRequest: testEnvImageRequest,
	})
	require.NoError(t, err)
	// JSONEq tells a missing key from a null one, so this pins the "Unset →"
	// column of reference §4: autoScaler, dataCollection, appInsightsEnabled,
	// authEnabled, aadAuthEnabled, storageInitEnabled and overwrite are absent.
	assert.JSONEq(t, readFixture(t, "create_body_unset.json"), string(body))
}

func TestCreateBodyFullMatchesReference(t *testing.T) {
	c := AksDeployConfig{
		AutoscaleEnabled: to.Ptr(true), AutoscaleMinReplicas: to.Ptr(2), AutoscaleMaxReplicas: to.Ptr(5),
		AutoscaleRefreshSeconds: to.Ptr(3), AutoscaleTargetUtilization: to.Ptr(60),
		CollectModelData: to.Ptr(true), EnableAppInsights: to.Ptr(false),
		AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(true),
		PrimaryKey: auth.NewSecret("pk-value"), SecondaryKey: auth.NewSecret("sk-value"),
		CPUCores: to.Ptr(0.5), CPUCoresLimit: to.Ptr(1.0), MemoryGB: to.Ptr(1.5), MemoryGBLimit: to.Ptr(2.0), GPUCores: to.Ptr(0),
		ScoringTimeoutMs: to.Ptr(30000), ReplicaMaxConcurrentRequests: to.Ptr(2), MaxRequestWaitTimeMs: to.Ptr(750),
		PeriodSeconds: to.Ptr(5), InitialDelaySeconds: to.Ptr(20), TimeoutSeconds: to.Ptr(3), SuccessThreshold: to.Ptr(2), FailureThreshold: to.Ptr(4),
		Namespace: to.Ptr("ml-prod"), Tags: map[string]string{"team": "ml"}, Properties: map[string]string{"stage": "prod"},
		Description: to.Ptr("scores things"), ComputeTargetName: "other-aks", BlobfuseEnabled: to.Ptr(false),
	}
	require.NoError(t, c.Validate())
	body, err := c.buildCreateBody(createInput{
		Name: "my-service", ComputeName: "aks-target", EnvironmentImageRequest: testEnvImageRequest, Overwrite: true,
	})
	require.NoError(t, err)
	assert.JSONEq(t, readFixture(t, "create_body_full.json"), string(body))
}

func TestCreateBodyEdgeCases(t *testing.T) {
	build := func(c AksDeployConfig) map[string]any {
		t.Helper()
		body, err := c.buildCreateBody(createInput{Name: "n", ComputeName: "c", EnvironmentImageRequest: testEnvImageRequest})
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(body, &m))
		return m
	}
	t.Run("autoscale false keeps the object with nulls", func(t *testing.T) {
		m := build(AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(2)})
		assert.Equal(t, map[string]any{"autoscaleEnabled": false, "minReplicas": nil, "maxReplicas": nil, "targetUtilization": nil, "refreshPeriodInSeconds": nil}, m["autoScaler"])
		assert.Equal(t, float64(2), m["numReplicas"])
	})
	t.Run("collect model data false omits dataCollection", func(t *testing.T) {
		m := build(AksDeployConfig{CollectModelData: to.Ptr(false)})
		assert.NotContains(t, m, "dataCollection")
	})
	t.Run("blobfuse true sends storageInitEnabled false", func(t *testing.T) {
		m := build(AksDeployConfig{BlobfuseEnabled: to.Ptr(true)})
		assert.Equal(t, false, m["storageInitEnabled"])
	})
	t.Run("auth false is sent, not omitted", func(t *testing.T) {
		m := build(AksDeployConfig{AuthEnabled: to.Ptr(false)})
		assert.Equal(t, false, m["authEnabled"])
		assert.NotContains(t, m, "aadAuthEnabled")
	})
	t.Run("primary key only", func(t *testing.T) {
		m := build(AksDeployConfig{PrimaryKey: auth.NewSecret("p")})
		assert.Equal(t, map[string]any{"primaryKey": "p", "secondaryKey": nil}, m["keys"])
	})
	t.Run("empty tags map is an object", func(t *testing.T) {
		m := build(AksDeployConfig{Tags: map[string]string{}})
		assert.Equal(t, map[string]any{}, m["kvTags"])
	})
	t.Run("no environment request", func(t *testing.T) {
		_, err := AksDeployConfig{}.buildCreateBody(createInput{Name: "n"})
		assert.Error(t, err)
	})
}

func TestDeployConfigDoesNotPrintKeys(t *testing.T) {
	c := AksDeployConfig{PrimaryKey: auth.NewSecret("pk-super-secret"), SecondaryKey: auth.NewSecret("sk-super-secret")}
	for _, s := range []string{fmtV(c), fmtPlusV(c), fmtSharpV(c)} {
		assert.False(t, strings.Contains(s, "super-secret"), s)
	}
}
