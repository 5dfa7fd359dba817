package model

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// untar extracts a tar.gz into dir (regular files and directories only).
func untar(t *testing.T, data []byte, dir string) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		require.NoError(t, err)
		p := filepath.Join(dir, filepath.FromSlash(h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			require.NoError(t, os.MkdirAll(p, 0o755))
		case tar.TypeReg:
			b, err := io.ReadAll(tr)
			require.NoError(t, err)
			writeFile(t, p, b)
		}
	}
}

// runDriver lays out an app directory as the service does (driver next to the
// unpacked source package), imports the driver with python3, calls init() and
// run(input) and returns what run printed.
func runDriver(t *testing.T, srcDir, entry string, input string, modelDir string) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not available")
	}
	ic := &InferenceConfig{EntryScript: entry, SourceDirectory: srcDir}
	app := t.TempDir()
	var pkg bytes.Buffer
	require.NoError(t, WriteSourcePackage(context.Background(), &pkg, srcDir))
	untar(t, pkg.Bytes(), app)
	writeFile(t, filepath.Join(app, "driver_abc.py"), []byte(DriverProgram(ic.EntryScriptEnv(), ic.sourceBase())))
	script := `import json, sys
sys.path.insert(0, sys.argv[1])
import driver_abc
driver_abc.init()
print("RESULT=" + json.dumps(driver_abc.run(sys.argv[2], request_headers={"X-Test": "1"})))`
	cmd := exec.Command(py, "-c", script, app, input)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "AZUREML_MODEL_DIR="+modelDir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, ln := range strings.Split(string(out), "\n") {
		if r, ok := strings.CutPrefix(ln, "RESULT="); ok {
			return r
		}
	}
	t.Fatalf("no result in output:\n%s", out)
	return ""
}

func TestDriverRunsExampleScore(t *testing.T) {
	assets, err := filepath.Abs(filepath.Join("..", "examples", "assets"))
	require.NoError(t, err)
	input, err := os.ReadFile(filepath.Join(assets, "sample-input.json"))
	require.NoError(t, err)
	got := runDriver(t, filepath.Join(assets, "src"), "score.py", string(input), assets)
	require.JSONEq(t, `{"predictions": [2.475, 8.68]}`, got)
}

func TestDriverForwardsHeadersAndSiblingImports(t *testing.T) {
	src := filepath.Join(t.TempDir(), "app_src")
	makeTree(t, src, map[string]string{
		"helper.py": "def double(x):\n    return 2 * x\n",
		"pkg/entry.py": "import helper\n_state = {}\n\ndef init():\n    _state['ready'] = True\n\n" +
			"def run(data, request_headers=None):\n    return {'ready': _state.get('ready'), 'v': helper.double(len(data)), 'h': (request_headers or {}).get('X-Test')}\n",
	})
	got := runDriver(t, src, "pkg/entry.py", "abc", t.TempDir())
	require.JSONEq(t, `{"ready": true, "v": 6, "h": "1"}`, got)
}

func TestDriverProgramQuotes(t *testing.T) {
	d := DriverProgram(`src/we"ird.py`, "src")
	require.Contains(t, d, `_ENTRY_SCRIPT = "src/we\"ird.py"`)
	require.Contains(t, d, `_MODULE = "we\"ird"`)
	require.NoError(t, checkPythonSource([]byte(d)))
}
