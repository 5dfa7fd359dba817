package emulator

import (
	"encoding/json"
	"net/http"
	"testing"
)

const computeToken = "test-token"

// computeURLs are the ARM and RP URLs of the compute routes of s.
func armComputeURL(s *Server, name, query string) string {
	u := s.URL() + s.armWorkspacePath() + "/computes/" + name + "?api-version=2020-02-02"
	if query != "" {
		u += "&" + query
	}
	return u
}

func rpComputeURL(s *Server, name string) string {
	return s.URL() + s.rpPrefix() + "/computes/" + name + "?api-version=2020-02-02"
}

func rpListURL(s *Server) string {
	return s.URL() + s.rpPrefix() + "/computes?api-version=2020-02-02"
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Request bodies as the SDK sends them (reference §2.3, §2.4).
func createBody(props map[string]any) []byte {
	p := map[string]any{"computeType": "AKS"}
	if props != nil {
		p["properties"] = props
	}
	b, _ := json.Marshal(map[string]any{"location": "eastus", "properties": p})
	return b
}

func attachBody(resourceID string, props map[string]any) []byte {
	if props == nil {
		props = map[string]any{}
	}
	if _, ok := props["loadBalancerType"]; !ok {
		props["loadBalancerType"] = "PublicIp"
	}
	if _, ok := props["loadBalancerSubnet"]; !ok {
		props["loadBalancerSubnet"] = nil
	}
	b, _ := json.Marshal(map[string]any{"location": "eastus", "properties": map[string]any{"computeType": "AKS", "resourceId": resourceID, "properties": props}})
	return b
}

var devTest = map[string]any{"clusterPurpose": "DevTest", "agentCount": 1, "agentVmSize": "Standard_D2_v2"}

func madeUpCluster(name string) string {
	return "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/other-rg/providers/Microsoft.ContainerService/managedClusters/" + name
}

// waitComputeOp polls an Azure-AsyncOperation URL until it is terminal and returns the status body.
func waitComputeOp(t *testing.T, opURL string) map[string]any {
	t.Helper()
	if opURL == "" {
		t.Fatal("no Azure-AsyncOperation URL")
	}
	var last map[string]any
	waitFor(t, "operation "+opURL, func() bool {
		r := mustDo(t, http.MethodGet, opURL, computeToken, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("GET operation: %d %s", r.Status, r.Body)
		}
		last = r.json(t)
		st := last["status"]
		return st == "Succeeded" || st == "Failed" || st == "Canceled"
	})
	return last
}

// createCompute PUTs and waits; it returns the final GET document.
func createCompute(t *testing.T, s *Server, name string, body []byte) map[string]any {
	t.Helper()
	r := mustDo(t, http.MethodPut, armComputeURL(s, name, ""), computeToken, body)
	if r.Status != http.StatusCreated && r.Status != http.StatusOK {
		t.Fatalf("PUT %s: %d %s", name, r.Status, r.Body)
	}
	if st := waitComputeOp(t, r.Header.Get("Azure-AsyncOperation")); st["status"] != "Succeeded" {
		t.Fatalf("operation of %s: %v", name, st)
	}
	return getCompute(t, s, name)
}

func getCompute(t *testing.T, s *Server, name string) map[string]any {
	t.Helper()
	r := mustDo(t, http.MethodGet, rpComputeURL(s, name), computeToken, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", name, r.Status, r.Body)
	}
	return r.json(t)
}

func props(m map[string]any) map[string]any { return m["properties"].(map[string]any) }

func aks(m map[string]any) map[string]any {
	p, _ := props(m)["properties"].(map[string]any)
	return p
}
