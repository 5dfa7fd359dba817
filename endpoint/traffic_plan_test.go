package endpoint

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func plan(vs ...VersionTraffic) TrafficPlan { return TrafficPlan{Versions: vs} }

func TestSharesRemainderGoesToDefault(t *testing.T) {
	tests := []struct {
		name string
		p    TrafficPlan
		want map[string]float64
	}{
		{"doc example 20/10 -> 70 to the default", plan(
			VersionTraffic{Name: "versiona", Percentile: 20},
			VersionTraffic{Name: "versionb", Percentile: 10},
			VersionTraffic{Name: "versionc", IsDefault: true},
		), map[string]float64{"versiona": 20, "versionb": 10, "versionc": 70}},
		{"default keeps its own percentile and gets the remainder", plan(
			VersionTraffic{Name: "versiona", Percentile: 20, IsDefault: true},
			VersionTraffic{Name: "versionb", Percentile: 10},
		), map[string]float64{"versiona": 90, "versionb": 10}},
		{"single default version gets everything", plan(
			VersionTraffic{Name: "versiona", Percentile: 20, IsDefault: true},
		), map[string]float64{"versiona": 100}},
		{"fully allocated leaves nothing", plan(
			VersionTraffic{Name: "versiona", Percentile: 60},
			VersionTraffic{Name: "versionb", Percentile: 40, IsDefault: true},
		), map[string]float64{"versiona": 60, "versionb": 40}},
		{"fractions round cleanly", plan(
			VersionTraffic{Name: "versiona", Percentile: 30.1},
			VersionTraffic{Name: "versionb", IsDefault: true},
		), map[string]float64{"versiona": 30.1, "versionb": 69.9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.p.Validate())
			got := map[string]float64{}
			var sum float64
			for _, s := range tt.p.Shares() {
				got[s.Version] = s.Percent
				sum += s.Percent
			}
			assert.Equal(t, tt.want, got)
			assert.InDelta(t, 100, sum, 1e-9)
		})
	}
}

func TestPlanAccessors(t *testing.T) {
	p := plan(
		VersionTraffic{Name: "versiona", Percentile: 20, Type: VersionTypeControl},
		VersionTraffic{Name: "versionb", Percentile: 10, IsDefault: true, Type: VersionTypeTreatment},
	)
	assert.Equal(t, "versionb", p.Default())
	assert.Equal(t, "versiona", p.Control())
	assert.Equal(t, 30.0, p.Allocated())
	assert.Equal(t, 70.0, p.Remainder())
	share, ok := p.Share("versionb")
	assert.True(t, ok)
	assert.Equal(t, 80.0, share)
	_, ok = p.Share("nope")
	assert.False(t, ok)
	assert.Equal(t, "", plan(VersionTraffic{Name: "aaa", IsDefault: true}, VersionTraffic{Name: "bbb", IsDefault: true}).Default())
	assert.Equal(t, 0.0, plan(VersionTraffic{Name: "aaa", Percentile: 150}).Remainder())
}

// The five invalid plans of the issue, each alone and all at once.
func TestValidateNamesEveryProblem(t *testing.T) {
	seven := make([]VersionTraffic, 7)
	for i := range seven {
		seven[i] = VersionTraffic{Name: fmt.Sprintf("version%d", i+1)}
	}
	seven[0].IsDefault = true
	tests := []struct {
		name string
		p    TrafficPlan
		want map[PlanRule][]string // rule -> substrings of its message
	}{
		{"7 versions", plan(seven...), map[PlanRule][]string{RuleVersionCount: {"7 versions", "at most 6"}}},
		{"two controls", plan(
			VersionTraffic{Name: "versiona", IsDefault: true, Type: VersionTypeControl},
			VersionTraffic{Name: "versionb", Type: VersionTypeControl},
		), map[PlanRule][]string{RuleControl: {"found 2", "versiona, versionb"}}},
		{"60 + 50", plan(
			VersionTraffic{Name: "versiona", Percentile: 60, IsDefault: true},
			VersionTraffic{Name: "versionb", Percentile: 50},
		), map[PlanRule][]string{RuleTotal: {"total 110", "versiona 60 + versionb 50"}}},
		{"-5", plan(
			VersionTraffic{Name: "versiona", Percentile: -5, IsDefault: true},
		), map[PlanRule][]string{RulePercentile: {`"versiona"`, "-5", "0–100"}}},
		{"101", plan(
			VersionTraffic{Name: "versiona", Percentile: 101, IsDefault: true},
		), map[PlanRule][]string{RulePercentile: {`"versiona"`, "101", "0–100"}}},
		{"no default", plan(VersionTraffic{Name: "versiona"}), map[PlanRule][]string{RuleDefault: {"found none"}}},
		{"two defaults", plan(
			VersionTraffic{Name: "versiona", IsDefault: true},
			VersionTraffic{Name: "versionb", IsDefault: true},
		), map[PlanRule][]string{RuleDefault: {"found 2", "versiona, versionb"}}},
		{"bad and duplicate names", plan(
			VersionTraffic{Name: "Version-A", IsDefault: true},
			VersionTraffic{Name: "ab"},
			VersionTraffic{Name: "versionb"},
			VersionTraffic{Name: "versionb"},
			VersionTraffic{Name: "trailing-"},
		), map[PlanRule][]string{
			RuleVersionName:      {`"Version-A"`, `"ab"`, "between 3 and 32", `"trailing-"`},
			RuleDuplicateVersion: {`"versionb"`},
		}},
		{"unknown type and NaN", plan(
			VersionTraffic{Name: "versiona", IsDefault: true, Type: "Canary", Percentile: math.NaN()},
		), map[PlanRule][]string{RuleVersionType: {`"Canary"`}, RulePercentile: {"NaN"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			var pe *PlanError
			require.True(t, errors.As(err, &pe), "got %v", err)
			rules := map[PlanRule]bool{}
			for _, pr := range pe.Problems {
				rules[pr.Rule] = true
			}
			for rule, subs := range tt.want {
				found := pe.Find(rule)
				require.NotEmpty(t, found, "rule %s missing in %v", rule, err)
				var all string
				for _, f := range found {
					all += f.Message + "\n"
				}
				for _, s := range subs {
					assert.Contains(t, all, s)
				}
				delete(rules, rule)
			}
			assert.Empty(t, rules, "unexpected extra problems: %v", err)
		})
	}

	t.Run("all five at once", func(t *testing.T) {
		vs := []VersionTraffic{
			{Name: "versiona", Percentile: 60, IsDefault: true, Type: VersionTypeControl},
			{Name: "versionb", Percentile: 50, Type: VersionTypeControl},
			{Name: "versionc", Percentile: -5},
			{Name: "versiond", Percentile: 101},
			{Name: "versione"}, {Name: "versionf"}, {Name: "versiong"},
		}
		err := plan(vs...).Validate()
		var pe *PlanError
		require.ErrorAs(t, err, &pe)
		for _, rule := range []PlanRule{RuleVersionCount, RuleControl, RuleTotal, RulePercentile} {
			assert.True(t, pe.Has(rule), "missing %s", rule)
		}
		assert.Len(t, pe.Find(RulePercentile), 2)
		assert.Len(t, pe.Problems, 5)
		msg := err.Error()
		for _, s := range []string{"7 versions", "found 2: versiona, versionb", "total 110", `"versionc": traffic percentile -5`, `"versiond": traffic percentile 101`} {
			assert.Contains(t, msg, s)
		}
	})
}

func TestValidateAcceptsEdges(t *testing.T) {
	ok := []TrafficPlan{
		plan(VersionTraffic{Name: "abc", IsDefault: true}),
		plan(VersionTraffic{Name: "a" + string(make([]byte, 0)) + "0123456789012345678901234567890", IsDefault: true}),
		plan(
			VersionTraffic{Name: "versiona", Percentile: 33.3},
			VersionTraffic{Name: "versionb", Percentile: 33.3},
			VersionTraffic{Name: "versionc", Percentile: 33.4, IsDefault: true, Type: VersionTypeControl},
		),
		plan(
			VersionTraffic{Name: "version1", Percentile: 100, Type: VersionTypeTreatment},
			VersionTraffic{Name: "version2", IsDefault: true},
			VersionTraffic{Name: "version3"}, VersionTraffic{Name: "version4"},
			VersionTraffic{Name: "version5"}, VersionTraffic{Name: "version6"},
		),
	}
	for i, p := range ok {
		assert.NoError(t, p.Validate(), "plan %d", i)
	}
	assert.Error(t, ValidateVersionName("a0123456789012345678901234567890x"))
	assert.NoError(t, ValidateVersionName("v-1"))
	assert.Error(t, ValidateVersionName("1abc"))
}

func TestPlanErrorRendering(t *testing.T) {
	single := plan(VersionTraffic{Name: "versiona"}).Validate()
	assert.Equal(t, "endpoint: invalid traffic plan: exactly one default version is required, found none", single.Error())
	var nilErr *PlanError
	assert.Equal(t, "endpoint: invalid traffic plan", nilErr.Error())
	assert.False(t, nilErr.Has(RuleDefault))
}

func TestApply(t *testing.T) {
	base := plan(VersionTraffic{Name: "versiona", Percentile: 20, IsDefault: true})

	t.Run("create then update to default and control", func(t *testing.T) {
		c, err := base.Apply(VersionOp{Kind: OpCreate, Version: "versionb", TrafficPercentile: to.Ptr(10.0)})
		require.NoError(t, err)
		assert.Equal(t, base, c.Before)
		b, _ := c.After.Version("versionb")
		assert.Equal(t, VersionTraffic{Name: "versionb", Percentile: 10}, b)
		share, _ := c.After.Share("versiona")
		assert.Equal(t, 90.0, share)

		c2, err := c.After.Apply(VersionOp{Kind: OpUpdate, Version: "versionb", TrafficPercentile: to.Ptr(40.0), IsDefault: to.Ptr(true), IsControl: to.Ptr(true)})
		require.NoError(t, err)
		assert.Equal(t, []VersionTraffic{
			{Name: "versiona", Percentile: 20, Type: VersionTypeTreatment},
			{Name: "versionb", Percentile: 40, IsDefault: true, Type: VersionTypeControl},
		}, c2.After.Versions)
		share, _ = c2.After.Share("versionb")
		assert.Equal(t, 80.0, share)
		// Apply never modifies the receiver.
		a, _ := c.After.Version("versiona")
		assert.True(t, a.IsDefault)
	})
	t.Run("create as default and control flips the others", func(t *testing.T) {
		p := plan(VersionTraffic{Name: "versiona", IsDefault: true, Type: VersionTypeControl})
		c, err := p.Apply(VersionOp{Kind: OpCreate, Version: "versionb", IsDefault: to.Ptr(true), IsControl: to.Ptr(true)})
		require.NoError(t, err)
		assert.Equal(t, "versionb", c.After.Default())
		assert.Equal(t, "versionb", c.After.Control())
		a, _ := c.After.Version("versiona")
		assert.Equal(t, VersionTypeTreatment, a.Type)
	})
	t.Run("create with IsControl false sends no type", func(t *testing.T) {
		c, err := base.Apply(VersionOp{Kind: OpCreate, Version: "versionb", IsControl: to.Ptr(false)})
		require.NoError(t, err)
		b, _ := c.After.Version("versionb")
		assert.Equal(t, VersionType(""), b.Type)
	})
	t.Run("update control false makes a treatment", func(t *testing.T) {
		p := plan(VersionTraffic{Name: "versiona", IsDefault: true, Type: VersionTypeControl})
		c, err := p.Apply(VersionOp{Kind: OpUpdate, Version: "versiona", IsControl: to.Ptr(false)})
		require.NoError(t, err)
		assert.Equal(t, "", c.After.Control())
	})
	t.Run("every problem of ops and result at once", func(t *testing.T) {
		c, err := base.Apply(
			VersionOp{Kind: OpCreate, Version: "versiona"},
			VersionOp{Kind: OpUpdate, Version: "ghost"},
			VersionOp{Kind: OpDelete, Version: "phantom"},
			VersionOp{Kind: OpCreate, Version: "versionb", TrafficPercentile: to.Ptr(90.0)},
			VersionOp{Kind: OpCreate, Version: "versionc", TrafficPercentile: to.Ptr(-1.0)},
			VersionOp{Kind: 42, Version: "x"},
		)
		var pe *PlanError
		require.ErrorAs(t, err, &pe)
		assert.Len(t, pe.Find(RuleVersionExists), 1)
		assert.Len(t, pe.Find(RuleUnknownVersion), 3)
		assert.True(t, pe.Has(RuleTotal))
		assert.True(t, pe.Has(RulePercentile))
		assert.Len(t, c.After.Versions, 3)
	})
	t.Run("deleting the default leaves no default", func(t *testing.T) {
		p := plan(VersionTraffic{Name: "versiona", IsDefault: true}, VersionTraffic{Name: "versionb", Percentile: 10})
		_, err := p.Apply(VersionOp{Kind: OpDelete, Version: "versiona"})
		var pe *PlanError
		require.ErrorAs(t, err, &pe)
		assert.True(t, pe.Has(RuleDefault))
	})
	t.Run("a seventh version is refused", func(t *testing.T) {
		p := plan(VersionTraffic{Name: "version1", IsDefault: true})
		var ops []VersionOp
		for i := 2; i <= 7; i++ {
			ops = append(ops, VersionOp{Kind: OpCreate, Version: fmt.Sprintf("version%d", i)})
		}
		_, err := p.Apply(ops...)
		var pe *PlanError
		require.ErrorAs(t, err, &pe)
		assert.True(t, pe.Has(RuleVersionCount))
	})
	assert.Equal(t, "create", OpCreate.String())
	assert.Equal(t, "update", OpUpdate.String())
	assert.Equal(t, "delete", OpDelete.String())
	assert.Equal(t, "unknown", OpKind(9).String())
}
