package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/azureml-go/azureml/auth"
)

// maxConfigFile bounds what LoadInferenceConfig reads.
const maxConfigFile = 4 << 20

// LoadInferenceConfig reads an `az ml` v1 inferenceconfig.json:
//
//	{"entryScript": "score.py", "sourceDirectory": "./src",
//	 "environment": {"name": "...", "python": {...}, "docker": {...}, ...}}
//
// or its legacy form ("runtime", "condaFile", "extraDockerfileSteps",
// "enableGpu", "cudaVersion", "baseImage", "baseImageRegistry"). Relative
// paths (sourceDirectory, condaFile, extraDockerfileSteps, the environment's
// python.condaDependenciesFile, and entryScript when there is no
// sourceDirectory) are taken relative to the file's directory, which is the
// working directory `az ml` users run from.
//
// Settings that only matter for training runs are read and ignored:
// "schemaFile", "$schema" and, in the environment, docker.enabled,
// docker.sharedVolumes, docker.shmSize, docker.arguments, docker.gpuSupport,
// docker.platform, assetId and null spark/databricks/r sections. Any other
// unknown key, or a setting this SDK cannot honour, is an error; all problems
// are reported at once. The result is not validated: call Validate.
func LoadInferenceConfig(path string) (*InferenceConfig, error) {
	b, err := readLimited(path, maxConfigFile)
	if err != nil {
		return nil, fmt.Errorf("model: inference config: %w", err)
	}
	ic, err := ParseInferenceConfig(b, filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("model: inference config %s: %w", path, err)
	}
	return ic, nil
}

// ParseInferenceConfig parses inferenceconfig.json content (see
// LoadInferenceConfig); baseDir resolves relative paths ("" leaves them as
// they are). Problems are returned together in a *ValidationError.
func ParseInferenceConfig(data []byte, baseDir string) (*InferenceConfig, error) {
	var p problems
	r := jsonReader{p: &p, baseDir: baseDir}
	top := r.object(data, "")
	if top == nil {
		return nil, p.err("inferenceconfig.json")
	}
	r.allow(top, "", []string{"entryScript", "sourceDirectory", "environment", "description", "runtime", "condaFile",
		"extraDockerfileSteps", "enableGpu", "cudaVersion", "baseImage", "baseImageRegistry"},
		[]string{"$schema", "schemaFile"})
	ic := &InferenceConfig{
		EntryScript:          r.str(top, "", "entryScript"),
		SourceDirectory:      r.path(top, "", "sourceDirectory"),
		Description:          r.str(top, "", "description"),
		Runtime:              r.str(top, "", "runtime"),
		CondaFile:            r.path(top, "", "condaFile"),
		ExtraDockerfileSteps: r.path(top, "", "extraDockerfileSteps"),
		EnableGPU:            r.boolean(top, "", "enableGpu"),
		CUDAVersion:          r.str(top, "", "cudaVersion"),
		BaseImage:            r.str(top, "", "baseImage"),
	}
	if ic.SourceDirectory == "" && ic.EntryScript != "" {
		ic.EntryScript = r.resolve(ic.EntryScript)
	}
	if raw, ok := top["baseImageRegistry"]; ok && !isNull(raw) {
		ic.BaseImageRegistry = r.registry(raw, "baseImageRegistry")
	}
	if raw, ok := top["environment"]; ok && !isNull(raw) {
		ic.Environment = r.environment(raw, "environment")
	}
	if err := p.err("inferenceconfig.json"); err != nil {
		return nil, err
	}
	return ic, nil
}

// ParseEnvironmentJSON parses an Environment in its camelCase JSON form (the
// "environment" section of inferenceconfig.json, or an azureml-core
// Environment definition). baseDir resolves python.condaDependenciesFile.
func ParseEnvironmentJSON(data []byte, baseDir string) (*Environment, error) {
	var p problems
	r := jsonReader{p: &p, baseDir: baseDir}
	env := r.environment(data, "")
	if err := p.err("environment JSON"); err != nil {
		return nil, err
	}
	return env, nil
}

// jsonReader decodes loosely typed JSON sections, collecting problems.
type jsonReader struct {
	p       *problems
	baseDir string
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func join(where, key string) string {
	if where == "" {
		return key
	}
	return where + "." + key
}

// object decodes a JSON object; nil (with a problem) when it is not one.
func (r jsonReader) object(raw []byte, where string) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&m); err != nil || m == nil {
		msg := "must be a JSON object"
		if err != nil {
			msg += ": " + strings.TrimPrefix(err.Error(), "json: ")
		}
		r.p.add(where, msg)
		return nil
	}
	// dec.More is false before a stray ']' or '}', so ask for the end itself.
	if _, err := dec.Token(); err != io.EOF {
		r.p.add(where, "unexpected data after the JSON object")
		return nil
	}
	return m
}

// allow reports keys that are neither known nor ignored; ignored keys are dropped.
func (r jsonReader) allow(m map[string]json.RawMessage, where string, known, ignored []string) {
	ok := map[string]bool{}
	for _, k := range known {
		ok[k] = true
	}
	for _, k := range ignored {
		ok[k] = true
	}
	var unknown []string
	for k := range m {
		if !ok[k] {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		r.p.add(join(where, k), "unknown setting")
	}
}

func (r jsonReader) str(m map[string]json.RawMessage, where, key string) string {
	raw, ok := m[key]
	if !ok || isNull(raw) {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		r.p.add(join(where, key), "must be a string")
	}
	return s
}

func (r jsonReader) boolean(m map[string]json.RawMessage, where, key string) bool {
	raw, ok := m[key]
	if !ok || isNull(raw) {
		return false
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		r.p.add(join(where, key), "must be true or false")
	}
	return b
}

func (r jsonReader) resolve(p string) string {
	if p == "" || r.baseDir == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.baseDir, filepath.FromSlash(p))
}

func (r jsonReader) path(m map[string]json.RawMessage, where, key string) string {
	return r.resolve(r.str(m, where, key))
}

func (r jsonReader) registry(raw json.RawMessage, where string) *ContainerRegistry {
	m := r.object(raw, where)
	if m == nil {
		return nil
	}
	r.allow(m, where, []string{"address", "username", "password", "registryIdentity"}, nil)
	if v, ok := m["registryIdentity"]; ok && !isNull(v) {
		r.p.add(join(where, "registryIdentity"), "registry identities are not supported; use username and password")
	}
	return &ContainerRegistry{
		Address:  r.str(m, where, "address"),
		Username: r.str(m, where, "username"),
		Password: auth.NewSecret(r.str(m, where, "password")),
	}
}

// environment decodes the camelCase Environment JSON.
func (r jsonReader) environment(raw []byte, where string) *Environment {
	m := r.object(raw, where)
	if m == nil {
		return nil
	}
	r.allow(m, where, []string{"name", "version", "environmentVariables", "python", "docker", "inferencingStackVersion",
		"spark", "databricks", "r"}, []string{"assetId"})
	for _, k := range []string{"spark", "databricks", "r"} {
		if v, ok := m[k]; ok && !isNull(v) && !isEmptySection(v) {
			r.p.add(join(where, k), "is not supported for inference deployments")
		}
	}
	env := &Environment{
		Name:                    r.str(m, where, "name"),
		Version:                 r.str(m, where, "version"),
		InferencingStackVersion: r.str(m, where, "inferencingStackVersion"),
	}
	if v, ok := m["environmentVariables"]; ok && !isNull(v) {
		if err := json.Unmarshal(v, &env.EnvironmentVariables); err != nil {
			r.p.add(join(where, "environmentVariables"), "must be an object of strings")
		}
	}
	if v, ok := m["python"]; ok && !isNull(v) {
		env.Python = r.python(v, join(where, "python"))
	} else {
		env.Python.InterpreterPath = "python"
	}
	if v, ok := m["docker"]; ok && !isNull(v) {
		env.Docker = r.docker(v, join(where, "docker"))
	}
	return env
}

// isEmptySection reports whether a training-only section holds nothing that
// matters: an object whose values are all null, false, empty or zero.
func isEmptySection(raw json.RawMessage) bool {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	for _, v := range m {
		switch t := v.(type) {
		case nil:
		case bool:
			if t {
				return false
			}
		case string:
			if t != "" {
				return false
			}
		case float64:
			if t != 0 {
				return false
			}
		case []any:
			if len(t) > 0 {
				return false
			}
		case map[string]any:
			if len(t) > 0 {
				return false
			}
		}
	}
	return true
}

func (r jsonReader) python(raw json.RawMessage, where string) PythonSection {
	m := r.object(raw, where)
	if m == nil {
		return PythonSection{}
	}
	r.allow(m, where, []string{"userManagedDependencies", "interpreterPath", "condaDependencies",
		"condaDependenciesFile", "baseCondaEnvironment"}, nil)
	ps := PythonSection{
		UserManagedDependencies: r.boolean(m, where, "userManagedDependencies"),
		InterpreterPath:         r.str(m, where, "interpreterPath"),
	}
	if ps.InterpreterPath == "" {
		ps.InterpreterPath = "python"
	}
	if v, ok := m["baseCondaEnvironment"]; ok && !isNull(v) {
		r.p.add(join(where, "baseCondaEnvironment"), "cloning a base conda environment is not supported")
	}
	if v, ok := m["condaDependencies"]; ok && !isNull(v) {
		var cd CondaDependencies
		if err := json.Unmarshal(v, &cd); err != nil {
			r.p.add(join(where, "condaDependencies"), err.Error())
		} else {
			ps.CondaDependencies = &cd
		}
	} else if file := r.path(m, where, "condaDependenciesFile"); file != "" {
		cd, err := LoadCondaFile(file)
		if err != nil {
			r.p.add(join(where, "condaDependenciesFile"), err.Error())
		} else {
			ps.CondaDependencies = cd
		}
	}
	return ps
}

func (r jsonReader) docker(raw json.RawMessage, where string) DockerSection {
	m := r.object(raw, where)
	if m == nil {
		return DockerSection{}
	}
	r.allow(m, where, []string{"baseImage", "baseDockerfile", "baseImageRegistry", "buildContext"},
		[]string{"enabled", "sharedVolumes", "shmSize", "arguments", "gpuSupport", "platform"})
	if v, ok := m["buildContext"]; ok && !isNull(v) {
		r.p.add(join(where, "buildContext"), "a Docker build context is not supported; use baseDockerfile")
	}
	ds := DockerSection{
		BaseImage:      r.str(m, where, "baseImage"),
		BaseDockerfile: r.str(m, where, "baseDockerfile"),
	}
	if v, ok := m["baseImageRegistry"]; ok && !isNull(v) {
		reg := r.registry(v, join(where, "baseImageRegistry"))
		if reg != nil && (reg.Address != "" || reg.Username != "" || !reg.Password.IsZero()) {
			ds.BaseImageRegistry = reg
		}
	}
	return ds
}
