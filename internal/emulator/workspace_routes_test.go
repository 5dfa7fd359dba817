package emulator

import (
	"net/http"
	"strings"
	"testing"
)

func TestWorkspaceGet(t *testing.T) {
	s := newTestServer(t, Options{})
	for _, v := range []string{"2022-05-01", "2018-03-01-preview"} {
		r := mustDo(t, "GET", s.URL()+s.armWorkspacePath()+"?api-version="+v, "tok", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("api-version %s: status %d %s", v, r.Status, r.Body)
		}
		m := r.json(t)
		if m["id"] != s.armWorkspacePath() || m["name"] != DefaultWorkspaceName || m["location"] != DefaultLocation ||
			m["type"] != "Microsoft.MachineLearningServices/workspaces" {
			t.Errorf("top-level fields: %v", m)
		}
		if sku, _ := m["sku"].(map[string]any); sku["tier"] != "Basic" {
			t.Errorf("sku: %v", m["sku"])
		}
		if _, ok := m["identity"].(map[string]any); !ok {
			t.Errorf("identity missing")
		}
		if _, ok := m["tags"].(map[string]any); !ok {
			t.Errorf("tags missing")
		}
		p, _ := m["properties"].(map[string]any)
		if p["discoveryUrl"] != s.URL()+"/discovery" || p["provisioningState"] != "Succeeded" || p["friendlyName"] != DefaultWorkspaceName {
			t.Errorf("properties: %v", p)
		}
		if id, _ := p["workspaceId"].(string); len(id) != 36 || id != s.ws.WorkspaceID {
			t.Errorf("workspaceId %q", p["workspaceId"])
		}
		for _, k := range []string{"containerRegistry", "keyVault", "applicationInsights", "storageAccount"} {
			if v, _ := p[k].(string); !strings.HasPrefix(v, "/subscriptions/"+DefaultSubscriptionID+"/resourceGroups/"+DefaultResourceGroup+"/providers/") {
				t.Errorf("%s = %q", k, p[k])
			}
		}
		for _, k := range []string{"hbiWorkspace", "v1LegacyMode", "description"} {
			if _, ok := p[k]; !ok {
				t.Errorf("%s missing", k)
			}
		}
	}
	// ARM names are case-insensitive.
	r := mustDo(t, "GET", s.URL()+"/subscriptions/"+DefaultSubscriptionID+"/resourceGroups/LOCAL-RG/providers/Microsoft.MachineLearningServices/workspaces/Local-WS?api-version=2022-05-01", "tok", nil)
	if r.Status != http.StatusOK {
		t.Errorf("case-insensitive name: %d", r.Status)
	}
}

func TestWorkspaceGetErrors(t *testing.T) {
	s := newTestServer(t, Options{SubscriptionID: "11111111-2222-3333-4444-555555555555", ResourceGroup: "rg1", WorkspaceName: "ws1", Location: "westeurope"})
	base := s.URL() + "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/"
	tests := []struct {
		name, url, token string
		status           int
		code             string
	}{
		{"other name", base + "other?api-version=2022-05-01", "t", 404, "ResourceNotFound"},
		{"other rg", strings.Replace(base, "rg1", "rg2", 1) + "ws1?api-version=2022-05-01", "t", 404, "ResourceNotFound"},
		{"other subscription", strings.Replace(base, "11111111", "99999999", 1) + "ws1?api-version=2022-05-01", "t", 404, "ResourceNotFound"},
		{"no api-version", base + "ws1", "t", 400, "MissingApiVersionParameter"},
		{"bad api-version", base + "ws1?api-version=2019-01-01", "t", 400, "InvalidApiVersionParameter"},
		{"no token", base + "ws1?api-version=2022-05-01", "", 401, "AuthenticationFailed"},
		{"ok", base + "ws1?api-version=2022-05-01", "t", 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustDo(t, "GET", tc.url, tc.token, nil)
			if r.Status != tc.status || armErrorCode(t, r) != tc.code {
				t.Fatalf("got %d %s, want %d %s", r.Status, r.Body, tc.status, tc.code)
			}
			if tc.status == 404 && !strings.Contains(string(r.Body), "Workspace not found") {
				t.Errorf("404 message: %s", r.Body)
			}
		})
	}
}

func TestDiscoveryWithoutAuth(t *testing.T) {
	s := newTestServer(t, Options{})
	r := mustDo(t, "GET", s.Info().DiscoveryURL, "", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("status %d", r.Status)
	}
	m := r.json(t)
	for _, k := range []string{"api", "catalog", "experimentation", "gallery", "history", "hyperdrive", "labeling", "modelmanagement", "pipelines", "studiocoreservices", "studio"} {
		if m[k] != s.URL() {
			t.Errorf("discovery[%s] = %v, want %s", k, m[k], s.URL())
		}
	}
	if len(m) != len(discoveryKeys) {
		t.Errorf("unexpected keys: %v", m)
	}
	info := s.Info()
	if info.ARMEndpoint != s.URL() || info.SubscriptionID != DefaultSubscriptionID || info.ResourceGroup != DefaultResourceGroup || info.WorkspaceName != DefaultWorkspaceName {
		t.Errorf("Info: %+v", info)
	}
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Errorf("URL %s", s.URL())
	}
}

func TestBearerRequired(t *testing.T) {
	s := newTestServer(t, Options{})
	url := s.URL() + s.armWorkspacePath() + "?api-version=2022-05-01"
	for _, tc := range []struct {
		auth   string
		status int
	}{
		{"", 401}, {"Bearer", 401}, {"Bearer ", 401}, {"Bearer   ", 401}, {"Basic dXNlcjpwdw==", 401},
		{"Bearer x", 200}, {"bearer some.jwt.token", 200},
	} {
		req, _ := http.NewRequest("GET", url, nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := freshClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("Authorization %q: status %d, want %d", tc.auth, resp.StatusCode, tc.status)
		}
		if tc.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("401 without WWW-Authenticate")
		}
	}
	// Bearer is also required on both operation routes and on MMS routes.
	for _, p := range []string{"/operations/arm/x?api-version=2020-02-02", s.mmsPrefix() + "/operations/x", s.mmsPrefix() + "/test/strict"} {
		method := "GET"
		if strings.HasSuffix(p, "strict") {
			method = "POST"
		}
		r := mustDo(t, method, s.URL()+p, "", []byte(`{}`))
		if r.Status != 401 || armErrorCode(t, r) != "AuthenticationFailed" {
			t.Errorf("%s: %d %s", p, r.Status, r.Body)
		}
	}
}

func TestNotFoundShapes(t *testing.T) {
	s := newTestServer(t, Options{})
	if r := mustDo(t, "GET", s.URL()+"/nope", "t", nil); r.Status != 404 || armErrorCode(t, r) != "NotFound" {
		t.Errorf("ARM 404: %d %s", r.Status, r.Body)
	}
	r := mustDo(t, "GET", s.URL()+s.mmsPrefix()+"/nope", "t", nil)
	if e := mmsErrorOf(t, r); r.Status != 404 || e.StatusCode != 404 || e.Code != "NotFound" {
		t.Errorf("MMS 404: %d %s", r.Status, r.Body)
	}
	if r := mustDo(t, "GET", s.URL()+s.historyPrefix()+"/nope", "t", nil); r.Status != 404 || armErrorCode(t, r) != "NotFound" {
		t.Errorf("history 404: %d %s", r.Status, r.Body)
	}
}

func TestOptionsValidation(t *testing.T) {
	_, err := New(Options{ResourceGroup: "a/b", WorkspaceName: "x y", OperationDelay: -1})
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{"ResourceGroup", "WorkspaceName", "OperationDelay"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}
