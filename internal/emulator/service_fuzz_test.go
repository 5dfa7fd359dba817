package emulator

import (
	"encoding/json"
	"testing"
)

// FuzzServicePatch: any JSON Patch body is applied or refused with
// problems, never a panic, and an accepted patch leaves valid settings.
func FuzzServicePatch(f *testing.F) {
	f.Add([]byte(`[{"op":"replace","path":"/numReplicas","value":2}]`))
	f.Add([]byte(`[{"op":"add","path":"/properties/a~1b","value":"c"},{"op":"replace","path":"/kvTags","value":{"a":"b"}}]`))
	f.Add([]byte(`[{"op":"replace","path":"/environmentImageRequest","value":{"driverProgram":"d.py","assets":[{"id":"d.py","url":"aml://artifact/a/b/d.py"}],"modelIds":["m:1"]}}]`))
	f.Add([]byte(`[{"op":"replace","path":"/autoScaler/minReplicas","value":null}]`))
	s, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	base := serviceRecord{Name: "svc", Spec: serviceCreateRequest{Name: "svc", ComputeType: "AKS", ComputeName: "aks",
		EnvironmentImageRequest: &envImageRequest{DriverProgram: "d.py", Assets: []imageAsset{{ID: "d.py", URL: "aml://artifact/a/b/d.py"}}},
		Properties:              map[string]string{"k": "v"}}}
	f.Fuzz(func(t *testing.T, body []byte) {
		var ops []servicePatchOp
		if json.Unmarshal(body, &ops) != nil {
			return
		}
		rec := base
		spec, _, problems := s.applyServicePatch(&rec, ops)
		if len(problems) == 0 && len(spec.validateSettings()) > 0 {
			t.Fatalf("accepted a patch leaving invalid settings: %s", body)
		}
		if rec.Spec.Properties["k"] != "v" {
			t.Fatal("the stored record was modified")
		}
	})
}
