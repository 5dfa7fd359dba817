package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestControlledRolloutOnTheEmbeddedLocalWorkspace(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	for _, k := range []string{"AZUREML_SUBSCRIPTION_ID", "AZUREML_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME"} {
		t.Setenv(k, "")
	}
	assets, err := filepath.Abs(filepath.Join("..", "assets"))
	require.NoError(t, err)
	t.Chdir(t.TempDir()) // no config.json anywhere above a fresh temp dir
	var out bytes.Buffer
	err = run(context.Background(), &out, options{
		endpoint: "rollout-demo", compute: "aks-devtest", assets: assets,
		requests: 2000, workers: 32, poll: time.Second,
	})
	t.Log("\n" + out.String())
	require.NoError(t, err)
	s := out.String()
	assert.Contains(t, s, "embedded local workspace")
	assert.Contains(t, s, "versionb 10 (new)")
	assert.Contains(t, s, "versiona 20 (not default), versionb 10→40 (default, control)")
	assert.Contains(t, s, "refused before any change: exactly one default version is required, found none")
	assert.Contains(t, s, "versionb deleted")
	assert.Contains(t, s, "endpoint rollout-demo deleted")

	// The observed split is printed against the plan: 20% / 80%.
	for version, plan := range map[string]float64{"versiona": 20, "versionb": 80} {
		m := regexp.MustCompile(version + `\s+([0-9.]+)%\s+([0-9.]+)%\s+(\d+)`).FindStringSubmatch(s)
		require.NotNil(t, m, "no split line for %s", version)
		planned, _ := strconv.ParseFloat(m[1], 64)
		observed, _ := strconv.ParseFloat(m[2], 64)
		assert.Equal(t, plan, planned, version)
		assert.InDelta(t, plan, observed, 5, version)
	}
}

func TestControlledRolloutReportsMissingAssets(t *testing.T) {
	t.Chdir(t.TempDir())
	err := run(context.Background(), &bytes.Buffer{}, options{})
	require.ErrorContains(t, err, "examples/assets not found")
}
