package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CondaDependencies is a conda environment specification: what a conda
// environment.yml holds, and what an Environment's python.condaDependencies
// carries on the wire ({"name", "channels", "dependencies": [..., {"pip": [...]}]}).
type CondaDependencies struct {
	// Name of the conda environment, e.g. "project_environment".
	Name string
	// Channels to install conda packages from, in priority order.
	Channels []string
	// CondaPackages are conda package specs such as "python=3.9" or "numpy".
	CondaPackages []string
	// PipPackages are pip requirement lines such as "azureml-defaults" or
	// "--extra-index-url https://...".
	PipPackages []string
}

// maxCondaFile bounds what LoadCondaFile reads.
const maxCondaFile = 4 << 20

// LoadCondaFile reads a conda environment YAML file (see ParseCondaYAML).
// Problems are reported in a *ValidationError naming the file.
func LoadCondaFile(path string) (*CondaDependencies, error) {
	b, err := readLimited(path, maxCondaFile)
	if err != nil {
		return nil, &ValidationError{Op: "conda file", Problems: []FieldError{{Field: "path",
			Message: fmt.Sprintf("conda file %q cannot be read: %s", path, pathErrText(err))}}}
	}
	cd, err := ParseCondaYAML(b)
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			ve.Op = "conda file " + path
		}
		return nil, err
	}
	return cd, nil
}

// condaYAML is the accepted top level of an environment.yml. "prefix" (a
// machine-specific install path written by `conda env export`) is read and
// ignored; any other unknown key is an error.
type condaYAML struct {
	Name         string      `yaml:"name"`
	Channels     []string    `yaml:"channels"`
	Dependencies []yaml.Node `yaml:"dependencies"`
	Prefix       string      `yaml:"prefix"`
}

// condaKeys are the top-level keys of condaYAML.
var condaKeys = map[string]bool{"name": true, "channels": true, "dependencies": true, "prefix": true}

// ParseCondaYAML parses a conda environment specification:
//
//	name: project_environment
//	channels: [conda-forge]
//	dependencies:
//	  - python=3.9
//	  - pip:
//	    - azureml-defaults
//
// Dependencies are strings (conda specs) or one-key maps {pip: [requirements]}.
// A problem is returned as a *ValidationError naming the key ("variables",
// "dependencies[2]") and the line.
func ParseCondaYAML(data []byte) (*CondaDependencies, error) {
	fail := func(field, format string, args ...any) (*CondaDependencies, error) {
		return nil, &ValidationError{Op: "conda YAML", Problems: []FieldError{{Field: field, Message: fmt.Sprintf(format, args...)}}}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err == nil && len(root.Content) == 1 && root.Content[0].Kind == yaml.MappingNode {
		m := root.Content[0]
		for i := 0; i+1 < len(m.Content); i += 2 {
			if k := m.Content[i]; !condaKeys[k.Value] {
				return fail(k.Value, "line %d: unknown key: a conda environment file for a deployment holds name, channels and dependencies (prefix is ignored)", k.Line)
			}
		}
	}
	var doc condaYAML
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return fail("", "invalid conda YAML: %v", err)
	}
	cd := &CondaDependencies{Name: doc.Name, Channels: doc.Channels}
	for i := range doc.Dependencies {
		n := &doc.Dependencies[i]
		field := fmt.Sprintf("dependencies[%d]", i)
		switch n.Kind {
		case yaml.ScalarNode:
			if n.Tag != "!!str" || strings.TrimSpace(n.Value) == "" {
				return fail(field, "line %d: dependency %q must be a package spec string such as \"numpy=1.24\"", n.Line, n.Value)
			}
			cd.CondaPackages = append(cd.CondaPackages, n.Value)
		case yaml.MappingNode:
			var m map[string][]string
			if err := n.Decode(&m); err != nil {
				return fail(field, "line %d: a dependency map must be {pip: [requirement, ...]}: %v", n.Line, err)
			}
			for k, reqs := range m {
				if k != "pip" {
					return fail(field, "line %d: dependency map key %q is not supported (only pip)", n.Line, k)
				}
				cd.PipPackages = append(cd.PipPackages, reqs...)
			}
		default:
			return fail(field, "line %d: a dependency must be a string or a {pip: [...]} map", n.Line)
		}
	}
	return cd, nil
}

// wireDependencies is the conda "dependencies" list: strings, then one
// {"pip": [...]} entry when there are pip packages.
func (cd *CondaDependencies) wireDependencies() []any {
	deps := make([]any, 0, len(cd.CondaPackages)+1)
	for _, p := range cd.CondaPackages {
		deps = append(deps, p)
	}
	if len(cd.PipPackages) > 0 {
		deps = append(deps, map[string][]string{"pip": cd.PipPackages})
	}
	return deps
}

// condaJSON is the JSON form of a conda specification.
type condaJSON struct {
	Name         string            `json:"name,omitempty"`
	Channels     []string          `json:"channels"`
	Dependencies []json.RawMessage `json:"dependencies"`
}

// MarshalJSON writes the conda dictionary form azureml-core sends.
func (cd CondaDependencies) MarshalJSON() ([]byte, error) {
	channels := cd.Channels
	if channels == nil {
		channels = []string{}
	}
	return json.Marshal(struct {
		Name         string   `json:"name,omitempty"`
		Channels     []string `json:"channels"`
		Dependencies []any    `json:"dependencies"`
	}{cd.Name, channels, cd.wireDependencies()})
}

// UnmarshalJSON reads the conda dictionary form; unknown keys are errors.
func (cd *CondaDependencies) UnmarshalJSON(b []byte) error {
	var w condaJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("condaDependencies: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	out := CondaDependencies{Name: w.Name, Channels: w.Channels}
	for _, d := range w.Dependencies {
		var s string
		if json.Unmarshal(d, &s) == nil {
			if strings.TrimSpace(s) == "" {
				return errors.New("condaDependencies: empty dependency")
			}
			out.CondaPackages = append(out.CondaPackages, s)
			continue
		}
		var m map[string][]string
		if err := json.Unmarshal(d, &m); err != nil {
			return fmt.Errorf("condaDependencies: a dependency must be a string or {\"pip\": [...]}: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		for k, reqs := range m {
			if k != "pip" {
				return fmt.Errorf("condaDependencies: dependency key %q is not supported (only pip)", k)
			}
			out.PipPackages = append(out.PipPackages, reqs...)
		}
	}
	*cd = out
	return nil
}

// hasPipPackage reports whether a pip requirement names pkg (any version spec).
func (cd *CondaDependencies) hasPipPackage(pkg string) bool {
	for _, r := range cd.PipPackages {
		name := strings.ToLower(strings.TrimSpace(r))
		if i := strings.IndexAny(name, "=<>!~[; @"); i >= 0 {
			name = name[:i]
		}
		if strings.ReplaceAll(name, "_", "-") == pkg {
			return true
		}
	}
	return false
}

// readLimited reads a whole regular file of at most limit bytes (devices,
// pipes and directories are refused, so a path from a config file cannot make
// a read block or run forever).
func readLimited(path string, limit int64) ([]byte, error) {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path) // checked before Open: opening a FIFO blocks
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return b, nil
}
