package endpoint

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
)

// Explain describes the plan in words: each version's effective share with
// its flags, where the unallocated traffic goes, and, for an invalid plan,
// every problem. For example:
//
//	versiona  20%  treatment
//	versionb  10%  control
//	versionc  70%  default: 0% own + 70% unallocated (100 − 30 allocated)
func (p TrafficPlan) Explain() string {
	var b strings.Builder
	if len(p.Versions) == 0 {
		b.WriteString("no versions\n")
	}
	rows := make([][]string, 0, len(p.Versions))
	for _, s := range p.Shares() {
		v, _ := p.Version(s.Version)
		rows = append(rows, []string{displayName(s.Version), formatPercent(s.Percent) + "%", p.describe(v, s)})
	}
	writeTable(&b, rows)
	if def := p.Default(); def == "" && len(p.Versions) > 0 {
		fmt.Fprintf(&b, "no single default version: %s%% unallocated is not routed\n", formatPercent(p.Remainder()))
	}
	writeProblems(&b, p.Validate())
	return b.String()
}

// describe renders a version's flags and, for the default, where its share
// comes from.
func (p TrafficPlan) describe(v VersionTraffic, s Share) string {
	var parts []string
	if v.IsDefault {
		parts = append(parts, fmt.Sprintf("default: %s%% own + %s%% unallocated (100 − %s allocated)",
			formatPercent(s.Explicit), formatPercent(s.Remainder), formatPercent(p.Allocated())))
	}
	switch v.Type {
	case VersionTypeControl:
		parts = append(parts, "control")
	case VersionTypeTreatment:
		parts = append(parts, "treatment")
	case "":
	default:
		parts = append(parts, "type "+quoteName(string(v.Type)))
	}
	return strings.Join(parts, ", ")
}

// writeTable writes rows as aligned columns, without trailing blanks.
func writeTable(b *strings.Builder, rows [][]string) {
	var buf strings.Builder
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	_ = tw.Flush()
	for line := range strings.Lines(buf.String()) {
		b.WriteString(strings.TrimRight(line, " \n"))
		b.WriteByte('\n')
	}
}

func writeProblems(b *strings.Builder, err error) {
	var pe *PlanError
	if !errors.As(err, &pe) {
		return
	}
	b.WriteString("invalid:\n")
	for _, pr := range pe.Problems {
		b.WriteString("  - ")
		b.WriteString(pr.Message)
		b.WriteByte('\n')
	}
}

// Summary is the one-line before → after diff of the explicit settings, for
// example "versiona 20→10, versionb 10→40 (default)". Versions whose settings
// did not change are left out; created versions read "versionb 10 (new)",
// deleted ones "versionb deleted". A change that changes nothing reads
// "no change".
func (c PlanChange) Summary() string {
	var items []string
	for _, name := range c.names() {
		before, hadBefore := c.Before.Version(name)
		after, hasAfter := c.After.Version(name)
		switch {
		case !hasAfter:
			items = append(items, displayName(name)+" deleted")
		case !hadBefore:
			items = append(items, displayName(name)+" "+formatPercent(after.Percentile)+annotate(flagsNew(after)))
		default:
			flags := flagsChanged(before, after)
			if before.Percentile == after.Percentile && len(flags) == 0 {
				continue
			}
			pct := formatPercent(after.Percentile)
			if before.Percentile != after.Percentile {
				pct = formatPercent(before.Percentile) + "→" + pct
			}
			items = append(items, displayName(name)+" "+pct+annotate(flags))
		}
	}
	if len(items) == 0 {
		return "no change"
	}
	return strings.Join(items, ", ")
}

// Explain describes the change: the Summary line, then each version's
// effective share before → after with its flags after the change, then the
// problems of the resulting plan, if any. For example:
//
//	versionb 10→40 (default, control)
//	versiona  90% → 20%  treatment
//	versionb  10% → 80%  default: 40% own + 40% unallocated (100 − 60 allocated), control
func (c PlanChange) Explain() string {
	var b strings.Builder
	b.WriteString(c.Summary())
	b.WriteByte('\n')
	var rows [][]string
	for _, name := range c.names() {
		before, hadBefore := c.Before.Share(name)
		after, hasAfter := c.After.Share(name)
		from, to := "—", "—"
		if hadBefore {
			from = formatPercent(before) + "%"
		}
		desc := "deleted"
		if hasAfter {
			to = formatPercent(after) + "%"
			v, _ := c.After.Version(name)
			s := c.After.Shares()[c.After.index(name)]
			desc = c.After.describe(v, s)
		}
		rows = append(rows, []string{displayName(name), from + " → " + to, desc})
	}
	writeTable(&b, rows)
	writeProblems(&b, c.After.Validate())
	return b.String()
}

// names lists the versions of Before in order, then those only in After.
func (c PlanChange) names() []string {
	var out []string
	seen := map[string]bool{}
	for _, plan := range []TrafficPlan{c.Before, c.After} {
		for _, v := range plan.Versions {
			if !seen[v.Name] {
				seen[v.Name] = true
				out = append(out, v.Name)
			}
		}
	}
	return out
}

func flagsNew(v VersionTraffic) []string {
	flags := []string{"new"}
	if v.IsDefault {
		flags = append(flags, "default")
	}
	if v.IsControl() {
		flags = append(flags, "control")
	}
	return flags
}

func flagsChanged(before, after VersionTraffic) []string {
	var flags []string
	if before.IsDefault != after.IsDefault {
		if after.IsDefault {
			flags = append(flags, "default")
		} else {
			flags = append(flags, "not default")
		}
	}
	if before.IsControl() != after.IsControl() {
		if after.IsControl() {
			flags = append(flags, "control")
		} else {
			flags = append(flags, "not control")
		}
	}
	return flags
}

func annotate(flags []string) string {
	if len(flags) == 0 {
		return ""
	}
	return " (" + strings.Join(flags, ", ") + ")"
}
