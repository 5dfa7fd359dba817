package workspacetest_test

import (
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

func TestNewServerBindsAWorkspace(t *testing.T) {
	srv, ws := workspacetest.NewServer(t, &workspacetest.Options{Emulator: emulator.Options{WorkspaceName: "mine"}})
	require.Equal(t, "mine", ws.Name())
	require.Equal(t, srv.URL(), ws.ARMEndpoint())
	require.Equal(t, srv.URL(), ws.Hosts().ModelManagement)
	require.NotEmpty(t, ws.WorkspaceID())

	// The workspace's pipeline authenticates against the local workspace.
	req, err := runtime.NewRequest(t.Context(), http.MethodGet, ws.ARMResourceURL("?api-version=2022-05-01"))
	require.NoError(t, err)
	resp, err := ws.Pipeline().Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	reqs := srv.Requests()
	require.Equal(t, "REDACTED", reqs[len(reqs)-1].Header.Get("Authorization"), "the request log redacts the token")
}
