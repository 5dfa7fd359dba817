package emulator

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// svcReady seeds a compute and a model and returns the create body of a
// service scoring with weight 3.
func svcReady(t *testing.T, s *Server, name string, extra map[string]any) map[string]any {
	t.Helper()
	svcSeedCompute(t, s, "aks1", stateSucceeded)
	id := "w-" + name + ":1"
	if !modelExists(s, id) {
		id = svcSeedModel(t, s, "w-"+name, 1, map[string]string{"w.txt": "3"})
	}
	return svcCreateBody(name, "aks1", svcUploadApp(t, s, svcScoreScript, []string{id}), extra)
}

func svcGet(t *testing.T, s *Server, name string) map[string]any {
	t.Helper()
	r := mustDo(t, http.MethodGet, svcURL(s, "/services/"+name+"?expand=true"), "tok", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("get %s: %d %s", name, r.Status, r.Body)
	}
	return r.json(t)
}

func svcKeys(t *testing.T, s *Server, name string) (string, string) {
	t.Helper()
	r := mustDo(t, http.MethodPost, svcURL(s, "/services/"+name+"/listkeys"), "tok", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("listkeys: %d %s", r.Status, r.Body)
	}
	var k serviceKeysResponse
	if err := json.Unmarshal(r.Body, &k); err != nil {
		t.Fatal(err)
	}
	return k.PrimaryKey, k.SecondaryKey
}

func TestServiceLifecycleWithKeyAuth(t *testing.T) {
	svcNeedPython(t)
	s := newTestServer(t, Options{})
	op := svcDeploy(t, s, svcReady(t, s, "svc-keys", nil))
	if op["state"] != "Succeeded" {
		t.Fatalf("deploy: %v", op)
	}
	if op["operationType"] != "Deploy" || !strings.Contains(op["streamingOperationLog"].(string), "healthy") {
		t.Errorf("operation: %v", op)
	}
	if d, _ := op["operationDetails"].(map[string]any); d["subOperationType"] != subDeployService || d["subOperationState"] != "Succeeded" {
		t.Errorf("operationDetails: %v", op["operationDetails"])
	}

	svc := svcGet(t, s, "svc-keys")
	if svc["state"] != "Healthy" || svc["authEnabled"] != true || svc["aadAuthEnabled"] != false || svc["computeType"] != "AKS" {
		t.Fatalf("service: %v", svc)
	}
	if svc["scoringUri"] != s.URL()+"/api/v1/service/svc-keys/score" {
		t.Errorf("scoringUri %v", svc["scoringUri"])
	}
	if strings.Contains(string(svcJSON(t, svc)), "hunter2") {
		t.Error("the registry password is echoed")
	}
	for _, k := range []string{"autoScaler", "containerResourceRequirements", "dataCollection", "livenessProbeRequirements", "kvTags", "properties", "description", "createdTime", "numReplicas", "scoringTimeoutMs", "maxQueueWaitMs", "maxConcurrentRequestsPerContainer", "appInsightsEnabled"} {
		if _, ok := svc[k]; !ok {
			t.Errorf("service JSON lacks required key %s", k)
		}
	}
	if ms := svc["models"].([]any); len(ms) != 1 || ms[0].(map[string]any)["name"] != "w-svc-keys" {
		t.Errorf("models: %v", svc["models"])
	}

	pk, sk := svcKeys(t, s, "svc-keys")
	if pk == "" || sk == "" || pk == sk {
		t.Fatalf("keys %q %q", pk, sk)
	}
	if r := svcScore(t, s, "svc-keys", "", `{"data":[1,2]}`); r.Status != http.StatusUnauthorized {
		t.Errorf("no key: %d", r.Status)
	}
	if r := svcScore(t, s, "svc-keys", "wrong", `{"data":[1,2]}`); r.Status != http.StatusUnauthorized {
		t.Errorf("wrong key: %d", r.Status)
	}
	for _, k := range []string{pk, sk} {
		r := svcScore(t, s, "svc-keys", k, `{"data":[1,2]}`)
		if r.Status != http.StatusOK || string(r.Body) != `{"predictions": [3.0, 6.0]}` {
			t.Errorf("score: %d %s", r.Status, r.Body)
		}
		if r.Header.Get("x-ms-request-id") == "" {
			t.Error("no x-ms-request-id")
		}
	}
	// run() raising: 502 marked as the model's failure.
	r := svcScore(t, s, "svc-keys", pk, `not json`)
	if r.Status != http.StatusBadGateway || r.Header.Get("X-Ms-Run-Function-Failed") != "True" || !strings.Contains(string(r.Body), "JSONDecodeError") {
		t.Errorf("bad input: %d %v %s", r.Status, r.Header, r.Body)
	}
	sw := mustDo(t, http.MethodGet, s.URL()+"/api/v1/service/svc-keys/swagger.json", pk, nil)
	if sw.Status != http.StatusOK || sw.json(t)["swagger"] != "2.0" {
		t.Errorf("swagger: %d %s", sw.Status, sw.Body)
	}

	logs := mustDo(t, http.MethodGet, svcURL(s, "/services/svc-keys/logs?tail=100"), "tok", nil)
	if logs.Status != http.StatusOK || !strings.Contains(logs.json(t)["content"].(string), "model loaded") {
		t.Errorf("logs: %d %s", logs.Status, logs.Body)
	}
	initLogs := mustDo(t, http.MethodGet, svcURL(s, "/services/svc-keys/logs?init=true"), "tok", nil)
	if !strings.Contains(initLogs.json(t)["content"].(string), "Downloaded model w-svc-keys:1") {
		t.Errorf("init logs: %s", initLogs.Body)
	}
	tail := mustDo(t, http.MethodGet, svcURL(s, "/services/svc-keys/logs?tail=1"), "tok", nil)
	if c := tail.json(t)["content"].(string); strings.Count(strings.TrimSuffix(c, "\n"), "\n") != 0 {
		t.Errorf("tail=1 gave %q", c)
	}

	// Regenerate the primary key to a chosen value.
	rg := mustDo(t, http.MethodPost, svcURL(s, "/services/svc-keys/regenerateKeys"), "tok", []byte(`{"keyType":"Primary","keyValue":"my-new-primary"}`))
	if rg.Status != http.StatusAccepted {
		t.Fatalf("regenerate: %d %s", rg.Status, rg.Body)
	}
	if op := svcWaitOp(t, s, rg.Header.Get("Operation-Location")); op["state"] != "Succeeded" {
		t.Fatalf("regenerate op: %v", op)
	}
	if npk, nsk := svcKeys(t, s, "svc-keys"); npk != "my-new-primary" || nsk != sk {
		t.Errorf("after regenerate: %q %q", npk, nsk)
	}
	if r := svcScore(t, s, "svc-keys", pk, `{"data":[1]}`); r.Status != http.StatusUnauthorized {
		t.Errorf("old primary still works: %d", r.Status)
	}
	if r := svcScore(t, s, "svc-keys", "my-new-primary", `{"data":[1]}`); r.Status != http.StatusOK {
		t.Errorf("new primary: %d", r.Status)
	}

	// A model in use cannot be deleted.
	if r := mustDo(t, http.MethodDelete, svcURL(s, "/models/w-svc-keys:1"), "tok", nil); r.Status != http.StatusPreconditionFailed {
		t.Errorf("model delete while in use: %d %s", r.Status, r.Body)
	}

	if r := mustDo(t, http.MethodDelete, svcURL(s, "/services/svc-keys"), "tok", nil); r.Status != http.StatusOK {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	if r := svcScore(t, s, "svc-keys", "my-new-primary", `{"data":[1]}`); r.Status != http.StatusNotFound {
		t.Errorf("score after delete: %d", r.Status)
	}
	if r := mustDo(t, http.MethodDelete, svcURL(s, "/services/svc-keys"), "tok", nil); r.Status != http.StatusNoContent {
		t.Errorf("second delete: %d", r.Status)
	}
	if r := mustDo(t, http.MethodGet, svcURL(s, "/services/svc-keys"), "tok", nil); r.Status != http.StatusNotFound || mmsErrorOf(t, r).Code != "WebserviceNotFound" {
		t.Errorf("get after delete: %d %s", r.Status, r.Body)
	}
	if r := mustDo(t, http.MethodDelete, svcURL(s, "/models/w-svc-keys:1"), "tok", nil); r.Status != http.StatusOK {
		t.Errorf("model delete after service delete: %d %s", r.Status, r.Body)
	}
	m := servicesOf(s)
	m.mu.Lock()
	live := len(m.live)
	m.mu.Unlock()
	if live != 0 {
		t.Errorf("%d services still running", live)
	}
	if entries, _ := os.ReadDir(m.root); len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
}

func TestServiceTokenAuth(t *testing.T) {
	svcNeedPython(t)
	s := newTestServer(t, Options{})
	if op := svcDeploy(t, s, svcReady(t, s, "svc-token", map[string]any{"aadAuthEnabled": true})); op["state"] != "Succeeded" {
		t.Fatalf("deploy: %v", op)
	}
	svc := svcGet(t, s, "svc-token")
	if svc["authEnabled"] != false || svc["aadAuthEnabled"] != true {
		t.Fatalf("auth flags: %v %v", svc["authEnabled"], svc["aadAuthEnabled"])
	}
	r := mustDo(t, http.MethodPost, svcURL(s, "/services/svc-token/token"), "tok", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("token: %d %s", r.Status, r.Body)
	}
	var tok serviceTokenResponse
	if err := json.Unmarshal(r.Body, &tok); err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	if tok.TokenType != "Bearer" || tok.AccessToken == "" || tok.RefreshAfter <= now || tok.ExpiryOn <= tok.RefreshAfter || tok.ExpiryOn > now+7200 {
		t.Fatalf("token: %+v", tok)
	}
	if r := svcScore(t, s, "svc-token", tok.AccessToken, `{"data":[1]}`); r.Status != http.StatusOK {
		t.Errorf("score with token: %d %s", r.Status, r.Body)
	}
	pk, _ := svcKeys(t, s, "svc-token")
	if r := svcScore(t, s, "svc-token", pk, `{"data":[1]}`); r.Status != http.StatusUnauthorized {
		t.Errorf("a key on a token-auth service: %d", r.Status)
	}
	if r := svcScore(t, s, "svc-token", tok.AccessToken+"x", `{"data":[1]}`); r.Status != http.StatusUnauthorized {
		t.Errorf("tampered token: %d", r.Status)
	}
	// Tokens expire.
	servicesOf(s).tokenTTL = -time.Second
	r = mustDo(t, http.MethodPost, svcURL(s, "/services/svc-token/token"), "tok", nil)
	var expired serviceTokenResponse
	_ = json.Unmarshal(r.Body, &expired)
	if r := svcScore(t, s, "svc-token", expired.AccessToken, `{"data":[1]}`); r.Status != http.StatusUnauthorized {
		t.Errorf("expired token: %d", r.Status)
	}
	// A token of one service is not valid for another.
	var rec serviceRecord
	s.store.Get(kindService, "svc-token", &rec)
	rec.Name = "other"
	forged := servicesOf(s).signToken(&rec, time.Now().Add(time.Hour))
	if r := svcScore(t, s, "svc-token", forged, `{"data":[1]}`); r.Status != http.StatusUnauthorized {
		t.Errorf("token of another service: %d", r.Status)
	}
}

func TestServiceNoAuthAndTokenRouteRefusal(t *testing.T) {
	svcNeedPython(t)
	s := newTestServer(t, Options{})
	if op := svcDeploy(t, s, svcReady(t, s, "svc-open", map[string]any{"authEnabled": false})); op["state"] != "Succeeded" {
		t.Fatalf("deploy: %v", op)
	}
	if r := svcScore(t, s, "svc-open", "", `{"data":[2]}`); r.Status != http.StatusOK || string(r.Body) != `{"predictions": [6.0]}` {
		t.Errorf("score without auth: %d %s", r.Status, r.Body)
	}
	if r := mustDo(t, http.MethodPost, svcURL(s, "/services/svc-open/token"), "tok", nil); r.Status != http.StatusBadRequest {
		t.Errorf("token without token auth: %d", r.Status)
	}
}

func TestServiceInitFailureFailsDeploymentWithTraceback(t *testing.T) {
	svcNeedPython(t)
	s := newTestServer(t, Options{})
	svcSeedCompute(t, s, "aks1", stateSucceeded)
	bad := "def init():\n    raise RuntimeError('cannot load weights: boom')\ndef run(raw):\n    return raw\n"
	body := svcCreateBody("svc-crash", "aks1", svcUploadApp(t, s, bad, nil), nil)
	op := svcDeploy(t, s, body)
	if op["state"] != "Failed" {
		t.Fatalf("deploy: %v", op)
	}
	opErr := op["error"].(map[string]any)
	if opErr["code"] != "CrashLoopBackOff" || !strings.Contains(opErr["message"].(string), "RuntimeError: cannot load weights: boom") ||
		!strings.Contains(opErr["message"].(string), "Traceback (most recent call last)") {
		t.Errorf("operation error: %v", opErr)
	}
	if d := op["operationDetails"].(map[string]any); d["subOperationType"] != subDeployService || d["subOperationState"] != "Failed" {
		t.Errorf("operationDetails: %v", d)
	}
	svc := svcGet(t, s, "svc-crash")
	if svc["state"] != "Failed" || svc["error"].(map[string]any)["code"] != "CrashLoopBackOff" {
		t.Errorf("service: %v %v", svc["state"], svc["error"])
	}
	logs := mustDo(t, http.MethodGet, svcURL(s, "/services/svc-crash/logs"), "tok", nil)
	if !strings.Contains(logs.json(t)["content"].(string), "cannot load weights: boom") {
		t.Errorf("logs: %s", logs.Body)
	}
	if r := svcScore(t, s, "svc-crash", "", `{}`); r.Status != http.StatusUnauthorized && r.Status != http.StatusServiceUnavailable {
		t.Errorf("score a failed service: %d", r.Status)
	}
}

func TestServiceWithoutPythonFailsTheBuild(t *testing.T) {
	s := newTestServer(t, Options{Python: "python3-missing-for-test"})
	op := svcDeploy(t, s, svcReady(t, s, "svc-nopy", nil))
	if op["state"] != "Failed" || op["error"].(map[string]any)["code"] != "EnvironmentBuildFailed" ||
		!strings.Contains(op["error"].(map[string]any)["message"].(string), "python3 not found") {
		t.Fatalf("op: %v", op)
	}
	if d := op["operationDetails"].(map[string]any); d["subOperationType"] != subBuildEnvironment {
		t.Errorf("operationDetails: %v", d)
	}
}

func TestServiceCreateValidation(t *testing.T) {
	s := newTestServer(t, Options{})
	svcSeedCompute(t, s, "creating", stateCreating)
	eir := svcUploadApp(t, s, svcScoreScript, []string{"nope:1"})
	eir["driverProgram"] = "missing.py"
	body := svcCreateBody("Bad_Name", "creating", eir, map[string]any{
		"authEnabled": true, "aadAuthEnabled": true, "numReplicas": 0,
		"containerResourceRequirements": map[string]any{"cpu": 1, "cpuLimit": 0.5, "memoryInGB": nil, "memoryInGBLimit": nil, "gpu": nil},
		"namespace":                     "NS",
	})
	r := mustDo(t, http.MethodPost, svcURL(s, "/services"), "tok", svcJSON(t, body))
	if r.Status != http.StatusBadRequest {
		t.Fatalf("status %d %s", r.Status, r.Body)
	}
	e := mmsErrorOf(t, r)
	for _, want := range []string{"Service name \"Bad_Name\" is invalid", "Compute creating is in state Creating", "driverProgram \"missing.py\"",
		"Model with id nope:1 not found", "authEnabled and aadAuthEnabled", "numReplicas must be greater than 0", "cpuLimit", "namespace"} {
		if !strings.Contains(e.Message, want) {
			t.Errorf("missing %q in %s", want, e.Message)
		}
	}
	if len(e.Details) != 8 {
		t.Errorf("%d details: %v", len(e.Details), e.Details)
	}
	// Strict decoding: a misspelt field is refused.
	body = svcCreateBody("good-name", "creating", eir, map[string]any{"numReplica": 1})
	if r := mustDo(t, http.MethodPost, svcURL(s, "/services"), "tok", svcJSON(t, body)); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "numReplica") {
		t.Errorf("unknown field: %d %s", r.Status, r.Body)
	}
	body = svcCreateBody("good-name", "nowhere", eir, nil)
	if r := mustDo(t, http.MethodPost, svcURL(s, "/services"), "tok", svcJSON(t, body)); !strings.Contains(string(r.Body), "Compute nowhere not found") {
		t.Errorf("missing compute: %s", r.Body)
	}
	if r := mustDo(t, http.MethodPost, svcURL(s, "/services"), "", svcJSON(t, body)); r.Status != http.StatusUnauthorized {
		t.Errorf("no bearer: %d", r.Status)
	}
}

func TestServiceNameConflictAndOverwriteKeepsKeys(t *testing.T) {
	svcNeedPython(t)
	s := newTestServer(t, Options{})
	body := svcReady(t, s, "svc-dup", nil)
	if op := svcDeploy(t, s, body); op["state"] != "Succeeded" {
		t.Fatalf("deploy: %v", op)
	}
	pk, sk := svcKeys(t, s, "svc-dup")
	r := mustDo(t, http.MethodPost, svcURL(s, "/services"), "tok", svcJSON(t, body))
	if r.Status != http.StatusConflict || mmsErrorOf(t, r).Code != "ServiceExists" {
		t.Fatalf("duplicate: %d %s", r.Status, r.Body)
	}
	body["overwrite"] = true
	if op := svcDeploy(t, s, body); op["state"] != "Succeeded" {
		t.Fatalf("overwrite: %v", op)
	}
	if npk, nsk := svcKeys(t, s, "svc-dup"); npk != pk || nsk != sk {
		t.Error("overwrite changed the keys")
	}
	if r := svcScore(t, s, "svc-dup", pk, `{"data":[1]}`); r.Status != http.StatusOK {
		t.Errorf("score after overwrite: %d", r.Status)
	}
	// Given keys win.
	body["keys"] = map[string]any{"primaryKey": "pk-given", "secondaryKey": "sk-given"}
	if op := svcDeploy(t, s, body); op["state"] != "Succeeded" {
		t.Fatalf("overwrite with keys: %v", op)
	}
	if npk, nsk := svcKeys(t, s, "svc-dup"); npk != "pk-given" || nsk != "sk-given" {
		t.Errorf("given keys: %q %q", npk, nsk)
	}
}

func TestServiceValidateRoutes(t *testing.T) {
	s := newTestServer(t, Options{})
	svcSeedCompute(t, s, "aks1", stateSucceeded)
	if err := s.store.Put(kindService, "taken", serviceRecord{Name: "taken", State: serviceHealthy}); err != nil {
		t.Fatal(err)
	}
	check := func(path string, body any, wantErr string) {
		t.Helper()
		r := mustDo(t, http.MethodPost, svcURL(s, path), "tok", svcJSON(t, body))
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
		var res struct {
			Error *mmsError `json:"error"`
		}
		if err := json.Unmarshal(r.Body, &res); err != nil {
			t.Fatal(err)
		}
		switch {
		case wantErr == "" && res.Error != nil:
			t.Errorf("%s: unexpected error %v", path, res.Error.Message)
		case wantErr != "" && (res.Error == nil || !strings.Contains(res.Error.Message, wantErr)):
			t.Errorf("%s: want error %q, got %s", path, wantErr, r.Body)
		}
	}
	check("/services/validate/name/free-name", map[string]any{}, "")
	check("/services/validate/name/taken", map[string]any{}, "already exists")
	check("/services/validate/name/X", map[string]any{}, "is invalid")
	eir := svcUploadApp(t, s, svcScoreScript, nil)
	good := svcCreateBody("new-svc", "aks1", eir, nil)
	check("/services/validate", map[string]any{"type": "Create", "serviceName": "new-svc", "createRequest": good, "updateRequest": nil}, "")
	check("/services/validate", map[string]any{"type": "Create", "serviceName": "new-svc", "createRequest": svcCreateBody("new-svc", "aks1", eir, map[string]any{"scoringTimeoutMs": 0}), "updateRequest": nil}, "scoringTimeoutMs")
	check("/services/validate", map[string]any{"type": "Update", "serviceName": "taken", "createRequest": nil, "updateRequest": []map[string]any{{"op": "replace", "path": "/numReplicas", "value": 2}}}, "")
	check("/services/validate", map[string]any{"type": "Update", "serviceName": "taken", "createRequest": nil, "updateRequest": []map[string]any{{"op": "replace", "path": "/bogus", "value": 2}}}, "not an update")
	check("/services/validate", map[string]any{"type": "Delete", "serviceName": "taken", "createRequest": nil, "updateRequest": nil}, "")
	check("/services/validate/resource", good, "")
	check("/services/validate/resource", svcCreateBody("new-svc", "elsewhere", eir, nil), "Compute elsewhere not found")
	if r := mustDo(t, http.MethodPost, svcURL(s, "/services/validate"), "tok", []byte(`{"type":"Explode","serviceName":"x","createRequest":null,"updateRequest":null}`)); r.Status != http.StatusBadRequest {
		t.Errorf("bad type: %d", r.Status)
	}
}

func TestServiceListFiltersAndPaging(t *testing.T) {
	s := newTestServer(t, Options{})
	for i, name := range []string{"svc-a", "svc-b", "svc-c"} {
		rec := serviceRecord{Name: name, State: serviceHealthy, Spec: serviceCreateRequest{
			Name: name, ComputeType: "AKS", ComputeName: "aks1",
			KvTags:                  map[string]string{"team": []string{"x", "y", "x"}[i]},
			Properties:              map[string]string{"idx": string(rune('0' + i))},
			EnvironmentImageRequest: &envImageRequest{DriverProgram: "d.py", ModelIDs: []string{"m" + string(rune('0'+i)) + ":1"}},
		}}
		if err := s.store.Put(kindService, name, rec); err != nil {
			t.Fatal(err)
		}
	}
	names := func(url string) ([]string, string) {
		t.Helper()
		r := mustDo(t, http.MethodGet, url, "tok", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", url, r.Status, r.Body)
		}
		var page serviceListResponse
		if err := json.Unmarshal(r.Body, &page); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range page.Value {
			out = append(out, v.Name)
		}
		next := ""
		if page.NextLink != nil {
			next = *page.NextLink
		}
		return out, next
	}
	base := svcURL(s, "/services?expand=true")
	if got, next := names(base); strings.Join(got, ",") != "svc-a,svc-b,svc-c" || next != "" {
		t.Errorf("all: %v %q", got, next)
	}
	if got, _ := names(base + "&tags=team=x"); strings.Join(got, ",") != "svc-a,svc-c" {
		t.Errorf("tags: %v", got)
	}
	if got, _ := names(base + "&tags=team&properties=idx=1"); strings.Join(got, ",") != "svc-b" {
		t.Errorf("tags+properties: %v", got)
	}
	if got, _ := names(base + "&modelName=m2"); strings.Join(got, ",") != "svc-c" {
		t.Errorf("modelName: %v", got)
	}
	if got, _ := names(base + "&modelId=m0:1&computeType=aks"); strings.Join(got, ",") != "svc-a" {
		t.Errorf("modelId: %v", got)
	}
	if got, _ := names(base + "&computeType=ACI"); len(got) != 0 {
		t.Errorf("computeType ACI: %v", got)
	}
	if got, _ := names(base + "&imageName=x"); len(got) != 0 {
		t.Errorf("imageName: %v", got)
	}
	got, next := names(base + "&count=2")
	if strings.Join(got, ",") != "svc-a,svc-b" || !strings.HasPrefix(next, s.URL()) {
		t.Fatalf("page 1: %v %q", got, next)
	}
	got, next = names(next)
	if strings.Join(got, ",") != "svc-c" || next != "" {
		t.Errorf("page 2: %v %q", got, next)
	}
	for _, q := range []string{"&computeType=VM", "&bogus=1", "&count=0"} {
		if r := mustDo(t, http.MethodGet, base+q, "tok", nil); r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d", q, r.Status)
		}
	}
}

func TestServicePatchUpdatesAndRedeploys(t *testing.T) {
	svcNeedPython(t)
	s := newTestServer(t, Options{})
	body := svcReady(t, s, "svc-upd", map[string]any{"authEnabled": false, "properties": map[string]string{"stage": "dev"}})
	if op := svcDeploy(t, s, body); op["state"] != "Succeeded" {
		t.Fatalf("deploy: %v", op)
	}
	patch := func(ops any) testResponse {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPatch, svcURL(s, "/services/svc-upd"), strings.NewReader(string(svcJSON(t, ops))))
		req.Header.Set("Authorization", "Bearer tok")
		req.Header.Set("Content-Type", "application/json-patch+json")
		resp, err := freshClient().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b []byte
		b, _ = readAll(resp)
		return testResponse{Status: resp.StatusCode, Header: resp.Header, Body: b}
	}
	// Invalid updates are refused with every problem.
	r := patch([]map[string]any{
		{"op": "replace", "path": "/bogus", "value": 1},
		{"op": "add", "path": "/properties/stage", "value": "prod"},
		{"op": "replace", "path": "/scoringTimeoutMs", "value": -1},
	})
	if r.Status != http.StatusBadRequest || len(mmsErrorOf(t, r).Details) != 3 {
		t.Fatalf("bad patch: %d %s", r.Status, r.Body)
	}
	if r := patch([]map[string]any{}); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "No parameters") {
		t.Errorf("empty patch: %d %s", r.Status, r.Body)
	}

	// Scale to two fixed replicas, add tags and a property.
	r = patch([]map[string]any{
		{"op": "replace", "path": "/autoScaler/autoscaleEnabled", "value": false},
		{"op": "replace", "path": "/numReplicas", "value": 2},
		{"op": "replace", "path": "/kvTags", "value": map[string]string{"v": "2"}},
		{"op": "add", "path": "/properties/stage", "value": "dev"},
		{"op": "add", "path": "/properties/owner", "value": "me"},
	})
	if r.Status != http.StatusAccepted {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if op := svcWaitOp(t, s, r.Header.Get("Operation-Location")); op["state"] != "Succeeded" || op["operationType"] != "Update" {
		t.Fatalf("update op: %v", op)
	}
	svc := svcGet(t, s, "svc-upd")
	st := svc["deploymentStatus"].(map[string]any)
	if svc["numReplicas"] != 2.0 || st["availableReplicas"] != 2.0 || svc["kvTags"].(map[string]any)["v"] != "2" || svc["properties"].(map[string]any)["owner"] != "me" {
		t.Errorf("after update: %v %v %v %v", svc["numReplicas"], st, svc["kvTags"], svc["properties"])
	}

	// A new entry script is a redeploy; the old replicas serve until the new ones are ready.
	eir := svcUploadApp(t, s, strings.Replace(svcScoreScript, "x * weight", "x * weight * 10", 1), []string{"w-svc-upd:1"})
	r = patch([]map[string]any{{"op": "replace", "path": "/environmentImageRequest", "value": eir}})
	if r.Status != http.StatusAccepted {
		t.Fatalf("redeploy patch: %d %s", r.Status, r.Body)
	}
	if r2 := patch([]map[string]any{{"op": "replace", "path": "/numReplicas", "value": 1}}); r2.Status != http.StatusConflict {
		t.Errorf("patch during an operation: %d", r2.Status)
	}
	if op := svcWaitOp(t, s, r.Header.Get("Operation-Location")); op["state"] != "Succeeded" {
		t.Fatalf("redeploy op: %v", op)
	}
	if r := svcScore(t, s, "svc-upd", "", `{"data":[1]}`); string(r.Body) != `{"predictions": [30.0]}` {
		t.Errorf("after redeploy: %d %s", r.Status, r.Body)
	}
	entries, _ := os.ReadDir(filepath.Join(servicesOf(s).root, "svc-upd"))
	if len(entries) != 1 {
		t.Errorf("old generations kept: %v", entries)
	}
}

func TestScoringTimeoutAndQueueLimits(t *testing.T) {
	svcNeedPython(t)
	s := newTestServer(t, Options{})
	svcSeedCompute(t, s, "aks1", stateSucceeded)
	gate := filepath.Join(t.TempDir(), "gate")
	script := `
import os, time
def init():
    pass
def run(raw):
    if raw == "block":
        while not os.path.exists(` + "'" + gate + "'" + `):
            time.sleep(0.01)
    if raw == "slow":
        time.sleep(30)
    return "ok"
`
	body := svcCreateBody("svc-lim", "aks1", svcUploadApp(t, s, script, nil), map[string]any{
		"authEnabled": false, "scoringTimeoutMs": 300, "maxConcurrentRequestsPerContainer": 1, "maxQueueWaitMs": 50,
	})
	if op := svcDeploy(t, s, body); op["state"] != "Succeeded" {
		t.Fatalf("deploy: %v", op)
	}
	if r := svcScore(t, s, "svc-lim", "", "slow"); r.Status != http.StatusGatewayTimeout {
		t.Errorf("slow: %d %s", r.Status, r.Body)
	}
	// Raise the timeout (an update applied to the running replicas) so the
	// blocked request keeps its slot.
	req, _ := http.NewRequest(http.MethodPatch, svcURL(s, "/services/svc-lim"), strings.NewReader(`[{"op":"replace","path":"/scoringTimeoutMs","value":60000}]`))
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json-patch+json")
	resp, err := freshClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("patch: %d", resp.StatusCode)
	}
	if op := svcWaitOp(t, s, resp.Header.Get("Operation-Location")); op["state"] != "Succeeded" {
		t.Fatalf("update: %v", op)
	}
	rt := servicesOf(s).running(t.Context(), "svc-lim")
	var wg sync.WaitGroup
	wg.Add(1)
	var first testResponse
	go func() {
		defer wg.Done()
		first = svcScore(t, s, "svc-lim", "", "block")
	}()
	waitFor(t, "the first request to hold the slot", func() bool { in, _ := rt.Load(); return in == 1 })
	r := svcScore(t, s, "svc-lim", "", "fast")
	if r.Status != http.StatusTooManyRequests || !strings.Contains(string(r.Body), "Too many requests") {
		t.Errorf("over capacity: %d %s", r.Status, r.Body)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if first.Status != http.StatusOK {
		t.Errorf("first: %d", first.Status)
	}
}

func TestServiceSurvivesRestartOfThePersistentWorkspace(t *testing.T) {
	svcNeedPython(t)
	dir := t.TempDir()
	s, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	body := svcReady(t, s, "svc-persist", map[string]any{"authEnabled": false})
	if op := svcDeploy(t, s, body); op["state"] != "Succeeded" {
		t.Fatalf("deploy: %v", op)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := newTestServer(t, Options{DataDir: dir})
	if r := svcScore(t, s2, "svc-persist", "", `{"data":[1]}`); r.Status != http.StatusOK || string(r.Body) != `{"predictions": [3.0]}` {
		t.Errorf("after restart: %d %s", r.Status, r.Body)
	}
}

func TestServiceLogsSurviveARestartAndTagsCanBeRemoved(t *testing.T) {
	svcNeedPython(t)
	dir := t.TempDir()
	s, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	body := svcReady(t, s, "svc-logs", map[string]any{"authEnabled": false, "kvTags": map[string]string{"a": "b", "c": "d"}})
	if op := svcDeploy(t, s, body); op["state"] != "Succeeded" {
		t.Fatalf("deploy: %v", op)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := newTestServer(t, Options{DataDir: dir})
	logs := mustDo(t, http.MethodGet, svcURL(s2, "/services/svc-logs/logs"), "tok", nil)
	if !strings.Contains(logs.json(t)["content"].(string), "model loaded") {
		t.Errorf("logs of the previous process are lost: %s", logs.Body)
	}
	req, _ := http.NewRequest(http.MethodPatch, svcURL(s2, "/services/svc-logs"), strings.NewReader(`[{"op":"replace","path":"/kvTags","value":{"c":"d"}}]`))
	req.Header.Set("Authorization", "Bearer tok")
	req.Header.Set("Content-Type", "application/json-patch+json")
	resp, err := freshClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if op := svcWaitOp(t, s2, resp.Header.Get("Operation-Location")); op["state"] != "Succeeded" {
		t.Fatalf("update: %v", op)
	}
	if tags := svcGet(t, s2, "svc-logs")["kvTags"].(map[string]any); len(tags) != 1 || tags["c"] != "d" {
		t.Errorf("replace /kvTags merged instead of replacing: %v", tags)
	}
}
