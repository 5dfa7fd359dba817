package main

import (
	"errors"
	"fmt"
	"strings"
)

// problemLine renders one validation problem for the command line: the flag (when the
// SDK field maps to one), the SDK field, the rule and the message.
func problemLine(flags map[string]string, field, rule, msg string) string {
	var b strings.Builder
	if fl, ok := flags[field]; ok {
		fmt.Fprintf(&b, "flag %s (%s)", fl, field)
	} else if field != "" {
		b.WriteString(field)
	}
	if rule != "" {
		fmt.Fprintf(&b, " [%s]", rule)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(msg)
	return b.String()
}

// problemsErr is bad input listing every problem found, one per line. The errors it was
// built from stay reachable with errors.As (an SDK *ValidationError, for instance).
type problemsErr struct {
	cmd   string
	title string
	// where names the file the problems are in ("" for flags).
	where  string
	lines  []string
	causes []error
}

func (e *problemsErr) Error() string {
	var b strings.Builder
	if e.cmd != "" {
		b.WriteString(e.cmd + ": ")
	}
	b.WriteString(e.title)
	if e.where != "" {
		b.WriteString(" in " + e.where)
	}
	if len(e.lines) == 1 {
		b.WriteString(": " + e.lines[0])
		return b.String()
	}
	fmt.Fprintf(&b, " (%d problems):", len(e.lines))
	for _, l := range e.lines {
		b.WriteString("\n  - " + l)
	}
	return b.String()
}

func (e *problemsErr) Unwrap() []error { return e.causes }

// problemsError builds a *problemsErr from the lines of one SDK validation error.
func problemsError(cmd, title string, lines []string, cause error) error {
	return &problemsErr{cmd: cmd, title: title, lines: lines, causes: []error{cause}}
}

// fileProblemsError is problemsError for problems found in a file.
func fileProblemsError(cmd, title, where string, lines []string, cause error) error {
	return &problemsErr{cmd: cmd, title: title, where: where, lines: lines, causes: []error{cause}}
}

// joinProblems combines the results of several checks (nil ones are skipped) into one
// error that reports every problem at once, or nil.
func joinProblems(cmd string, errs ...error) error {
	var kept []error
	for _, e := range errs {
		if e != nil {
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	out := &problemsErr{cmd: cmd, causes: kept}
	for _, e := range kept {
		var pe *problemsErr
		if errors.As(e, &pe) {
			for _, l := range pe.lines {
				if pe.where != "" {
					l = pe.where + ": " + l
				}
				out.lines = append(out.lines, l)
			}
			if out.title == "" {
				out.title, out.where = pe.title, pe.where
			}
			continue
		}
		out.lines = append(out.lines, strings.TrimPrefix(e.Error(), cmd+": "))
	}
	if len(kept) > 1 || out.title == "" {
		out.title, out.where = "invalid input", ""
	} else {
		// One source: its lines are not prefixed, the title names the file.
		out.lines = nil
		var pe *problemsErr
		if errors.As(kept[0], &pe) {
			out.lines = pe.lines
		}
	}
	return out
}
