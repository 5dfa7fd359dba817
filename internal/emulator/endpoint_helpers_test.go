package emulator

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// epRoutes serves the services and scoring routes with the endpoint
// dispatch, exactly as registerServiceRoutes wires it.
// TEMPORARY until the services routes dispatch to endpoints themselves: then
// tests use s.URL() directly.
func epRoutes(t *testing.T, s *Server) string {
	t.Helper()
	mux := http.NewServeMux()
	p := s.mmsPrefix() + "/services"
	mux.HandleFunc("POST "+p, s.requireBearer(s.orEndpointCreate(s.handleServiceCreate)))
	mux.HandleFunc("GET "+p, s.requireBearer(s.handleServiceList))
	mux.HandleFunc("POST "+p+"/validate", s.requireBearer(s.orEndpointValidate(s.handleServiceValidate)))
	mux.HandleFunc("POST "+p+"/validate/name/{name}", s.requireBearer(s.orEndpointValidateName(s.handleServiceValidateName)))
	mux.HandleFunc("POST "+p+"/validate/resource", s.requireBearer(s.orEndpointValidateResource(s.handleServiceValidateResource)))
	mux.HandleFunc("GET "+p+"/{name}", s.requireBearer(s.orEndpoint(s.handleServiceGet, s.handleEndpointGet)))
	mux.HandleFunc("PATCH "+p+"/{name}", s.requireBearer(s.orEndpoint(s.handleServicePatch, s.handleEndpointPatch)))
	mux.HandleFunc("DELETE "+p+"/{name}", s.requireBearer(s.orEndpoint(s.handleServiceDelete, s.handleEndpointDelete)))
	mux.HandleFunc("GET "+p+"/{name}/logs", s.requireBearer(s.orEndpoint(s.handleServiceLogs, s.handleEndpointLogs)))
	mux.HandleFunc("POST "+p+"/{name}/listkeys", s.requireBearer(s.orEndpoint(s.handleServiceListKeys, s.handleEndpointListKeys)))
	mux.HandleFunc("POST "+p+"/{name}/regenerateKeys", s.requireBearer(s.orEndpoint(s.handleServiceRegenerateKeys, s.handleEndpointRegenerateKeys)))
	mux.HandleFunc("POST "+p+"/{name}/token", s.requireBearer(s.orEndpoint(s.handleServiceToken, s.handleEndpointToken)))
	mux.HandleFunc("POST /api/v1/service/{name}/score", s.orEndpoint(s.handleScore, s.handleEndpointScore))
	mux.HandleFunc("GET /api/v1/service/{name}/swagger.json", s.orEndpoint(s.handleSwagger, s.handleEndpointSwagger))
	mux.HandleFunc("POST /api/v1/service/{name}/versions/{version}/score", s.handleEndpointVersionScore)
	mux.HandleFunc("GET /api/v1/service/{name}/versions/{version}/swagger.json", s.handleEndpointVersionSwagger)
	mux.Handle("/", s)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
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
