package workspace

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// fuzzRoundTripper answers every request in memory.
type fuzzRoundTripper func(*http.Request) *http.Response

func (f fuzzRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r), nil }

// FuzzWorkspaceGet feeds arbitrary ARM workspace documents and discovery answers to Get:
// an error, or a workspace whose every service URL is an absolute URL on the discovered
// host with the route's path (a discovered host cannot move a route into a query or a
// fragment, nor to another host).
func FuzzWorkspaceGet(f *testing.F) {
	const armHost = "management.fuzz.test"
	doc := `{"id":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws","name":"ws","location":"eastus","properties":{"workspaceId":"w","discoveryUrl":"https://disc.fuzz.test/discovery","friendlyName":"F","hbiWorkspace":true}}`
	disc := `{"api":"https://eastus.api.azureml.ms","modelmanagement":"https://eastus.modelmanagement.azureml.net","history":"https://h.example/","experimentation":"http://127.0.0.1:1"}`
	f.Add([]byte(doc), []byte(disc))
	f.Add([]byte(`{"properties":{}}`), []byte(disc))
	f.Add([]byte(`{"id":"@evil.example","properties":{"discoveryUrl":"https://disc.fuzz.test/d"}}`), []byte(`{"api":"https://a.example"}`))
	f.Add([]byte(doc), []byte(`{"api":"https://a.example?x=1"}`))
	f.Add([]byte(doc), []byte(`{"api":"https://a.example#f"}`))
	f.Add([]byte(doc), []byte(`{"api":"https://user:pw@a.example"}`))
	f.Add([]byte(doc), []byte(`{"modelmanagement":"https://a.example/base/"}`))
	f.Add([]byte(`{"properties":{"discoveryUrl":"::"}}`), []byte(disc))
	f.Add([]byte(`[]`), []byte(`{}`))
	var armBody, discBody []byte
	client := &http.Client{Transport: fuzzRoundTripper(func(r *http.Request) *http.Response {
		body := discBody
		if r.URL.Host == armHost {
			body = armBody
		}
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}
	})}
	opts := &Options{ARMEndpoint: "https://" + armHost, HTTPClient: client, Retry: RetryOptions{MaxRetries: -1}}
	f.Fuzz(func(t *testing.T, arm, discovery []byte) {
		armBody, discBody = arm, discovery
		ws, err := Get(context.Background(), "00000000-0000-0000-0000-000000000000", "rg", "ws", fakeCred{}, opts)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		_ = ws.String()
		_ = fmt.Sprintf("%v %+v", ws, ws.Properties())
		checks := []struct{ base, got string }{
			{"https://" + armHost, ws.ARMResourceURL("/computes/c")},
			{ws.Hosts().API, ws.RPURL("/computes/c")},
			{ws.Hosts().ModelManagement, ws.MMSURL("/computes/c")},
			{ws.Hosts().History, ws.HistoryURL("/computes/c")},
		}
		for _, c := range checks {
			b, err1 := url.Parse(c.base)
			u, err2 := url.Parse(c.got)
			if err1 != nil || err2 != nil || u.Host != b.Host || u.User != nil || u.RawQuery != "" || u.Fragment != "" ||
				!strings.HasSuffix(u.Path, "/workspaces/ws/computes/c") {
				t.Fatalf("service URL %q is not on host %q with the route's path", c.got, c.base)
			}
		}
	})
}
