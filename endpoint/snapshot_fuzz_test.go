package endpoint

import (
	"testing"
)

// FuzzEndpointSnapshot feeds arbitrary endpoint GET bodies to the parser and
// everything derived from it: no input may panic.
func FuzzEndpointSnapshot(f *testing.F) {
	f.Add([]byte(`{"name":"rollout","computeType":"AKSENDPOINT","versions":{"versiona":{"isDefault":true,"trafficPercentile":20,"type":"Control","state":"Healthy"}}}`))
	f.Add([]byte(`{"versions":{"a":{"trafficPercentile":-1e308,"error":"boom"},"b":{"error":{"code":"X","details":[{}]}}}}`))
	f.Add([]byte(`{"versions":null,"error":[1],"createdTime":"x"}`))
	f.Add([]byte(`{"computeType":"AKS"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		e := &AksEndpoint{name: "rollout"}
		if err := e.setSnapshot(raw); err != nil {
			return
		}
		vs := e.Versions()
		p := e.TrafficPlan()
		if len(p.Versions) != len(vs) {
			t.Fatalf("plan has %d versions, endpoint %d", len(p.Versions), len(vs))
		}
		_ = p.Explain()
		_ = e.Error()
		_ = e.String()
		_ = e.CreatedTime()
	})
}
