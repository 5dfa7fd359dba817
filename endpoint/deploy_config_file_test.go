package endpoint

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/webservice"
)

func TestLoadDeployConfig(t *testing.T) {
	cfg, err := LoadDeployConfig(filepath.Join("testdata", "deploymentconfig_endpoint.json"))
	require.NoError(t, err)
	assert.Equal(t, "versiona", cfg.VersionName)
	assert.Equal(t, 20.0, *cfg.TrafficPercentile)
	assert.Equal(t, 2, *cfg.NumReplicas)
	assert.False(t, *cfg.AutoscaleEnabled)
	assert.Equal(t, 0.5, *cfg.CPUCores)
	assert.Equal(t, map[string]string{"team": "ml"}, cfg.Tags)
}

func TestLoadDeployConfigErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	tests := []struct {
		name, content, field string
	}{
		{"aks.json", `{"computeType":"AKS","versionName":"v1x"}`, "computeType"},
		{"typo.json", `{"computeType":"aksendpoint","versionNam":"v1x"}`, "versionNam"},
		{"type.json", `{"computeType":"AKSENDPOINT","versionName":3}`, "versionName"},
		{"pct.json", `{"computeType":"AKSENDPOINT","versionName":"v1x","trafficPercentile":"20"}`, "trafficPercentile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadDeployConfig(write(tt.name, tt.content))
			var fe *webservice.ConfigFileError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.field, fe.Field)
		})
	}
	_, err := LoadDeployConfig(write("rules.json", `{"computeType":"AKSENDPOINT","trafficPercentile":101,"numReplicas":0}`))
	var ve *webservice.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, f := range []string{"VersionName", "TrafficPercentile", "NumReplicas"} {
		assert.True(t, ve.HasField(f), "missing %s in %v", f, err)
	}
	assert.Contains(t, err.Error(), "rules.json")
	_, err = LoadDeployConfig(filepath.Join(dir, "missing.json"))
	assert.True(t, errors.Is(err, os.ErrNotExist))
	cfg, err := ParseDeployConfig("null.json", []byte(`{"computeType":"AKSENDPOINT","versionName":null,"trafficPercentile":null}`))
	require.NoError(t, err)
	assert.Empty(t, cfg.VersionName)
	assert.Nil(t, cfg.TrafficPercentile)
}
