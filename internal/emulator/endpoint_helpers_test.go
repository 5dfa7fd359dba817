package emulator

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// epBase is the base URL the endpoint routes are served on.
func epBase(t *testing.T, s *Server) string {
	t.Helper()
	return s.URL()
}

// epURL is an MMS URL on base.
func epURL(s *Server, base, suffix string) string { return base + s.mmsPrefix() + suffix }

// epPatch sends a JSON Patch.
func epPatch(t *testing.T, s *Server, base, name, patch string) testResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPatch, epURL(s, base, "/services/"+name), strings.NewReader(patch))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json-patch+json")
	resp, err := freshClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return testResponse{Status: resp.StatusCode, Header: resp.Header, Body: buf.Bytes()}
}

// epScoreScript answers with what it received; the version is in the
// azureml-model-version header.
const epScoreScript = `
def init():
    print("ready")
def run(raw):
    return {"echo": raw}
`

// epVersionBody is a version body (§4 plus traffic fields).
func epVersionBody(name, computeType string, compute any, eir map[string]any, extra map[string]any) map[string]any {
	b := svcCreateBody(name, "", eir, map[string]any{
		"computeType": computeType, "computeName": compute,
		"numReplicas": 1, "autoScaler": map[string]any{"autoscaleEnabled": false, "minReplicas": nil, "maxReplicas": nil, "targetUtilization": nil, "refreshPeriodInSeconds": nil},
		"maxConcurrentRequestsPerContainer": 32, "maxQueueWaitMs": 30000,
	})
	for k, v := range extra {
		b[k] = v
	}
	return b
}

// epCreateBody is an endpoint create body (§6.1) with one version.
func epCreateBody(name, compute, version string, versionBody map[string]any, extra map[string]any) map[string]any {
	b := map[string]any{
		"name": name, "description": nil, "kvTags": map[string]string{"team": "ml"}, "tags": nil, "properties": map[string]string{},
		"keys": map[string]any{"primaryKey": nil, "secondaryKey": nil}, "computeType": "AKSENDPOINT", "computeName": compute,
		"versions": map[string]any{version: versionBody},
	}
	for k, v := range extra {
		b[k] = v
	}
	return b
}
