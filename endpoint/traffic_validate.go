package endpoint

import (
	"fmt"
	"math"
	"strings"
)

// PlanRule names the rule a PlanProblem breaks, so callers and tests can tell
// problems apart without parsing messages.
type PlanRule string

// The rules of a traffic plan and of the changes applied to it.
const (
	// RuleVersionCount: at most MaxVersions versions (reference §6.4).
	RuleVersionCount PlanRule = "version-count"
	// RuleDefault: exactly one default version.
	RuleDefault PlanRule = "default"
	// RuleControl: at most one control version.
	RuleControl PlanRule = "control"
	// RuleVersionType: type is Control, Treatment or empty.
	RuleVersionType PlanRule = "version-type"
	// RulePercentile: each percentile within 0–100.
	RulePercentile PlanRule = "percentile"
	// RuleTotal: the explicit percentiles total at most 100.
	RuleTotal PlanRule = "total"
	// RuleVersionName: the service-name rule (3–32, lowercase, …).
	RuleVersionName PlanRule = "version-name"
	// RuleDuplicateVersion: version names are unique.
	RuleDuplicateVersion PlanRule = "duplicate-version"
	// RuleUnknownVersion: an update or delete names a version that does not exist.
	RuleUnknownVersion PlanRule = "unknown-version"
	// RuleVersionExists: a create names a version that already exists.
	RuleVersionExists PlanRule = "version-exists"
	// RuleEndpointName: a new version is named like its endpoint, which makes
	// later endpoint-level updates (auth, App Insights) fail on the service
	// (MicrosoftDocs/azure-docs#53364).
	RuleEndpointName PlanRule = "endpoint-name"
)

// PlanProblem is one broken rule of a traffic plan.
type PlanProblem struct {
	// Rule is the rule broken.
	Rule PlanRule
	// Version names the version concerned, "" for whole-plan rules.
	Version string
	// Message describes the problem in words, naming versions and values.
	Message string
}

// String returns the message.
func (p PlanProblem) String() string { return p.Message }

// PlanError reports every problem of a traffic plan (or of a change to it)
// found before any request. Reach it with errors.As.
type PlanError struct {
	Problems []PlanProblem
}

// Error lists every problem, one per line.
func (e *PlanError) Error() string {
	if e == nil || len(e.Problems) == 0 {
		return "endpoint: invalid traffic plan"
	}
	var b strings.Builder
	if len(e.Problems) == 1 {
		b.WriteString("endpoint: invalid traffic plan: ")
		b.WriteString(e.Problems[0].Message)
		return b.String()
	}
	fmt.Fprintf(&b, "endpoint: invalid traffic plan (%d problems):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.Message)
	}
	return b.String()
}

// Has reports whether a problem breaks rule.
func (e *PlanError) Has(rule PlanRule) bool {
	return len(e.Find(rule)) > 0
}

// Find returns the problems that break rule.
func (e *PlanError) Find(rule PlanRule) []PlanProblem {
	if e == nil {
		return nil
	}
	var out []PlanProblem
	for _, p := range e.Problems {
		if p.Rule == rule {
			out = append(out, p)
		}
	}
	return out
}

// planProblems collects problems; err returns nil when there are none.
type planProblems []PlanProblem

func (ps *planProblems) add(rule PlanRule, version, format string, args ...any) {
	*ps = append(*ps, PlanProblem{Rule: rule, Version: version, Message: fmt.Sprintf(format, args...)})
}

func (ps planProblems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &PlanError{Problems: ps}
}

// totalEpsilon absorbs floating-point noise in sums such as 33.3+33.3+33.4.
const totalEpsilon = 1e-9

// Validate checks every rule of a traffic plan and returns all broken rules
// at once as a *PlanError, or nil:
//   - at most MaxVersions versions;
//   - version names valid (3–32 characters, lowercase letters, numbers or
//     dashes, starting with a letter, ending with a letter or number) and
//     unique;
//   - each percentile within 0–100, and the explicit percentiles total at
//     most 100;
//   - exactly one default version;
//   - at most one control version, and every type Control, Treatment or empty.
//
// The service documents these rules (reference §6.4) but azureml-core checks
// only the 0–100 range; whether the service refuses a total above 100 is not
// documented, so this SDK refuses it.
func (p TrafficPlan) Validate() error {
	var ps planProblems
	if n := len(p.Versions); n > MaxVersions {
		ps.add(RuleVersionCount, "", "%d versions, at most %d are allowed behind one endpoint", n, MaxVersions)
	}
	seen := make(map[string]bool, len(p.Versions))
	for _, v := range p.Versions {
		if msg := nameProblem(v.Name); msg != "" {
			ps.add(RuleVersionName, v.Name, "version name %s %s", quoteName(v.Name), msg)
		}
		if seen[v.Name] {
			ps.add(RuleDuplicateVersion, v.Name, "version name %s appears more than once", quoteName(v.Name))
		}
		seen[v.Name] = true
	}
	var total float64
	var terms []string
	for _, v := range p.Versions {
		if !(v.Percentile >= 0 && v.Percentile <= 100) { // also catches NaN
			ps.add(RulePercentile, v.Name, "version %s: traffic percentile %s must be within 0–100", quoteName(v.Name), formatPercent(v.Percentile))
			continue
		}
		if v.Percentile > 0 {
			total += v.Percentile
			terms = append(terms, displayName(v.Name)+" "+formatPercent(v.Percentile))
		}
	}
	if total > 100+totalEpsilon {
		ps.add(RuleTotal, "", "explicit traffic percentiles total %s (%s), at most 100 is allowed",
			formatPercent(total), strings.Join(terms, " + "))
	}
	var defaults, controls []string
	for _, v := range p.Versions {
		if v.IsDefault {
			defaults = append(defaults, displayName(v.Name))
		}
		switch v.Type {
		case VersionTypeControl:
			controls = append(controls, displayName(v.Name))
		case VersionTypeTreatment, "":
		default:
			ps.add(RuleVersionType, v.Name, "version %s: type %s must be %q or %q", quoteName(v.Name), quoteName(string(v.Type)), VersionTypeControl, VersionTypeTreatment)
		}
	}
	switch len(defaults) {
	case 1:
	case 0:
		ps.add(RuleDefault, "", "exactly one default version is required, found none")
	default:
		ps.add(RuleDefault, "", "exactly one default version is required, found %d: %s", len(defaults), strings.Join(defaults, ", "))
	}
	if len(controls) > 1 {
		ps.add(RuleControl, "", "at most one control version is allowed, found %d: %s", len(controls), strings.Join(controls, ", "))
	}
	return ps.err()
}

// formatPercent renders a percentage without trailing zeros: 20, 33.5, -5.
func formatPercent(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return fmt.Sprint(roundPercent(v)) // %v of a float64 is strconv 'g' shortest form
}
