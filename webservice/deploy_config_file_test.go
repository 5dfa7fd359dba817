package webservice

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/azureml-go/azureml/auth"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fmtV(v any) string      { return fmt.Sprintf("%v", v) }
func fmtPlusV(v any) string  { return fmt.Sprintf("%+v", v) }
func fmtSharpV(v any) string { return fmt.Sprintf("%#v", v) }

func TestLoadDeployConfigDocsExample(t *testing.T) {
	cfg, err := LoadDeployConfig(filepath.Join("testdata", "deploymentconfig_docs.json"))
	require.NoError(t, err)
	assert.Equal(t, AksDeployConfig{
		AutoscaleEnabled: to.Ptr(true), AutoscaleMinReplicas: to.Ptr(1), AutoscaleMaxReplicas: to.Ptr(3),
		AutoscaleRefreshSeconds: to.Ptr(1), AutoscaleTargetUtilization: to.Ptr(70),
		CollectModelData: to.Ptr(true), AuthEnabled: to.Ptr(true),
		CPUCores: to.Ptr(0.5), MemoryGB: to.Ptr(1.0),
	}, *cfg)
}

func TestLoadDeployConfigEveryField(t *testing.T) {
	cfg, err := LoadDeployConfig(filepath.Join("testdata", "deploymentconfig_full.json"))
	require.NoError(t, err)
	assert.Equal(t, AksDeployConfig{
		AutoscaleEnabled: to.Ptr(false), CollectModelData: to.Ptr(false),
		AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(true),
		CPUCores: to.Ptr(0.25), CPUCoresLimit: to.Ptr(0.5), MemoryGB: to.Ptr(0.5), MemoryGBLimit: to.Ptr(1.0), GPUCores: to.Ptr(0),
		EnableAppInsights: to.Ptr(true), ScoringTimeoutMs: to.Ptr(5000), ReplicaMaxConcurrentRequests: to.Ptr(2),
		MaxRequestWaitTimeMs: to.Ptr(1000), NumReplicas: to.Ptr(3),
		PrimaryKey: auth.NewSecret("primary-from-file"), SecondaryKey: auth.NewSecret("secondary-from-file"),
		PeriodSeconds: to.Ptr(10), InitialDelaySeconds: to.Ptr(30), TimeoutSeconds: to.Ptr(2), SuccessThreshold: to.Ptr(1), FailureThreshold: to.Ptr(3),
		Namespace: to.Ptr("scoring"), ComputeTargetName: "aks-prod",
		Tags: map[string]string{"team": "ml"}, Properties: map[string]string{"stage": "prod"},
		Description: to.Ptr("from a file"), BlobfuseEnabled: to.Ptr(false),
	}, *cfg)
}

func TestLoadDeployConfigErrors(t *testing.T) {
	cases := []struct {
		file   string
		field  string
		offset bool
		text   string
	}{
		{"deploymentconfig_unknown_field.json", "autoScaler.maxReplica", false, "unknown field"},
		{"deploymentconfig_bad_json.json", "", true, "invalid JSON"},
		{"deploymentconfig_wrong_type.json", "containerResourceRequirements.cpu", false, "must be a number"},
		{"deploymentconfig_aci.json", "computeType", false, `"ACI"`},
		{"does-not-exist.json", "", false, "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			_, err := LoadDeployConfig(path)
			var ferr *ConfigFileError
			require.ErrorAs(t, err, &ferr)
			assert.Equal(t, path, ferr.Path)
			assert.Equal(t, tc.field, ferr.Field)
			assert.Contains(t, err.Error(), path)
			assert.Contains(t, err.Error(), tc.text)
			if tc.field != "" {
				assert.Contains(t, err.Error(), tc.field)
			}
			if tc.offset {
				assert.Greater(t, ferr.Offset, int64(0))
				assert.Contains(t, err.Error(), fmt.Sprintf("offset %d", ferr.Offset))
			}
		})
	}
}

func TestLoadDeployConfigBadJSONOffsetPointsAtError(t *testing.T) {
	path := filepath.Join("testdata", "deploymentconfig_bad_json.json")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	_, err = LoadDeployConfig(path)
	var ferr *ConfigFileError
	require.ErrorAs(t, err, &ferr)
	// The second comma of ",," is the first invalid byte.
	assert.Equal(t, int64(strings.Index(string(data), ",,")+2), ferr.Offset)
}

func TestLoadDeployConfigValidatesValues(t *testing.T) {
	path := filepath.Join("testdata", "deploymentconfig_invalid_values.json")
	_, err := LoadDeployConfig(path)
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Contains(t, err.Error(), path)
	for _, f := range []string{"NumReplicas", "AutoscaleMaxReplicas", "CPUCores", "MemoryGBLimit"} {
		assert.True(t, verr.HasField(f), "%s missing in %v", f, err)
	}
}

func TestParseDeployConfigCases(t *testing.T) {
	cases := []struct {
		name  string
		json  string
		field string // "" = success
	}{
		{"computeType any case", `{"computeType":"Aks"}`, ""},
		{"computeType missing", `{"numReplicas":1}`, "computeType"},
		{"computeType not a string", `{"computeType":1}`, "computeType"},
		{"computeType null", `{"computeType":null}`, "computeType"},
		{"computeType endpoint", `{"computeType":"AKSENDPOINT"}`, "computeType"},
		{"top level array", `[1]`, ""},
		{"trailing data", `{"computeType":"aks"} {}`, ""},
		{"empty", ``, ""},
		{"integer as float", `{"computeType":"aks","numReplicas":2.0}`, ""},
		{"fractional integer", `{"computeType":"aks","numReplicas":2.5}`, "numReplicas"},
		{"huge integer", `{"computeType":"aks","numReplicas":1e40}`, "numReplicas"},
		{"bool as string", `{"computeType":"aks","authEnabled":"true"}`, "authEnabled"},
		{"object as number", `{"computeType":"aks","autoScaler":3}`, "autoScaler"},
		{"tags not strings", `{"computeType":"aks","tags":{"a":1}}`, "tags"},
		{"key not string", `{"computeType":"aks","keys":{"primaryKey":5}}`, "keys.primaryKey"},
		{"gpu both equal", `{"computeType":"aks","gpuCores":1,"containerResourceRequirements":{"gpu":1}}`, ""},
		{"gpu both differ", `{"computeType":"aks","gpuCores":1,"containerResourceRequirements":{"gpu":2}}`, "gpuCores"},
		{"nested unknown", `{"computeType":"aks","livenessProbeRequirements":{"period":1}}`, "livenessProbeRequirements.period"},
		{"aci-only key", `{"computeType":"aks","sslEnabled":false}`, "sslEnabled"},
		{"nulls everywhere", `{"computeType":"aks","autoScaler":null,"keys":{"primaryKey":null},"namespace":null}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := parseDeployConfig("cfg.json", []byte(tc.json))
			if tc.field == "" && (strings.HasPrefix(tc.name, "top") || strings.HasPrefix(tc.name, "trailing") || tc.name == "empty") {
				var ferr *ConfigFileError
				require.ErrorAs(t, err, &ferr)
				assert.GreaterOrEqual(t, ferr.Offset, int64(0))
				return
			}
			if tc.field == "" {
				require.NoError(t, err)
				require.NotNil(t, cfg)
				return
			}
			var ferr *ConfigFileError
			require.ErrorAs(t, err, &ferr, "got %v", err)
			assert.Equal(t, tc.field, ferr.Field)
		})
	}
}

func TestMissingComputeTypeSaysRequired(t *testing.T) {
	_, err := parseDeployConfig("cfg.json", []byte(`{"numReplicas":1}`))
	require.ErrorContains(t, err, "is required")
}

func TestConfigFileErrorNeverEchoesKeys(t *testing.T) {
	_, err := parseDeployConfig("cfg.json", []byte(`{"computeType":"aks","keys":{"primaryKey":["top-secret"]}}`))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "top-secret")
	assert.True(t, errors.As(err, new(*ConfigFileError)))
}

func TestParseDeployConfigWithExtraKeysAndComputeTypes(t *testing.T) {
	var version, traffic json.RawMessage
	data := []byte(`{"computeType":"AKSENDPOINT","versionName":"blue","trafficPercentile":20,"numReplicas":1}`)
	cfg, err := ParseDeployConfig("ep.json", data, &ParseOptions{
		ComputeTypes: []string{"AKSENDPOINT"},
		Extra:        map[string]*json.RawMessage{"versionName": &version, "trafficPercentile": &traffic},
	})
	require.NoError(t, err)
	assert.Equal(t, 1, *cfg.NumReplicas)
	assert.JSONEq(t, `"blue"`, string(version))
	assert.JSONEq(t, `20`, string(traffic))

	_, err = ParseDeployConfig("ep.json", data, nil)
	var ferr *ConfigFileError
	require.ErrorAs(t, err, &ferr)
	assert.Equal(t, "computeType", ferr.Field)
	_, err = ParseDeployConfig("ep.json", []byte(`{"computeType":"aks","versionName":"x"}`), nil)
	require.ErrorAs(t, err, &ferr)
	assert.Equal(t, "versionName", ferr.Field)
	_, err = ParseDeployConfig("ep.json", []byte(`{"computeType":"aks"}`), &ParseOptions{Extra: map[string]*json.RawMessage{"numReplicas": &version}})
	require.Error(t, err)
	// ParseDeployConfig does not validate.
	cfg, err = ParseDeployConfig("x.json", []byte(`{"computeType":"aks","numReplicas":0}`), nil)
	require.NoError(t, err)
	assert.Error(t, cfg.Validate())
}
