package emulator

import (
	"net/http"
	"testing"
)

// TestEndpointKeysStayIssuedAfterDelete: the keys an endpoint's listkeys hands
// out are recorded as issued, so that a leak scan still looks for them once
// the endpoint is gone.
func TestEndpointKeysStayIssuedAfterDelete(t *testing.T) {
	s, base, eir := epSetup(t)
	first := epVersionBody("versiona", "AKSENDPOINT", nil, eir, nil)
	if op := epCreate(t, s, base, epCreateBody("keyed", "aks-1", "versiona", first, nil)); op["state"] != "Succeeded" {
		t.Fatalf("create: %v", op)
	}
	keys := mustDo(t, http.MethodPost, epURL(s, base, "/services/keyed/listkeys"), "tok", nil).json(t)
	primary, _ := keys["primaryKey"].(string)
	secondary, _ := keys["secondaryKey"].(string)
	if primary == "" || secondary == "" {
		t.Fatalf("listkeys: %v", keys)
	}
	if r := mustDo(t, http.MethodDelete, epURL(s, base, "/services/keyed"), "tok", nil); r.Status != http.StatusOK {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	found := map[string]bool{}
	for _, sec := range s.IssuedSecrets() {
		if sec.Kind == SecretEndpointKey {
			found[sec.Value] = true
		}
	}
	if !found[primary] || !found[secondary] {
		t.Fatalf("the deleted endpoint's keys are not among the issued secrets (primary %t, secondary %t)", found[primary], found[secondary])
	}
}
