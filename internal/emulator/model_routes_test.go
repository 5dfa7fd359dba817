package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
)

func mdlURL(s *Server, suffix string) string { return s.URL() + s.mmsPrefix() + suffix }

// mdlAsset uploads files (path → content) in container and creates an asset
// over prefix; it returns the asset id.
func mdlAsset(t *testing.T, s *Server, container, prefix string, files map[string]string) string {
	t.Helper()
	var paths []string
	for p := range files {
		paths = append(paths, p)
	}
	uris := artCreate(t, s, container, paths...)
	for p, c := range files {
		artUpload(t, uris[p], []byte(c))
	}
	r := mustDo(t, http.MethodPost, mdlURL(s, "/assets"), "tok",
		[]byte(`{"name":"x","artifacts":[{"prefix":"LocalUpload/`+container+`/`+prefix+`"}]}`))
	if r.Status != http.StatusOK {
		t.Fatalf("asset: %d %s", r.Status, r.Body)
	}
	return r.json(t)["id"].(string)
}

// mdlRegister registers a model over a fresh one-file asset; extra is merged into the body.
func mdlRegister(t *testing.T, s *Server, name string, extra map[string]any) map[string]any {
	t.Helper()
	container := "c" + newSecret(4)
	asset := mdlAsset(t, s, container, "model.json", map[string]string{"model.json": `{"w":1}`})
	body := map[string]any{"name": name, "url": "aml://asset/" + asset, "mimeType": "application/json", "unpack": false}
	for k, v := range extra {
		body[k] = v
	}
	b, _ := json.Marshal(body)
	r := mustDo(t, http.MethodPost, mdlURL(s, "/models"), "tok", b)
	if r.Status != http.StatusOK {
		t.Fatalf("register: %d %s", r.Status, r.Body)
	}
	return r.json(t)
}

func TestAssetCreateAndGet(t *testing.T) {
	s := newTestServer(t, Options{})
	id := mdlAsset(t, s, "c", "dir", map[string]string{"dir/a": "1", "dir/b/c": "2", "dirx": "3"})
	r := mustDo(t, http.MethodGet, mdlURL(s, "/assets/"+id), "tok", nil)
	if r.Status != http.StatusOK || r.json(t)["name"] != "x" {
		t.Errorf("get: %d %s", r.Status, r.Body)
	}
	arts, err := assetArtifacts(s, id)
	if err != nil || len(arts) != 2 || arts[0].Path != "dir/a" || arts[1].Path != "dir/b/c" {
		t.Errorf("asset artifacts: %+v %v (dirx is not under dir/)", arts, err)
	}
	for _, body := range []string{
		`{"name":"x","artifacts":[{"prefix":"LocalUpload/none"}]}`,
		`{"name":"","artifacts":[]}`,
		`{"name":"x","artifacts":[{"prefix":"LocalUpload/c/dir"}],"bogus":1}`,
	} {
		if r := mustDo(t, http.MethodPost, mdlURL(s, "/assets"), "tok", []byte(body)); r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d", body, r.Status)
		}
	}
	if r := mustDo(t, http.MethodGet, mdlURL(s, "/assets/none"), "tok", nil); r.Status != http.StatusNotFound {
		t.Errorf("missing asset: %d", r.Status)
	}
}

func TestModelRegisterVersionsAndGet(t *testing.T) {
	s := newTestServer(t, Options{})
	m1 := mdlRegister(t, s, "m", map[string]any{"kvTags": map[string]string{"a": "b"}, "framework": "Onnx", "frameworkVersion": "1.1",
		"resourceRequirements": map[string]any{"cpu": 0.5, "memoryInGB": 1}, "datasets": []any{map[string]string{"name": "training", "id": "d1"}}})
	if m1["id"] != "m:1" || m1["version"] != 1.0 || m1["framework"] != "Onnx" || m1["createdTime"] == "" {
		t.Errorf("first: %v", m1)
	}
	m2 := mdlRegister(t, s, "m", nil)
	if m2["id"] != "m:2" || m2["framework"] != "Custom" {
		t.Errorf("second: %v", m2)
	}
	if mdlRegister(t, s, "n", nil)["id"] != "n:1" {
		t.Error("versions are per name")
	}
	r := mustDo(t, http.MethodGet, mdlURL(s, "/models/m:1"), "tok", nil)
	got := r.json(t)
	if r.Status != http.StatusOK || got["kvTags"].(map[string]any)["a"] != "b" || got["resourceRequirements"].(map[string]any)["cpu"] != 0.5 {
		t.Errorf("get: %d %s", r.Status, r.Body)
	}
	r = mustDo(t, http.MethodGet, mdlURL(s, "/models/m:9"), "tok", nil)
	if e := mmsErrorOf(t, r); r.Status != http.StatusNotFound || e.Code != "ModelNotFound" {
		t.Errorf("missing: %d %+v", r.Status, e)
	}
	files, err := modelFiles(s, "m:1")
	if err != nil || len(files) != 1 || files[0].Path != "model.json" {
		t.Fatalf("modelFiles: %+v %v", files, err)
	}
	if b, _ := os.ReadFile(files[0].File); string(b) != `{"w":1}` {
		t.Errorf("model file content %q", b)
	}
	if !modelExists(s, "m:2") || modelExists(s, "m:3") {
		t.Error("modelExists")
	}
}

func TestModelRegisterRejects(t *testing.T) {
	s := newTestServer(t, Options{})
	r := mustDo(t, http.MethodPost, mdlURL(s, "/models"), "tok",
		[]byte(`{"name":"-bad","url":"aml://asset/none","frameworkVersion":"1","sampleInputData":"x","resourceRequirements":{"cpu":0}}`))
	e := mmsErrorOf(t, r)
	for _, want := range []string{"Model name", "does not exist", "mimeType", "frameworkVersion requires framework", "sampleInputData", "cpu"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("missing %q in %q", want, e.Message)
		}
	}
	if r.Status != http.StatusBadRequest || e.Code != "BadArgument" {
		t.Errorf("status %d code %s", r.Status, e.Code)
	}
	if r := mustDo(t, http.MethodPost, mdlURL(s, "/models"), "tok", []byte(`{"name":"m","id":"m:1"}`)); r.Status != http.StatusBadRequest {
		t.Errorf("unknown field: %d", r.Status)
	}
	if r := mustDo(t, http.MethodPost, mdlURL(s, "/models"), "", []byte(`{}`)); r.Status != http.StatusUnauthorized {
		t.Errorf("no bearer: %d", r.Status)
	}
}

func listIDs(t *testing.T, s *Server, query string) ([]string, string) {
	t.Helper()
	r := mustDo(t, http.MethodGet, mdlURL(s, "/models?"+query), "tok", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("list %s: %d %s", query, r.Status, r.Body)
	}
	var resp struct {
		Value    []map[string]any `json:"value"`
		NextLink string           `json:"nextLink"`
	}
	if err := json.Unmarshal(r.Body, &resp); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range resp.Value {
		ids = append(ids, m["id"].(string))
	}
	return ids, resp.NextLink
}

func TestModelListFiltersAndPaging(t *testing.T) {
	s := newTestServer(t, Options{})
	mdlRegister(t, s, "a", map[string]any{"kvTags": map[string]string{"stage": "dev", "team": "x"}, "framework": "Onnx", "runId": "r1", "experimentName": "e"})
	mdlRegister(t, s, "a", map[string]any{"kvTags": map[string]string{"stage": "prod"}, "properties": map[string]string{"p": "1"}})
	mdlRegister(t, s, "b", map[string]any{"datasets": []any{map[string]string{"name": "training", "id": "ds9"}}, "description": "hello"})
	mdlRegister(t, s, "ab", nil)

	sorted := func(ids []string) []string { sort.Strings(ids); return ids }
	for q, want := range map[string][]string{
		"":                              {"a:1", "a:2", "ab:1", "b:1"},
		"name=a":                        {"a:1", "a:2"},
		"latestVersionOnly=true":        {"a:2", "ab:1", "b:1"},
		"tags=stage":                    {"a:1", "a:2"},
		"tags=stage%3Ddev":              {"a:1"},
		"tags=stage,team":               {"a:1"},
		"tag=team":                      {"a:1"},
		"properties=p%3D1":              {"a:2"},
		"framework=onnx":                {"a:1"},
		"framework=Custom":              {"a:2", "ab:1", "b:1"},
		"runId=r1":                      {"a:1"},
		"datasetId=ds9":                 {"b:1"},
		"description=hello":             {"b:1"},
		"name=a&latestVersionOnly=true": {"a:2"},
		"expand=true":                   {"a:1", "a:2", "ab:1", "b:1"},
	} {
		got, next := listIDs(t, s, q)
		if fmt.Sprint(sorted(got)) != fmt.Sprint(want) || next != "" {
			t.Errorf("%q: got %v (next %q), want %v", q, got, next, want)
		}
	}

	// newest first, pages of 3 with a $skipToken nextLink that keeps the filters
	first, next := listIDs(t, s, "count=3")
	if fmt.Sprint(first) != "[ab:1 b:1 a:2]" || next == "" {
		t.Fatalf("page 1: %v %q", first, next)
	}
	u, _ := url.Parse(next)
	if u.Query().Get("$skipToken") == "" || u.Query().Get("count") != "3" || !strings.HasPrefix(next, s.URL()) {
		t.Errorf("nextLink %q", next)
	}
	second, next2 := listIDs(t, s, u.RawQuery)
	if fmt.Sprint(second) != "[a:1]" || next2 != "" {
		t.Errorf("page 2: %v %q", second, next2)
	}

	for _, q := range []string{"count=0", "count=x", "count=1001", "latestVersionOnly=maybe", "$skipToken=%%%", "$skipToken=!!!", "$skipToken=abc", "orderBy=CreatedAtDesc", "bogus=1", "offset=-1"} {
		if r := mustDo(t, http.MethodGet, mdlURL(s, "/models?"+q), "tok", nil); r.Status != http.StatusBadRequest {
			t.Errorf("%q: %d %s", q, r.Status, r.Body)
		}
	}
}

func mdlPatch(t *testing.T, s *Server, id, contentType, body string) testResponse {
	t.Helper()
	return artReq(t, http.MethodPatch, mdlURL(s, "/models/"+id), map[string]string{"Authorization": "Bearer tok", "Content-Type": contentType}, []byte(body))
}

func TestModelPatch(t *testing.T) {
	s := newTestServer(t, Options{})
	mdlRegister(t, s, "m", map[string]any{"kvTags": map[string]string{"a": "1"}, "properties": map[string]string{"p": "x"}})
	const ct = "application/json-patch+json; charset=utf-8"
	r := mdlPatch(t, s, "m:1", ct, `[{"op":"replace","path":"/kvTags","value":{"b":"2"}},{"op":"add","path":"/properties","value":{"p":"x","q":"y"}},{"op":"replace","path":"/description","value":"d"}]`)
	got := r.json(t)
	if r.Status != http.StatusOK || fmt.Sprint(got["kvTags"]) != "map[b:2]" || fmt.Sprint(got["properties"]) != "map[p:x q:y]" || got["description"] != "d" {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	cases := []struct{ name, ct, body, want string }{
		{"content type", "application/json", `[]`, "json-patch+json"},
		{"immutable change", ct, `[{"op":"add","path":"/properties","value":{"p":"changed","q":"y"}}]`, "immutable"},
		{"immutable drop", ct, `[{"op":"add","path":"/properties","value":{}}]`, "immutable"},
		{"immutable key", ct, `[{"op":"add","path":"/properties/p","value":"z"}]`, "immutable"},
		{"remove properties", ct, `[{"op":"remove","path":"/properties"}]`, "immutable"},
		{"unknown path", ct, `[{"op":"replace","path":"/name","value":"x"}]`, "not an updatable"},
		{"unknown member", ct, `[{"op":"replace","path":"/description","value":"x","from":"/a"}]`, "unknown field"},
		{"missing value", ct, `[{"op":"add","path":"/description"}]`, "value is required"},
		{"test op", ct, `[{"op":"test","path":"/description","value":"x"}]`, "not supported"},
		{"not an array", ct, `{"op":"add"}`, "invalid JSON Patch"},
		{"bad tag value", ct, `[{"op":"replace","path":"/kvTags","value":{"a":1}}]`, "invalid value"},
		{"missing tag", ct, `[{"op":"remove","path":"/kvTags/zz"}]`, "does not exist"},
	}
	for _, c := range cases {
		r := mdlPatch(t, s, "m:1", c.ct, c.body)
		if r.Status < 400 || !strings.Contains(string(r.Body), c.want) {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
		}
	}
	// atomic: a failing second op leaves the first unapplied
	r = mdlPatch(t, s, "m:1", ct, `[{"op":"replace","path":"/description","value":"changed"},{"op":"replace","path":"/nope","value":1}]`)
	if r.Status != http.StatusBadRequest {
		t.Fatalf("atomic: %d", r.Status)
	}
	if got := mustDo(t, http.MethodGet, mdlURL(s, "/models/m:1"), "tok", nil).json(t); got["description"] != "d" {
		t.Errorf("partial patch applied: %v", got["description"])
	}
	// key-level ops, with JSON Pointer escapes
	r = mdlPatch(t, s, "m:1", ct, `[{"op":"add","path":"/kvTags/a~1b","value":"v"},{"op":"remove","path":"/kvTags/b"},{"op":"add","path":"/properties/new","value":"n"},{"op":"remove","path":"/description"}]`)
	got = r.json(t)
	if r.Status != http.StatusOK || fmt.Sprint(got["kvTags"]) != "map[a/b:v]" || got["properties"].(map[string]any)["new"] != "n" || got["description"] != nil {
		t.Errorf("key ops: %d %s", r.Status, r.Body)
	}
	if r := mdlPatch(t, s, "m:9", ct, `[{"op":"remove","path":"/description"}]`); r.Status != http.StatusNotFound {
		t.Errorf("missing model: %d", r.Status)
	}
}

// mdlUsers lets tests mark models as used, per server.
var mdlUsers sync.Map // *Server -> map[string][]string

func init() {
	registerModelUsers(func(s *Server, id string) []string {
		if m, ok := mdlUsers.Load(s); ok {
			return m.(map[string][]string)[id]
		}
		return nil
	})
}

func TestModelDelete(t *testing.T) {
	s := newTestServer(t, Options{})
	mdlRegister(t, s, "m", nil)
	mdlRegister(t, s, "m", nil)
	mdlUsers.Store(s, map[string][]string{"m:2": {"svc-b", "svc-a", "svc-b"}})
	t.Cleanup(func() { mdlUsers.Delete(s) })

	r := mustDo(t, http.MethodDelete, mdlURL(s, "/models/m:2"), "tok", nil)
	e := mmsErrorOf(t, r)
	if r.Status != http.StatusPreconditionFailed || e.Code != "DeletionRequired" || len(e.Details) != 2 ||
		e.Details[0].Target != "svc-a" || e.Details[1].Target != "svc-b" || !strings.Contains(e.Message, "svc-a, svc-b") {
		t.Errorf("in use: %d %+v", r.Status, e)
	}
	if r := mustDo(t, http.MethodDelete, mdlURL(s, "/models/m:1"), "tok", nil); r.Status != http.StatusOK {
		t.Errorf("delete: %d %s", r.Status, r.Body)
	}
	if r := mustDo(t, http.MethodDelete, mdlURL(s, "/models/m:1"), "tok", nil); r.Status != http.StatusNotFound {
		t.Errorf("delete again: %d", r.Status)
	}
	if got := mdlRegister(t, s, "m", nil); got["id"] != "m:3" {
		t.Errorf("after delete: %v", got["id"])
	}
}

func TestModelsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	mdlRegister(t, s1, "m", nil)
	_ = s1.Close()
	s2 := newTestServer(t, Options{DataDir: dir})
	if got := mdlRegister(t, s2, "m", nil); got["id"] != "m:2" {
		t.Errorf("version after restart: %v", got["id"])
	}
	files, err := modelFiles(s2, "m:1")
	if err != nil || len(files) != 1 {
		t.Fatalf("files after restart: %v %v", files, err)
	}
	if b, _ := os.ReadFile(files[0].File); !bytes.Equal(b, []byte(`{"w":1}`)) {
		t.Errorf("content after restart %q", b)
	}
}

func FuzzModelPatch(f *testing.F) {
	for _, s := range []string{
		`[{"op":"replace","path":"/kvTags","value":{"a":"b"}}]`,
		`[{"op":"add","path":"/properties","value":{"p":"x","n":"1"}}]`,
		`[{"op":"add","path":"/kvTags/a~0b~1c","value":"v"},{"op":"remove","path":"/kvTags/a"}]`,
		`[{"op":"replace","path":"/resourceRequirements","value":{"cpu":1,"memoryInGB":2,"gpu":0}}]`,
		`[{"op":"add","path":"/datasets","value":[{"name":"t","id":"d"}]}]`,
		`[{"op":"replace","path":"/sampleInputData","value":"aml://dataset/x"},{"op":"remove","path":"/description"}]`,
		`[{"op":"replace","path":"/description","value":null}]`,
		`[]`, `{}`, `null`, `[{"op":"add","path":"~"}]`, `[{"op":"move","from":"/a","path":"/b"}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ops, err := decodeModelPatch(body)
		if err != nil {
			return
		}
		desc := "d"
		m := modelJSON{ID: "m:1", Name: "m", Version: 1, Description: &desc, KVTags: map[string]string{"a": "1"},
			Properties: map[string]string{"p": "x"}, Datasets: []modelDataset{}}
		before, _ := json.Marshal(m)
		err = applyModelPatch(&m, ops)
		after, merr := json.Marshal(m)
		if merr != nil {
			t.Fatalf("patched model does not encode: %v", merr)
		}
		if err != nil && !bytes.Equal(before, after) {
			t.Fatalf("failed patch changed the model: %s -> %s", before, after)
		}
		if m.Properties["p"] != "x" {
			t.Fatalf("immutable property changed: %v", m.Properties)
		}
		if m.ID != "m:1" || m.Name != "m" || m.Version != 1 {
			t.Fatalf("identity changed: %+v", m)
		}
	})
}
