package model

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sort"
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

// Hosts of the fake workspace used by the wire tests.
const (
	armHost  = "https://management.test"
	discHost = "https://discovery.test"
	mmsHost  = "https://mms.test"
	histHost = "https://history.test"
	blobHost = "https://blob.test"
	wsScope  = "/subscriptions/" + wireSub + "/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
	mmsBase  = "/modelmanagement/v1.0" + wsScope
	histBase = "/artifact/v2.0" + wsScope
	armToken = "arm-token-value"
	wireSub  = "11111111-2222-3333-4444-555555555555"
)

type wireCred struct{}

func (wireCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: armToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// sentRequest is one request the SDK sent, as the wire tests assert it.
type sentRequest struct {
	Method string
	URL    string // scheme://host/path?query (query as sent)
	Header http.Header
	Body   []byte
}

// wire records every intercepted request.
type wire struct {
	mu   sync.Mutex
	reqs []sentRequest
}

func (w *wire) requests() []sentRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]sentRequest(nil), w.reqs...)
}

// only returns the recorded requests whose method is m and URL contains s.
func (w *wire) only(m, s string) []sentRequest {
	var out []sentRequest
	for _, r := range w.requests() {
		if r.Method == m && strings.Contains(r.URL, s) {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out
}

// newWire returns a workspace whose HTTP calls go to gock mocks, and the
// recorder of those calls (the ARM and discovery calls of workspace.Get are
// not recorded). Retries are off.
func newWire(t *testing.T) (*workspace.Workspace, *wire) {
	t.Helper()
	gock.Off()
	t.Cleanup(func() {
		gock.Observe(nil)
		gock.Off()
	})
	ws := wiretest.Connect(t, wiretest.Workspace{
		SubscriptionID: wireSub, ARMHost: armHost, DiscoveryHost: discHost, Credential: wireCred{},
		Hosts: map[string]any{"api": "https://api.test", "modelmanagement": mmsHost, "history": histHost, "experimentation": "https://exp.test"},
	})
	rec := &wire{}
	gock.Observe(func(req *http.Request, _ gock.Mock) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, sentRequest{Method: req.Method, URL: req.URL.String(), Header: req.Header.Clone(), Body: body})
		rec.mu.Unlock()
	})
	return ws, rec
}

// jsonEq asserts that a request body is exactly the given JSON (key order aside).
func jsonEq(t *testing.T, want string, got []byte) {
	t.Helper()
	require.JSONEq(t, want, string(got))
}

// mustJSON marshals v for a gock reply.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// requireMMSHeaders asserts the headers every model-management call carries.
func requireMMSHeaders(t *testing.T, r sentRequest) {
	t.Helper()
	require.Equal(t, "Bearer "+armToken, r.Header.Get("Authorization"), "%s %s", r.Method, r.URL)
	require.NotEmpty(t, r.Header.Get("User-Agent"))
	require.NotEmpty(t, r.Header.Get("x-ms-client-session-id"))
}

// artifactReply answers a batch-metadata call for paths with content URIs on blobHost.
func artifactReply(container string, paths ...string) map[string]any {
	arts, info := map[string]any{}, map[string]any{}
	for _, p := range paths {
		arts[p] = map[string]any{"artifactId": "LocalUpload/" + container + "/" + p, "origin": "LocalUpload", "container": container, "path": p}
		info[p] = map[string]any{"contentUri": blobHost + "/c/" + container + "/" + p + "?sv=2020-10-02&sr=b&sig=SECRETSIG", "origin": "LocalUpload", "container": container, "path": p}
	}
	return map[string]any{"artifacts": arts, "artifactContentInformation": info, "errors": map[string]any{}}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// requireResponseError asserts err reaches an *azcore.ResponseError with status.
func requireResponseError(t *testing.T, err error, status int) *azcore.ResponseError {
	t.Helper()
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	require.Equal(t, status, re.StatusCode)
	return re
}
