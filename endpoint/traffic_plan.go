package endpoint

import (
	"math"
	"slices"
)

// MaxVersions is the most versions one endpoint may have (reference §6.4).
const MaxVersions = 6

// VersionType labels a version as the control of an experiment or as one of
// its treatments (wire field "type" of a version).
type VersionType string

// The version types of the wire (VariantType in azureml-core).
const (
	VersionTypeControl   VersionType = "Control"
	VersionTypeTreatment VersionType = "Treatment"
)

// VersionTraffic is one version's place in a TrafficPlan.
type VersionTraffic struct {
	// Name is the version name.
	Name string
	// Percentile is the explicit traffic percentile (wire trafficPercentile),
	// 0–100. Zero also stands for "not set": such a version receives no
	// traffic unless it is the default.
	Percentile float64
	// IsDefault marks the version that receives the traffic the explicit
	// percentiles leave unallocated.
	IsDefault bool
	// Type is Control, Treatment or empty (the service set no type).
	Type VersionType
}

// IsControl reports whether the version is the control version.
func (v VersionTraffic) IsControl() bool { return v.Type == VersionTypeControl }

// TrafficPlan is the traffic split of an endpoint: its versions with their
// explicit percentiles, default and control flags. The effective share of a
// version is its explicit percentile; the default version also receives
// whatever the explicit percentiles leave unallocated (100 − their total).
//
// A TrafficPlan is a value: methods never modify it. The order of Versions is
// kept in explanations; plans built from the service are sorted by name.
type TrafficPlan struct {
	Versions []VersionTraffic
}

// Share is a version's effective share of the traffic.
type Share struct {
	// Version is the version name.
	Version string
	// Percent is the share of requests the version receives, 0–100.
	Percent float64
	// Explicit is the version's own percentile.
	Explicit float64
	// Remainder is the unallocated traffic added to the default version's
	// own percentile; zero for other versions.
	Remainder float64
}

// Version returns the named version and whether it is in the plan.
func (p TrafficPlan) Version(name string) (VersionTraffic, bool) {
	i := p.index(name)
	if i < 0 {
		return VersionTraffic{}, false
	}
	return p.Versions[i], true
}

func (p TrafficPlan) index(name string) int {
	return slices.IndexFunc(p.Versions, func(v VersionTraffic) bool { return v.Name == name })
}

// Default returns the name of the default version, or "" when no version (or
// more than one) is the default.
func (p TrafficPlan) Default() string {
	return p.only(func(v VersionTraffic) bool { return v.IsDefault })
}

// Control returns the name of the control version, or "" when there is none
// (or more than one).
func (p TrafficPlan) Control() string { return p.only(VersionTraffic.IsControl) }

func (p TrafficPlan) only(match func(VersionTraffic) bool) string {
	found := ""
	for _, v := range p.Versions {
		if match(v) {
			if found != "" {
				return ""
			}
			found = v.Name
		}
	}
	return found
}

// Allocated is the total of the explicit percentiles.
func (p TrafficPlan) Allocated() float64 {
	var sum float64
	for _, v := range p.Versions {
		sum += v.Percentile
	}
	return sum
}

// Remainder is the traffic the explicit percentiles leave unallocated, which
// the default version receives: 100 − Allocated, never below zero.
func (p TrafficPlan) Remainder() float64 {
	return math.Max(0, roundPercent(100-p.Allocated()))
}

// Shares returns every version's effective share, in plan order. For an
// invalid plan the figures are a best effort (a plan without a single default
// leaves the remainder unassigned); Validate first.
func (p TrafficPlan) Shares() []Share {
	def := p.Default()
	rem := p.Remainder()
	out := make([]Share, len(p.Versions))
	for i, v := range p.Versions {
		s := Share{Version: v.Name, Explicit: v.Percentile, Percent: v.Percentile}
		if def != "" && v.Name == def {
			s.Remainder = rem
			s.Percent = roundPercent(v.Percentile + rem)
		}
		out[i] = s
	}
	return out
}

// Share returns the effective share of the named version.
func (p TrafficPlan) Share(version string) (float64, bool) {
	for _, s := range p.Shares() {
		if s.Version == version {
			return s.Percent, true
		}
	}
	return 0, false
}

// clone returns a deep copy of the plan.
func (p TrafficPlan) clone() TrafficPlan {
	return TrafficPlan{Versions: slices.Clone(p.Versions)}
}

// roundPercent removes floating-point noise (100 − 30.1 = 69.9, not
// 69.89999999999999) by rounding to 1e-9 of a percent.
func roundPercent(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	return math.Round(v*1e9) / 1e9
}
