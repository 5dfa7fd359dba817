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
	t.Chdir(t.TempDir())
}

func TestAttachAKSRunsOnTheEmbeddedLocalWorkspace(t *testing.T) {
	useLocalWorkspace(t)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, options{name: "attached-aks", purpose: "FastProd", poll: time.Second}))
	s := out.String()
	require.Contains(t, s, "embedded local workspace")
	require.Contains(t, s, "made-up cluster")
	require.Contains(t, s, "state:        Succeeded (attached: true)")
	require.Contains(t, s, `detach of attached-aks: operation finished, operation "Succeeded"`)
	require.Contains(t, s, "the cluster itself is kept")
}

func TestAttachAKSRejectsABadResourceID(t *testing.T) {
	useLocalWorkspace(t)
	var out bytes.Buffer
	err := run(context.Background(), &out, options{resourceID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", name: "attached-aks", purpose: "FastProd"})
	var ve *compute.ValidationError
	require.ErrorAs(t, err, &ve)
	require.True(t, ve.Has("ResourceID", compute.RuleResourceID))
}
