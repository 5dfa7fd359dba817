package emulator

import (
	"strings"
	"testing"
)

func pct(v float64) *float64 { return &v }
func str(v string) *string   { return &v }

func epVersions(specs ...*endpointVersionRecord) map[string]*endpointVersionRecord {
	out := map[string]*endpointVersionRecord{}
	for i, v := range specs {
		out[[]string{"versiona", "versionb", "versionc", "versiond", "versione", "versionf", "versiong"}[i]] = v
	}
	return out
}

func TestEffectiveWeights(t *testing.T) {
	all := func(string) bool { return true }
	tests := []struct {
		name  string
		vs    map[string]*endpointVersionRecord
		ready func(string) bool
		want  map[string]float64
	}{
		{"20/10/remainder", epVersions(
			&endpointVersionRecord{TrafficPercentile: pct(20)},
			&endpointVersionRecord{TrafficPercentile: pct(10)},
			&endpointVersionRecord{IsDefault: true},
		), all, map[string]float64{"versiona": 20, "versionb": 10, "versionc": 70}},
		{"default keeps its own share plus the rest", epVersions(
			&endpointVersionRecord{TrafficPercentile: pct(20), IsDefault: true},
			&endpointVersionRecord{TrafficPercentile: pct(10)},
		), all, map[string]float64{"versiona": 90, "versionb": 10}},
		{"a version that cannot serve passes its share to the default", epVersions(
			&endpointVersionRecord{TrafficPercentile: pct(20), IsDefault: true},
			&endpointVersionRecord{TrafficPercentile: pct(30)},
		), func(v string) bool { return v == "versiona" }, map[string]float64{"versiona": 100}},
		{"no default serving: only explicit shares", epVersions(
			&endpointVersionRecord{TrafficPercentile: pct(20), IsDefault: true},
			&endpointVersionRecord{TrafficPercentile: pct(30)},
		), func(v string) bool { return v == "versionb" }, map[string]float64{"versionb": 30}},
		{"zero-percent versions get nothing", epVersions(
			&endpointVersionRecord{TrafficPercentile: pct(0)},
			&endpointVersionRecord{IsDefault: true},
		), all, map[string]float64{"versionb": 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]float64{}
			for _, w := range effectiveWeights(tt.vs, tt.ready) {
				got[w.name] = w.weight
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
	if pickVersion(nil) != "" {
		t.Fatal("pickVersion of nothing must be empty")
	}
	counts := map[string]int{}
	ws := []versionWeight{{"a", 25}, {"b", 75}}
	for i := 0; i < 20000; i++ {
		counts[pickVersion(ws)]++
	}
	if share := float64(counts["a"]) / 200; share < 23 || share > 27 {
		t.Fatalf("pickVersion split a=%.1f%%, want 25±2", share)
	}
}

func TestValidateEndpointVersionsNamesEveryProblem(t *testing.T) {
	vs := epVersions(
		&endpointVersionRecord{TrafficPercentile: pct(60), IsDefault: true, Type: str("Control")},
		&endpointVersionRecord{TrafficPercentile: pct(50), Type: str("Control")},
		&endpointVersionRecord{TrafficPercentile: pct(-5)},
		&endpointVersionRecord{TrafficPercentile: pct(101), Type: str("Canary")},
		&endpointVersionRecord{IsDefault: true},
		&endpointVersionRecord{},
		&endpointVersionRecord{},
	)
	ps := strings.Join(validateEndpointVersions("rollout", vs), "\n")
	for _, want := range []string{"at most 6 versions; got 7", "only one control version; found 2", "total 110",
		"versionc: trafficPercentile cannot be negative", "versiond: trafficPercentile cannot be negative or greater than 100, got 101",
		`type must be Control or Treatment, got "Canary"`, "exactly one default version; found 2"} {
		if !strings.Contains(ps, want) {
			t.Errorf("missing %q in:\n%s", want, ps)
		}
	}
	if ps := validateEndpointVersions("rollout", epVersions(&endpointVersionRecord{IsDefault: true, TrafficPercentile: pct(100)})); len(ps) != 0 {
		t.Fatalf("valid plan refused: %v", ps)
	}
}
