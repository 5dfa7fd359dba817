package model

import (
	"encoding/json"
	"testing"
)

// FuzzConfigFilesAreJSON checks the JSON configuration files (inferenceconfig.json and an
// environment JSON) as whole documents: a file that parses is valid JSON, so trailing
// data after the object, including a stray ']' or '}', is refused.
func FuzzConfigFilesAreJSON(f *testing.F) {
	for _, s := range []string{
		`{"entryScript":"score.py","runtime":"python"}`,
		`{"entryScript":"score.py","runtime":"python"}]`,
		`{"entryScript":"score.py","runtime":"python"}}`,
		`{"entryScript":"score.py","runtime":"python"} {}`,
		`{"name":"e","python":{"userManagedDependencies":true}}]`,
		`{"name":"e"}  `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := ParseInferenceConfig(data, ""); err == nil && !json.Valid(data) {
			t.Fatalf("inferenceconfig.json %q is not JSON but parsed", data)
		}
		if _, err := ParseEnvironmentJSON(data, ""); err == nil && !json.Valid(data) {
			t.Fatalf("environment JSON %q is not JSON but parsed", data)
		}
	})
}
