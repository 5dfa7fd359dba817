package endpoint

import (
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExplainPlan(t *testing.T) {
	p := plan(
		VersionTraffic{Name: "versiona", Percentile: 20, Type: VersionTypeTreatment},
		VersionTraffic{Name: "versionb", Percentile: 10, Type: VersionTypeControl},
		VersionTraffic{Name: "versionc", IsDefault: true},
	)
	assert.Equal(t, ""+
		"versiona  20%  treatment\n"+
		"versionb  10%  control\n"+
		"versionc  70%  default: 0% own + 70% unallocated (100 − 30 allocated)\n", p.Explain())
}

func TestExplainInvalidPlanListsProblems(t *testing.T) {
	p := plan(
		VersionTraffic{Name: "versiona", Percentile: 60},
		VersionTraffic{Name: "versionb", Percentile: 50},
	)
	assert.Equal(t, ""+
		"versiona  60%\n"+
		"versionb  50%\n"+
		"no single default version: 0% unallocated is not routed\n"+
		"invalid:\n"+
		"  - explicit traffic percentiles total 110 (versiona 60 + versionb 50), at most 100 is allowed\n"+
		"  - exactly one default version is required, found none\n", p.Explain())
	assert.Equal(t, "no versions\ninvalid:\n  - exactly one default version is required, found none\n", plan().Explain())
}

func TestExplainChange(t *testing.T) {
	base := plan(
		VersionTraffic{Name: "versiona", Percentile: 20, IsDefault: true},
		VersionTraffic{Name: "versionb", Percentile: 10},
	)
	c, err := base.Apply(VersionOp{Kind: OpUpdate, Version: "versionb", TrafficPercentile: to.Ptr(40.0), IsDefault: to.Ptr(true), IsControl: to.Ptr(true)})
	require.NoError(t, err)
	assert.Equal(t, "versiona 20 (not default), versionb 10→40 (default, control)", c.Summary())
	assert.Equal(t, ""+
		"versiona 20 (not default), versionb 10→40 (default, control)\n"+
		"versiona  90% → 20%  treatment\n"+
		"versionb  10% → 80%  default: 40% own + 40% unallocated (100 − 60 allocated), control\n", c.Explain())

	t.Run("percentile moves only", func(t *testing.T) {
		p := plan(
			VersionTraffic{Name: "versiona", Percentile: 20},
			VersionTraffic{Name: "versionb", Percentile: 10},
			VersionTraffic{Name: "versionc", IsDefault: true},
		)
		c, err := p.Apply(
			VersionOp{Kind: OpUpdate, Version: "versiona", TrafficPercentile: to.Ptr(10.0)},
			VersionOp{Kind: OpUpdate, Version: "versionb", TrafficPercentile: to.Ptr(40.0)},
		)
		require.NoError(t, err)
		assert.Equal(t, "versiona 20→10, versionb 10→40", c.Summary())
	})
	t.Run("create and delete", func(t *testing.T) {
		c, err := base.Apply(
			VersionOp{Kind: OpDelete, Version: "versionb"},
			VersionOp{Kind: OpCreate, Version: "versionc", TrafficPercentile: to.Ptr(5.0), IsControl: to.Ptr(true)},
		)
		require.NoError(t, err)
		assert.Equal(t, "versionb deleted, versionc 5 (new, control)", c.Summary())
		assert.Equal(t, ""+
			"versionb deleted, versionc 5 (new, control)\n"+
			"versiona  90% → 95%  default: 20% own + 75% unallocated (100 − 25 allocated), treatment\n"+
			"versionb  10% → —    deleted\n"+
			"versionc  — → 5%     control\n", c.Explain())
	})
	t.Run("no change", func(t *testing.T) {
		c, err := base.Apply()
		require.NoError(t, err)
		assert.Equal(t, "no change", c.Summary())
	})
	t.Run("invalid result is explained with its problems", func(t *testing.T) {
		c, err := base.Apply(VersionOp{Kind: OpDelete, Version: "versiona"})
		require.Error(t, err)
		assert.Contains(t, c.Explain(), "invalid:\n  - exactly one default version is required, found none\n")
	})
}
