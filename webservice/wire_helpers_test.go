package webservice

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	"github.com/azureml-go/azureml/internal/wiretest"
	"github.com/azureml-go/azureml/workspace"
)

// Hosts of the fake workspace of the wire tests.
const (
	wArmHost  = "https://management.test"
	wDiscHost = "https://discovery.test"
	wMMSHost  = "https://mms.test"
	wSub      = "11111111-2222-3333-4444-555555555555"
	wScope    = "/subscriptions/" + wSub + "/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
	wMMS      = "/modelmanagement/v1.0" + wScope
	wToken    = "arm-token-value"
)

type wCred struct{}

func (wCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: wToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

type wRequest struct {
	Method, URL string
	Header      http.Header
	Body        []byte
}

type wRecorder struct {
	mu   sync.Mutex
	reqs []wRequest
}

func (w *wRecorder) all() []wRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wRequest(nil), w.reqs...)
}

// find returns the requests with method m whose URL contains s.
func (w *wRecorder) find(m, s string) []wRequest {
	var out []wRequest
	for _, r := range w.all() {
		if r.Method == m && strings.Contains(r.URL, s) {
			out = append(out, r)
		}
	}
	return out
}

// one returns the only request matching m and s.
func (w *wRecorder) one(t *testing.T, m, s string) wRequest {
	t.Helper()
	rs := w.find(m, s)
	require.Len(t, rs, 1, "%s %s: %v", m, s, w.all())
	return rs[0]
}

// newWireWorkspace returns a workspace whose calls go to gock mocks, and a
// recorder of the calls made after workspace.Get. Retries are off.
func newWireWorkspace(t *testing.T) (*workspace.Workspace, *wRecorder) {
	t.Helper()
	gock.Off()
	t.Cleanup(func() {
		gock.Observe(nil)
		gock.Off()
	})
	ws := wiretest.Connect(t, wiretest.Workspace{
		SubscriptionID: wSub, ARMHost: wArmHost, DiscoveryHost: wDiscHost, Credential: wCred{},
		Hosts: map[string]any{"api": "https://api.test", "modelmanagement": wMMSHost, "history": "https://history.test", "experimentation": "https://exp.test"},
	})
	rec := &wRecorder{}
	gock.Observe(func(req *http.Request, _ gock.Mock) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, wRequest{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body})
		rec.mu.Unlock()
	})
	return ws, rec
}

// requireMMS asserts the headers of a model-management call.
func requireMMS(t *testing.T, r wRequest, contentType string) {
	t.Helper()
	require.Equal(t, "Bearer "+wToken, r.Header.Get("Authorization"), "%s %s", r.Method, r.URL)
	require.NotEmpty(t, r.Header.Get("User-Agent"))
	require.NotEmpty(t, r.Header.Get("x-ms-client-session-id"))
	if contentType != "" {
		require.Equal(t, contentType, r.Header.Get("Content-Type"), "%s %s", r.Method, r.URL)
	}
}

// serviceJSON is a service GET body of the wire tests.
func serviceJSON(name string, over map[string]any) map[string]any {
	m := map[string]any{
		"id": name, "name": name, "description": nil, "kvTags": map[string]string{}, "properties": map[string]string{},
		"computeType": "AKS", "computeName": "aks1", "createdTime": "2024-01-02T03:04:05.678Z", "updatedTime": "2024-01-02T03:04:05.678Z",
		"state": "Healthy", "error": nil, "scoringUri": "http://score.test/api/v1/service/" + name + "/score",
		"authEnabled": true, "aadAuthEnabled": false, "appInsightsEnabled": false,
		"autoScaler":                        map[string]any{"autoscaleEnabled": true, "minReplicas": 1, "maxReplicas": 10, "refreshPeriodInSeconds": 1, "targetUtilization": 70},
		"containerResourceRequirements":     map[string]any{"cpu": 0.1, "cpuLimit": nil, "memoryInGB": 0.5, "memoryInGBLimit": nil, "gpu": 0},
		"dataCollection":                    map[string]any{"storageEnabled": false, "eventHubEnabled": false},
		"maxConcurrentRequestsPerContainer": 1, "maxQueueWaitMs": 500, "numReplicas": nil, "scoringTimeoutMs": 60000,
		"livenessProbeRequirements": map[string]any{"periodSeconds": 10, "initialDelaySeconds": 310, "timeoutSeconds": 2, "successThreshold": 1, "failureThreshold": 3},
		"namespace":                 "azureml-ws", "models": []map[string]any{{"id": "sk:1"}},
	}
	for k, v := range over {
		m[k] = v
	}
	return m
}

type fakeTarget string

func (f fakeTarget) Name() string { return string(f) }

// String shows a request for failure messages (body as text).
func (r wRequest) String() string { return r.Method + " " + r.URL + " " + string(r.Body) }

// exact returns the only request with method m and URL wMMSHost+wMMS+path
// (query included when given).
func (w *wRecorder) exact(t *testing.T, m, path string) wRequest {
	t.Helper()
	var out []wRequest
	for _, r := range w.all() {
		u := r.URL
		if !strings.Contains(path, "?") {
			u = strings.SplitN(u, "?", 2)[0]
		}
		if r.Method == m && u == wMMSHost+wMMS+path {
			out = append(out, r)
		}
	}
	require.Len(t, out, 1, "%s %s in %v", m, path, w.all())
	return out[0]
}
