package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"
)

type fakeCred struct{}

func (fakeCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "arm-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

type recorded struct {
	method, path, query, auth string
}

// fakeARM serves a workspace GET and discovery, recording each request.
type fakeARM struct {
	mu       sync.Mutex
	reqs     []recorded
	srv      *httptest.Server
	discover bool // whether properties.discoveryUrl is set on the current api-version
}

func newFakeARM(t *testing.T, discoveryInDoc bool) *fakeARM {
	f := &fakeARM{discover: discoveryInDoc}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeARM) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization")})
	f.mu.Unlock()
	base := f.srv.URL
	switch {
	case r.URL.Path == "/discovery":
		_ = json.NewEncoder(w).Encode(map[string]any{"api": base + "/api/", "modelmanagement": base + "/mms", "history": base + "/hist", "experimentation": base, "catalog": 3})
	case r.URL.Path == "/subscriptions/"+testSub+"/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws":
		props := map[string]any{"workspaceId": "wsid-guid", "friendlyName": "Friendly", "provisioningState": "Succeeded"}
		if f.discover || r.URL.Query().Get("api-version") == legacyAPIVersion {
			props["discoveryUrl"] = base + "/discovery"
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"id": strings.TrimPrefix(r.URL.Path, ""), "name": "ws", "location": "westeurope", "properties": props})
	default:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":{"code":"ResourceNotFound","message":"not found"}}`))
	}
}

func withEnv(t *testing.T, env map[string]string) {
	old := getenv
	getenv = func(k string) string { return env[k] }
	t.Cleanup(func() { getenv = old })
}

func TestGetReadsWorkspaceAndDiscovers(t *testing.T) {
	withEnv(t, nil)
	f := newFakeARM(t, true)
	ws, err := Get(context.Background(), testSub, "rg", "ws", fakeCred{}, &Options{ARMEndpoint: f.srv.URL + "/"})
	require.NoError(t, err)

	require.Len(t, f.reqs, 2)
	require.Equal(t, recorded{"GET", "/subscriptions/" + testSub + "/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws", "api-version=2022-05-01", "Bearer arm-token"}, f.reqs[0])
	require.Equal(t, recorded{"GET", "/discovery", "", ""}, f.reqs[1], "discovery carries no Authorization header")

	require.Equal(t, "westeurope", ws.Location())
	require.Equal(t, "wsid-guid", ws.WorkspaceID())
	require.Equal(t, "Friendly", ws.Properties().FriendlyName)
	require.Equal(t, f.srv.URL+"/discovery", ws.DiscoveryURL())
	require.Equal(t, f.srv.URL, ws.ARMEndpoint())
	scope := "/subscriptions/" + testSub + "/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
	require.Equal(t, f.srv.URL+"/api/rp/workspaces"+scope+"/computes", ws.RPURL("/computes"))
	require.Equal(t, f.srv.URL+"/mms/modelmanagement/v1.0"+scope+"/services", ws.MMSURL("/services"))
	require.Equal(t, f.srv.URL+"/hist/artifact/v2.0"+scope+"/artifacts", ws.HistoryURL("/artifacts"))
	require.Equal(t, f.srv.URL+scope+"/computes/x?api-version=2020-02-02", ws.ARMResourceURL("/computes/x?api-version=2020-02-02"))
	require.Equal(t, Config{testSub, "rg", "ws"}, ws.Config())
	require.NotNil(t, ws.Pipeline())
}

func TestGetFallsBackToLegacyAPIVersionForDiscoveryURL(t *testing.T) {
	withEnv(t, nil)
	f := newFakeARM(t, false)
	ws, err := Get(context.Background(), testSub, "rg", "ws", fakeCred{}, &Options{ARMEndpoint: f.srv.URL})
	require.NoError(t, err)
	require.Len(t, f.reqs, 3)
	require.Equal(t, "api-version="+legacyAPIVersion, f.reqs[1].query)
	require.Equal(t, f.srv.URL+"/discovery", ws.DiscoveryURL())
}

func TestGetDiscoveryOverrides(t *testing.T) {
	f := newFakeARM(t, true)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		require.Empty(t, r.Header.Get("Authorization"))
		_, _ = w.Write([]byte(`{"api":"https://api.example","modelmanagement":"https://mms.example"}`))
	}))
	defer other.Close()

	withEnv(t, map[string]string{DiscoveryEnvVar: other.URL, "AZUREML_DEV_URL_HISTORY": "https://history.example"})
	ws, err := Get(context.Background(), testSub, "rg", "ws", fakeCred{}, &Options{ARMEndpoint: f.srv.URL})
	require.NoError(t, err)
	require.Equal(t, other.URL, ws.DiscoveryURL())
	require.Equal(t, Hosts{API: "https://api.example", ModelManagement: "https://mms.example", History: "https://history.example", Experimentation: "https://api.example"}, ws.Hosts())

	// Options.DiscoveryURL wins over the environment.
	ws, err = Get(context.Background(), testSub, "rg", "ws", fakeCred{}, &Options{ARMEndpoint: f.srv.URL, DiscoveryURL: f.srv.URL + "/discovery"})
	require.NoError(t, err)
	require.Equal(t, f.srv.URL+"/discovery", ws.DiscoveryURL())
}

func TestGetNotFound(t *testing.T) {
	withEnv(t, nil)
	f := newFakeARM(t, true)
	_, err := Get(context.Background(), testSub, "rg", "missing", fakeCred{}, &Options{ARMEndpoint: f.srv.URL, Retry: RetryOptions{MaxRetries: -1}})
	require.Error(t, err)
	var nf *NotFoundError
	require.ErrorAs(t, err, &nf)
	require.Contains(t, err.Error(), "workspace not found: missing")
	var re *azcore.ResponseError
	require.True(t, errors.As(err, &re))
	require.Equal(t, http.StatusNotFound, re.StatusCode)
	require.Equal(t, "ResourceNotFound", re.ErrorCode)
}

func TestGetValidatesBeforeIO(t *testing.T) {
	_, err := Get(context.Background(), "my subscription", "", "a/b", fakeCred{}, &Options{ARMEndpoint: "http://127.0.0.1:1"})
	var ce *ConfigError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Problems, 3, err.Error())
	require.Contains(t, err.Error(), "looks like a subscription name")
	require.Contains(t, err.Error(), "resourceGroup is required")
	require.Contains(t, err.Error(), "must not contain")
}

func TestParseDiscovery(t *testing.T) {
	withEnv(t, nil)
	h, err := parseDiscovery([]byte(`{"api":"https://eastus.api.azureml.ms","history":"https://h.example"}`))
	require.NoError(t, err)
	require.Equal(t, Hosts{"https://eastus.api.azureml.ms", "https://eastus.api.azureml.ms", "https://h.example", "https://eastus.api.azureml.ms"}, h)
	for _, bad := range []string{`[]`, `{}`, `{"api":"not a url"}`, `{"api":"ftp://x"}`, `nope`} {
		_, err := parseDiscovery([]byte(bad))
		require.Error(t, err, bad)
	}
}

func FuzzParseDiscovery(f *testing.F) {
	f.Add([]byte(`{"api":"https://eastus.api.azureml.ms","modelmanagement":"https://eastus.modelmanagement.azureml.net"}`))
	f.Add([]byte(`{"api":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := parseDiscovery(data)
		if err == nil && (h.API == "" || h.ModelManagement == "" || h.History == "") {
			t.Fatalf("incomplete hosts accepted: %+v", h)
		}
	})
}
