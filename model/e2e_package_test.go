package model

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/workspace/workspacetest"
)

func TestBuildEnvironmentImageRequestOnLocalWorkspace(t *testing.T) {
	srv, ws := workspacetest.NewServer(t, nil)
	ic, err := LoadInferenceConfig(filepath.Join("..", "examples", "assets", "inferenceconfig.json"))
	require.NoError(t, err)
	req, err := BuildEnvironmentImageRequest(context.Background(), ws, ic, []string{"example-linear:1"})
	require.NoError(t, err)
	require.Len(t, req.Assets, 2)
	require.True(t, strings.HasPrefix(req.Assets[1].URL, "aml://artifact/LocalUpload/"))
	b, err := json.Marshal(req)
	require.NoError(t, err)
	require.Contains(t, string(b), `"AZUREML_ENTRY_SCRIPT":"src/score.py"`)
	var puts int
	for _, r := range srv.Requests() {
		if r.Method == "PUT" {
			puts++
			require.Equal(t, 201, r.Status)
			require.Empty(t, r.Header.Get("Authorization"))
		}
	}
	require.Equal(t, 2, puts)
}

// TestSourceUploadHeapBound streams a 48 MiB source directory into the local
// workspace (which runs in this process and is counted too) and checks the
// heap stays under the 32 MiB bound: package and upload are one stream.
func TestSourceUploadHeapBound(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("writes and uploads 48 MiB; heap figures are meaningless under -race")
	}
	_, ws := workspacetest.NewServer(t, nil)
	src := filepath.Join(t.TempDir(), "src")
	genTree(t, filepath.Join(src, "data"), 50, 8<<20)
	genTree(t, filepath.Join(src, "huge"), 1, 40<<20)
	writeFile(t, filepath.Join(src, "score.py"), []byte(goodScript))
	ic := &InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Environment: NewEnvironment("e")}
	var err error
	peak := peakHeap(func() { _, err = BuildEnvironmentImageRequest(context.Background(), ws, ic, nil) })
	require.NoError(t, err)
	t.Logf("peak heap while packaging and uploading 48 MiB: %.1f MiB", float64(peak)/(1<<20))
	require.Less(t, peak, uint64(heapBound))
}
