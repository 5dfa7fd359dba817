package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestQuickstartRunsOnTheEmbeddedLocalWorkspace(t *testing.T) {
	for _, k := range []string{"AZUREML_SUBSCRIPTION_ID", "AZUREML_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME"} {
		t.Setenv(k, "")
	}
	assets, err := filepath.Abs(filepath.Join("..", "assets"))
	require.NoError(t, err)
	t.Chdir(t.TempDir()) // no config.json anywhere above a fresh temp dir
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, assets), out.String())
	s := out.String()
	require.Contains(t, s, "embedded local workspace")
	require.Contains(t, s, "compute:     quickstart-aks (Succeeded)")
	require.Contains(t, s, "model:       quickstart-linear:1")
	require.Contains(t, s, "(Healthy)")
	require.Contains(t, s, `-> {"predictions": [2.475, 8.68]}`)
	require.Contains(t, s, "deleted:     quickstart-service")
}
