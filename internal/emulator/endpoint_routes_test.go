package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// epSetup starts a local workspace with a compute, a model and an uploaded
// app, and returns the endpoint base URL and the environmentImageRequest.
func epSetup(t *testing.T) (*Server, string, map[string]any) {
	t.Helper()
	svcNeedPython(t)
	s := newTestServer(t, Options{})
	svcSeedCompute(t, s, "aks-1", stateSucceeded)
	id := svcSeedModel(t, s, "m", 1, map[string]string{"w.txt": "2"})
	eir := svcUploadApp(t, s, epScoreScript, []string{id})
	return s, epBase(t, s), eir
}

func epCreate(t *testing.T, s *Server, base string, body map[string]any) map[string]any {
	t.Helper()
	r := mustDo(t, http.MethodPost, epURL(s, base, "/services"), "tok", svcJSON(t, body))
	if r.Status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	return svcWaitOp(t, s, r.Header.Get("Operation-Location"))
}

func epPatchAndWait(t *testing.T, s *Server, base, name, patch string) map[string]any {
	t.Helper()
	r := epPatch(t, s, base, name, patch)
	if r.Status != http.StatusAccepted {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	return svcWaitOp(t, s, r.Header.Get("Operation-Location"))
}

func epGet(t *testing.T, s *Server, base, name string) map[string]any {
	t.Helper()
	r := mustDo(t, http.MethodGet, epURL(s, base, "/services/"+name+"?expand=true"), "tok", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("get: %d %s", r.Status, r.Body)
	}
	return r.json(t)
}

func epAdd(t *testing.T, name string, body map[string]any) string {
	return fmt.Sprintf(`[{"op":"add","path":"/versions/%s","value":%s}]`, name, svcJSON(t, body))
}

func TestEndpointLifecycleAndTrafficSplit(t *testing.T) {
	s, base, eir := epSetup(t)

	// 1. create with versiona (20%): the only version, hence the default.
	first := epVersionBody("versiona", "AKSENDPOINT", nil, eir, map[string]any{"trafficPercentile": 20})
	op := epCreate(t, s, base, epCreateBody("rollout", "aks-1", "versiona", first, nil))
	if op["state"] != "Succeeded" {
		t.Fatalf("create: %v", op)
	}
	ep := epGet(t, s, base, "rollout")
	for _, k := range []string{"name", "description", "kvTags", "properties", "state", "error", "createdTime", "updatedTime",
		"computeType", "computeName", "namespace", "appInsightsEnabled", "authEnabled", "aadAuthEnabled", "scoringUri", "swaggerUri",
		"deploymentStatus", "versions"} {
		if _, ok := ep[k]; !ok {
			t.Errorf("endpoint GET lacks %q", k)
		}
	}
	if ep["computeType"] != "AKSENDPOINT" || ep["state"] != "Healthy" {
		t.Fatalf("endpoint: %v", ep)
	}
	va := ep["versions"].(map[string]any)["versiona"].(map[string]any)
	if va["isDefault"] != true || va["trafficPercentile"] != 20.0 || va["type"] != nil || va["computeType"] != "AKS" {
		t.Fatalf("versiona: isDefault=%v trafficPercentile=%v type=%v computeType=%v", va["isDefault"], va["trafficPercentile"], va["type"], va["computeType"])
	}
	for _, k := range []string{"autoScaler", "containerResourceRequirements", "scoringUri", "livenessProbeRequirements", "numReplicas"} {
		if _, ok := va[k]; !ok {
			t.Errorf("version lacks AKS key %q", k)
		}
	}

	// 2. versionb at 10%, then versionc as the default (the flip of versiona
	// is in the patch), for the plan 20/10/70.
	if op := epPatchAndWait(t, s, base, "rollout", epAdd(t, "versionb", epVersionBody("versionb", "AKS", "aks-1", eir, map[string]any{"trafficPercentile": 10}))); op["state"] != "Succeeded" {
		t.Fatalf("add versionb: %v", op)
	}
	addC := `[{"op":"replace","path":"/versions/versiona/isDefault","value":false},` +
		`{"op":"replace","path":"/versions/versionb/isDefault","value":false},` +
		strings.TrimPrefix(epAdd(t, "versionc", epVersionBody("versionc", "AKS", "aks-1", eir, map[string]any{"isDefault": true})), "[")
	if op := epPatchAndWait(t, s, base, "rollout", addC); op["state"] != "Succeeded" {
		t.Fatalf("add versionc: %v", op)
	}

	keys := mustDo(t, http.MethodPost, epURL(s, base, "/services/rollout/listkeys"), "tok", nil).json(t)
	key := keys["primaryKey"].(string)

	// 3. 10,000 requests land within ±2 points of 20/10/70.
	const total = 10000
	start := time.Now()
	counts := scoreMany(t, base+"/api/v1/service/rollout/score", key, total, 64)
	want := map[string]float64{"versiona": 20, "versionb": 10, "versionc": 70}
	for v, p := range want {
		got := 100 * float64(counts[v]) / total
		t.Logf("%s: %.2f%% (plan %.0f%%)", v, got, p)
		if got < p-2 || got > p+2 {
			t.Errorf("%s received %.2f%%, plan %.0f%% ± 2", v, got, p)
		}
	}
	t.Logf("%d requests in %s", total, time.Since(start))
	if n := counts[""]; n != 0 {
		t.Errorf("%d answers without %s", n, headerModelVersion)
	}

	// 4. a version at 0% answers on its own scoring URI.
	if op := epPatchAndWait(t, s, base, "rollout", `[{"op":"replace","path":"/versions/versionb/trafficPercentile","value":0}]`); op["state"] != "Succeeded" {
		t.Fatalf("versionb to 0%%: %v", op)
	}
	r := mustDo(t, http.MethodPost, base+"/api/v1/service/rollout/versions/versionb/score", key, []byte(`{"x":1}`))
	if r.Status != http.StatusOK || r.Header.Get(headerModelVersion) != "versionb" {
		t.Fatalf("direct score: %d %s %v", r.Status, r.Body, r.Header)
	}
	if r := mustDo(t, http.MethodPost, base+"/api/v1/service/rollout/versions/versionb/score", "wrong", []byte(`{}`)); r.Status != http.StatusUnauthorized {
		t.Fatalf("direct score with a wrong key: %d", r.Status)
	}
	if c := scoreMany(t, base+"/api/v1/service/rollout/score", key, 300, 8); c["versionb"] != 0 {
		t.Fatalf("versionb at 0%% received %d requests", c["versionb"])
	}

	// 5. logs name the versions; invalid patches are refused with every problem.
	logs := mustDo(t, http.MethodGet, epURL(s, base, "/services/rollout/logs?tail=100"), "tok", nil).json(t)["content"].(string)
	for _, v := range []string{"versiona: ", "versionb: ", "versionc: "} {
		if !strings.Contains(logs, v) {
			t.Errorf("logs lack %q:\n%s", v, logs)
		}
	}
	bad := epPatch(t, s, base, "rollout", `[{"op":"replace","path":"/versions/versiona/trafficPercentile","value":95},`+
		`{"op":"replace","path":"/versions/versionb/trafficPercentile","value":10},`+
		`{"op":"replace","path":"/versions/versionb/type","value":"Control"},{"op":"replace","path":"/versions/versionc/type","value":"Control"},`+
		`{"op":"remove","path":"/versions/ghost"},{"op":"replace","path":"/versions/versiona/bogus","value":1}]`)
	if bad.Status != http.StatusBadRequest {
		t.Fatalf("bad patch: %d %s", bad.Status, bad.Body)
	}
	for _, want := range []string{"total 105", "only one control", "ghost does not exist", "/versions/versiona/bogus"} {
		if !strings.Contains(string(bad.Body), want) {
			t.Errorf("bad patch answer lacks %q: %s", want, bad.Body)
		}
	}

	// 6. delete versionb; then the endpoint.
	if op := epPatchAndWait(t, s, base, "rollout", `[{"op":"remove","path":"/versions/versionb"}]`); op["state"] != "Succeeded" {
		t.Fatalf("delete versionb: %v", op)
	}
	if _, ok := epGet(t, s, base, "rollout")["versions"].(map[string]any)["versionb"]; ok {
		t.Fatal("versionb still listed")
	}
	if r := mustDo(t, http.MethodPost, base+"/api/v1/service/rollout/versions/versionb/score", key, []byte(`{}`)); r.Status != http.StatusNotFound {
		t.Fatalf("deleted version scored: %d", r.Status)
	}
	if r := mustDo(t, http.MethodDelete, epURL(s, base, "/services/rollout"), "tok", nil); r.Status != http.StatusOK {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if r := mustDo(t, http.MethodPost, base+"/api/v1/service/rollout/score", key, []byte(`{}`)); r.Status != http.StatusNotFound {
		t.Fatalf("deleted endpoint scored: %d", r.Status)
	}
	if r := mustDo(t, http.MethodDelete, epURL(s, base, "/services/rollout"), "tok", nil); r.Status != http.StatusNoContent {
		t.Fatalf("second delete: %d", r.Status)
	}
}

// scoreMany sends n scoring requests with c workers and counts the
// answering versions (header azureml-model-version).
func scoreMany(t *testing.T, url, key string, n, c int) map[string]int {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c}}
	defer client.CloseIdleConnections()
	var mu sync.Mutex
	counts := map[string]int{}
	jobs := make(chan int)
	var wg sync.WaitGroup
	var failure error
	for w := 0; w < c; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(fmt.Sprintf(`{"i":%d}`, i)))
				req.Header.Set("Authorization", "Bearer "+key)
				resp, err := client.Do(req)
				if err == nil && resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
				var v string
				if resp != nil {
					v = resp.Header.Get(headerModelVersion)
					var out map[string]any
					_ = json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
				}
				mu.Lock()
				if err != nil && failure == nil {
					failure = err
				}
				counts[v]++
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if failure != nil {
		t.Fatalf("scoring: %v", failure)
	}
	return counts
}

func TestEndpointSurvivesARestart(t *testing.T) {
	svcNeedPython(t)
	dir := t.TempDir()
	s1, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	svcSeedCompute(t, s1, "aks-1", stateSucceeded)
	id := svcSeedModel(t, s1, "m", 1, map[string]string{"w.txt": "2"})
	eir := svcUploadApp(t, s1, epScoreScript, []string{id})
	base1 := epBase(t, s1)
	first := epVersionBody("versiona", "AKSENDPOINT", nil, eir, nil)
	if op := epCreate(t, s1, base1, epCreateBody("rollout", "aks-1", "versiona", first, nil)); op["state"] != "Succeeded" {
		t.Fatalf("create: %v", op)
	}
	key := mustDo(t, http.MethodPost, epURL(s1, base1, "/services/rollout/listkeys"), "tok", nil).json(t)["primaryKey"].(string)
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := newTestServer(t, Options{DataDir: dir})
	base2 := epBase(t, s2)
	if got := epGet(t, s2, base2, "rollout")["state"]; got != "Healthy" {
		t.Fatalf("state after restart: %v", got)
	}
	r := mustDo(t, http.MethodPost, base2+"/api/v1/service/rollout/score", key, []byte(`{"x":1}`))
	if r.Status != http.StatusOK || r.Header.Get(headerModelVersion) != "versiona" {
		t.Fatalf("score after restart: %d %s", r.Status, r.Body)
	}
}

func TestEndpointCreateRefusals(t *testing.T) {
	s := newTestServer(t, Options{})
	base := epBase(t, s)
	svcSeedCompute(t, s, "aks-1", stateSucceeded)
	eir := map[string]any{"driverProgram": "d.py", "assets": []any{}, "modelIds": []string{"nosuch:1"}, "environment": nil}
	body := epCreateBody("Bad_Name", "nowhere", "Versiona",
		epVersionBody("other", "ACI", "aks-2", eir, map[string]any{"trafficPercentile": 120}),
		map[string]any{"authEnabled": true, "aadAuthEnabled": true})
	r := mustDo(t, http.MethodPost, epURL(s, base, "/services"), "tok", svcJSON(t, body))
	if r.Status != http.StatusBadRequest {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	for _, want := range []string{`Service name "Bad_Name" is invalid`, "Compute nowhere not found", `Service name "Versiona" is invalid`,
		`name "other" must equal the version name`, `computeType must be "AKS", got "ACI"`, "must be the endpoint's compute",
		`driverProgram "d.py" is not one of the assets`, "Model with id nosuch:1 not found", "environment is required",
		"authEnabled and aadAuthEnabled cannot both be true"} {
		if msg, _ := r.json(t)["message"].(string); !strings.Contains(msg, want) {
			t.Errorf("answer lacks %q:\n%s", want, r.Body)
		}
	}
	// Unknown fields are refused (strict decoding), as everywhere in the local workspace.
	body = epCreateBody("rollout", "aks-1", "versiona", epVersionBody("versiona", "AKSENDPOINT", nil, eir, map[string]any{"trafficPercentil": 1}), nil)
	if r := mustDo(t, http.MethodPost, epURL(s, base, "/services"), "tok", svcJSON(t, body)); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "trafficPercentil") {
		t.Fatalf("misspelt field: %d %s", r.Status, r.Body)
	}
}
