package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/azureml-go/azureml/model"
)

// parseKeyValues reads repeated KEY=VALUE flags into a map. Every malformed item is
// reported at once.
func parseKeyValues(flagName string, items []string) (map[string]string, error) {
	if len(items) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(items))
	var bad []string
	for _, it := range items {
		k, v, ok := strings.Cut(it, "=")
		if !ok || strings.TrimSpace(k) == "" {
			bad = append(bad, fmt.Sprintf("%q is not KEY=VALUE", it))
			continue
		}
		out[k] = v
	}
	if len(bad) > 0 {
		return nil, badInput("flag %s: %s", flagName, strings.Join(bad, "; "))
	}
	return out, nil
}

// modelRef is a model named on the command line: NAME:VERSION, or NAME for the latest
// version (Version 0).
type modelRef struct {
	Name    string
	Version int
}

// ID returns "name:version".
func (r modelRef) ID() string { return r.Name + ":" + strconv.Itoa(r.Version) }

// parseModelRef reads NAME:VERSION (or NAME when latest is allowed).
func parseModelRef(flagName, s string, allowLatest bool) (modelRef, error) {
	name, ver, hasVersion := strings.Cut(s, ":")
	var problems []string
	if err := model.ValidateName(name); err != nil {
		problems = append(problems, fieldMessage(err))
	}
	r := modelRef{Name: name}
	switch {
	case hasVersion:
		v, err := strconv.Atoi(ver)
		if err != nil || v < 1 {
			problems = append(problems, fmt.Sprintf("version %q is not a positive integer", ver))
		}
		r.Version = v
	case !allowLatest:
		problems = append(problems, "the version is missing: give NAME:VERSION, e.g. mymodel:1")
	}
	if len(problems) > 0 {
		return modelRef{}, badInput("flag %s: %q: %s", flagName, s, strings.Join(problems, "; "))
	}
	return r, nil
}

// parseModelRefs reads repeated -m flags, reporting every malformed one at once.
func parseModelRefs(flagName string, items []string) ([]modelRef, error) {
	var refs []modelRef
	var errs []string
	// Compared parsed: m:1 and m:01 name the same model version.
	seen := map[modelRef]string{}
	for _, it := range items {
		r, err := parseModelRef(flagName, it, true)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if first, dup := seen[r]; dup {
			if first == it {
				errs = append(errs, fmt.Sprintf("flag %s: %q is given twice", flagName, it))
			} else {
				errs = append(errs, fmt.Sprintf("flag %s: %q and %q name the same model %s", flagName, first, it, r.label()))
			}
			continue
		}
		seen[r] = it
		refs = append(refs, r)
	}
	if len(errs) > 0 {
		return nil, joinProblems("", stringErrors(errs)...)
	}
	return refs, nil
}

// readInputData returns the scoring input of -d: the text itself, @FILE for a file's
// contents, or "-" for stdin. The input must be JSON.
func readInputData(flagName, v string, stdin io.Reader) ([]byte, error) {
	var data []byte
	switch {
	case v == "-":
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, badInput("flag %s: reading stdin: %v", flagName, err)
		}
		data = b
	case strings.HasPrefix(v, "@"):
		path := v[1:]
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, badInput("flag %s: file %s is unreadable: %v", flagName, path, unwrapPathError(err))
		}
		data = b
		v = "file " + path
	default:
		data = []byte(v)
		v = "input"
	}
	if err := checkJSON(data); err != nil {
		return nil, badInput("flag %s: %s is not valid JSON: %v", flagName, v, err)
	}
	return data, nil
}

// checkJSON reports the first syntax problem of data, with its offset.
func checkJSON(data []byte) error {
	// A RawMessage checks the syntax without converting numbers: 1e400 is valid JSON
	// that a float64 cannot hold, and the model, not azml, reads it.
	var v json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("offset %d: %v", se.Offset, se)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return fmt.Errorf("offset %d: unexpected end of input", len(data))
		}
		return err
	}
	// Only white space may follow the value. dec.More would miss a stray closing
	// bracket ("{}]"), so ask for the next token: io.EOF is the only good answer.
	end := dec.InputOffset()
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("offset %d: data after the JSON value", end)
	}
	return nil
}

// unwrapPathError drops the path from an *os.PathError (the message names it already).
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// requireReadable checks that path names a readable regular file, for a file flag.
func requireReadable(flagName, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return badInput("flag %s: file %s is unreadable: %v", flagName, path, unwrapPathError(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return badInput("flag %s: file %s is unreadable: %v", flagName, path, unwrapPathError(err))
	}
	if fi.IsDir() {
		return badInput("flag %s: %s is a directory, not a file", flagName, path)
	}
	return nil
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// joinMap renders m as "k=v, k=v" for a table cell.
func joinMap(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, ", ")
}

// stringErrors turns problem texts into bad-input errors.
func stringErrors(lines []string) []error {
	out := make([]error, len(lines))
	for i, l := range lines {
		out[i] = &inputError{msg: l}
	}
	return out
}
