package badinput

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// inferenceCases: InferenceConfig and Environment (through model.Deploy, the call that
// takes them), inferenceconfig.json (model.LoadInferenceConfig) and conda YAML
// (model.NewEnvironmentFromCondaFile).
func inferenceCases(t *testing.T, f *fixture) []badInput {
	src := filepath.Join(f.assets, "src")
	brokenSrc := filepath.Dir(f.file(t, "src/score.py", "def init(:\n    pass\n\ndef run(data):\n    return data\n"))
	condaOK := filepath.Join(f.assets, "environment.yml")

	one := webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1)}
	deployIC := func(ic model.InferenceConfig) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := model.Deploy(ctx, f.ws, "svc-ic", []*model.Model{f.model}, &ic, one, f.aks, nil)
			return err
		}
	}
	withEnv := func(edit func(*model.Environment)) model.InferenceConfig {
		env := model.NewEnvironment("env")
		edit(env)
		return model.InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Environment: env}
	}
	env := model.NewEnvironment("env")
	loadIC := func(content string) func(context.Context) error {
		path := f.file(t, "inferenceconfig.json", content)
		return func(context.Context) error { _, err := model.LoadInferenceConfig(path); return err }
	}
	condaFile := func(content string) func(context.Context) error {
		path := f.file(t, "environment.yml", content)
		return func(context.Context) error { _, err := model.NewEnvironmentFromCondaFile("env", path); return err }
	}

	return []badInput{
		{"entry script missing", modelVE, "EntryScript", "an entry script is required", deployIC(model.InferenceConfig{SourceDirectory: src, Environment: env})},
		{"entry script not a .py file", modelVE, "EntryScript", "must be a Python file ending in .py", deployIC(model.InferenceConfig{EntryScript: "score.txt", SourceDirectory: src, Environment: env})},
		{"entry script not importable", modelVE, "EntryScript", "is not a valid Python identifier", deployIC(model.InferenceConfig{EntryScript: "my-score.py", SourceDirectory: src, Environment: env})},
		{"entry script named like a keyword", modelVE, "EntryScript", "is a Python keyword", deployIC(model.InferenceConfig{EntryScript: "class.py", SourceDirectory: src, Environment: env})},
		{"entry script not in the source directory", modelVE, "EntryScript", "does not exist", deployIC(model.InferenceConfig{EntryScript: "predict.py", SourceDirectory: src, Environment: env})},
		{"entry script outside the source directory", modelVE, "EntryScript", "must be inside the source directory", deployIC(model.InferenceConfig{EntryScript: "../score.py", SourceDirectory: src, Environment: env})},
		{"entry script does not parse", modelVE, "EntryScript", "does not parse as Python", deployIC(model.InferenceConfig{EntryScript: "score.py", SourceDirectory: brokenSrc, Environment: env})},
		{"source directory missing", modelVE, "SourceDirectory", "does not exist or cannot be read", deployIC(model.InferenceConfig{EntryScript: "score.py", SourceDirectory: filepath.Join(f.dir, "no-src"), Environment: env})},
		{"no environment", modelVE, "Environment", "an Environment is required", deployIC(model.InferenceConfig{EntryScript: "score.py", SourceDirectory: src})},
		{"environment and legacy runtime together", modelVE, "Runtime", "cannot be combined with Environment", deployIC(model.InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Environment: env, Runtime: "python"})},
		{"legacy runtime other than python", modelVE, "Runtime", `only "python" is supported`, deployIC(model.InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Runtime: "spark-py"})},
		{"legacy CUDA version", modelVE, "CUDAVersion", "choose a base image with the CUDA version", deployIC(model.InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Runtime: "python", CondaFile: condaOK, CUDAVersion: "11.1"})},
		{"environment without name", modelVE, "Environment.Name", "an environment name is required", deployIC(withEnv(func(e *model.Environment) { e.Name = "" }))},
		{"environment sets a reserved variable", modelVE, "Environment.EnvironmentVariables", "AZUREML_ENTRY_SCRIPT is reserved", deployIC(withEnv(func(e *model.Environment) {
			e.EnvironmentVariables = map[string]string{"AZUREML_ENTRY_SCRIPT": "x.py"}
		}))},
		{"environment variable name invalid", modelVE, "Environment.EnvironmentVariables", "is not a valid environment variable name", deployIC(withEnv(func(e *model.Environment) {
			e.EnvironmentVariables = map[string]string{"LOG LEVEL": "debug"}
		}))},
		{"base image and Dockerfile together", modelVE, "Environment.Docker", "only one of BaseImage and BaseDockerfile", deployIC(withEnv(func(e *model.Environment) { e.Docker.BaseDockerfile = "FROM ubuntu:22.04\n" }))},
		{"registry password without address", modelVE, "Environment.Docker.BaseImageRegistry.Address", "a registry address is required", deployIC(withEnv(func(e *model.Environment) {
			e.Docker.BaseImageRegistry = &model.ContainerRegistry{Username: "puller", Password: auth.NewSecret("registry-password-123")}
		}))},
		{"registry user without password", modelVE, "Environment.Docker.BaseImageRegistry", "username and password go together", deployIC(withEnv(func(e *model.Environment) {
			e.Docker.BaseImageRegistry = &model.ContainerRegistry{Address: "contoso.azurecr.io", Username: "puller"}
		}))},
		{"no conda dependencies", modelVE, "Environment.Python.CondaDependencies", "conda dependencies are required", deployIC(withEnv(func(e *model.Environment) { e.Python.CondaDependencies = nil }))},
		{"empty pip requirement", modelVE, "Environment.Python.CondaDependencies.PipPackages[1]", "must not be empty", deployIC(withEnv(func(e *model.Environment) {
			e.Python.CondaDependencies.PipPackages = append(e.Python.CondaDependencies.PipPackages, " ")
		}))},

		{"inferenceconfig.json not JSON", modelVE, "inferenceconfig.json", "must be a JSON object", loadIC(`{"entryScript": "score.py",`)},
		{"inferenceconfig.json misspelt key", modelVE, "entryScrpt", "unknown setting", loadIC(`{"entryScrpt": "score.py", "sourceDirectory": "src"}`)},
		{"inferenceconfig.json entryScript a number", modelVE, "entryScript", "must be a string", loadIC(`{"entryScript": 7}`)},
		{"inferenceconfig.json enableGpu a string", modelVE, "enableGpu", "must be true or false", loadIC(`{"entryScript": "score.py", "runtime": "python", "enableGpu": "yes"}`)},
		{"inferenceconfig.json Docker build context", modelVE, "environment.docker.buildContext", "not supported", loadIC(`{"entryScript": "score.py", "environment": {"name": "e", "docker": {"buildContext": {"location": "."}}}}`)},
		{"inferenceconfig.json registry identity", modelVE, "registryIdentity", "registry identities are not supported", loadIC(`{"entryScript": "score.py", "environment": {"name": "e", "docker": {"baseImage": "x", "baseImageRegistry": {"address": "a.azurecr.io", "registryIdentity": {"resourceId": "r"}}}}}`)},
		{"inferenceconfig.json environment variables not strings", modelVE, "environment.environmentVariables", "must be an object of strings", loadIC(`{"entryScript": "score.py", "environment": {"name": "e", "environmentVariables": {"N": 1}}}`)},
		{"inferenceconfig.json conda file unreadable", modelVE, "environment.python.condaDependenciesFile", "conda", loadIC(`{"entryScript": "score.py", "environment": {"name": "e", "python": {"condaDependenciesFile": "missing.yml"}}}`)},

		{"conda YAML dependency not a string", modelVE, "dependencies[0]", "must be a package spec string", condaFile("dependencies:\n  - 3.9\n")},
		{"conda YAML dependency map other than pip", modelVE, "dependencies[1]", "only pip", condaFile("dependencies:\n  - python=3.9\n  - conda: [numpy]\n")},
		{"conda YAML pip not a list", modelVE, "dependencies[0]", "{pip: [requirement, ...]}", condaFile("dependencies:\n  - pip: azureml-defaults\n")},
		{"conda YAML unknown top-level key", modelVE, "variables", "unknown", condaFile("name: e\nvariables:\n  A: 1\n")},
		{"conda YAML not YAML", modelVE, "conda", "invalid conda YAML", condaFile("dependencies: [python=3.9\n")},
		{"conda file missing", modelVE, "path", "cannot be read", func(context.Context) error {
			_, err := model.NewEnvironmentFromCondaFile("env", filepath.Join(f.dir, "missing.yml"))
			return err
		}},
	}
}
