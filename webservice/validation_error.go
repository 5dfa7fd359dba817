package webservice

import "strings"

// ValidationError reports every problem found in a configuration or request
// before any network call. Reach it with errors.As.
type ValidationError struct {
	// Problems lists each broken rule, in field order.
	Problems []Problem
}

// Problem is one broken rule.
type Problem struct {
	// Field is the Go field the rule is about, for example "CPUCoresLimit".
	Field string
	// Param is the matching azureml-core parameter or JSON name, for example
	// "cpu_cores_limit".
	Param string
	// Rule says what is wrong, for example "must be >= CPUCores (0.5), got 0.25".
	Rule string
}

// String renders the problem as one "Invalid configuration, ..." line, the
// wording azureml-core uses.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString("Invalid configuration, ")
	b.WriteString(p.Field)
	if p.Param != "" {
		b.WriteString(" (")
		b.WriteString(p.Param)
		b.WriteString(")")
	}
	b.WriteString(" ")
	b.WriteString(p.Rule)
	return b.String()
}

// Error lists every problem, one per line.
func (e *ValidationError) Error() string {
	if e == nil || len(e.Problems) == 0 {
		return "Invalid configuration"
	}
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// HasField reports whether a problem names field.
func (e *ValidationError) HasField(field string) bool {
	for _, p := range e.Problems {
		if p.Field == field {
			return true
		}
	}
	return false
}

// problems collects Problems; its err method returns nil when there are none.
type problems []Problem

func (ps *problems) add(field, param, rule string) {
	*ps = append(*ps, Problem{Field: field, Param: param, Rule: rule})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}
