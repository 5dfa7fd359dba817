package compute

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
	opHost  = "https://management.azure.com"
	opPath  = "/subscriptions/" + wSub + "/providers/Microsoft.MachineLearningServices/locations/eastus/computeOperationsStatus/op-1"
	opURL   = opHost + opPath + "?api-version=2020-02-02"
	rpPath  = "/rp/workspaces" + wsPath
)

type staticCred struct{}

func (staticCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "test-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

var uuidPattern = `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`

// newWireWorkspace returns a workspace whose calls go to gock. Every registered mock must
// be consumed by the end of the test.
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

// expect registers a mock that matches exactly this method, host, path and query, and
// checks the headers every compute call carries.
func expect(t *testing.T, method, host, path, rawQuery string) *gock.Request {
	t.Helper()
	want, err := url.ParseQuery(rawQuery)
	require.NoError(t, err)
	r := gock.New(host)
	r.Method = method
	r.URLStruct.Path = path
	r.AddMatcher(func(req *http.Request, _ *gock.Request) (bool, error) {
		if req.Method != method || req.URL.Path != path {
			return false, nil
		}
		// Several mocks may share a path (pages, delete actions): a different query is
		// simply another mock's request.
		if !reflect.DeepEqual(want, req.URL.Query()) {
			return false, nil
		}
		ok := assert.Equal(t, "Bearer test-token", req.Header.Get("Authorization"), "Authorization") &&
			assert.Regexp(t, uuidPattern, req.Header.Get("x-ms-client-request-id"), "x-ms-client-request-id") &&
			assert.Regexp(t, uuidPattern, req.Header.Get("x-ms-client-session-id"), "x-ms-client-session-id") &&
			assert.Regexp(t, regexp.MustCompile(`azureml-go/`), req.Header.Get("User-Agent"), "User-Agent")
		return ok, nil
	})
	return r
}

// jsonBody makes a mock require a JSON body equal to want (Content-Type application/json).
func jsonBody(t *testing.T, r *gock.Request, want []byte) *gock.Request {
	r.AddMatcher(func(req *http.Request, _ *gock.Request) (bool, error) {
		if req.Body == nil {
			return assert.Fail(t, "request has no body"), nil
		}
		got, err := io.ReadAll(req.Body)
		if err != nil {
			return false, err
		}
		req.Body = io.NopCloser(bytes.NewReader(got))
		ok := assert.Regexp(t, `^application/json`, req.Header.Get("Content-Type")) &&
			assert.JSONEq(t, string(want), string(got), "body of %s %s", req.Method, req.URL.Path)
		return ok, nil
	})
	return r
}

// noBody makes a mock require an empty body.
func noBody(t *testing.T, r *gock.Request) *gock.Request {
	r.AddMatcher(func(req *http.Request, _ *gock.Request) (bool, error) {
		if req.Body == nil {
			return true, nil
		}
		got, err := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(got))
		return assert.Empty(t, got, "body of %s %s", req.Method, req.URL.Path), err
	})
	return r
}

// computeJSON returns a compute document like the RP returns (reference §2.6).
func computeJSON(t *testing.T, fixtureName string, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, fixtureName), &m))
	if edit != nil {
		edit(m)
	}
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return b
}

func innerProps(m map[string]any) map[string]any {
	return m["properties"].(map[string]any)["properties"].(map[string]any)
}

func outerProps(m map[string]any) map[string]any {
	return m["properties"].(map[string]any)
}

func fastWait() *WaitOptions { return &WaitOptions{Frequency: time.Millisecond} }
