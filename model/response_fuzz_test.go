package model

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/azureml-go/azureml/workspace"
)

// Fuzz targets for the model-management and artifact responses: model GET (decodeModel),
// the list page and its nextLink, the artifact batch metadata, the asset, and the error
// bodies the SDK reads (delete 412, pre-flight validation). The targets that go through
// the pipeline answer from memory, so the real request path is what is fuzzed.

// fuzzMMSHost is the one host of the in-memory workspace.
const fuzzMMSHost = "mms.fuzz.test"

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

func fuzzReply(r *http.Request, status int, body []byte) *http.Response {
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: r, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
}

// fuzzWorkspace returns a workspace answered in memory: the ARM document and discovery
// here, everything else by answer. Retries are off.
func fuzzWorkspace(tb testing.TB, answer func(r *http.Request, body []byte) *http.Response) *workspace.Workspace {
	tb.Helper()
	rt := fuzzRoundTripper(func(r *http.Request, body []byte) *http.Response {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == wsScope:
			return fuzzReply(r, 200, []byte(`{"id":"`+wsScope+`","name":"ws","location":"eastus","properties":{}}`))
		case r.Method == http.MethodGet && r.URL.Path == "/discovery":
			return fuzzReply(r, 200, []byte(`{"api":"https://`+fuzzMMSHost+`"}`))
		}
		return answer(r, body)
	})
	ws, err := workspace.Get(context.Background(), wireSub, "rg", "ws", wireCred{}, &workspace.Options{
		ARMEndpoint:  "https://" + fuzzMMSHost,
		DiscoveryURL: "https://" + fuzzMMSHost + "/discovery",
		HTTPClient:   &http.Client{Transport: rt},
		Retry:        workspace.RetryOptions{MaxRetries: -1},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ws
}

var modelSeeds = []string{
	`{"id":"m:1","name":"m","version":1,"description":"d","kvTags":{"a":"b"},"properties":{"p":"q"},"url":"aml://asset/x","mimeType":"application/json","framework":"ScikitLearn","frameworkVersion":"1.0","unpack":false,"experimentName":null,"runId":null,"datasets":[{"name":"training","id":"ds"}],"sampleInputData":"aml://dataset/i","resourceRequirements":{"cpu":0.5,"memoryInGB":1,"gpu":0},"createdTime":"2024-01-02T03:04:05.1234567Z","createdBy":{"userName":"u"}}`,
	`{"id":"m:2","createdTime":"2024-01-02T03:04:05.1234567"}`,
	`{"version":"1"}`, `{"kvTags":{"a":1}}`, `{"createdTime":"9999-99-99"}`, `{"resourceRequirements":{"cpu":1e400}}`,
	`null`, `[]`, `{}`, `{"datasets":[null]}`,
}

// FuzzDecodeModel feeds arbitrary model documents (GET {MMS}/models/{id}) to the decoder:
// an error or a model with non-nil maps and its raw document kept.
func FuzzDecodeModel(f *testing.F) {
	for _, s := range modelSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := decodeModel(raw)
		if err != nil {
			return
		}
		if m.Tags == nil || m.Properties == nil {
			t.Fatal("nil maps")
		}
		if !bytes.Equal(m.Raw, raw) {
			t.Fatal("raw document not kept")
		}
		_ = m.AssetID()
		_ = fmt.Sprintf("%v %+v", m, m)
		if _, err := json.Marshal(m); err != nil {
			t.Fatalf("a decoded model does not encode: %v", err)
		}
	})
}

// FuzzModelListResponse feeds arbitrary list pages to the pager: no panic, every model of
// a page is decoded, and the next page is asked with the nextLink's $skipToken from the
// workspace's own host (the SDK builds the URL; it never follows the link).
func FuzzModelListResponse(f *testing.F) {
	f.Add([]byte(`{"value":[` + modelSeeds[0] + `,` + modelSeeds[1] + `],"nextLink":"https://x/models?count=2&$skipToken=b2Zmc2V0OjI"}`))
	f.Add([]byte(`{"value":[],"nextLink":"https://evil.example/steal?$skipToken=a%26b%3Dc"}`))
	f.Add([]byte(`{"value":[],"nextLink":"::"}`))
	f.Add([]byte(`{"value":[],"nextLink":"https://x/models"}`))
	f.Add([]byte(`{"value":[{"id":1}]}`))
	f.Add([]byte(`{"value":null,"nextLink":null}`))
	var page1 []byte
	var reqs []*url.URL
	ws := fuzzWorkspace(f, func(r *http.Request, _ []byte) *http.Response {
		reqs = append(reqs, r.URL)
		if r.URL.Query().Get("$skipToken") == "" {
			return fuzzReply(r, 200, page1)
		}
		return fuzzReply(r, 200, []byte(`{"value":[]}`))
	})
	f.Fuzz(func(t *testing.T, body []byte) {
		page1, reqs = body, nil
		pager := NewListPager(ws, &ListOptions{PageCount: 20})
		var first ListPage
		for i := 0; i < 2 && pager.More(); i++ {
			page, err := pager.NextPage(context.Background())
			if err != nil {
				if err.Error() == "" {
					t.Fatal("empty error text")
				}
				break
			}
			if i == 0 {
				first = page
			}
			for _, m := range page.Models {
				if m == nil {
					t.Fatal("nil model")
				}
			}
		}
		for i, u := range reqs {
			if u.Host != fuzzMMSHost || !strings.HasSuffix(u.Path, "/models") {
				t.Fatalf("request %d went to %s", i, u)
			}
		}
		if len(reqs) == 2 {
			tok, err := skipToken(first.NextLink)
			if err != nil || reqs[1].Query().Get("$skipToken") != tok {
				t.Fatalf("second page asked with %q, nextLink %q", reqs[1].RawQuery, first.NextLink)
			}
		}
	})
}

// FuzzArtifactBatchResponse feeds arbitrary answers of POST
// {history}/artifacts/batch/metadata to createArtifacts: an error, or a content URI for
// every path asked.
func FuzzArtifactBatchResponse(f *testing.F) {
	ok, _ := json.Marshal(artifactReply("c", "a.pkl", "dir/b.txt"))
	f.Add(ok, uint8(2))
	f.Add([]byte(`{"artifacts":{},"artifactContentInformation":{"a.pkl":{"contentUri":""}},"errors":{}}`), uint8(1))
	f.Add([]byte(`{"errors":{"a.pkl":{"code":"UserError","message":"`+strings.Repeat("x", 400)+`"}}}`), uint8(1))
	f.Add([]byte(`{"errors":{"a.pkl":null,"b":"s"},"artifactContentInformation":null}`), uint8(3))
	f.Add([]byte(`{"artifactContentInformation":{"a.pkl":null}}`), uint8(1))
	var answer []byte
	ws := fuzzWorkspace(f, func(r *http.Request, _ []byte) *http.Response { return fuzzReply(r, 200, answer) })
	all := []string{"a.pkl", "dir/b.txt", "c d.bin", "é.json"}
	f.Fuzz(func(t *testing.T, body []byte, n uint8) {
		answer = body
		paths := all[:1+int(n)%len(all)]
		uris, err := createArtifacts(context.Background(), ws, "LocalUpload", "c", paths)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		for _, p := range paths {
			if uris[p] == "" {
				t.Fatalf("no content URI for %q", p)
			}
		}
	})
}

// FuzzAssetResponse feeds arbitrary answers of POST {MMS}/assets to createAsset: an error
// or a non-empty id.
func FuzzAssetResponse(f *testing.F) {
	for _, s := range []string{`{"id":"a1b2"}`, `{"id":""}`, `{"id":7}`, `{}`, `[]`, `null`, `{"id":"x","id":"y"}`} {
		f.Add([]byte(s))
	}
	var answer []byte
	ws := fuzzWorkspace(f, func(r *http.Request, _ []byte) *http.Response { return fuzzReply(r, 200, answer) })
	f.Fuzz(func(t *testing.T, body []byte) {
		answer = body
		id, err := createAsset(context.Background(), ws, "m", "LocalUpload/c/m")
		if err == nil && id == "" {
			t.Fatal("empty asset id accepted")
		}
	})
}

// FuzzModelErrorBodies feeds arbitrary error bodies to what the SDK reads from them: the
// services named by a delete's 412, and a pre-flight validation's verdict.
func FuzzModelErrorBodies(f *testing.F) {
	for _, s := range []string{
		`{"code":"Conflict","statusCode":412,"message":"in use","details":[{"code":"InUse","target":"svc-a"},{"target":""},null]}`,
		`{"error":{"code":"InvalidName","message":"bad name"}}`, `{"error":{"message":""}}`, `{"error":null}`,
		`{"details":"x"}`, `[]`, `{`,
	} {
		f.Add([]byte(s))
	}
	var answer []byte
	ws := fuzzWorkspace(f, func(r *http.Request, _ []byte) *http.Response { return fuzzReply(r, 200, answer) })
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, s := range servicesInError(body) {
			if s == "" {
				t.Fatal("empty service name")
			}
		}
		answer = body
		err := preflightName(context.Background(), ws, "svc")
		if err != nil {
			var pe *PreflightError
			if !asPreflight(err, &pe) || pe.Message == "" {
				t.Fatalf("pre-flight error %T %v has no message", err, err)
			}
		}
	})
}

func asPreflight(err error, out **PreflightError) bool {
	pe, ok := err.(*PreflightError)
	*out = pe
	return ok
}
