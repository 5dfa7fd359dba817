package model

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// InferenceConfig describes how a deployed model is served: the entry script
// whose init() and run() the inference server calls, the source directory
// packaged with it, and the Environment it runs in (azureml-core
// InferenceConfig).
//
// The legacy fields (Runtime, CondaFile, ExtraDockerfileSteps, EnableGPU,
// BaseImage, BaseImageRegistry) are accepted only as far as they convert to an
// Environment; they cannot be combined with Environment.
type InferenceConfig struct {
	// EntryScript is the Python file defining init() and run(input); it is
	// relative to SourceDirectory when that is set. Required; must end in .py.
	EntryScript string
	// SourceDirectory is packaged (tar.gz, see WriteSourcePackage) and
	// unpacked next to the driver program in the container. Optional: without
	// it only the entry script is uploaded.
	SourceDirectory string
	// Environment the model runs in. Required unless the legacy Runtime is set.
	Environment *Environment
	// Description is free text about the configuration.
	Description string

	// Runtime is the legacy runtime; only "python" converts to an Environment.
	Runtime string
	// CondaFile is the legacy conda environment file (YAML).
	CondaFile string
	// ExtraDockerfileSteps is the legacy file of Dockerfile steps; it converts
	// to a BaseDockerfile "FROM <base image>" followed by the steps.
	ExtraDockerfileSteps string
	// EnableGPU selects DefaultGPUImage when BaseImage is not set (legacy).
	EnableGPU bool
	// CUDAVersion is legacy and cannot be converted: the CUDA version comes
	// from the base image. Setting it is an error.
	CUDAVersion string
	// BaseImage is the legacy base image.
	BaseImage string
	// BaseImageRegistry is the legacy private registry of BaseImage.
	BaseImageRegistry *ContainerRegistry
}

// legacyEnvironmentName names the Environment converted from legacy fields.
const legacyEnvironmentName = "azureml-go-inference-environment"

// maxEntryScript bounds the entry script read for the syntax check.
const maxEntryScript = 16 << 20

// entryScriptPath is the entry script's path on the local disk.
func (ic *InferenceConfig) entryScriptPath() string {
	if ic.SourceDirectory != "" && !filepath.IsAbs(ic.EntryScript) {
		return filepath.Join(ic.SourceDirectory, filepath.FromSlash(ic.EntryScript))
	}
	return ic.EntryScript
}

// sourceBase is basename(SourceDirectory), the directory name the package
// unpacks to; "" without a source directory.
func (ic *InferenceConfig) sourceBase() string {
	if ic.SourceDirectory == "" {
		return ""
	}
	abs, err := filepath.Abs(ic.SourceDirectory)
	if err != nil {
		return filepath.Base(filepath.Clean(ic.SourceDirectory))
	}
	return filepath.Base(abs)
}

// EntryScriptEnv returns the value of AZUREML_ENTRY_SCRIPT:
// "<basename(SourceDirectory)>/<EntryScript>" with forward slashes, or the
// entry script's file name without a source directory.
func (ic *InferenceConfig) EntryScriptEnv() string {
	if base := ic.sourceBase(); base != "" {
		return base + "/" + path.Clean(filepath.ToSlash(ic.EntryScript))
	}
	return filepath.Base(ic.EntryScript)
}

// hasLegacy reports whether any legacy field is set.
func (ic *InferenceConfig) hasLegacy() bool {
	return ic.Runtime != "" || ic.CondaFile != "" || ic.ExtraDockerfileSteps != "" || ic.EnableGPU ||
		ic.CUDAVersion != "" || ic.BaseImage != "" || ic.BaseImageRegistry != nil
}

// Validate applies every rule of reference §3.4 and returns all problems in a
// *ValidationError: the entry script is required, ends in .py, is named like
// an importable module (a Python identifier that is not a keyword), exists
// (relative to SourceDirectory) inside the source directory, and passes a
// lexical Python check (see below); the source directory exists; Environment
// and the legacy fields are not combined; the legacy fields convert; the
// environment itself is valid.
//
// The Python check runs no interpreter: it rejects invalid UTF-8, NUL bytes,
// unterminated strings, unbalanced brackets and inconsistent dedents. A script
// that passes may still fail to import; the deployment then fails with the
// script's traceback.
func (ic *InferenceConfig) Validate() error {
	var p problems
	ic.validateEntryScript(&p)
	_, err := ic.resolveEnvironment()
	p.merge(err)
	return p.err("InferenceConfig")
}

func (ic *InferenceConfig) validateEntryScript(p *problems) {
	srcOK := true
	if ic.SourceDirectory != "" {
		info, err := os.Stat(ic.SourceDirectory)
		switch {
		case err != nil:
			p.add("SourceDirectory", fmt.Sprintf("source directory %q does not exist or cannot be read: %s", ic.SourceDirectory, pathErrText(err)))
			srcOK = false
		case !info.IsDir():
			p.add("SourceDirectory", fmt.Sprintf("source directory %q is not a directory", ic.SourceDirectory))
			srcOK = false
		}
	}
	if ic.EntryScript == "" {
		p.add("EntryScript", "an entry script is required")
		return
	}
	slash := filepath.ToSlash(ic.EntryScript)
	if !strings.HasSuffix(slash, ".py") {
		p.add("EntryScript", fmt.Sprintf("entry script %q must be a Python file ending in .py", ic.EntryScript))
	}
	module := strings.TrimSuffix(path.Base(slash), ".py")
	switch {
	case !isPythonIdentifier(module):
		p.add("EntryScript", fmt.Sprintf("entry script module name %q is not a valid Python identifier (letters, digits and underscores, not starting with a digit)", module))
	case pythonKeywords[module]:
		p.add("EntryScript", fmt.Sprintf("entry script module name %q is a Python keyword", module))
	}
	if ic.SourceDirectory != "" {
		if filepath.IsAbs(ic.EntryScript) || strings.HasPrefix(slash, "/") {
			p.add("EntryScript", fmt.Sprintf("entry script %q must be relative to the source directory", ic.EntryScript))
			return
		}
		if c := path.Clean(slash); c == ".." || strings.HasPrefix(c, "../") {
			p.add("EntryScript", fmt.Sprintf("entry script %q must be inside the source directory", ic.EntryScript))
			return
		}
	}
	if !srcOK {
		return
	}
	full := ic.entryScriptPath()
	info, err := os.Stat(full)
	switch {
	case err != nil:
		where := ""
		if ic.SourceDirectory != "" {
			where = fmt.Sprintf(" in source directory %q", ic.SourceDirectory)
		}
		p.add("EntryScript", fmt.Sprintf("entry script %q does not exist%s: %s", ic.EntryScript, where, pathErrText(err)))
		return
	case !info.Mode().IsRegular():
		p.add("EntryScript", fmt.Sprintf("entry script %q is not a regular file", ic.EntryScript))
		return
	}
	src, err := readLimited(full, maxEntryScript)
	if err != nil {
		p.add("EntryScript", fmt.Sprintf("entry script %q cannot be read: %v", ic.EntryScript, err))
		return
	}
	if err := checkPythonSource(src); err != nil {
		p.add("EntryScript", fmt.Sprintf("entry script %q does not parse as Python: %v", ic.EntryScript, err))
	}
}

// ResolvedEnvironment returns the Environment a deployment uses: a copy of
// Environment, or the one converted from the legacy fields. It does not add
// the AZUREML_* variables (the deployment request does).
func (ic *InferenceConfig) ResolvedEnvironment() (*Environment, error) {
	return ic.resolveEnvironment()
}

func (ic *InferenceConfig) resolveEnvironment() (*Environment, error) {
	var p problems
	if ic.Environment != nil {
		for _, f := range ic.legacyFieldsSet() {
			p.add(f, "cannot be combined with Environment: set it on the Environment instead")
		}
		ic.Environment.validate("Environment", &p)
		if err := p.err("InferenceConfig"); err != nil {
			return nil, err
		}
		return ic.Environment.Clone(), nil
	}
	env := ic.convertLegacy(&p)
	if env != nil {
		env.validate("Environment (converted from the legacy fields)", &p)
	}
	if err := p.err("InferenceConfig"); err != nil {
		return nil, err
	}
	return env, nil
}

func (ic *InferenceConfig) legacyFieldsSet() []string {
	var out []string
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"Runtime", ic.Runtime != ""}, {"CondaFile", ic.CondaFile != ""},
		{"ExtraDockerfileSteps", ic.ExtraDockerfileSteps != ""}, {"EnableGPU", ic.EnableGPU},
		{"CUDAVersion", ic.CUDAVersion != ""}, {"BaseImage", ic.BaseImage != ""},
		{"BaseImageRegistry", ic.BaseImageRegistry != nil},
	} {
		if f.set {
			out = append(out, f.name)
		}
	}
	return out
}

// convertLegacy builds an Environment from the legacy fields, or adds why it
// cannot.
func (ic *InferenceConfig) convertLegacy(p *problems) *Environment {
	if ic.Runtime == "" {
		if ic.hasLegacy() {
			p.add("Runtime", `the legacy fields need Runtime "python" (or use Environment instead)`)
		} else {
			p.add("Environment", "an Environment is required (or the legacy Runtime)")
		}
		return nil
	}
	ok := true
	if !strings.EqualFold(ic.Runtime, "python") {
		p.add("Runtime", fmt.Sprintf("runtime %q cannot be converted to an Environment: only \"python\" is supported", ic.Runtime))
		ok = false
	}
	if ic.CUDAVersion != "" {
		p.add("CUDAVersion", "cannot be converted to an Environment: choose a base image with the CUDA version you need")
		ok = false
	}
	env := NewEnvironment(legacyEnvironmentName)
	if ic.CondaFile != "" {
		cd, err := LoadCondaFile(ic.CondaFile)
		if err != nil {
			p.add("CondaFile", err.Error())
			ok = false
		} else {
			env.Python.CondaDependencies = cd
		}
	}
	switch {
	case ic.BaseImage != "":
		env.Docker.BaseImage = ic.BaseImage
	case ic.EnableGPU:
		env.Docker.BaseImage = DefaultGPUImage
	}
	if ic.BaseImageRegistry != nil {
		r := *ic.BaseImageRegistry
		env.Docker.BaseImageRegistry = &r
	}
	if ic.ExtraDockerfileSteps != "" {
		steps, err := readLimited(ic.ExtraDockerfileSteps, 1<<20)
		if err != nil {
			p.add("ExtraDockerfileSteps", fmt.Sprintf("cannot read %q: %s", ic.ExtraDockerfileSteps, pathErrText(err)))
			ok = false
		} else {
			env.Docker.BaseDockerfile = "FROM " + env.Docker.BaseImage + "\n" + string(steps)
			env.Docker.BaseImage = ""
		}
	}
	if !ok {
		return nil
	}
	return env
}

// Warnings returns advice that does not block a deployment: a conda
// environment without azureml-defaults, a custom image without an
// inferencing stack version, an entry script without a top-level init() or
// run(). It reads the entry script; unreadable files give no warning (Validate
// reports them).
func (ic *InferenceConfig) Warnings() []string {
	var w []string
	if env, err := ic.resolveEnvironment(); err == nil && env != nil {
		w = append(w, env.warnings()...)
	}
	if src, err := readLimited(ic.entryScriptPath(), maxEntryScript); err == nil {
		for _, fn := range []string{"init", "run"} {
			if !definesFunction(src, fn) {
				w = append(w, fmt.Sprintf("entry script %q defines no top-level %s() function", ic.EntryScript, fn))
			}
		}
	}
	return w
}
