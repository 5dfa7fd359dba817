package endpoint

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// FuzzParseDeployConfig: an endpoint deploymentconfig.json gives a
// configuration or a *webservice.ConfigFileError; a configuration that
// validates renders a create body that is a JSON object.
func FuzzParseDeployConfig(f *testing.F) {
	b, err := os.ReadFile("testdata/deploymentconfig_endpoint.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	for _, s := range []string{
		`{"computeType":"AKSENDPOINT","versionName":"v1","trafficPercentile":1e400}`,
		`{"computeType":"aksendpoint","trafficPercentile":"50"}`,
		`{"computeType":"AKSENDPOINT","versionName":"fuzz-endpoint","autoScaler":{"autoscaleEnabled":false},"numReplicas":1}`,
		`{"computeType":"AKSENDPOINT","versionName":"blue","trafficPercentile":-0,"keys":{"primaryKey":"k1"}}`,
		`{"computeType":"AKS","versionName":"v1"}`,
		`{"computeType":"AKSENDPOINT","versionName":null,"trafficPercentile":null}`,
		`{"computeType":"AKSENDPOINT"}]`, `[]`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseDeployConfig("deploymentconfig.json", data)
		if err != nil {
			var cfe *webservice.ConfigFileError
			if !errors.As(err, &cfe) {
				t.Fatalf("%T is not a *webservice.ConfigFileError: %v", err, err)
			}
			if !strings.Contains(err.Error(), "deploymentconfig.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if p := cfg.TrafficPercentile; p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
			t.Fatalf("parsed a percentile that is not a number: %v", *p)
		}
		if cfg.Validate() != nil || cfg.ValidateFor("fuzz-endpoint") != nil {
			return
		}
		body, err := cfg.CreateBody(model.CreateRequest{Name: "fuzz-endpoint", ComputeName: "aks", EnvironmentImageRequest: json.RawMessage(`{}`)})
		if err != nil {
			t.Fatalf("a valid configuration renders no create body: %v", err)
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
			t.Fatalf("create body is not a JSON object: %v\n%s", err, body)
		}
		var versions map[string]json.RawMessage
		if err := json.Unmarshal(obj["versions"], &versions); err != nil || len(versions) != 1 || versions[cfg.VersionName] == nil {
			t.Fatalf("create body lacks version %q: %v\n%s", cfg.VersionName, err, body)
		}
	})
}

// FuzzVersionPatchBody: the create_version patch of any version body, name
// and flags is built or refused; a built patch is a JSON array of ops whose
// paths are JSON Pointers under /versions/{name}, ending with the add of the
// new version.
func FuzzVersionPatchBody(f *testing.F) {
	b, err := os.ReadFile("testdata/version_body.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, "versionb", 40.0, uint8(7))
	f.Add([]byte(`{"name":"x"}`), "a/b~c", -1.0, uint8(3))
	f.Add([]byte(`null`), "v", 0.0, uint8(0))
	f.Add([]byte(`[1]`), "v", math.NaN(), uint8(1))
	f.Add([]byte(`{"trafficPercentile":5,"isDefault":false}`), "", math.Inf(1), uint8(1))
	f.Add([]byte(`{}}`), "v", 1.0, uint8(1))
	others := []string{"versiona", "a/b", "~0"}
	f.Fuzz(func(t *testing.T, body []byte, version string, pct float64, flags uint8) {
		var vf versionFlags
		if flags&1 != 0 {
			vf.TrafficPercentile = &pct
		}
		isDefault, isControl := flags&2 != 0, flags&4 != 0
		vf.IsDefault, vf.IsControl = &isDefault, &isControl
		ops, err := createVersionPatch(others, version, body, vf)
		if _, objErr := decodeObject(body); objErr != nil {
			if err == nil {
				t.Fatalf("built a patch from a body that is not a JSON object: %q", body)
			}
			return
		}
		nonNumber := vf.TrafficPercentile != nil && (math.IsNaN(pct) || math.IsInf(pct, 0))
		if (err != nil) != nonNumber {
			t.Fatalf("percentile %v: err = %v", pct, err)
		}
		if err != nil {
			return
		}
		raw, err := marshalPatch(ops)
		if err != nil {
			t.Fatalf("patch does not marshal: %v", err)
		}
		var doc []struct {
			Op    string          `json:"op"`
			Path  string          `json:"path"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil || len(doc) == 0 {
			t.Fatalf("patch is not a JSON array of ops: %v\n%s", err, raw)
		}
		// JSON carries text: a name that is not UTF-8 reaches the service with
		// U+FFFD in place of its bad bytes (CreateVersion refuses such names
		// before building a patch; the names of existing versions come from JSON).
		allowed := map[string]bool{asJSONText(version): true}
		for _, o := range others {
			allowed[o] = true
		}
		for i, op := range doc {
			tokens := unescapeFuzzPointer(t, op.Path)
			if len(tokens) < 2 || tokens[0] != "versions" || !allowed[tokens[1]] {
				t.Fatalf("op %d path %q is not under /versions/{name}", i, op.Path)
			}
			if op.Op != opAdd && op.Op != opReplace {
				t.Fatalf("op %d is %q", i, op.Op)
			}
		}
		last := doc[len(doc)-1]
		if last.Op != opAdd || last.Path != asJSONText(versionPath(version)) {
			t.Fatalf("the patch does not end with the add of %q: %+v", version, last)
		}
		var value map[string]json.RawMessage
		if err := json.Unmarshal(last.Value, &value); err != nil || value == nil {
			t.Fatalf("the new version is not a JSON object: %v", err)
		}
	})
}

// unescapeFuzzPointer splits a JSON Pointer (RFC 6901) into its tokens,
// failing on anything that is not one.
func unescapeFuzzPointer(t *testing.T, p string) []string {
	t.Helper()
	if !strings.HasPrefix(p, "/") {
		t.Fatalf("%q is not a JSON Pointer", p)
	}
	tokens := strings.Split(p[1:], "/")
	for i, tok := range tokens {
		for j := 0; j < len(tok); j++ {
			if tok[j] == '~' && (j+1 >= len(tok) || (tok[j+1] != '0' && tok[j+1] != '1')) {
				t.Fatalf("%q has a bad escape", p)
			}
		}
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
	}
	return tokens
}

// asJSONText is s as it reads after a trip through JSON.
func asJSONText(s string) string {
	b, _ := json.Marshal(s)
	var out string
	_ = json.Unmarshal(b, &out)
	return out
}
