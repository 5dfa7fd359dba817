package compute

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/workspace"
)

// Fuzz targets for the compute responses that arrive through the HTTP pipeline: the list
// page (and the nextLink it carries), listKeys and the document an update edits. Each
// runs the real request path against an in-memory transport, so what is fuzzed is exactly
// what a server could send.

// fuzzHosts are the hosts of the in-memory workspace.
const (
	fuzzARMHost = "management.azure.com"
	fuzzAPIHost = "eastus.api.azureml.ms"
)

// fuzzRoundTripper answers every request in memory; it receives the request body read.
type fuzzRoundTripper func(r *http.Request, body []byte) *http.Response

func (f fuzzRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	return f(r, body), nil
}

// fuzzReply is a response to r.
func fuzzReply(r *http.Request, status int, header http.Header, body []byte) *http.Response {
	h := http.Header{"Content-Type": {"application/json"}}
	for k, v := range header {
		h[k] = v
	}
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)), Header: h,
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}

// fuzzWorkspace returns a workspace whose ARM document and discovery are answered in
// memory, every other request by answer; retries are off so one input is one answer.
func fuzzWorkspace(tb testing.TB, answer func(r *http.Request, body []byte) *http.Response) *workspace.Workspace {
	tb.Helper()
	rt := fuzzRoundTripper(func(r *http.Request, body []byte) *http.Response {
		switch {
		case r.Method == http.MethodGet && r.URL.Host == fuzzARMHost && r.URL.Path == wsPath:
			return fuzzReply(r, 200, nil, []byte(`{"id":"`+wsPath+`","name":"ws","location":"eastus","properties":{}}`))
		case r.Method == http.MethodGet && r.URL.Path == "/discovery":
			return fuzzReply(r, 200, nil, []byte(`{"api":"https://`+fuzzAPIHost+`","history":"https://`+fuzzAPIHost+`"}`))
		}
		return answer(r, body)
	})
	ws, err := workspace.Get(context.Background(), wSub, "rg", "ws", staticCred{}, &workspace.Options{
		DiscoveryURL: "https://" + fuzzAPIHost + "/discovery",
		HTTPClient:   &http.Client{Transport: rt},
		Retry:        workspace.RetryOptions{MaxRetries: -1},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ws
}

// FuzzComputeListResponse feeds arbitrary list pages to compute.List. A page either
// fails with an error or yields computes whose accessors work; a nextLink is followed
// only to the host the list came from, so a hostile page cannot send the ARM token
// elsewhere.
func FuzzComputeListResponse(f *testing.F) {
	f.Add(fixture(f, "list_page1.json"))
	f.Add(fixture(f, "list_page2.json"))
	f.Add([]byte(`{"value":[{"properties":{"computeType":"AmlCompute"}}],"nextLink":"https://` + fuzzAPIHost + `/rp/x?page=2"}`))
	f.Add([]byte(`{"value":[null,{}],"nextLink":""}`))
	f.Add([]byte(`{"value":[],"nextLink":"https://evil.example/steal"}`))
	f.Add([]byte(`{"value":[],"nextLink":"https://user@evil.example/steal"}`))
	f.Add([]byte(`{"value":[],"nextLink":"/relative/only"}`))
	f.Add([]byte(`{"value":{}}`))
	var page1 []byte
	var hosts []string
	ws := fuzzWorkspace(f, func(r *http.Request, _ []byte) *http.Response {
		hosts = append(hosts, r.URL.Host)
		if r.URL.Query().Get("page") == "" && strings.HasSuffix(r.URL.Path, "/computes") {
			return fuzzReply(r, 200, nil, page1)
		}
		return fuzzReply(r, 200, nil, []byte(`{"value":[]}`))
	})
	f.Fuzz(func(t *testing.T, body []byte) {
		page1, hosts = body, nil
		pager := List(ws, nil)
		for i := 0; i < 2 && pager.More(); i++ {
			page, err := pager.NextPage(context.Background())
			if err != nil {
				if err.Error() == "" {
					t.Fatal("empty error text")
				}
				break
			}
			for _, c := range page.Computes {
				if c == nil {
					t.Fatal("nil compute in page")
				}
				_ = c.Info()
				_ = c.Properties()
				_ = c.ProvisioningErrors()
				_ = fmt.Sprintf("%v %+v", c, c)
			}
		}
		for _, h := range hosts {
			if !strings.EqualFold(h, fuzzAPIHost) {
				t.Fatalf("a request went to host %q, not the workspace's %q (body %q)", h, fuzzAPIHost, body)
			}
		}
	})
}

// FuzzComputeCredentials feeds arbitrary listKeys answers to GetCredentials: no panic, and
// neither an error nor the printed credentials ever show a kubeconfig.
func FuzzComputeCredentials(f *testing.F) {
	f.Add(fixture(f, "listkeys.json"))
	f.Add([]byte(`{"userKubeConfig":"SECRET-KUBE","adminKubeConfig":7}`))
	f.Add([]byte(`{"userKubeConfig":"SECRET-KUBE","adminKubeConfig":null,"imagePullSecretName":["x"]}`))
	f.Add([]byte(`{"userKubeConfig":"SECRET-KUBE"`))
	f.Add([]byte(`null`))
	var keys []byte
	succeeded := fixture(f, "compute_succeeded.json")
	ws := fuzzWorkspace(f, func(r *http.Request, _ []byte) *http.Response {
		if strings.HasSuffix(r.URL.Path, "/listKeys") {
			return fuzzReply(r, 200, nil, keys)
		}
		return fuzzReply(r, 200, nil, succeeded)
	})
	c, err := Get(context.Background(), ws, "aks1")
	if err != nil {
		f.Fatal(err)
	}
	printed := func(c *Credentials) string {
		b, _ := json.Marshal(c)
		return fmt.Sprintf("%v %+v %#v %s", c, *c, *c, b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		keys = body
		creds, err := c.GetCredentials(context.Background())
		if err != nil {
			// The error text is fixed; a value of the response that shows in it, and is
			// not part of that fixed text, leaked.
			const fixed = `compute: invalid listKeys payload for "aks1"`
			for _, s := range stringValues(body) {
				if strings.Contains(err.Error(), s) && !strings.Contains(fixed, s) {
					t.Fatalf("error text %q shows a value of the response", err)
				}
			}
			return
		}
		out := printed(creds)
		// What printing shows with the kubeconfigs replaced: anything a kubeconfig shares
		// with it proves nothing.
		blank := *creds
		blank.UserKubeConfig, blank.AdminKubeConfig = auth.NewSecret("\x00"), auth.NewSecret("\x00")
		template := printed(&blank)
		for _, s := range []string{creds.UserKubeConfig.Reveal(), creds.AdminKubeConfig.Reveal()} {
			if len(s) >= 4 && !strings.Contains(template, s) && strings.Contains(out, s) {
				t.Fatalf("printed credentials show a kubeconfig: %s", out)
			}
		}
	})
}

// stringValues returns the JSON strings of at least 6 bytes in body (a response that
// does not decode gives none).
func stringValues(body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if len(x) >= 6 {
				out = append(out, x)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// FuzzComputeUpdateResponse feeds arbitrary compute documents to Update, which edits the
// document it read and PUTs it back: no panic, and a PUT that is sent is a JSON object
// whose edited settings are those asked for.
func FuzzComputeUpdateResponse(f *testing.F) {
	f.Add(fixture(f, "compute_succeeded.json"), uint8(0))
	f.Add(fixture(f, "compute_attached.json"), uint8(1))
	f.Add([]byte(`{"properties":{"properties":{"sslConfiguration":{"leafDomainLabel":"abc"},"agentCount":1e999}}}`), uint8(1))
	f.Add([]byte(`{"properties":{"properties":{"sslConfiguration":[],"loadBalancerType":3}}}`), uint8(2))
	f.Add([]byte(`{"properties":{"properties":null}}`), uint8(3))
	f.Add([]byte(`{"properties":"x"}`), uint8(0))
	cfgs := []UpdateConfiguration{
		{SSL: DisableSSL{}},
		{SSL: RenewSSL{}},
		{SSL: MicrosoftCert{LeafDomainLabel: "abc"}},
		{LoadBalancerType: LoadBalancerInternal, LoadBalancerSubnet: "s"},
	}
	var doc, sent []byte
	creating := fixture(f, "compute_creating.json")
	ws := fuzzWorkspace(f, func(r *http.Request, body []byte) *http.Response {
		switch r.Method {
		case http.MethodGet:
			return fuzzReply(r, 200, nil, doc)
		case http.MethodPut:
			sent = body
			return fuzzReply(r, 201, http.Header{"Azure-Asyncoperation": {"https://" + fuzzARMHost + opPath + "?api-version=2020-02-02"}}, creating)
		}
		return fuzzReply(r, 404, nil, []byte(`{}`))
	})
	c := newAksCompute(ws, snapshot{name: "aks1", computeType: computeTypeAKS, state: StateSucceeded})
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		doc, sent = body, nil
		cfg := cfgs[int(which)%len(cfgs)]
		var (
			op   *Operation
			err  error
			done = make(chan struct{})
		)
		go func() {
			defer close(done)
			op, err = c.Update(context.Background(), cfg)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			buf := make([]byte, 1<<20)
			t.Fatalf("Update hung on %q (config %d):\n%s", body, which, buf[:goruntime.Stack(buf, true)])
		}
		if err != nil {
			return
		}
		if op == nil {
			t.Fatal("nil operation without error")
		}
		var put map[string]any
		dec := json.NewDecoder(bytes.NewReader(sent))
		dec.UseNumber()
		if err := dec.Decode(&put); err != nil {
			t.Fatalf("PUT body %q is not a JSON object: %v", sent, err)
		}
		props, _ := put["properties"].(map[string]any)
		inner, _ := props["properties"].(map[string]any)
		if inner == nil {
			t.Fatalf("PUT body without properties.properties: %s", sent)
		}
		if cfg.LoadBalancerType != "" && inner["loadBalancerType"] != string(cfg.LoadBalancerType) {
			t.Fatalf("loadBalancerType not applied: %s", sent)
		}
	})
}
