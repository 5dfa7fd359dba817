package faulttest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// flows of the matrix; python marks those that deploy a service.
var flows = []struct {
	name   string
	python bool
	run    func(*env)
}{
	{"compute", false, computeFlow},
	{"model", false, modelFlow},
	{"deploy", true, deployFlow},
	{"score", true, scoreFlow},
	{"endpoint", true, endpointFlow},
}

// TestFaultMatrix runs every flow under every fault class, each in its own
// local workspace, and prints the matrix.
func TestFaultMatrix(t *testing.T) {
	start := time.Now()
	t.Run("run", func(t *testing.T) {
		for _, f := range flows {
			for _, c := range classes {
				t.Run(f.name+"/"+c.name, func(t *testing.T) {
					t.Parallel()
					if f.python {
						needPython(t)
					}
					e := newEnv(t, c)
					t.Cleanup(func() {
						result := "pass"
						if t.Failed() {
							result = "FAIL"
						}
						record(f.name, c.name, result, e.notes)
					})
					f.run(e)
					e.finish()
				})
			}
		}
	})
	t.Logf("fault matrix (%s):\n%s", time.Since(start).Round(100*time.Millisecond), matrixTable())
}

// matrixTable renders the recorded results, flows down, classes across,
// followed by the per-step notes of every run.
func matrixTable() string {
	matrix.Lock()
	defer matrix.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s", "flow")
	for _, c := range classes {
		fmt.Fprintf(&b, " | %s", c.name)
	}
	b.WriteString("\n")
	for _, f := range flows {
		fmt.Fprintf(&b, "%-10s", f.name)
		for _, c := range classes {
			r := matrix.cells[f.name][c.name]
			if r == "" {
				r = "skipped"
			}
			fmt.Fprintf(&b, " | %-*s", len(c.name), r)
		}
		b.WriteString("\n")
	}
	for _, f := range flows {
		for _, c := range classes {
			if notes := matrix.notes[f.name+"/"+c.name]; len(notes) > 0 {
				fmt.Fprintf(&b, "%s/%s: %s\n", f.name, c.name, strings.Join(notes, "; "))
			}
		}
	}
	return b.String()
}
