package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/compute"
)

func useLocalWorkspace(t *testing.T) {
	for _, k := range []string{"AZUREML_SUBSCRIPTION_ID", "AZUREML_RESOURCE_GROUP", "AZUREML_WORKSPACE_NAME"} {
		t.Setenv(k, "")
	}
	t.Chdir(t.TempDir()) // no config.json anywhere above a fresh temp dir
}

func TestCreateAKSRunsOnTheEmbeddedLocalWorkspace(t *testing.T) {
	useLocalWorkspace(t)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, options{name: "aks-devtest", vmSize: "Standard_D2_v2", nodes: 1, poll: time.Second, delete: true}))
	s := out.String()
	require.Contains(t, s, "embedded local workspace")
	require.Contains(t, s, `operation finished, operation "Succeeded"`)
	require.Contains(t, s, "state:         Succeeded")
	require.Contains(t, s, "1 × Standard_D2_v2 (DevTest)")
	require.Contains(t, s, "deleted aks-devtest")
}

func TestCreateAKSValidatesFirst(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), &out, options{name: "x", vmSize: "Standard_D2_v2", nodes: -1})
	var ve *compute.ValidationError
	require.ErrorAs(t, err, &ve)
	require.NotContains(t, out.String(), "backend:", "nothing is contacted before validation")
}
