package endpoint

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// fuzzPlan builds a plan from fuzz input: names separated by commas, one
// percentile byte (int8) and one flag byte per version.
func fuzzPlan(names string, pcts, flags []byte) TrafficPlan {
	var p TrafficPlan
	for i, n := range strings.Split(names, ",") {
		if i >= 10 {
			break
		}
		v := VersionTraffic{Name: n}
		if i < len(pcts) {
			v.Percentile = float64(int8(pcts[i])) * 1.5
		}
		if i < len(flags) {
			f := flags[i]
			v.IsDefault = f&1 != 0
			switch {
			case f&2 != 0:
				v.Type = VersionTypeControl
			case f&4 != 0:
				v.Type = VersionTypeTreatment
			case f&8 != 0:
				v.Type = "Shadow"
			}
		}
		p.Versions = append(p.Versions, v)
	}
	return p
}

func FuzzTrafficPlan(f *testing.F) {
	f.Add("versiona,versionb,versionc", []byte{14, 7, 0}, []byte{4, 2, 1}, uint8(2), "versionb", 40.0, uint8(3))
	f.Add("versiona,versionb", []byte{40, 34}, []byte{3, 2}, uint8(1), "versionc", -5.0, uint8(0))
	f.Add("a,a,Bad_Name,,x-", []byte{200, 255}, []byte{1, 1, 8}, uint8(3), "a", math.NaN(), uint8(1))
	f.Add("v1x,v2x,v3x,v4x,v5x,v6x,v7x", []byte{}, []byte{1}, uint8(1), "v8x", math.Inf(1), uint8(2))
	f.Fuzz(func(t *testing.T, names string, pcts, flags []byte, kind uint8, opVersion string, opPct float64, opFlags uint8) {
		p := fuzzPlan(names, pcts, flags)
		err := p.Validate()
		explained := p.Explain()
		for _, v := range p.Versions {
			if !strings.Contains(explained, displayName(v.Name)) {
				t.Fatalf("Explain omits %q:\n%s", v.Name, explained)
			}
		}
		if (err != nil) != strings.Contains(explained, "\ninvalid:\n") && (err != nil) != strings.HasPrefix(explained, "invalid:") {
			t.Fatalf("Explain and Validate disagree: err=%v\n%s", err, explained)
		}
		if err == nil {
			checkValidPlan(t, p)
		} else if pe, ok := err.(*PlanError); !ok || len(pe.Problems) == 0 {
			t.Fatalf("Validate returned %T %v", err, err)
		}

		op := VersionOp{Kind: OpKind(kind%4 + 1), Version: opVersion}
		if opFlags&1 != 0 {
			op.TrafficPercentile = &opPct
		}
		if opFlags&2 != 0 {
			b := opFlags&8 == 0
			op.IsDefault = &b
		}
		if opFlags&4 != 0 {
			b := opFlags&16 == 0
			op.IsControl = &b
		}
		c, err := p.Apply(op)
		_ = c.Explain()
		_ = c.Summary()
		if err == nil {
			checkValidPlan(t, c.After)
		}
		others := make([]string, 0, len(p.Versions))
		for _, v := range p.Versions {
			others = append(others, v.Name)
		}
		flagsOf := versionFlags{TrafficPercentile: op.TrafficPercentile, IsDefault: op.IsDefault, IsControl: op.IsControl}
		ops := updateVersionPatch(others, opVersion, VersionSettings{}, flagsOf, nil)
		if _, err := marshalPatch(ops); err != nil && (op.TrafficPercentile == nil || !math.IsNaN(opPct) && !math.IsInf(opPct, 0)) {
			t.Fatalf("update patch does not marshal: %v", err)
		}
		if created, err := createVersionPatch(others, opVersion, json.RawMessage(`{"name":"x"}`), flagsOf); err == nil {
			if _, err := marshalPatch(created); err != nil {
				t.Fatalf("create patch does not marshal: %v", err)
			}
		}
	})
}

// checkValidPlan asserts the invariants of a plan that passed Validate.
func checkValidPlan(t *testing.T, p TrafficPlan) {
	t.Helper()
	if p.Default() == "" {
		t.Fatalf("valid plan without a single default: %+v", p)
	}
	if len(p.Versions) > MaxVersions {
		t.Fatalf("valid plan with %d versions", len(p.Versions))
	}
	var sum float64
	for _, s := range p.Shares() {
		if s.Percent < 0 || s.Percent > 100+totalEpsilon {
			t.Fatalf("share out of range: %+v", s)
		}
		sum += s.Percent
	}
	if math.Abs(sum-100) > 1e-6 {
		t.Fatalf("shares of a valid plan sum to %v: %+v", sum, p.Shares())
	}
}
