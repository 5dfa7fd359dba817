package emulator

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Fuzz targets for the local workspace's own parsers of outside input: the strict request
// decoding of every route family (through the real handlers), the model list query and
// its $skipToken, the Put Block List XML body, and the scoring token.

// serveFuzz sends one request straight to the server's routes.
func serveFuzz(s *Server, method, target string, header http.Header, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	for k, v := range header {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	s.mux.ServeHTTP(w, r)
	return w
}

// routeFamily is one route that decodes a JSON body strictly, and the types it may
// decode it into (a service route hands endpoint bodies to the endpoint feature).
type routeFamily struct {
	method, path string // path below s.URL(), without the host
	into         []func() any
}

// endpointValidateRequest is the body orEndpointValidate decodes.
type endpointValidateRequest struct {
	Type          string                 `json:"type"`
	ServiceName   string                 `json:"serviceName"`
	CreateRequest *endpointCreateRequest `json:"createRequest"`
	UpdateRequest []servicePatchOp       `json:"updateRequest"`
}

func routeFamilies(s *Server) []routeFamily {
	mms := s.mmsPrefix()
	one := func(fn func() any) []func() any { return []func() any{fn} }
	serviceOrEndpoint := []func() any{func() any { return &serviceCreateRequest{} }, func() any { return &endpointCreateRequest{} }}
	return []routeFamily{
		{http.MethodPut, s.armWorkspacePath() + "/computes/fz?api-version=2020-02-02", one(func() any { return &computePutRequest{} })},
		{http.MethodPost, s.historyPrefix() + "/artifacts/batch/metadata/LocalUpload/fz", one(func() any { return &artifactBatchRequest{} })},
		{http.MethodPost, mms + "/assets", one(func() any { return &assetCreateRequest{} })},
		{http.MethodPost, mms + "/models", one(func() any { return &modelCreateRequest{} })},
		{http.MethodPost, mms + "/services", serviceOrEndpoint},
		{http.MethodPost, mms + "/services/validate", []func() any{func() any { return &serviceValidateRequest{} }, func() any { return &endpointValidateRequest{} }}},
		{http.MethodPost, mms + "/services/fzsvc/regenerateKeys", one(func() any { return &regenerateKeysRequest{} })},
		{http.MethodPost, mms + "/services/validate/name/fzsvc", one(func() any { return &struct{}{} })},
		{http.MethodPost, mms + "/services/validate/resource", serviceOrEndpoint},
		{http.MethodPatch, mms + "/services/fzsvc", one(func() any { return &[]servicePatchOp{} })},
	}
}

// strictInto decodes body strictly into the first candidate type that accepts it.
func strictInto(fam routeFamily, body []byte) (func() any, any, error) {
	var first error
	for _, into := range fam.into {
		v := into()
		err := decodeStrict(httptest.NewRequest(fam.method, fam.path, bytes.NewReader(body)), v)
		if err == nil {
			return into, v, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, nil, first
}

// FuzzRouteBodies sends arbitrary bodies to every route family that decodes JSON strictly
// (compute PUT, artifact batch, asset, model, service create / validate / regenerate keys,
// endpoint create through the service route, JSON Patch). The answer is never a 5xx nor a
// panic, an error body is JSON, and a 2xx only follows a body that the strict decoder
// accepts, which then survives re-encoding.
func FuzzRouteBodies(f *testing.F) {
	eir := map[string]any{"driverProgram": "d.py", "assets": []any{map[string]any{"id": "d.py", "url": "aml://artifact/LocalUpload/fz/d.py"}}, "modelIds": []any{"m:1"}}
	seeds := []struct {
		family uint8
		body   any
	}{
		{0, json.RawMessage(createBody(devTest))},
		{0, json.RawMessage(attachBody(madeUpCluster("fz"), nil))},
		{0, map[string]any{"location": "eastus", "properties": map[string]any{"computeType": "AKS", "properties": map[string]any{"AgentCount": 1}}}},
		{1, map[string]any{"paths": []any{map[string]any{"path": "a/b.txt"}, map[string]any{"path": "../x"}}}},
		{2, map[string]any{"name": "a", "artifacts": []any{map[string]any{"prefix": "LocalUpload/fz/"}}, "runid": nil}},
		{3, map[string]any{"name": "m", "url": "aml://asset/none", "mimeType": "application/json", "kvTags": map[string]any{"a": "b"}, "resourceRequirements": map[string]any{"cpu": -1}}},
		{4, svcCreateBody("fzsvc", "aks", eir, map[string]any{"numReplicas": 1})},
		{4, map[string]any{"name": "ep", "computeType": "AKSENDPOINT", "computeName": "aks", "versions": map[string]any{"v1": map[string]any{"name": "v1", "isDefault": true, "trafficPercentile": 100, "environmentImageRequest": eir}}}},
		{5, map[string]any{"type": "Create", "serviceName": "fzsvc", "createRequest": svcCreateBody("fzsvc", "aks", eir, nil), "updateRequest": nil}},
		{6, map[string]any{"keyType": "Primary", "keyValue": nil}},
		{7, map[string]any{}},
		{8, svcCreateBody("fzsvc", "aks", eir, nil)},
		{9, []any{map[string]any{"op": "replace", "path": "/numReplicas", "value": 2}}},
	}
	for _, sd := range seeds {
		b, err := json.Marshal(sd.body)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sd.family, b)
	}
	f.Add(uint8(3), []byte(`{"name":"m","Name":"n"}`))
	f.Add(uint8(6), []byte(`{"keyType":"Primary"} {}`))
	f.Add(uint8(9), []byte(`[{"op":"replace","path":"/numReplicas","value":2}`))
	s, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	families := routeFamilies(s)
	header := http.Header{"Authorization": {"Bearer fuzz"}, "Content-Type": {"application/json"}}
	f.Fuzz(func(t *testing.T, family uint8, body []byte) {
		fam := families[int(family)%len(families)]
		h := header
		if fam.method == http.MethodPatch {
			h = http.Header{"Authorization": {"Bearer fuzz"}, "Content-Type": {"application/json-patch+json"}}
		}
		w := serveFuzz(s, fam.method, fam.path, h, body)
		if w.Code >= 500 {
			t.Fatalf("%s %s answered %d: %s", fam.method, fam.path, w.Code, w.Body)
		}
		if w.Code >= 400 && strings.Contains(w.Header().Get("Content-Type"), "json") && !json.Valid(w.Body.Bytes()) {
			t.Fatalf("error body is not JSON: %q", w.Body)
		}
		if w.Code >= 300 {
			return
		}
		into, v, err := strictInto(fam, body)
		if err != nil {
			t.Fatalf("%s %s answered %d to a body the strict decoder refuses (%v): %q", fam.method, fam.path, w.Code, err, body)
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("accepted body does not re-encode: %v", err)
		}
		v2 := into()
		if err := decodeStrict(httptest.NewRequest(fam.method, fam.path, bytes.NewReader(again)), v2); err != nil {
			t.Fatalf("re-encoded body %s is refused: %v", again, err)
		}
		if !reflect.DeepEqual(v, v2) {
			t.Fatalf("re-encoding changed the request:\n%#v\n%#v", v, v2)
		}
	})
}

// FuzzModelListQuery sends arbitrary query strings to GET {MMS}/models over a few seeded
// models: 200 or 400, never more models than the page size, and a nextLink that is this
// server's and whose $skipToken is accepted.
func FuzzModelListQuery(f *testing.F) {
	for _, q := range []string{
		"", "count=2", "count=2&$skipToken=" + encodeSkipToken(2), "name=m1&latestVersionOnly=true", "tags=a=1,b&properties=p",
		"$skipToken=" + base64.RawURLEncoding.EncodeToString([]byte("offset:9223372036854775807")) + "&count=1000",
		"offset=9223372036854775807&count=5", "offset=-1", "count=0", "bogus=1", "%zz", "orderBy=name", "framework=Custom&description=d",
	} {
		f.Add(q)
	}
	s, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	var seed []SeedModel
	for i := 0; i < 7; i++ {
		seed = append(seed, SeedModel{Name: "m" + string(rune('0'+i%3)), Tags: map[string]string{"a": "1"}, Description: "d"})
	}
	if _, err := s.SeedModels(seed); err != nil {
		f.Fatal(err)
	}
	path := s.mmsPrefix() + "/models"
	auth := http.Header{"Authorization": {"Bearer fuzz"}}
	f.Fuzz(func(t *testing.T, rawQuery string) {
		if strings.ContainsAny(rawQuery, "# \t\r\n") {
			return // not a query string a client can send
		}
		if _, err := url.ParseRequestURI(path + "?" + rawQuery); err != nil {
			return // nor is one with control characters
		}
		w := serveFuzz(s, http.MethodGet, path+"?"+rawQuery, auth, nil)
		if w.Code == http.StatusBadRequest {
			return
		}
		if w.Code != http.StatusOK {
			t.Fatalf("answered %d: %s", w.Code, w.Body)
		}
		var page struct {
			Value    []modelJSON `json:"value"`
			NextLink string      `json:"nextLink"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil {
			t.Fatalf("page is not JSON: %v", err)
		}
		q, _ := url.ParseQuery(rawQuery)
		f, _ := parseModelFilter(q)
		if len(page.Value) > f.count || len(page.Value) > len(seed) {
			t.Fatalf("%d models on a page of %d", len(page.Value), f.count)
		}
		if page.NextLink == "" {
			return
		}
		next, err := url.Parse(page.NextLink)
		if err != nil || next.Scheme+"://"+next.Host != s.URL() || next.Path != path {
			t.Fatalf("nextLink %q is not this server's list", page.NextLink)
		}
		if n, err := decodeSkipToken(next.Query().Get("$skipToken")); err != nil || n <= 0 || n >= len(seed) {
			t.Fatalf("nextLink %q carries a bad $skipToken (%d, %v)", page.NextLink, n, err)
		}
		if w := serveFuzz(s, http.MethodGet, next.RequestURI(), auth, nil); w.Code != http.StatusOK {
			t.Fatalf("following nextLink answered %d: %s", w.Code, w.Body)
		}
	})
}

// FuzzPutBlockList sends arbitrary Put Block List bodies for a blob with four uploaded
// blocks: 201 or a 4xx storage error, and a committed blob reads back with the MD5 the
// commit reported.
func FuzzPutBlockList(f *testing.F) {
	ids := make([]string, 4)
	for i := range ids {
		ids[i] = base64.StdEncoding.EncodeToString([]byte("block-" + string(rune('0'+i))))
	}
	f.Add(blockListBody(ids[0], ids[1], ids[2]))
	f.Add([]byte(`<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>` + ids[3] + `</Latest><Uncommitted>` + ids[0] + `</Uncommitted></BlockList>`))
	f.Add([]byte(`<BlockList><Committed>` + ids[0] + `</Committed></BlockList>`))
	f.Add([]byte(`<BlockList><Latest>bm90LXVwbG9hZGVk</Latest></BlockList>`))
	f.Add([]byte(`<BlockList><Latest>` + ids[0] + `</Latest><Latest>QQ==</Latest></BlockList>`))
	f.Add([]byte(`<BlockList></BlockList>`))
	f.Add([]byte(`<BlockList><Latest><x/></Latest></BlockList>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><BlockList><Latest>&a;</Latest></BlockList>`))
	s, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	bearer := http.Header{"Authorization": {"Bearer fuzz"}, "Content-Type": {"application/json"}}
	w := serveFuzz(s, http.MethodPost, s.historyPrefix()+"/artifacts/batch/metadata/LocalUpload/fz", bearer, []byte(`{"paths":[{"path":"blob.bin"}]}`))
	if w.Code != http.StatusOK {
		f.Fatalf("artifact batch: %d %s", w.Code, w.Body)
	}
	var batch artifactBatchResponse
	if err := json.Unmarshal(w.Body.Bytes(), &batch); err != nil {
		f.Fatal(err)
	}
	u, err := url.Parse(batch.ArtifactContentInformation["blob.bin"].ContentURI)
	if err != nil {
		f.Fatal(err)
	}
	target := u.RequestURI()
	for i, id := range ids {
		w := serveFuzz(s, http.MethodPut, target+"&comp=block&blockid="+url.QueryEscape(id), nil, bytes.Repeat([]byte{'a' + byte(i)}, i+1))
		if w.Code != http.StatusCreated {
			f.Fatalf("put block: %d %s", w.Code, w.Body)
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		w := serveFuzz(s, http.MethodPut, target+"&comp=blocklist", nil, body)
		if w.Code != http.StatusCreated {
			if w.Code < 400 || w.Code >= 500 || w.Header().Get("x-ms-error-code") == "" {
				t.Fatalf("answered %d without a storage error: %s", w.Code, w.Body)
			}
			return
		}
		got := serveFuzz(s, http.MethodGet, target, nil, nil)
		sum := md5.Sum(got.Body.Bytes())
		if got.Code != http.StatusOK || base64.StdEncoding.EncodeToString(sum[:]) != w.Header().Get("Content-MD5") {
			t.Fatalf("committed blob reads back %d with another MD5", got.Code)
		}
		for _, b := range got.Body.Bytes() {
			if b < 'a' || b > 'd' {
				t.Fatalf("committed blob holds bytes that no block had: %q", got.Body)
			}
		}
	})
}

// FuzzScoringToken checks tokens against a service with token auth: only a token that
// decodes to one the server issued, for this incarnation and not expired, is accepted.
func FuzzScoringToken(f *testing.F) {
	s, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	m := servicesOf(s)
	rec := &serviceRecord{Name: "svc", Incarnation: "inc-1"}
	now := time.Now()
	good := m.signToken(rec, now.Add(time.Hour))
	expired := m.signToken(rec, now.Add(-time.Hour))
	other := m.signToken(&serviceRecord{Name: "svc", Incarnation: "inc-0"}, now.Add(time.Hour))
	for _, tok := range []string{good, expired, other, good + "A", "", "a.b.c", base64.RawURLEncoding.EncodeToString([]byte("inc-1.99999999999.x"))} {
		f.Add(tok)
	}
	goodRaw, _ := base64.RawURLEncoding.DecodeString(good)
	f.Fuzz(func(t *testing.T, tok string) {
		if !m.verifyToken(rec, tok, now) {
			return
		}
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || !bytes.Equal(raw, goodRaw) {
			t.Fatalf("accepted a token the server did not issue: %q", tok)
		}
	})
}
