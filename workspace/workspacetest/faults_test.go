package workspacetest_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

func TestGetSurvivesFaults(t *testing.T) {
	srv, _ := workspacetest.NewServer(t, nil)
	srv.ClearRequests()
	srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodGet, "/workspaces/"), Status: http.StatusServiceUnavailable, RetryAfterMs: 20, Count: 2})
	srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodGet, "/discovery"), DropBeforeRead: true})
	srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodGet, "/discovery"), Status: http.StatusTooManyRequests, RetryAfter: "0"})

	ws, err := workspacetest.Connect(context.Background(), srv, nil)
	require.NoError(t, err)
	require.Equal(t, emulator.DefaultWorkspaceName, ws.Name())

	var armGets, discoveryGets int
	for _, r := range srv.Requests() {
		switch {
		case r.Path == "/discovery":
			discoveryGets++
		case r.Method == http.MethodGet:
			armGets++
		}
	}
	require.Equal(t, 3, armGets, "two 503s then success")
	require.Equal(t, 3, discoveryGets, "a dropped connection, a 429, then success")
}

func TestWorkspacePersistsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	srv1, err := emulator.New(emulator.Options{DataDir: dir})
	require.NoError(t, err)
	ws1, err := workspacetest.Connect(context.Background(), srv1, nil)
	require.NoError(t, err)
	require.NoError(t, srv1.Close())

	srv2, err := emulator.New(emulator.Options{DataDir: dir})
	require.NoError(t, err)
	defer srv2.Close()
	ws2, err := workspacetest.Connect(context.Background(), srv2, nil)
	require.NoError(t, err)
	require.Equal(t, ws1.WorkspaceID(), ws2.WorkspaceID())
}
