package endpoint

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	"github.com/azureml-go/azureml/workspace"
)

// The workspace the wire tests talk to, on gock-mocked hosts.
const (
	wSub    = "00000000-0000-0000-0000-000000000000"
	armHost = "https://management.azure.com"
	apiHost = "https://eastus.api.azureml.ms"
	wsPath  = "/subscriptions/" + wSub + "/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
	mmsPath = "/modelmanagement/v1.0" + wsPath
	opLoc   = apiHost + mmsPath + "/operations/op-1"
)

type staticCred struct{}

func (staticCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "test-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

var uuidPattern = `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`

// newWireWorkspace returns a workspace whose calls go to gock. Every
// registered mock must be consumed by the end of the test.
func newWireWorkspace(t *testing.T) *workspace.Workspace {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{}}
	gock.InterceptClient(client)
	t.Cleanup(func() {
		assert.True(t, gock.IsDone(), "pending mocks: %d", len(gock.Pending()))
		gock.Off()
		gock.RestoreClient(client)
	})
	gock.New(armHost).Get(wsPath).MatchParam("api-version", "2022-05-01").Reply(200).
		JSON(map[string]any{"id": wsPath, "name": "ws", "location": "eastus",
			"properties": map[string]any{"discoveryUrl": apiHost + "/discovery/workspaces/ws"}})
	gock.New(apiHost).Get("/discovery/workspaces/ws").Reply(200).
		JSON(map[string]any{"api": apiHost, "modelmanagement": apiHost, "history": apiHost, "experimentation": apiHost})
	ws, err := workspace.Get(context.Background(), wSub, "rg", "ws", staticCred{}, &workspace.Options{
		HTTPClient: client,
		Retry:      workspace.RetryOptions{MaxRetries: 2, RetryDelay: time.Millisecond, MaxRetryDelay: 5 * time.Millisecond},
	})
	require.NoError(t, err)
	return ws
}

// expect registers a mock matching exactly this method, path and query, and
// checks the headers every MMS call carries.
func expect(t *testing.T, method, path, rawQuery string) *gock.Request {
	t.Helper()
	want, err := url.ParseQuery(rawQuery)
	require.NoError(t, err)
	r := gock.New(apiHost)
	r.Method = method
	r.URLStruct.Path = path
	r.AddMatcher(func(req *http.Request, _ *gock.Request) (bool, error) {
		if req.Method != method || req.URL.Path != path || !reflect.DeepEqual(want, req.URL.Query()) {
			return false, nil
		}
		ok := assert.Equal(t, "Bearer test-token", req.Header.Get("Authorization"), "Authorization") &&
			assert.Regexp(t, uuidPattern, req.Header.Get("x-ms-client-request-id"), "x-ms-client-request-id") &&
			assert.Regexp(t, regexp.MustCompile(`azureml-go/`), req.Header.Get("User-Agent"), "User-Agent")
		return ok, nil
	})
	return r
}

// body makes a mock require a body equal (as JSON) to want, with the given
// Content-Type.
func body(t *testing.T, r *gock.Request, contentType string, want string) *gock.Request {
	r.AddMatcher(func(req *http.Request, _ *gock.Request) (bool, error) {
		if req.Body == nil {
			return assert.Fail(t, "request has no body"), nil
		}
		got, err := io.ReadAll(req.Body)
		if err != nil {
			return false, err
		}
		req.Body = io.NopCloser(bytes.NewReader(got))
		ok := assert.Equal(t, contentType, req.Header.Get("Content-Type")) &&
			assert.JSONEq(t, want, string(got), "body of %s %s", req.Method, req.URL.Path)
		return ok, nil
	})
	return r
}

// endpointGET is an endpoint GET body (reference §6.3) with the given
// versions (name -> trafficPercentile, isDefault, type).
func endpointGET(t *testing.T, versions map[string]map[string]any, edit func(map[string]any)) map[string]any {
	t.Helper()
	vs := map[string]any{}
	for name, extra := range versions {
		v := map[string]any{
			"name": name, "computeType": "AKS", "computeName": "aks-1", "state": "Healthy", "error": nil,
			"kvTags": map[string]string{}, "properties": map[string]string{}, "description": nil,
			"createdTime": "2024-01-02T03:04:05.0000000Z", "updatedTime": "2024-01-02T03:04:05.0000000Z",
			"scoringUri":  "https://ep.example/api/v1/service/rollout/versions/" + name + "/score",
			"numReplicas": 1, "scoringTimeoutMs": 60000, "maxConcurrentRequestsPerContainer": 1, "maxQueueWaitMs": 500,
			"autoScaler":                    map[string]any{"autoscaleEnabled": false, "minReplicas": 1, "maxReplicas": 10, "refreshPeriodInSeconds": 1, "targetUtilization": 70},
			"containerResourceRequirements": map[string]any{"cpu": 0.1, "cpuLimit": nil, "memoryInGB": 0.5, "memoryInGBLimit": nil, "gpu": 0},
			"dataCollection":                map[string]any{"storageEnabled": false, "eventHubEnabled": false},
			"livenessProbeRequirements":     map[string]any{"periodSeconds": 10, "initialDelaySeconds": 310, "timeoutSeconds": 2, "successThreshold": 1, "failureThreshold": 3},
			"models":                        []map[string]any{{"id": "m:1"}},
			"isDefault":                     false, "trafficPercentile": nil, "type": nil,
		}
		for k, x := range extra {
			v[k] = x
		}
		vs[name] = v
	}
	ep := map[string]any{
		"name": "rollout", "computeType": "AKSENDPOINT", "computeName": "aks-1", "state": "Healthy", "error": nil,
		"description": nil, "kvTags": map[string]string{"team": "ml"}, "properties": map[string]string{"owner": "me"},
		"createdTime": "2024-01-02T03:04:05.0000000Z", "updatedTime": "2024-01-02T03:04:05.0000000Z",
		"appInsightsEnabled": false, "authEnabled": true, "aadAuthEnabled": false, "namespace": "default",
		"scoringUri": "https://ep.example/api/v1/service/rollout/score", "swaggerUri": "https://ep.example/api/v1/service/rollout/swagger.json",
		"versions": vs,
	}
	if edit != nil {
		edit(ep)
	}
	return ep
}

// expectGET registers the endpoint read.
func expectGET(t *testing.T, ep map[string]any) {
	t.Helper()
	expect(t, http.MethodGet, mmsPath+"/services/rollout", "expand=true").Reply(200).JSON(ep)
}

// expectPatch registers the PATCH with exactly the fixture's ops, answered
// 202 with an Operation-Location.
func expectPatch(t *testing.T, want string) {
	t.Helper()
	body(t, expect(t, http.MethodPatch, mmsPath+"/services/rollout", ""), "application/json-patch+json", want).
		Reply(202).SetHeader("Operation-Location", opLoc)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
