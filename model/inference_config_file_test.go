package model

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadInferenceConfigDocsSample(t *testing.T) {
	dir := t.TempDir()
	// The shape of the azureml v1 documentation's inferenceconfig.json sample.
	writeFile(t, filepath.Join(dir, "inferenceconfig.json"), []byte(`{
    "entryScript": "score.py",
    "sourceDirectory": "./",
    "environment": {
        "docker": {"arguments": [], "baseDockerfile": null, "baseImage": "mcr.microsoft.com/azureml/intelmpi2018.3-ubuntu18.04",
                   "enabled": false, "sharedVolumes": true, "shmSize": null},
        "environmentVariables": {"EXAMPLE_ENV_VAR": "EXAMPLE_VALUE"},
        "name": "my-deploy-env",
        "python": {"baseCondaEnvironment": null,
                   "condaDependencies": {"channels": ["conda-forge"],
                                         "dependencies": ["python=3.6.2", {"pip": ["azureml-defaults", "inference-schema[numpy-support]"]}],
                                         "name": "project_environment"},
                   "condaDependenciesFile": null, "interpreterPath": "python", "userManagedDependencies": false},
        "version": "1",
        "spark": {"repositories": [], "packages": [], "precachePackages": true},
        "r": null
    }
}`))
	writeFile(t, filepath.Join(dir, "score.py"), []byte(goodScript))
	ic, err := LoadInferenceConfig(filepath.Join(dir, "inferenceconfig.json"))
	require.Error(t, err, "spark precachePackages=true is a setting we cannot honour")
	require.ErrorContains(t, err, "environment.spark")

	writeFile(t, filepath.Join(dir, "inferenceconfig.json"), []byte(`{
    "entryScript": "score.py", "sourceDirectory": "./", "description": "d", "$schema": "x", "schemaFile": null,
    "environment": {
        "docker": {"arguments": [], "baseDockerfile": null, "baseImage": "img", "enabled": false, "sharedVolumes": true, "shmSize": null,
                   "baseImageRegistry": {"address": null, "username": null, "password": null}},
        "environmentVariables": {"EXAMPLE_ENV_VAR": "EXAMPLE_VALUE"},
        "name": "my-deploy-env",
        "python": {"baseCondaEnvironment": null,
                   "condaDependencies": {"channels": ["conda-forge"], "dependencies": ["python=3.6.2", {"pip": ["azureml-defaults"]}], "name": "project_environment"},
                   "condaDependenciesFile": null, "interpreterPath": "python", "userManagedDependencies": false},
        "version": "1", "spark": {"repositories": [], "packages": [], "precachePackages": false}, "databricks": null, "r": null, "assetId": "x"
    }
}`))
	ic, err = LoadInferenceConfig(filepath.Join(dir, "inferenceconfig.json"))
	require.NoError(t, err)
	require.Equal(t, "score.py", ic.EntryScript)
	require.Equal(t, dir, ic.SourceDirectory, "relative to the file's directory")
	require.Equal(t, "d", ic.Description)
	env := ic.Environment
	require.Equal(t, "my-deploy-env", env.Name)
	require.Equal(t, "1", env.Version)
	require.Equal(t, map[string]string{"EXAMPLE_ENV_VAR": "EXAMPLE_VALUE"}, env.EnvironmentVariables)
	require.Equal(t, "img", env.Docker.BaseImage)
	require.Nil(t, env.Docker.BaseImageRegistry, "an all-null registry is no registry")
	require.Equal(t, []string{"azureml-defaults"}, env.Python.CondaDependencies.PipPackages)
	require.NoError(t, ic.Validate())
}

func TestLoadInferenceConfigLegacy(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "env.yml"), []byte("dependencies:\n  - python=3.9\n  - pip:\n    - azureml-defaults\n"))
	writeFile(t, filepath.Join(dir, "score.py"), []byte(goodScript))
	writeFile(t, filepath.Join(dir, "ic.json"), []byte(`{"entryScript": "score.py", "runtime": "python", "condaFile": "env.yml",
		"enableGpu": false, "baseImage": "my/img", "baseImageRegistry": {"address": "r.io", "username": "u", "password": "pw"}}`))
	ic, err := LoadInferenceConfig(filepath.Join(dir, "ic.json"))
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "score.py"), ic.EntryScript, "without sourceDirectory the entry script is relative to the file")
	require.Equal(t, filepath.Join(dir, "env.yml"), ic.CondaFile)
	require.Equal(t, "pw", ic.BaseImageRegistry.Password.Reveal())
	require.NoError(t, ic.Validate())
	env, err := ic.ResolvedEnvironment()
	require.NoError(t, err)
	require.Equal(t, "my/img", env.Docker.BaseImage)
}

func TestParseInferenceConfigReportsAllProblems(t *testing.T) {
	_, err := ParseInferenceConfig([]byte(`{"entryScript": 3, "bogus": 1, "enableGpu": "yes",
		"environment": {"name": "e", "docker": {"buildContext": "ctx", "weird": 1}, "python": {"baseCondaEnvironment": "base", "condaDependencies": {"x": 1}}}}`), "")
	require.Equal(t, []string{"bogus", "entryScript", "enableGpu", "environment.python.baseCondaEnvironment",
		"environment.python.condaDependencies", "environment.docker.weird", "environment.docker.buildContext"}, problemFields(t, err))
	for _, bad := range []string{``, `[]`, `null`, `{"a":1} {}`, `"x"`} {
		_, err := ParseInferenceConfig([]byte(bad), "")
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, bad)
	}
}

func TestParseEnvironmentJSONCondaFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "c.yml"), []byte("dependencies:\n  - python=3.9\n"))
	env, err := ParseEnvironmentJSON([]byte(`{"name":"e","python":{"condaDependenciesFile":"c.yml"},"docker":{"baseImage":"i"}}`), dir)
	require.NoError(t, err)
	require.Equal(t, []string{"python=3.9"}, env.Python.CondaDependencies.CondaPackages)
	require.Equal(t, "python", env.Python.InterpreterPath)
}

func TestExampleAssetsInferenceConfig(t *testing.T) {
	ic, err := LoadInferenceConfig(filepath.Join("..", "examples", "assets", "inferenceconfig.json"))
	require.NoError(t, err)
	require.NoError(t, ic.Validate())
	require.Empty(t, ic.Warnings())
	require.Equal(t, "src/score.py", ic.EntryScriptEnv())
	files, err := SourcePackageFiles(ic.SourceDirectory)
	require.NoError(t, err)
	require.Equal(t, []string{".amlignore", "score.py"}, files)
}
