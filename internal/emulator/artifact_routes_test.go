package emulator

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
)

// artReq sends one request with the given headers and no bearer unless set.
func artReq(t *testing.T, method, target string, headers map[string]string, body []byte) testResponse {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := freshClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return testResponse{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

func artBatchURL(s *Server, container string) string {
	return s.URL() + s.historyPrefix() + "/artifacts/batch/metadata/LocalUpload/" + container
}

// artCreate creates artifacts and returns path → contentUri.
func artCreate(t *testing.T, s *Server, container string, paths ...string) map[string]string {
	t.Helper()
	var body artifactBatchRequest
	for _, p := range paths {
		body.Paths = append(body.Paths, artifactPathRequest{Path: p})
	}
	b, _ := json.Marshal(body)
	r := mustDo(t, http.MethodPost, artBatchURL(s, container), "tok", b)
	if r.Status != http.StatusOK {
		t.Fatalf("batch: %d %s", r.Status, r.Body)
	}
	var resp artifactBatchResponse
	if err := json.Unmarshal(r.Body, &resp); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for p, ci := range resp.ArtifactContentInformation {
		out[p] = ci.ContentURI
	}
	return out
}

func md5Header(b []byte) string {
	s := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(s[:])
}

// artUpload uploads content to a contentUri with Put Blob.
func artUpload(t *testing.T, uri string, content []byte) {
	t.Helper()
	r := artReq(t, http.MethodPut, uri, map[string]string{"x-ms-blob-type": "BlockBlob", "Content-MD5": md5Header(content)}, content)
	if r.Status != http.StatusCreated {
		t.Fatalf("put blob: %d %s", r.Status, r.Body)
	}
}

func TestArtifactBatchMetadata(t *testing.T) {
	s := newTestServer(t, Options{})
	r := mustDo(t, http.MethodPost, artBatchURL(s, "c1"), "tok", []byte(`{"paths":[{"path":"m/a.txt"},{"path":"m/sub/b.bin"}]}`))
	if r.Status != http.StatusOK {
		t.Fatalf("status %d %s", r.Status, r.Body)
	}
	var resp map[string]map[string]map[string]any
	if err := json.Unmarshal(r.Body, &resp); err != nil {
		t.Fatal(err)
	}
	a := resp["artifacts"]["m/sub/b.bin"]
	if a["artifactId"] != "LocalUpload/c1/m/sub/b.bin" || a["origin"] != "LocalUpload" || a["container"] != "c1" || a["path"] != "m/sub/b.bin" || a["etag"] == "" || a["createdTime"] == "" {
		t.Errorf("artifact: %v", a)
	}
	ci := resp["artifactContentInformation"]["m/sub/b.bin"]
	uri, _ := ci["contentUri"].(string)
	u, err := url.Parse(uri)
	if err != nil || !strings.HasPrefix(uri, s.URL()+"/blob/LocalUpload/c1/m/sub/b.bin?") || u.Query().Get("sig") == "" {
		t.Errorf("contentUri %q", uri)
	}
	if len(resp["errors"]) != 0 {
		t.Errorf("errors: %v", resp["errors"])
	}

	// idempotent: the same artifacts again are the same artifacts
	r2 := mustDo(t, http.MethodPost, artBatchURL(s, "c1"), "tok", []byte(`{"paths":[{"path":"m/sub/b.bin"}]}`))
	var resp2 map[string]map[string]map[string]any
	_ = json.Unmarshal(r2.Body, &resp2)
	if resp2["artifacts"]["m/sub/b.bin"]["etag"] != a["etag"] || resp2["artifactContentInformation"]["m/sub/b.bin"]["contentUri"] != uri {
		t.Errorf("repeat differs: %s", r2.Body)
	}
}

func TestArtifactBatchRejects(t *testing.T) {
	s := newTestServer(t, Options{})
	var many []string
	for i := 0; i < 51; i++ {
		many = append(many, fmt.Sprintf(`{"path":"f%d"}`, i))
	}
	for _, c := range []struct {
		body, want string
		status     int
	}{
		{`{"paths":[]}`, "at least one", 400},
		{`{"paths":[` + strings.Join(many, ",") + `]}`, "at most 50", 400},
		{`{"paths":[{"path":"../x"},{"path":"/abs"},{"path":"a//b"},{"path":""}]}`, "paths[3]", 400},
		{`{"paths":[{"path":"a","extra":1}]}`, "unknown field", 400},
	} {
		r := mustDo(t, http.MethodPost, artBatchURL(s, "c"), "tok", []byte(c.body))
		if r.Status != c.status || !strings.Contains(string(r.Body), c.want) {
			t.Errorf("%s: %d %s", c.body, r.Status, r.Body)
		}
	}
	if r := mustDo(t, http.MethodPost, artBatchURL(s, "c"), "", []byte(`{"paths":[{"path":"a"}]}`)); r.Status != http.StatusUnauthorized {
		t.Errorf("no bearer: %d", r.Status)
	}
}

func TestBlobPutAndGet(t *testing.T) {
	s := newTestServer(t, Options{})
	uri := artCreate(t, s, "c", "m/a.txt")["m/a.txt"]
	content := []byte("hello model")
	if r := artReq(t, http.MethodGet, uri, nil, nil); r.Status != http.StatusNotFound {
		t.Errorf("get before upload: %d", r.Status)
	}
	artUpload(t, uri, content)
	r := artReq(t, http.MethodGet, uri, nil, nil)
	if r.Status != http.StatusOK || !bytes.Equal(r.Body, content) || r.Header.Get("Content-MD5") != md5Header(content) {
		t.Errorf("get: %d %q %v", r.Status, r.Body, r.Header)
	}
	f, err := artifactFile(s, "aml://artifact/LocalUpload/c/m/a.txt")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(f); !bytes.Equal(b, content) {
		t.Errorf("artifactFile content %q", b)
	}
	if _, err := artifactFile(s, "LocalUpload/c/m/none"); err == nil {
		t.Error("artifactFile of a missing artifact")
	}
	if _, err := artifactFile(s, "aml://asset/x"); err == nil {
		t.Error("artifactFile of a non-artifact URL")
	}
}

func TestBlobPutRejects(t *testing.T) {
	s := newTestServer(t, Options{})
	uri := artCreate(t, s, "c", "a.bin")["a.bin"]
	content := []byte("data")
	bad := strings.Replace(uri, "sig=", "sig=x", 1)
	forge := s.URL() + "/blob/LocalUpload/c/other.bin?sig=" + blobsOf(s).sig("LocalUpload/c/other.bin")
	cases := []struct {
		name    string
		uri     string
		headers map[string]string
		status  int
		code    string
	}{
		{"md5 mismatch", uri, map[string]string{"x-ms-blob-type": "BlockBlob", "Content-MD5": md5Header([]byte("other"))}, 400, "Md5Mismatch"},
		{"bad md5 header", uri, map[string]string{"x-ms-blob-type": "BlockBlob", "Content-MD5": "abc"}, 400, "InvalidHeaderValue"},
		{"missing blob type", uri, map[string]string{}, 400, "MissingRequiredHeader"},
		{"page blob", uri, map[string]string{"x-ms-blob-type": "PageBlob"}, 400, "InvalidHeaderValue"},
		{"wrong sig", bad, map[string]string{"x-ms-blob-type": "BlockBlob"}, 403, "AuthenticationFailed"},
		{"bearer on SAS", uri, map[string]string{"x-ms-blob-type": "BlockBlob", "Authorization": "Bearer arm"}, 400, "InvalidAuthenticationInfo"},
		{"unknown artifact", forge, map[string]string{"x-ms-blob-type": "BlockBlob"}, 404, "BlobNotFound"},
		{"bad comp", uri + "&comp=page", nil, 400, "InvalidQueryParameterValue"},
	}
	for _, c := range cases {
		r := artReq(t, http.MethodPut, c.uri, c.headers, content)
		if r.Status != c.status || r.Header.Get("x-ms-error-code") != c.code || !strings.Contains(string(r.Body), "<Code>"+c.code+"</Code>") {
			t.Errorf("%s: %d %s %s", c.name, r.Status, r.Header.Get("x-ms-error-code"), r.Body)
		}
	}
	if _, err := artifactFile(s, "LocalUpload/c/a.bin"); err == nil {
		t.Error("a rejected upload must leave the artifact empty")
	}
}

func blockURL(uri, id string) string {
	return uri + "&comp=block&blockid=" + url.QueryEscape(base64.StdEncoding.EncodeToString([]byte(id)))
}

func blockListBody(ids ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><BlockList>`)
	for _, id := range ids {
		b.WriteString("<Latest>" + base64.StdEncoding.EncodeToString([]byte(id)) + "</Latest>")
	}
	b.WriteString("</BlockList>")
	return []byte(b.String())
}

func TestBlobBlocks(t *testing.T) {
	s := newTestServer(t, Options{})
	uri := artCreate(t, s, "c", "big.bin")["big.bin"]
	parts := [][]byte{bytes.Repeat([]byte("a"), 1000), bytes.Repeat([]byte("b"), 10), []byte("c")}
	ids := []string{"block-00000000", "block-00000001", "block-00000002"}
	for i, p := range parts {
		r := artReq(t, http.MethodPut, blockURL(uri, ids[i]), map[string]string{"Content-MD5": md5Header(p)}, p)
		if r.Status != http.StatusCreated {
			t.Fatalf("put block %d: %d %s", i, r.Status, r.Body)
		}
	}
	if r := artReq(t, http.MethodPut, blockURL(uri, "block-00000009"), map[string]string{"Content-MD5": md5Header([]byte("x"))}, []byte("y")); r.Header.Get("x-ms-error-code") != "Md5Mismatch" {
		t.Errorf("block md5: %d %s", r.Status, r.Body)
	}
	whole := bytes.Join(parts, nil)
	listURL := uri + "&comp=blocklist"
	for _, c := range []struct {
		name    string
		body    []byte
		headers map[string]string
		code    string
	}{
		{"unknown block", blockListBody(ids[0], "block-00000007"), nil, "InvalidBlockList"},
		{"ids of different length", blockListBody(ids[0], "b1"), nil, "InvalidBlockId"},
		{"committed unsupported", []byte(`<BlockList><Committed>` + base64.StdEncoding.EncodeToString([]byte(ids[0])) + `</Committed></BlockList>`), nil, "InvalidBlockList"},
		{"not xml", []byte(`{}`), nil, "InvalidXmlDocument"},
		{"whole md5 mismatch", blockListBody(ids...), map[string]string{"x-ms-blob-content-md5": md5Header([]byte("nope"))}, "Md5Mismatch"},
	} {
		r := artReq(t, http.MethodPut, listURL, c.headers, c.body)
		if r.Status != http.StatusBadRequest || r.Header.Get("x-ms-error-code") != c.code {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
		}
	}
	r := artReq(t, http.MethodPut, listURL, map[string]string{"x-ms-blob-content-md5": md5Header(whole)}, blockListBody(ids...))
	if r.Status != http.StatusCreated {
		t.Fatalf("block list: %d %s", r.Status, r.Body)
	}
	got := artReq(t, http.MethodGet, uri, nil, nil)
	if !bytes.Equal(got.Body, whole) {
		t.Errorf("committed %d bytes, want %d", len(got.Body), len(whole))
	}
	var rec artifactRecord
	s.store.Get(kindArtifact, "LocalUpload/c/big.bin", &rec)
	if !rec.Uploaded || rec.Size != int64(len(whole)) || rec.MD5 != md5Header(whole) {
		t.Errorf("record: %+v", rec)
	}
}

func TestBlobsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	uri := artCreate(t, s1, "c", "m.txt")["m.txt"]
	artUpload(t, uri, []byte("persisted"))
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := newTestServer(t, Options{DataDir: dir})
	uri2 := strings.Replace(uri, s1.URL(), s2.URL(), 1)
	if r := artReq(t, http.MethodGet, uri2, nil, nil); r.Status != http.StatusOK || string(r.Body) != "persisted" {
		t.Errorf("after restart: %d %s", r.Status, r.Body)
	}
}

func TestInMemoryBlobsRemovedAtClose(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	root := blobsOf(s).root
	if _, err := os.Stat(root); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("blob dir %s still exists after Close", root)
	}
	if blobsOf(s).err == nil {
		t.Error("a closed server has no blob store")
	}
}
