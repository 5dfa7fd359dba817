package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRegisterModelRunsOnTheEmbeddedLocalWorkspace(t *testing.T) {
	for _, k := range []string{"AZUREML_SUBSCRIPTION_ID", "AZUREML_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME"} {
		t.Setenv(k, "")
	}
	modelPath, err := filepath.Abs(filepath.Join("..", "assets", "model.json"))
	require.NoError(t, err)
	t.Chdir(t.TempDir()) // no config.json anywhere above a fresh temp dir
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, modelPath, "example-linear"))
	require.Contains(t, out.String(), "embedded local workspace")
	require.Contains(t, out.String(), "id:          example-linear:1\n")
	require.Contains(t, out.String(), "version:     1\n")
}

func TestRegisterModelReportsMissingFile(t *testing.T) {
	t.Chdir(t.TempDir())
	err := run(context.Background(), &bytes.Buffer{}, "", "example-linear")
	require.ErrorContains(t, err, "examples/assets/model.json not found")
}
