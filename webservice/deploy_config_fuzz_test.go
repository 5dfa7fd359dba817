package webservice

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseDeployConfig: any input yields a config or a typed error, never a
// panic; a parsed config that validates always renders a create body that is
// valid JSON.
func FuzzParseDeployConfig(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "deploymentconfig_*.json"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"computeType":"aks","numReplicas":1e400}`))
	f.Add([]byte(`{"computeType":"aks","autoScaler":{"autoscaleEnabled":true,"minReplicas":-0}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := parseDeployConfig("fuzz.json", data)
		if err != nil {
			var ferr *ConfigFileError
			if !errors.As(err, &ferr) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		if cfg.Validate() != nil {
			return
		}
		body, err := cfg.buildCreateBody(createInput{Name: "svc", ComputeName: "aks", EnvironmentImageRequest: json.RawMessage(`{}`)})
		if err != nil {
			t.Fatalf("valid config failed to render: %v", err)
		}
		if !json.Valid(body) {
			t.Fatalf("invalid body %s", body)
		}
	})
}
