package emulator

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// endpointPlanTolerance absorbs floating-point noise in percentile sums.
const endpointPlanTolerance = 1e-9

// validateEndpointVersions applies the documented rules of reference §6.4 to
// an endpoint's versions and returns every broken one: at most six versions,
// valid names, exactly one default, at most one control, percentiles within
// 0–100. Whether the service refuses explicit percentiles totalling more than
// 100 is not documented (UNCONFIRMED); the local workspace refuses them,
// because the remainder rule cannot give the default a negative share.
func validateEndpointVersions(endpoint string, vs map[string]*endpointVersionRecord) []string {
	var ps []string
	if len(vs) > maxEndpointVersions {
		ps = append(ps, fmt.Sprintf("An endpoint can have at most %d versions; got %d.", maxEndpointVersions, len(vs)))
	}
	var defaults, controls []string
	var total float64
	for _, name := range sortedVersionNames(vs) {
		v := vs[name]
		if p := validateServiceName(name); p != "" {
			ps = append(ps, "Version name: "+p)
		}
		if v.TrafficPercentile != nil {
			p := *v.TrafficPercentile
			if !(p >= 0 && p <= 100) {
				ps = append(ps, fmt.Sprintf("Version %s: trafficPercentile cannot be negative or greater than 100, got %v.", name, p))
			} else {
				total += p
			}
		}
		if v.IsDefault {
			defaults = append(defaults, name)
		}
		if v.Type != nil {
			switch *v.Type {
			case endpointTypeControl:
				controls = append(controls, name)
			case endpointTypeTreatment:
			default:
				ps = append(ps, fmt.Sprintf("Version %s: type must be %s or %s, got %q.", name, endpointTypeControl, endpointTypeTreatment, *v.Type))
			}
		}
	}
	if total > 100+endpointPlanTolerance {
		ps = append(ps, fmt.Sprintf("The traffic percentiles of endpoint %s total %v; they cannot exceed 100.", endpoint, total))
	}
	if len(vs) > 0 && len(defaults) != 1 {
		ps = append(ps, fmt.Sprintf("Endpoint %s must have exactly one default version; found %d (%s).", endpoint, len(defaults), strings.Join(defaults, ", ")))
	}
	if len(controls) > 1 {
		ps = append(ps, fmt.Sprintf("Endpoint %s can have only one control version; found %d (%s).", endpoint, len(controls), strings.Join(controls, ", ")))
	}
	return ps
}

func sortedVersionNames(vs map[string]*endpointVersionRecord) []string {
	names := make([]string, 0, len(vs))
	for n := range vs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// versionWeight is a version's effective share of the traffic.
type versionWeight struct {
	name   string
	weight float64
}

// effectiveWeights returns the routing weights of the versions that can
// serve (ready reports that): each its explicit percentile, the default also
// the remainder (100 − the explicit percentiles of the serving versions), so
// a version that is not serving yet passes its share to the default. Versions
// with no weight are left out.
func effectiveWeights(vs map[string]*endpointVersionRecord, ready func(string) bool) []versionWeight {
	var out []versionWeight
	var allocated float64
	def := ""
	for _, name := range sortedVersionNames(vs) {
		v := vs[name]
		if !ready(name) {
			continue
		}
		p := 0.0
		if v.TrafficPercentile != nil && *v.TrafficPercentile > 0 && *v.TrafficPercentile <= 100 {
			p = *v.TrafficPercentile
		}
		allocated += p
		if v.IsDefault {
			def = name
		}
		out = append(out, versionWeight{name: name, weight: p})
	}
	if def != "" {
		for i := range out {
			if out[i].name == def {
				out[i].weight += math.Max(0, 100-allocated)
			}
		}
	}
	kept := out[:0]
	for _, w := range out {
		if w.weight > 0 {
			kept = append(kept, w)
		}
	}
	return kept
}

// pickVersion chooses a version at random in proportion to the weights;
// "" when there is none.
func pickVersion(ws []versionWeight) string {
	var total float64
	for _, w := range ws {
		total += w.weight
	}
	if total <= 0 {
		return ""
	}
	x := rand.Float64() * total
	for _, w := range ws {
		if x < w.weight {
			return w.name
		}
		x -= w.weight
	}
	return ws[len(ws)-1].name
}

func sortStrings(s []string) { sort.Strings(s) }
