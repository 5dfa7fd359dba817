package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDeployAKSRunsOnTheEmbeddedLocalWorkspace(t *testing.T) {
	for _, k := range []string{"AZUREML_SUBSCRIPTION_ID", "AZUREML_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME"} {
		t.Setenv(k, "")
	}
	assets, err := findAssets("")
	require.NoError(t, err)
	t.Chdir(t.TempDir())
	var out bytes.Buffer
	err = run(context.Background(), &out, options{compute: "aks-test", name: "linear-test", assets: assets})
	require.NoError(t, err, out.String())
	s := out.String()
	require.Contains(t, s, "embedded local workspace")
	require.Contains(t, s, "creating DevTest AKS compute aks-test")
	require.Contains(t, s, "state:       Healthy")
	require.Contains(t, s, `key auth:    {"predictions": [2.475, 8.68]}`)
	require.Contains(t, s, `token auth:  {"predictions": [2.475, 8.68]}`)
	require.Contains(t, s, "token:       REDACTED", "the token never prints")
	require.Contains(t, s, "replicas:    2 available")
	require.Contains(t, s, "deleted linear-test")
}
