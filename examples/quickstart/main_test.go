package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestQuickstartRunsOnTheEmbeddedLocalWorkspace(t *testing.T) {
	for _, k := range []string{"AZUREML_SUBSCRIPTION_ID", "AZUREML_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME"} {
		t.Setenv(k, "")
	}
	t.Chdir(t.TempDir()) // no config.json anywhere above a fresh temp dir
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	require.Contains(t, out.String(), "embedded local workspace")
	require.Contains(t, out.String(), "hosts:")
}
