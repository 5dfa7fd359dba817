package runtime

import (
	_ "embed"
	"os"
	"path/filepath"
)

//go:embed harness.py
var harnessSource []byte

// Harness returns the source of the Python harness.
func Harness() []byte { return append([]byte(nil), harnessSource...) }

// Lines of the harness protocol on stdout.
const (
	portLinePrefix = "AZUREML_HARNESS_PORT "
	readyLine      = "AZUREML_HARNESS_READY"
	exitInitFailed = 3
)

// writeHarness writes the harness into a fresh temporary directory and
// returns the directory and the script path.
func writeHarness() (dir, path string, err error) {
	dir, err = os.MkdirTemp("", "azureml-harness-")
	if err != nil {
		return "", "", err
	}
	path = filepath.Join(dir, "azureml_harness.py")
	if err := os.WriteFile(path, harnessSource, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", "", err
	}
	return dir, path, nil
}
