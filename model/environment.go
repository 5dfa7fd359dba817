package model

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/azureml-go/azureml/auth"
)

// Base images azureml-core uses by default (DEFAULT_CPU_IMAGE and
// DEFAULT_GPU_IMAGE of azureml-core 1.51, without the date tag so the newest
// build is used).
const (
	DefaultCPUImage = "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04"
	DefaultGPUImage = "mcr.microsoft.com/azureml/openmpi4.1.0-cuda11.1-cudnn8-ubuntu20.04"
)

// Environment variables the deployment sets for the entry script (reference
// §3.4); they are reserved and may not be set by the user.
const (
	EnvSourceDirectory = "AZUREML_SOURCE_DIRECTORY"
	EnvEntryScript     = "AZUREML_ENTRY_SCRIPT"
)

// Environment is the software a deployed model runs in: a Docker base image
// (or Dockerfile) plus a Python environment, as azureml-core's Environment.
// NewEnvironment returns one with azureml-core's defaults.
type Environment struct {
	// Name identifies the environment in the workspace. Required.
	Name string
	// Version of the environment; empty lets the service assign one.
	Version string
	// EnvironmentVariables are set in the container. Names starting with
	// AZUREML_SOURCE_DIRECTORY / AZUREML_ENTRY_SCRIPT are reserved.
	EnvironmentVariables map[string]string
	// Python describes the Python environment.
	Python PythonSection
	// Docker describes the image the environment is built on.
	Docker DockerSection
	// InferencingStackVersion selects the service's inferencing stack on a
	// custom image, e.g. "latest". Default unset.
	InferencingStackVersion string
}

// PythonSection is an Environment's Python configuration.
type PythonSection struct {
	// UserManagedDependencies means the image already has every package; no
	// conda environment is built. Default false.
	UserManagedDependencies bool
	// InterpreterPath is the Python interpreter; default "python".
	InterpreterPath string
	// CondaDependencies is the conda environment to build (ignored by the
	// service when UserManagedDependencies is set).
	CondaDependencies *CondaDependencies
}

// DockerSection is an Environment's image configuration. Exactly one of
// BaseImage and BaseDockerfile is set.
type DockerSection struct {
	// BaseImage is the image to build on, e.g. DefaultCPUImage.
	BaseImage string
	// BaseDockerfile is the text of a Dockerfile to build the base image from.
	BaseDockerfile string
	// BaseImageRegistry holds the credentials of a private registry that
	// serves BaseImage (or the FROM image of BaseDockerfile).
	BaseImageRegistry *ContainerRegistry
}

// ContainerRegistry is a private container registry and its credentials.
type ContainerRegistry struct {
	// Address of the registry, e.g. "myregistry.azurecr.io".
	Address string
	// Username to log in with.
	Username string
	// Password to log in with. It prints as REDACTED and appears only in the
	// request body sent to the service.
	Password auth.Secret
}

// NewEnvironment returns an environment named name with azureml-core's
// defaults: DefaultCPUImage, interpreter "python", and a conda environment
// "project_environment" with python and pip package azureml-defaults.
func NewEnvironment(name string) *Environment {
	return &Environment{
		Name: name,
		Python: PythonSection{
			InterpreterPath: "python",
			CondaDependencies: &CondaDependencies{
				Name:          "project_environment",
				Channels:      []string{"conda-forge"},
				CondaPackages: []string{"python=3.9", "pip"},
				PipPackages:   []string{"azureml-defaults"},
			},
		},
		Docker: DockerSection{BaseImage: DefaultCPUImage},
	}
}

// NewEnvironmentFromCondaFile returns NewEnvironment(name) with the conda
// dependencies read from a conda environment YAML file (azureml-core's
// Environment.from_conda_specification).
func NewEnvironmentFromCondaFile(name, condaFile string) (*Environment, error) {
	cd, err := LoadCondaFile(condaFile)
	if err != nil {
		return nil, err
	}
	env := NewEnvironment(name)
	env.Python.CondaDependencies = cd
	return env, nil
}

// Clone returns a deep copy of e.
func (e *Environment) Clone() *Environment {
	if e == nil {
		return nil
	}
	c := *e
	if e.EnvironmentVariables != nil {
		c.EnvironmentVariables = make(map[string]string, len(e.EnvironmentVariables))
		for k, v := range e.EnvironmentVariables {
			c.EnvironmentVariables[k] = v
		}
	}
	if cd := e.Python.CondaDependencies; cd != nil {
		cc := *cd
		cc.Channels = append([]string(nil), cd.Channels...)
		cc.CondaPackages = append([]string(nil), cd.CondaPackages...)
		cc.PipPackages = append([]string(nil), cd.PipPackages...)
		c.Python.CondaDependencies = &cc
	}
	if r := e.Docker.BaseImageRegistry; r != nil {
		rc := *r
		c.Docker.BaseImageRegistry = &rc
	}
	return &c
}

// envVarName is a portable environment variable name.
var envVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate checks the environment and returns every problem in a
// *ValidationError.
func (e *Environment) Validate() error {
	var p problems
	e.validate("Environment", &p)
	return p.err("Environment")
}

func (e *Environment) validate(prefix string, p *problems) {
	if strings.TrimSpace(e.Name) == "" {
		p.add(prefix+".Name", "an environment name is required")
	}
	keys := make([]string, 0, len(e.EnvironmentVariables))
	for k := range e.EnvironmentVariables {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case !envVarName.MatchString(k):
			p.add(prefix+".EnvironmentVariables", fmt.Sprintf("%q is not a valid environment variable name", k))
		case k == EnvSourceDirectory || k == EnvEntryScript:
			p.add(prefix+".EnvironmentVariables", fmt.Sprintf("%s is reserved: the deployment sets it from the InferenceConfig", k))
		}
	}
	d := e.Docker
	switch {
	case d.BaseImage != "" && d.BaseDockerfile != "":
		p.add(prefix+".Docker", "only one of BaseImage and BaseDockerfile may be set (clear BaseImage when you use BaseDockerfile)")
	case d.BaseImage == "" && d.BaseDockerfile == "":
		p.add(prefix+".Docker", "one of BaseImage and BaseDockerfile is required (NewEnvironment sets BaseImage to DefaultCPUImage)")
	}
	if r := d.BaseImageRegistry; r != nil {
		if r.Address == "" && (r.Username != "" || !r.Password.IsZero()) {
			p.add(prefix+".Docker.BaseImageRegistry.Address", "a registry address is required with registry credentials")
		}
		if (r.Username == "") != r.Password.IsZero() {
			p.add(prefix+".Docker.BaseImageRegistry", "username and password go together: set both or neither")
		}
	}
	if !e.Python.UserManagedDependencies && e.Python.CondaDependencies == nil {
		p.add(prefix+".Python.CondaDependencies", "conda dependencies are required unless UserManagedDependencies is set")
	}
	if cd := e.Python.CondaDependencies; cd != nil {
		for i, pkg := range cd.CondaPackages {
			if strings.TrimSpace(pkg) == "" {
				p.add(fmt.Sprintf("%s.Python.CondaDependencies.CondaPackages[%d]", prefix, i), "must not be empty")
			}
		}
		for i, pkg := range cd.PipPackages {
			if strings.TrimSpace(pkg) == "" {
				p.add(fmt.Sprintf("%s.Python.CondaDependencies.PipPackages[%d]", prefix, i), "must not be empty")
			}
		}
	}
}

// warnings returns advice that does not block a deployment.
func (e *Environment) warnings() []string {
	var w []string
	if cd := e.Python.CondaDependencies; cd != nil && !e.Python.UserManagedDependencies && !cd.hasPipPackage("azureml-defaults") {
		w = append(w, "the conda dependencies do not include the pip package azureml-defaults, which the inference server needs")
	}
	if img := e.Docker.BaseImage; (img != "" && img != DefaultCPUImage && img != DefaultGPUImage || e.Docker.BaseDockerfile != "") && e.InferencingStackVersion == "" {
		w = append(w, "a custom base image without InferencingStackVersion must already contain the inference server")
	}
	return w
}

// environmentWire is the camelCase JSON of an Environment in an
// environmentImageRequest (reference §3.4). Unset optional strings are null,
// as azureml-core's serialisation writes them.
type environmentWire struct {
	Name                    string            `json:"name"`
	Version                 *string           `json:"version"`
	EnvironmentVariables    map[string]string `json:"environmentVariables"`
	Python                  pythonWire        `json:"python"`
	Docker                  dockerWire        `json:"docker"`
	InferencingStackVersion *string           `json:"inferencingStackVersion"`
}

type pythonWire struct {
	UserManagedDependencies bool               `json:"userManagedDependencies"`
	InterpreterPath         string             `json:"interpreterPath"`
	CondaDependencies       *CondaDependencies `json:"condaDependencies"`
}

type dockerWire struct {
	BaseImage         *string      `json:"baseImage"`
	BaseDockerfile    *string      `json:"baseDockerfile"`
	BaseImageRegistry registryWire `json:"baseImageRegistry"`
}

type registryWire struct {
	Address  *string `json:"address"`
	Username *string `json:"username"`
	Password *string `json:"password"`
}

// wire builds the JSON form. The registry password is revealed here, and only
// here: the result is the body sent to the service and must not be logged.
func (e *Environment) wire() environmentWire {
	vars := e.EnvironmentVariables
	if vars == nil {
		vars = map[string]string{}
	}
	interp := e.Python.InterpreterPath
	if interp == "" {
		interp = "python"
	}
	w := environmentWire{
		Name: e.Name, Version: optString(e.Version), EnvironmentVariables: vars,
		Python: pythonWire{UserManagedDependencies: e.Python.UserManagedDependencies, InterpreterPath: interp,
			CondaDependencies: e.Python.CondaDependencies},
		Docker:                  dockerWire{BaseImage: optString(e.Docker.BaseImage), BaseDockerfile: optString(e.Docker.BaseDockerfile)},
		InferencingStackVersion: optString(e.InferencingStackVersion),
	}
	if r := e.Docker.BaseImageRegistry; r != nil {
		w.Docker.BaseImageRegistry = registryWire{Address: optString(r.Address), Username: optString(r.Username),
			Password: optString(r.Password.Reveal())}
	}
	return w
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
