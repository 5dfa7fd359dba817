package emulator

import (
	"encoding/json"
	"strings"
	"testing"
)

func epRecord() *endpointRecord {
	return &endpointRecord{
		Name: "rollout",
		Spec: endpointSpec{ComputeName: "aks-1", KvTags: map[string]string{"a": "b"}, Properties: map[string]string{"owner": "me"}},
		Versions: map[string]*endpointVersionRecord{
			"versiona": {TrafficPercentile: pct(20), IsDefault: true, State: serviceHealthy, Generation: 1,
				Spec: serviceCreateRequest{Name: "versiona", KvTags: map[string]string{"x": "y"}}},
			"versionb": {TrafficPercentile: pct(10), State: serviceHealthy, Generation: 1, Spec: serviceCreateRequest{Name: "versionb"}},
		},
	}
}

func applyPatch(t *testing.T, s *Server, rec *endpointRecord, patch string) (*endpointRecord, map[string]versionAction, []string) {
	t.Helper()
	var ops []servicePatchOp
	if err := json.Unmarshal([]byte(patch), &ops); err != nil {
		t.Fatal(err)
	}
	return s.applyEndpointPatch(rec, ops)
}

func TestApplyEndpointPatch(t *testing.T) {
	s := newTestServer(t, Options{})
	rec := epRecord()

	t.Run("update_version default and control flips", func(t *testing.T) {
		next, actions, ps := applyPatch(t, s, rec, `[
			{"op":"replace","path":"/versions/versionb/isDefault","value":true},
			{"op":"replace","path":"/versions/versiona/isDefault","value":false},
			{"op":"replace","path":"/versions/versionb/type","value":"Control"},
			{"op":"replace","path":"/versions/versiona/type","value":"Treatment"},
			{"op":"replace","path":"/versions/versionb/trafficPercentile","value":40},
			{"op":"replace","path":"/versions/versionb/numReplicas","value":2},
			{"op":"replace","path":"/versions/versionb/tags","value":{"stage":"canary"}}]`)
		if len(ps) > 0 {
			t.Fatal(ps)
		}
		b := next.Versions["versionb"]
		if !b.IsDefault || *b.Type != "Control" || *b.TrafficPercentile != 40 || *b.Spec.NumReplicas != 2 || b.Spec.KvTags["stage"] != "canary" {
			t.Fatalf("versionb: %+v", b)
		}
		if next.Versions["versiona"].IsDefault || *next.Versions["versiona"].Type != "Treatment" {
			t.Fatalf("versiona not flipped: %+v", next.Versions["versiona"])
		}
		if actions["versionb"] != actionReconfig || actions["versiona"] != actionNone {
			t.Fatalf("actions: %v", actions)
		}
		if !rec.Versions["versiona"].IsDefault {
			t.Fatal("the stored record was modified")
		}
	})
	t.Run("replace of tags replaces", func(t *testing.T) {
		next, _, ps := applyPatch(t, s, rec, `[{"op":"replace","path":"/versions/versiona/tags","value":{}},{"op":"replace","path":"/kvTags","value":{"c":"d"}}]`)
		if len(ps) > 0 || len(next.Versions["versiona"].Spec.KvTags) != 0 || len(next.Spec.KvTags) != 1 || next.Spec.KvTags["c"] != "d" {
			t.Fatalf("%v %v %v", ps, next.Versions["versiona"].Spec.KvTags, next.Spec.KvTags)
		}
	})
	t.Run("endpoint-level update", func(t *testing.T) {
		next, actions, ps := applyPatch(t, s, rec, `[
			{"op":"replace","path":"/authEnabled","value":false},{"op":"replace","path":"/aadAuthEnabled","value":true},
			{"op":"replace","path":"/appInsightsEnabled","value":true},{"op":"replace","path":"/description","value":"d"},
			{"op":"add","path":"/properties/a~1b","value":"slash"}]`)
		if len(ps) > 0 {
			t.Fatal(ps)
		}
		if *next.Spec.AuthEnabled || !*next.Spec.AadAuthEnabled || !*next.Spec.AppInsightsEnabled || *next.Spec.Description != "d" || next.Spec.Properties["a/b"] != "slash" {
			t.Fatalf("%+v", next.Spec)
		}
		if len(actions) != 0 {
			t.Fatalf("actions: %v", actions)
		}
	})
	t.Run("delete_version", func(t *testing.T) {
		next, actions, ps := applyPatch(t, s, rec, `[{"op":"remove","path":"/versions/versionb"}]`)
		if len(ps) > 0 || next.Versions["versionb"] != nil || actions["versionb"] != actionStop {
			t.Fatalf("%v %v", ps, actions)
		}
	})
	t.Run("every problem at once", func(t *testing.T) {
		_, _, ps := applyPatch(t, s, rec, `[
			{"op":"remove","path":"/versions/versiona"},
			{"op":"replace","path":"/versions/versionb/trafficPercentile","value":120},
			{"op":"replace","path":"/versions/ghost/isDefault","value":true},
			{"op":"add","path":"/properties/owner","value":"you"},
			{"op":"replace","path":"/authEnabled","value":true},{"op":"replace","path":"/aadAuthEnabled","value":true},
			{"op":"move","path":"/versions/versionb"},
			{"op":"replace","path":"/versions/versionb/isDefault","value":"yes"},
			{"op":"replace","path":"/nope","value":1},
			{"op":"replace","path":"nopointer","value":1}]`)
		all := strings.Join(ps, "\n")
		for _, want := range []string{"ghost does not exist", "properties are immutable", "cannot both be true", "added or removed as a whole",
			"cannot unmarshal string", "/nope", "must be a JSON Pointer", "exactly one default version; found 0", "greater than 100, got 120"} {
			if !strings.Contains(strings.ToLower(all), strings.ToLower(want)) {
				t.Errorf("missing %q in:\n%s", want, all)
			}
		}
	})
	t.Run("empty patch", func(t *testing.T) {
		if _, _, ps := applyPatch(t, s, rec, `[]`); len(ps) != 1 || !strings.Contains(ps[0], "No parameters") {
			t.Fatal(ps)
		}
	})
}

func FuzzApplyEndpointPatch(f *testing.F) {
	f.Add(`[{"op":"replace","path":"/versions/versionb/isDefault","value":true}]`)
	f.Add(`[{"op":"add","path":"/versions/versionc","value":{"name":"versionc"}}]`)
	f.Add(`[{"op":"remove","path":"/versions/versiona"},{"op":"add","path":"/properties/~","value":"x"}]`)
	f.Add(`[{"op":"replace","path":"/versions/versiona/autoScaler/minReplicas","value":null}]`)
	f.Add(`[{"op":"replace","path":"/","value":{}}]`)
	s, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = s.Close() })
	f.Fuzz(func(t *testing.T, patch string) {
		var ops []servicePatchOp
		if json.Unmarshal([]byte(patch), &ops) != nil {
			return
		}
		rec := epRecord()
		next, _, ps := s.applyEndpointPatch(rec, ops)
		if len(ps) == 0 && len(validateEndpointVersions(next.Name, next.Versions)) != 0 {
			t.Fatalf("accepted an invalid plan: %s", patch)
		}
		if !rec.Versions["versiona"].IsDefault {
			t.Fatal("the input record was modified")
		}
	})
}
