package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestComputeCreateThenGetHasEverything(t *testing.T) {
	s := newTestServer(t, Options{})
	r := mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, createBody(devTest))
	if r.Status != http.StatusCreated {
		t.Fatalf("PUT: %d %s", r.Status, r.Body)
	}
	op := r.Header.Get("Azure-AsyncOperation")
	if !strings.HasPrefix(op, s.URL()+"/operations/arm/") {
		t.Fatalf("Azure-AsyncOperation = %q", op)
	}
	if got := props(r.json(t))["provisioningState"]; got != "Creating" {
		t.Errorf("PUT answer provisioningState = %v", got)
	}
	if st := waitComputeOp(t, op); st["status"] != "Succeeded" {
		t.Fatalf("operation: %v", st)
	}
	doc := getCompute(t, s, "aks1")
	// Every key azureml-core requires (reference §2.6).
	for _, k := range []string{"location", "id", "tags", "name"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("missing %s", k)
		}
	}
	p := props(doc)
	for _, k := range []string{"computeType", "properties", "provisioningErrors", "description", "provisioningState", "resourceId",
		"createdOn", "modifiedOn", "computeLocation", "isAttachedCompute"} {
		if _, ok := p[k]; !ok {
			t.Errorf("missing properties.%s", k)
		}
	}
	a := aks(doc)
	for _, k := range []string{"agentVmSize", "agentCount", "clusterPurpose", "clusterFqdn", "systemServices", "loadBalancerType", "loadBalancerSubnet", "sslConfiguration"} {
		if _, ok := a[k]; !ok {
			t.Errorf("missing properties.properties.%s", k)
		}
	}
	want := map[string]any{"computeType": "AKS", "provisioningState": "Succeeded", "provisioningErrors": nil, "isAttachedCompute": false, "computeLocation": "eastus"}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("properties.%s = %v, want %v", k, p[k], v)
		}
	}
	if a["agentCount"] != float64(1) || a["agentVmSize"] != "Standard_D2_v2" || a["clusterPurpose"] != "DevTest" || a["loadBalancerType"] != "PublicIp" {
		t.Errorf("properties.properties = %v", a)
	}
	if fqdn, _ := a["clusterFqdn"].(string); !strings.HasPrefix(fqdn, "aks1-") || !strings.HasSuffix(fqdn, ".hcp.eastus.azmk8s.io") {
		t.Errorf("clusterFqdn = %v", a["clusterFqdn"])
	}
	ss, _ := a["systemServices"].([]any)
	if len(ss) != 1 || ss[0].(map[string]any)["systemServiceType"] != "ScoringFront" {
		t.Errorf("systemServices = %v", a["systemServices"])
	}
	rid, _ := p["resourceId"].(string)
	if !clusterIDPattern.MatchString(rid) {
		t.Errorf("resourceId = %q", rid)
	}
	if got := s.AKSClusters(); len(got) != 1 || !strings.EqualFold(got[0], rid) {
		t.Errorf("clusters = %v, want [%s]", got, rid)
	}
	if doc["id"] != s.armWorkspacePath()+"/computes/aks1" || doc["location"] != "eastus" {
		t.Errorf("id/location = %v %v", doc["id"], doc["location"])
	}
	if _, err := time.Parse(time.RFC3339Nano, p["createdOn"].(string)); err != nil {
		t.Errorf("createdOn: %v", err)
	}
	// ARM GET serves the same document.
	if r := mustDo(t, http.MethodGet, armComputeURL(s, "aks1", ""), computeToken, nil); r.Status != http.StatusOK {
		t.Errorf("ARM GET: %d", r.Status)
	}
}

func TestComputeStaysCreatingForTheOperationDelay(t *testing.T) {
	s := newTestServer(t, Options{OperationDelay: time.Hour})
	r := mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, createBody(devTest))
	if r.Status != http.StatusCreated {
		t.Fatalf("PUT: %d %s", r.Status, r.Body)
	}
	doc := getCompute(t, s, "aks1")
	if props(doc)["provisioningState"] != "Creating" || props(doc)["properties"] != nil {
		t.Errorf("while creating: %v", props(doc))
	}
	op := mustDo(t, http.MethodGet, r.Header.Get("Azure-AsyncOperation"), computeToken, nil).json(t)
	if op["status"] != "InProgress" {
		t.Errorf("operation = %v", op)
	}

	// A retried PUT (same body) returns the same operation; another body conflicts;
	// a delete must wait.
	again := mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, createBody(devTest))
	if again.Status != http.StatusOK || again.Header.Get("Azure-AsyncOperation") != r.Header.Get("Azure-AsyncOperation") {
		t.Errorf("replay: %d %q", again.Status, again.Header.Get("Azure-AsyncOperation"))
	}
	other := mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, createBody(map[string]any{"clusterPurpose": "DevTest"}))
	if other.Status != http.StatusConflict || armErrorCode(t, other) != "Conflict" {
		t.Errorf("conflicting PUT: %d %s", other.Status, other.Body)
	}
	del := mustDo(t, http.MethodDelete, armComputeURL(s, "aks1", "underlyingResourceAction=delete"), computeToken, nil)
	if del.Status != http.StatusConflict {
		t.Errorf("DELETE while creating: %d", del.Status)
	}
	if n := len(s.store.Keys(kindCompute)); n != 1 {
		t.Errorf("%d computes", n)
	}
}

func TestComputePutRejects(t *testing.T) {
	s := newTestServer(t, Options{})
	tests := []struct {
		name, compute, query string
		body                 []byte
		status               int
		code, msg            string
	}{
		{"name too short", "ab", "", createBody(devTest), 400, "BadRequest", "3 to 24 characters"},
		{"name starts with a digit", "1aks", "", createBody(devTest), 400, "BadRequest", "start with a letter"},
		{"name too long", strings.Repeat("a", 25), "", createBody(devTest), 400, "BadRequest", "3 to 24"},
		{"reserved name", "amlcompute", "", createBody(devTest), 400, "BadRequest", "reserved"},
		{"reserved name any case", "Local", "", createBody(devTest), 400, "BadRequest", "reserved"},
		{"FastProd too small", "aks1", "", createBody(map[string]any{"clusterPurpose": "FastProd", "agentCount": 2, "agentVmSize": "Standard_D2_v2"}), 400, "BadRequest", "at least 12 vCPUs"},
		{"unset purpose is FastProd", "aks1", "", createBody(map[string]any{"agentCount": 3, "agentVmSize": "Standard_D2s_v3"}), 400, "BadRequest", "6"},
		{"FastProd too few nodes", "aks1", "", createBody(map[string]any{"clusterPurpose": "FastProd", "agentCount": 1, "agentVmSize": "Standard_D16s_v3"}), 400, "BadRequest", "at least 3 nodes"},
		{"agent count zero", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "agentCount": 0}), 400, "BadRequest", "positive"},
		{"bad purpose", "aks1", "", createBody(map[string]any{"clusterPurpose": "Prod"}), 400, "BadRequest", "clusterPurpose"},
		{"bad load balancer", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "loadBalancerType": "Public"}), 400, "BadRequest", "loadBalancerType"},
		{"subnet with public IP", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "loadBalancerType": "PublicIp", "loadBalancerSubnet": "s"}), 400, "BadRequest", "InternalLoadBalancer"},
		{"ssl enabled without key", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "sslConfiguration": map[string]any{"status": "Enabled", "cname": "a", "cert": "c"}}), 400, "BadRequest", "needs a key"},
		{"ssl enabled without cert", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "sslConfiguration": map[string]any{"status": "Enabled", "cname": "a", "key": "k"}}), 400, "BadRequest", "cname, cert and key"},
		{"attach ssl enabled without key", "aks1", "", attachBody(madeUpCluster("c"), map[string]any{"sslConfiguration": map[string]any{"status": "Enabled", "cname": "a", "cert": "c"}}), 400, "BadRequest", "needs a key"},
		{"unknown nested field", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "sslConfiguration": map[string]any{"status": "Auto", "leafDomainLabel": "x", "overwrite": true}}), 400, "InvalidRequestContent", "overwrite"},
		{"ssl auto without label", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "sslConfiguration": map[string]any{"status": "Auto"}}), 400, "BadRequest", "leafDomainLabel"},
		{"ssl auto with ILB", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "loadBalancerType": "InternalLoadBalancer", "sslConfiguration": map[string]any{"status": "Auto", "leafDomainLabel": "x"}}), 400, "BadRequest", "internal load balancer"},
		{"bad ssl status", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "sslConfiguration": map[string]any{"status": "On"}}), 400, "BadRequest", "status"},
		{"bad service CIDR", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "aksNetworkingConfiguration": map[string]any{"serviceCidr": "10.0.0.0/40"}}), 400, "BadRequest", "serviceCidr"},
		{"bad octet", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "aksNetworkingConfiguration": map[string]any{"dockerBridgeCidr": "999.17.0.1/16"}}), 400, "BadRequest", "dockerBridgeCidr"},
		{"bad DNS IP", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "aksNetworkingConfiguration": map[string]any{"dnsServiceIP": "10.0.0"}}), 400, "BadRequest", "dnsServiceIP"},
		{"bad subnet id", "aks1", "", createBody(map[string]any{"clusterPurpose": "DevTest", "aksNetworkingConfiguration": map[string]any{"subnetId": "/subscriptions/x/subnets/y"}}), 400, "BadRequest", "subnetId"},
		{"attach a VM", "aks1", "", attachBody("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm", nil), 400, "BadRequest", "managedClusters"},
		{"attach a truncated id", "aks1", "", attachBody("/subscriptions/s/resourceGroups/rg", nil), 400, "BadRequest", "managedClusters"},
		{"other compute type", "aks1", "", []byte(`{"location":"eastus","properties":{"computeType":"AmlCompute"}}`), 400, "BadRequest", "only AKS"},
		{"no location", "aks1", "", []byte(`{"properties":{"computeType":"AKS"}}`), 400, "BadRequest", "location"},
		{"no properties", "aks1", "", []byte(`{"location":"eastus"}`), 400, "BadRequest", "properties"},
		{"unknown field", "aks1", "", []byte(`{"location":"eastus","properties":{"computeType":"AKS","properties":{"agentVMSize":"Standard_D3_v2"}}}`), 400, "InvalidRequestContent", `did you mean \"agentVmSize\"`},
		{"not JSON", "aks1", "", []byte(`{`), 400, "InvalidRequestContent", ""},
		{"all problems at once", "1", "", createBody(map[string]any{"clusterPurpose": "Prod", "loadBalancerType": "x"}), 400, "BadRequest", "clusterPurpose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := mustDo(t, http.MethodPut, armComputeURL(s, tt.compute, tt.query), computeToken, tt.body)
			if r.Status != tt.status || armErrorCode(t, r) != tt.code || !strings.Contains(string(r.Body), tt.msg) {
				t.Errorf("got %d %s, want %d %s containing %q", r.Status, r.Body, tt.status, tt.code, tt.msg)
			}
		})
	}
	if r := mustDo(t, http.MethodPut, s.URL()+s.armWorkspacePath()+"/computes/aks1?api-version=2021-01-01", computeToken, createBody(devTest)); r.Status != 400 || armErrorCode(t, r) != "InvalidApiVersionParameter" {
		t.Errorf("api-version: %d %s", r.Status, r.Body)
	}
	if r := mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), "", createBody(devTest)); r.Status != 401 {
		t.Errorf("no token: %d", r.Status)
	}
	if r := mustDo(t, http.MethodGet, rpListURL(s), "", nil); r.Status != 401 {
		t.Errorf("list without token: %d", r.Status)
	}
	if n := len(s.store.Keys(kindCompute)); n != 0 {
		t.Errorf("rejected requests created %d computes", n)
	}
}

func TestComputeUnknownVMSizeFailsProvisioning(t *testing.T) {
	s := newTestServer(t, Options{})
	r := mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, createBody(map[string]any{"clusterPurpose": "FastProd", "agentVmSize": "Standard_Z99"}))
	if r.Status != http.StatusCreated {
		t.Fatalf("PUT: %d %s", r.Status, r.Body)
	}
	st := waitComputeOp(t, r.Header.Get("Azure-AsyncOperation"))
	if st["status"] != "Failed" || st["error"].(map[string]any)["code"] != "BadRequest" {
		t.Fatalf("operation = %v", st)
	}
	p := props(getCompute(t, s, "aks1"))
	errs, _ := p["provisioningErrors"].([]any)
	if p["provisioningState"] != "Failed" || len(errs) != 1 {
		t.Fatalf("compute = %v", p)
	}
	inner := errs[0].(map[string]any)["error"].(map[string]any)
	if !strings.Contains(inner["message"].(string), "Standard_Z99") {
		t.Errorf("provisioning error = %v", inner)
	}
	// A failed compute can be provisioned again with a good size.
	createCompute(t, s, "aks1", createBody(devTest))
	if len(s.AKSClusters()) != 1 {
		t.Errorf("clusters = %v", s.AKSClusters())
	}
}

func TestComputeNamesAreUnique(t *testing.T) {
	s := newTestServer(t, Options{})
	createCompute(t, s, "aks1", createBody(devTest))
	r := mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, attachBody(madeUpCluster("c1"), nil))
	if r.Status != http.StatusConflict || armErrorCode(t, r) != "Conflict" {
		t.Errorf("attach over a created compute: %d %s", r.Status, r.Body)
	}
	createCompute(t, s, "att", attachBody(madeUpCluster("c1"), nil))
	r = mustDo(t, http.MethodPut, armComputeURL(s, "ATT", ""), computeToken, attachBody(madeUpCluster("c2"), nil))
	if r.Status != http.StatusConflict {
		t.Errorf("attach another cluster under the same name (other case): %d %s", r.Status, r.Body)
	}
	r = mustDo(t, http.MethodPut, armComputeURL(s, "att", ""), computeToken, createBody(devTest))
	if r.Status != http.StatusConflict {
		t.Errorf("create over an attached compute: %d %s", r.Status, r.Body)
	}
	r = mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, createBody(map[string]any{"clusterPurpose": "DevTest", "agentCount": 2}))
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "agentCount cannot be changed") {
		t.Errorf("change agent count: %d %s", r.Status, r.Body)
	}
	if n := len(s.store.Keys(kindCompute)); n != 2 {
		t.Errorf("%d computes", n)
	}
}

func TestComputeAttachDetachReattachDelete(t *testing.T) {
	s := newTestServer(t, Options{})
	doc := createCompute(t, s, "aks1", createBody(devTest))
	clusterID := props(doc)["resourceId"].(string)

	// Detach keeps the cluster.
	r := mustDo(t, http.MethodDelete, armComputeURL(s, "aks1", "underlyingResourceAction=Detach"), computeToken, nil)
	if r.Status != http.StatusAccepted || r.Header.Get("Location") == "" {
		t.Fatalf("detach: %d %v", r.Status, r.Header)
	}
	if st := waitComputeOp(t, r.Header.Get("Azure-AsyncOperation")); st["status"] != "Succeeded" {
		t.Fatalf("detach op: %v", st)
	}
	if r := mustDo(t, http.MethodGet, rpComputeURL(s, "aks1"), computeToken, nil); r.Status != http.StatusNotFound || armErrorCode(t, r) != "NotFound" {
		t.Errorf("GET after detach: %d %s", r.Status, r.Body)
	}
	if got := s.AKSClusters(); len(got) != 1 {
		t.Fatalf("clusters after detach = %v", got)
	}

	// Re-attach: the cluster's size is known; DevTest because it is 1 × D2_v2.
	fastProd := mustDo(t, http.MethodPut, armComputeURL(s, "again", ""), computeToken, attachBody(clusterID, nil))
	if fastProd.Status != http.StatusBadRequest || !strings.Contains(string(fastProd.Body), "12 vCPUs") {
		t.Errorf("attach small cluster as FastProd: %d %s", fastProd.Status, fastProd.Body)
	}
	doc = createCompute(t, s, "again", attachBody(clusterID, map[string]any{"clusterPurpose": "DevTest"}))
	if p := props(doc); p["isAttachedCompute"] != true || p["resourceId"] != clusterID || aks(doc)["agentVmSize"] != "Standard_D2_v2" {
		t.Errorf("re-attached = %v", p)
	}

	// Delete removes compute and cluster (the workspace created it).
	r = mustDo(t, http.MethodDelete, armComputeURL(s, "again", "underlyingResourceAction=delete"), computeToken, nil)
	if r.Status != http.StatusAccepted {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	waitComputeOp(t, r.Header.Get("Azure-AsyncOperation"))
	if got := s.AKSClusters(); len(got) != 0 {
		t.Errorf("clusters after delete = %v", got)
	}
	if r := mustDo(t, http.MethodDelete, armComputeURL(s, "again", "underlyingResourceAction=delete"), computeToken, nil); r.Status != http.StatusNoContent {
		t.Errorf("delete again: %d", r.Status)
	}
}

func TestComputeExternalClusterCannotBeDeleted(t *testing.T) {
	s := newTestServer(t, Options{})
	id := madeUpCluster("prod-aks")
	doc := createCompute(t, s, "prod", attachBody(id, map[string]any{"clusterPurpose": "FastProd"}))
	if a := aks(doc); a["agentCount"] != float64(3) || a["agentVmSize"] != "Standard_D3_v2" || a["loadBalancerSubnet"] != nil {
		t.Errorf("made-up cluster = %v", a)
	}
	r := mustDo(t, http.MethodDelete, armComputeURL(s, "prod", "underlyingResourceAction=delete"), computeToken, nil)
	if r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "Detach it instead") {
		t.Errorf("delete external: %d %s", r.Status, r.Body)
	}
	r = mustDo(t, http.MethodDelete, armComputeURL(s, "prod", "underlyingResourceAction=bogus"), computeToken, nil)
	if r.Status != http.StatusBadRequest {
		t.Errorf("bogus action: %d", r.Status)
	}
	r = mustDo(t, http.MethodDelete, armComputeURL(s, "prod", ""), computeToken, nil)
	if r.Status != http.StatusBadRequest {
		t.Errorf("no action: %d", r.Status)
	}
	r = mustDo(t, http.MethodDelete, armComputeURL(s, "prod", "underlyingResourceAction=DETACH"), computeToken, nil)
	if r.Status != http.StatusAccepted {
		t.Fatalf("detach: %d %s", r.Status, r.Body)
	}
	// A retried DELETE while it runs, or after, does no harm.
	waitComputeOp(t, r.Header.Get("Azure-AsyncOperation"))
	if got := s.AKSClusters(); len(got) != 1 || got[0] != id {
		t.Errorf("clusters = %v", got)
	}
}

func TestComputeListPaging(t *testing.T) {
	s := newTestServer(t, Options{})
	s.SetComputePageSize(2)
	for i := range 5 {
		createCompute(t, s, fmt.Sprintf("aks%d", i), createBody(devTest))
	}
	var names []string
	u := rpListURL(s)
	pages := 0
	for u != "" {
		r := mustDo(t, http.MethodGet, u, computeToken, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("list: %d %s", r.Status, r.Body)
		}
		var page struct {
			Value    []computeResource `json:"value"`
			NextLink string            `json:"nextLink"`
		}
		if err := json.Unmarshal(r.Body, &page); err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Value {
			names = append(names, c.Name)
		}
		u = page.NextLink
		pages++
	}
	if pages != 3 || strings.Join(names, ",") != "aks0,aks1,aks2,aks3,aks4" {
		t.Errorf("pages=%d names=%v", pages, names)
	}
	s.SetComputePageSize(0)
	if r := mustDo(t, http.MethodGet, rpListURL(s)+"&$skipToken=x", computeToken, nil); r.Status != 400 {
		t.Errorf("bad skip token: %d", r.Status)
	}
	empty := newTestServer(t, Options{})
	if r := mustDo(t, http.MethodGet, rpListURL(empty), computeToken, nil); string(r.Body) != `{"value":[]}` {
		t.Errorf("empty list: %s", r.Body)
	}
}

func TestComputeListKeys(t *testing.T) {
	s := newTestServer(t, Options{OperationDelay: time.Hour})
	keys := func(name string) testResponse {
		return mustDo(t, http.MethodPost, s.URL()+s.armWorkspacePath()+"/computes/"+name+"/listKeys?api-version=2020-02-02", computeToken, nil)
	}
	if r := keys("nope"); r.Status != http.StatusNotFound {
		t.Errorf("missing: %d", r.Status)
	}
	mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, createBody(devTest))
	if r := keys("aks1"); r.Status != http.StatusConflict {
		t.Errorf("while creating: %d", r.Status)
	}
	fast := newTestServer(t, Options{})
	createCompute(t, fast, "aks1", createBody(devTest))
	r := mustDo(t, http.MethodPost, fast.URL()+fast.armWorkspacePath()+"/computes/aks1/listKeys?api-version=2020-02-02", computeToken, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("listKeys: %d %s", r.Status, r.Body)
	}
	m := r.json(t)
	for _, k := range []string{"userKubeConfig", "adminKubeConfig"} {
		if s, _ := m[k].(string); !strings.Contains(s, "kind: Config") || !strings.Contains(s, "token: ") {
			t.Errorf("%s = %q", k, m[k])
		}
	}
	if m["userKubeConfig"] == m["adminKubeConfig"] || m["imagePullSecretName"] == "" {
		t.Errorf("keys = %v", m)
	}
	// Tokens are never in the request log or the GET document.
	for _, rr := range fast.Requests() {
		if strings.Contains(string(rr.Body), "token:") {
			t.Errorf("request log holds a kubeconfig")
		}
	}
}

func TestComputeUpdate(t *testing.T) {
	s := newTestServer(t, Options{})
	doc := createCompute(t, s, "aks1", createBody(devTest))
	// The SDK PUTs the GET document back with properties.properties edited (§2.7).
	a := aks(doc)
	a["sslConfiguration"] = map[string]any{"status": "Auto", "leafDomainLabel": "myscoring", "overwriteExistingDomain": false}
	delete(a, "loadBalancerType")
	delete(a, "loadBalancerSubnet")
	r := mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, mustJSON(t, doc))
	if r.Status != http.StatusOK {
		t.Fatalf("update: %d %s", r.Status, r.Body)
	}
	if props(r.json(t))["provisioningState"] != "Updating" {
		t.Errorf("answer: %s", r.Body)
	}
	waitComputeOp(t, r.Header.Get("Azure-AsyncOperation"))
	after := aks(getCompute(t, s, "aks1"))
	ssl := after["sslConfiguration"].(map[string]any)
	if ssl["status"] != "Auto" || ssl["leafDomainLabel"] != "myscoring" || after["loadBalancerType"] != "PublicIp" {
		t.Errorf("after update: %v", after)
	}

	// Renew keeps the configuration; the GET never shows a key.
	doc = getCompute(t, s, "aks1")
	a = aks(doc)
	a["sslConfiguration"].(map[string]any)["renew"] = true
	r = mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, mustJSON(t, doc))
	if r.Status != http.StatusOK {
		t.Fatalf("renew: %d %s", r.Status, r.Body)
	}
	waitComputeOp(t, r.Header.Get("Azure-AsyncOperation"))

	// Switch to an internal load balancer with a custom certificate.
	doc = getCompute(t, s, "aks1")
	a = aks(doc)
	a["loadBalancerType"] = "InternalLoadBalancer"
	a["loadBalancerSubnet"] = "ilb"
	a["sslConfiguration"] = map[string]any{"status": "Enabled", "cname": "x.contoso.com", "cert": "CERT", "key": "SECRET-KEY"}
	r = mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, mustJSON(t, doc))
	if r.Status != http.StatusOK {
		t.Fatalf("ILB: %d %s", r.Status, r.Body)
	}
	waitComputeOp(t, r.Header.Get("Azure-AsyncOperation"))
	got := getCompute(t, s, "aks1")
	after = aks(got)
	if after["loadBalancerType"] != "InternalLoadBalancer" || after["loadBalancerSubnet"] != "ilb" || after["sslConfiguration"].(map[string]any)["cname"] != "x.contoso.com" {
		t.Errorf("after ILB: %v", after)
	}
	if strings.Contains(string(mustJSON(t, got)), "SECRET-KEY") {
		t.Error("GET returns the TLS key")
	}
	// Echoing that document back (no key) is not a change of certificate.
	r = mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, mustJSON(t, got))
	if r.Status != http.StatusOK {
		t.Fatalf("echo: %d %s", r.Status, r.Body)
	}
	waitComputeOp(t, r.Header.Get("Azure-AsyncOperation"))

	// Renewing a custom certificate is refused.
	doc = getCompute(t, s, "aks1")
	aks(doc)["sslConfiguration"].(map[string]any)["renew"] = true
	if r := mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, mustJSON(t, doc)); r.Status != http.StatusBadRequest {
		t.Errorf("renew custom: %d %s", r.Status, r.Body)
	}
}

func TestComputeRestartFinishesOperations(t *testing.T) {
	dir := t.TempDir()
	s1, err := New(Options{DataDir: dir, OperationDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	mustDo(t, http.MethodPut, armComputeURL(s1, "aks1", ""), computeToken, createBody(devTest))
	createBodyAttached := attachBody(madeUpCluster("c1"), nil)
	mustDo(t, http.MethodPut, armComputeURL(s1, "att", ""), computeToken, createBodyAttached)
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := newTestServer(t, Options{DataDir: dir})
	for _, name := range []string{"aks1", "att"} {
		doc := getCompute(t, s2, name)
		if props(doc)["provisioningState"] != "Succeeded" || aks(doc)["clusterFqdn"] == "" {
			t.Errorf("%s after restart: %v", name, props(doc))
		}
	}
	if n := len(s2.AKSClusters()); n != 2 {
		t.Errorf("clusters after restart = %v", s2.AKSClusters())
	}
}

func TestComputeFaultsDoNotDuplicate(t *testing.T) {
	s := newTestServer(t, Options{})
	// The PUT is handled, then the connection drops: the client retries the same body.
	s.InjectFault(Fault{Match: MatchRequest(http.MethodPut, "/computes/aks1"), DropAfterHandle: true})
	if _, err := do(t, freshClient(), http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, createBody(devTest)); err == nil {
		t.Fatal("expected a dropped connection")
	}
	r := mustDo(t, http.MethodPut, armComputeURL(s, "aks1", ""), computeToken, createBody(devTest))
	if r.Status != http.StatusOK {
		t.Fatalf("retry: %d %s", r.Status, r.Body)
	}
	waitComputeOp(t, r.Header.Get("Azure-AsyncOperation"))
	if n := len(s.AKSClusters()); n != 1 {
		t.Errorf("clusters = %v", s.AKSClusters())
	}
	// Same for DELETE: the retry sees the compute gone (204) or the running operation.
	s.InjectFault(Fault{Match: MatchRequest(http.MethodDelete, "/computes/aks1"), DropAfterHandle: true})
	if _, err := do(t, freshClient(), http.MethodDelete, armComputeURL(s, "aks1", "underlyingResourceAction=delete"), computeToken, nil); err == nil {
		t.Fatal("expected a dropped connection")
	}
	r = mustDo(t, http.MethodDelete, armComputeURL(s, "aks1", "underlyingResourceAction=delete"), computeToken, nil)
	if r.Status != http.StatusNoContent && r.Status != http.StatusAccepted {
		t.Errorf("retried delete: %d %s", r.Status, r.Body)
	}
	waitFor(t, "compute deleted", func() bool { return len(s.store.Keys(kindCompute)) == 0 })
}

func TestVMVCPUs(t *testing.T) {
	tests := map[string]int{
		"Standard_D1_v2": 1, "Standard_D2_v2": 2, "Standard_D3_v2": 4, "Standard_D4_v2": 8, "Standard_D5_v2": 16, "Standard_D11_v2": 2, "Standard_D15_v2": 20,
		"Standard_DS2_v2": 2, "Standard_DS3_v2": 4, "Standard_D3": 4, "Standard_DS12": 4,
		"Standard_D2s_v3": 2, "Standard_D4s_v3": 4, "Standard_D8s_v3": 8, "Standard_D16s_v3": 16, "Standard_D4_v3": 4, "Standard_D8ds_v5": 8, "Standard_D96as_v5": 96,
		"Standard_E4s_v3": 4, "Standard_E20_v4": 20, "Standard_F4s_v2": 4, "Standard_F8": 8, "Standard_F16s": 16, "Standard_F72s_v2": 72,
		"Standard_B1s": 1, "Standard_B1ls": 1, "Standard_B2ms": 2, "Standard_B20ms": 20,
		"Standard_A2_v2": 2, "Standard_A8m_v2": 8, "Standard_NC6": 6, "Standard_NC6s_v3": 6, "Standard_NC4as_T4_v3": 4,
		"standard_d3_V2": 4,
	}
	for size, want := range tests {
		if got, ok := vmVCPUs(size); !ok || got != want {
			t.Errorf("vmVCPUs(%s) = %d, %v; want %d", size, got, ok, want)
		}
	}
	for _, size := range []string{"", "Standard_Z99", "Standard_D7_v2", "Standard_DS3_v3", "Standard_E2_v2", "Standard_A3_v2", "Basic_A1", "Standard_D3s_v2"} {
		if n, ok := vmVCPUs(size); ok {
			t.Errorf("vmVCPUs(%s) = %d, want unknown", size, n)
		}
	}
}
