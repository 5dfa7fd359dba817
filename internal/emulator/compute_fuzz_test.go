package emulator

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzComputePutBody runs the strict decoding and the rules of a compute PUT on arbitrary
// bodies: no panic, whatever the input.
func FuzzComputePutBody(f *testing.F) {
	f.Add(createBody(devTest))
	f.Add(attachBody(madeUpCluster("c"), map[string]any{"sslConfiguration": map[string]any{"status": "Auto", "leafDomainLabel": "x"}}))
	f.Add([]byte(`{"location":"eastus","properties":{"computeType":"AKS","properties":{"aksNetworkingConfiguration":{"serviceCidr":"1.2.3.4/5"},"systemServices":[{"X":1}]}}}`))
	f.Add([]byte(`{"properties":{"Properties":{"AgentCount":1}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var req computePutRequest
		if json.Unmarshal(b, &req) != nil {
			return
		}
		_ = exactKeys(b, reflect.TypeOf(&req), "")
		if req.Properties != nil {
			_ = checkAKSProps(req.Properties.Properties)
			_ = checkClusterResourceID(deref(req.Properties.ResourceID))
		}
		_, _ = vmVCPUs(string(b))
	})
}
