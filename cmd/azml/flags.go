package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// flagSet wraps flag.FlagSet with what az ml users expect: every flag has a short and a
// long spelling (-n / --name), some are required, some repeat, and the help text lists
// each flag once with all its spellings.
type flagSet struct {
	cmd  string
	fs   *flag.FlagSet
	defs []*flagDef
	// byName maps every spelling (without dashes) to its definition.
	byName map[string]*flagDef
	// set holds the definitions given on the command line, after parse.
	set map[*flagDef]bool
}

// flagDef is one flag with all its spellings.
type flagDef struct {
	names    []string // spellings without dashes, short ones first
	metavar  string   // "" for booleans
	usage    string
	required bool
	global   bool
}

// spelling renders the flag for messages: "-n/--name".
func (d *flagDef) spelling() string {
	parts := make([]string, len(d.names))
	for i, n := range d.names {
		parts[i] = dashed(n)
	}
	return strings.Join(parts, "/")
}

// long returns the longest spelling with dashes, the one used in messages about values.
func (d *flagDef) long() string {
	best := d.names[0]
	for _, n := range d.names {
		if len(n) > len(best) {
			best = n
		}
	}
	return dashed(best)
}

// dashed adds one dash to a one-letter flag and two to longer ones, as az does.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	if len(name) == 2 && (name == "ct" || name == "ic" || name == "dc") {
		return "-" + name
	}
	return "--" + name
}

func newFlagSet(cmd string) *flagSet {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{cmd: cmd, fs: fs, byName: map[string]*flagDef{}}
}

// define registers value under every spelling in names ("n,name").
func (f *flagSet) define(value flag.Value, names, metavar, usage string) *flagDef {
	d := &flagDef{names: strings.Split(names, ","), metavar: metavar, usage: usage}
	for _, n := range d.names {
		if _, dup := f.byName[n]; dup {
			panic("azml: flag defined twice: " + n) // a programming error, caught by tests
		}
		f.byName[n] = d
		f.fs.Var(value, n, usage)
	}
	f.defs = append(f.defs, d)
	return d
}

// String defines a string flag.
func (f *flagSet) String(p *string, names, metavar, usage string) *flagDef {
	return f.define((*stringValue)(p), names, metavar, usage)
}

// Bool defines a boolean flag (given alone means true).
func (f *flagSet) Bool(p *bool, names, usage string) *flagDef {
	return f.define((*boolValue)(p), names, "", usage)
}

// Strings defines a repeatable string flag; each occurrence appends.
func (f *flagSet) Strings(p *[]string, names, metavar, usage string) *flagDef {
	return f.define((*stringsValue)(p), names, metavar, usage+" (repeatable)")
}

// Int defines an optional integer flag: unset leaves the SDK default.
func (f *flagSet) Int(p *optInt, names, metavar, usage string) *flagDef {
	return f.define(p, names, metavar, usage)
}

// Float defines an optional number flag: unset leaves the SDK default.
func (f *flagSet) Float(p *optFloat, names, metavar, usage string) *flagDef {
	return f.define(p, names, metavar, usage)
}

// OptBool defines an optional boolean flag taking true or false: unset leaves the SDK
// default. Given alone it means true.
func (f *flagSet) OptBool(p *optBool, names, usage string) *flagDef {
	return f.define(p, names, "", usage)
}

// Required marks the flag as required.
func (d *flagDef) Required() *flagDef { d.required = true; return d }

// parse parses args, then checks that no positional argument is left and that every
// required flag is set (all missing flags are reported at once). help reports whether
// -h/--help was given, in which case nothing else is checked.
func (f *flagSet) parse(args []string, help *bool) error {
	if err := f.fs.Parse(args); err != nil {
		return f.translate(err)
	}
	f.set = map[*flagDef]bool{}
	f.fs.Visit(func(fl *flag.Flag) { f.set[f.byName[fl.Name]] = true })
	if help != nil && *help {
		return nil
	}
	if rest := f.fs.Args(); len(rest) > 0 {
		return badInput("%s: unexpected argument %q (flags take the form -n VALUE or --name=VALUE; see 'azml %s --help')",
			f.cmd, rest[0], f.cmd)
	}
	var missing []string
	for _, d := range f.defs {
		if d.required && !f.set[d] {
			missing = append(missing, d.spelling())
		}
	}
	if len(missing) > 0 {
		noun := "flag"
		if len(missing) > 1 {
			noun = "flags"
		}
		return badInput("%s: missing required %s %s (see 'azml %s --help')", f.cmd, noun, strings.Join(missing, ", "), f.cmd)
	}
	return nil
}

// isSet reports whether the flag was given on the command line.
func (f *flagSet) isSet(d *flagDef) bool { return f.set[d] }

// translate rewrites the flag package's errors into azml's wording.
func (f *flagSet) translate(err error) error {
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "flag provided but not defined: "):
		name := strings.TrimPrefix(msg, "flag provided but not defined: ")
		return badInput("%s: unknown flag %s (see 'azml %s --help')", f.cmd, name, f.cmd)
	case strings.HasPrefix(msg, "flag needs an argument: "):
		name := strings.TrimLeft(strings.TrimPrefix(msg, "flag needs an argument: "), "-")
		return badInput("%s: flag %s needs a value", f.cmd, f.display(name))
	case strings.HasPrefix(msg, "invalid value "), strings.HasPrefix(msg, "invalid boolean value "):
		// invalid value "x" for flag -a: <reason>   /   invalid boolean value "x" for -o: <reason>
		rest := msg
		if i := strings.Index(rest, " for "); i >= 0 {
			rest = strings.TrimPrefix(rest[i+len(" for "):], "flag ")
		}
		if name, reason, ok := strings.Cut(strings.TrimLeft(rest, "-"), ": "); ok {
			return badInput("%s: flag %s: %s", f.cmd, f.display(name), reason)
		}
	}
	return badInput("%s: %s", f.cmd, msg)
}

// display renders a spelling as the user typed it, with the other spellings.
func (f *flagSet) display(name string) string {
	if d, ok := f.byName[name]; ok {
		return d.spelling()
	}
	return dashed(name)
}

// usage writes the flags section of the help text: command flags, then global flags.
func (f *flagSet) usage(w io.Writer) {
	write := func(title string, global bool) {
		var rows [][2]string
		for _, d := range f.defs {
			if d.global != global {
				continue
			}
			left := d.spelling()
			if d.metavar != "" {
				left += " " + d.metavar
			}
			right := d.usage
			if d.required {
				right += " (required)"
			}
			rows = append(rows, [2]string{left, right})
		}
		if len(rows) == 0 {
			return
		}
		width := 0
		for _, r := range rows {
			width = max(width, len(r[0]))
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, r := range rows {
			fmt.Fprintf(w, "  %-*s  %s\n", width, r[0], r[1])
		}
	}
	write("Flags", false)
	write("Global flags", true)
}

// names returns every spelling, sorted, for tests.
func (f *flagSet) names() []string {
	out := make([]string, 0, len(f.byName))
	for n := range f.byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// valueError is a flag value that does not parse; its message names the rule.
type valueError struct{ msg string }

func (e *valueError) Error() string { return e.msg }

type stringValue string

func (s *stringValue) Set(v string) error { *s = stringValue(v); return nil }
func (s *stringValue) String() string     { return string(*s) }

type boolValue bool

func (b *boolValue) Set(v string) error {
	x, err := strconv.ParseBool(v)
	if err != nil {
		return &valueError{fmt.Sprintf("%q is not true or false", v)}
	}
	*b = boolValue(x)
	return nil
}
func (b *boolValue) String() string   { return strconv.FormatBool(bool(*b)) }
func (b *boolValue) IsBoolFlag() bool { return true }

type stringsValue []string

func (s *stringsValue) Set(v string) error { *s = append(*s, v); return nil }
func (s *stringsValue) String() string     { return strings.Join(*s, ",") }

// optInt is an integer flag that remembers whether it was given.
type optInt struct {
	v   int
	set bool
}

func (o *optInt) Set(v string) error {
	x, err := strconv.Atoi(v)
	if err != nil {
		return &valueError{fmt.Sprintf("%q is not an integer", v)}
	}
	o.v, o.set = x, true
	return nil
}

func (o *optInt) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.Itoa(o.v)
}

// ptr returns the value, or nil when the flag was not given.
func (o *optInt) ptr() *int {
	if !o.set {
		return nil
	}
	v := o.v
	return &v
}

// optFloat is a number flag that remembers whether it was given.
type optFloat struct {
	v   float64
	set bool
}

func (o *optFloat) Set(v string) error {
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return &valueError{fmt.Sprintf("%q is not a number", v)}
	}
	o.v, o.set = x, true
	return nil
}

func (o *optFloat) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.FormatFloat(o.v, 'g', -1, 64)
}

// ptr returns the value, or nil when the flag was not given.
func (o *optFloat) ptr() *float64 {
	if !o.set {
		return nil
	}
	v := o.v
	return &v
}

// optBool is a true/false flag that remembers whether it was given.
type optBool struct {
	v   bool
	set bool
}

func (o *optBool) Set(v string) error {
	x, err := strconv.ParseBool(v)
	if err != nil {
		return &valueError{fmt.Sprintf("%q is not true or false", v)}
	}
	o.v, o.set = x, true
	return nil
}

func (o *optBool) String() string {
	if o == nil || !o.set {
		return ""
	}
	return strconv.FormatBool(o.v)
}

// IsBoolFlag lets the flag be given alone (meaning true).
func (o *optBool) IsBoolFlag() bool { return true }

// ptr returns the value, or nil when the flag was not given.
func (o *optBool) ptr() *bool {
	if !o.set {
		return nil
	}
	v := o.v
	return &v
}
