package model

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/auth"
)

const goodScript = "def init():\n    pass\n\n\ndef run(data):\n    return data\n"

// icFixture lays out a source directory with a few scripts and a conda file.
func icFixture(t *testing.T) (root, src string) {
	t.Helper()
	root = t.TempDir()
	src = filepath.Join(root, "src")
	makeTree(t, src, map[string]string{
		"score.py":        goodScript,
		"pkg/entry.py":    goodScript,
		"bad_syntax.py":   "def run(x:\n",
		"class.py":        goodScript,
		"my-score.py":     goodScript,
		"notpython.txt":   "x",
		"no_functions.py": "x = 1\n",
	})
	writeFile(t, filepath.Join(root, "env.yml"), []byte("name: e\ndependencies:\n  - python=3.9\n  - pip:\n    - azureml-defaults\n"))
	writeFile(t, filepath.Join(root, "steps.txt"), []byte("RUN echo hi\n"))
	writeFile(t, filepath.Join(root, "outside.py"), []byte(goodScript))
	return root, src
}

func problemFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.Field)
	}
	return out
}

func TestInferenceConfigValidate(t *testing.T) {
	root, src := icFixture(t)
	env := NewEnvironment("env")
	cases := []struct {
		name   string
		ic     InferenceConfig
		fields []string // problem fields, in order; nil = valid
		text   string   // substring of the error
	}{
		{"valid with source dir", InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Environment: env}, nil, ""},
		{"valid nested entry script", InferenceConfig{EntryScript: "pkg/entry.py", SourceDirectory: src, Environment: env}, nil, ""},
		{"valid without source dir", InferenceConfig{EntryScript: filepath.Join(src, "score.py"), Environment: env}, nil, ""},
		{"entry script required", InferenceConfig{Environment: env}, []string{"EntryScript"}, "entry script is required"},
		{"must end .py", InferenceConfig{EntryScript: "notpython.txt", SourceDirectory: src, Environment: env}, []string{"EntryScript", "EntryScript"}, "ending in .py"},
		{"module name must be identifier", InferenceConfig{EntryScript: "my-score.py", SourceDirectory: src, Environment: env}, []string{"EntryScript"}, "not a valid Python identifier"},
		{"module name not a keyword", InferenceConfig{EntryScript: "class.py", SourceDirectory: src, Environment: env}, []string{"EntryScript"}, "is a Python keyword"},
		{"must exist", InferenceConfig{EntryScript: "missing.py", SourceDirectory: src, Environment: env}, []string{"EntryScript"}, "does not exist in source directory"},
		{"must parse", InferenceConfig{EntryScript: "bad_syntax.py", SourceDirectory: src, Environment: env}, []string{"EntryScript"}, "does not parse as Python"},
		{"must stay inside source dir", InferenceConfig{EntryScript: "../outside.py", SourceDirectory: src, Environment: env}, []string{"EntryScript"}, "inside the source directory"},
		{"relative to source dir", InferenceConfig{EntryScript: filepath.Join(root, "outside.py"), SourceDirectory: src, Environment: env}, []string{"EntryScript"}, "relative to the source directory"},
		{"source dir must exist", InferenceConfig{EntryScript: "score.py", SourceDirectory: filepath.Join(root, "nope"), Environment: env}, []string{"SourceDirectory"}, "does not exist"},
		{"environment or runtime", InferenceConfig{EntryScript: "score.py", SourceDirectory: src}, []string{"Environment"}, "Environment is required"},
		{"environment excludes legacy", InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Environment: env, Runtime: "python", CondaFile: "x", EnableGPU: true, BaseImage: "img", CUDAVersion: "10", ExtraDockerfileSteps: "s", BaseImageRegistry: &ContainerRegistry{}},
			[]string{"Runtime", "CondaFile", "ExtraDockerfileSteps", "EnableGPU", "CUDAVersion", "BaseImage", "BaseImageRegistry"}, "cannot be combined with Environment"},
		{"legacy converts", InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Runtime: "python", CondaFile: filepath.Join(root, "env.yml")}, nil, ""},
		{"legacy runtime only python", InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Runtime: "spark-py"}, []string{"Runtime"}, "only \"python\""},
		{"legacy needs runtime", InferenceConfig{EntryScript: "score.py", SourceDirectory: src, CondaFile: filepath.Join(root, "env.yml")}, []string{"Runtime"}, "need Runtime"},
		{"legacy cuda cannot convert", InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Runtime: "python", CUDAVersion: "9.1"}, []string{"CUDAVersion"}, "cannot be converted"},
		{"legacy conda file must load", InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Runtime: "python", CondaFile: filepath.Join(root, "none.yml")}, []string{"CondaFile"}, "conda file"},
		{"all problems at once", InferenceConfig{EntryScript: "class.txt", SourceDirectory: src, Environment: &Environment{}},
			[]string{"EntryScript", "EntryScript", "EntryScript", "Environment.Name", "Environment.Docker", "Environment.Python.CondaDependencies"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.ic.Validate()
			require.Equal(t, c.fields, problemFields(t, err), "%v", err)
			if c.text != "" {
				require.ErrorContains(t, err, c.text)
			}
		})
	}
}

func TestEnvironmentValidate(t *testing.T) {
	base := func(mut func(e *Environment)) *Environment {
		e := NewEnvironment("env")
		mut(e)
		return e
	}
	cases := []struct {
		name   string
		env    *Environment
		fields []string
	}{
		{"defaults are valid", NewEnvironment("env"), nil},
		{"name required", base(func(e *Environment) { e.Name = " " }), []string{"Environment.Name"}},
		{"only one of image and dockerfile", base(func(e *Environment) { e.Docker.BaseDockerfile = "FROM x" }), []string{"Environment.Docker"}},
		{"dockerfile alone is fine", base(func(e *Environment) { e.Docker.BaseImage = ""; e.Docker.BaseDockerfile = "FROM x" }), nil},
		{"one of them required", base(func(e *Environment) { e.Docker.BaseImage = "" }), []string{"Environment.Docker"}},
		{"reserved variables", base(func(e *Environment) {
			e.EnvironmentVariables = map[string]string{EnvEntryScript: "x", "1BAD": "y", "GOOD": "z"}
		}), []string{"Environment.EnvironmentVariables", "Environment.EnvironmentVariables"}},
		{"registry credentials go together", base(func(e *Environment) {
			e.Docker.BaseImageRegistry = &ContainerRegistry{Address: "r.io", Username: "u"}
		}), []string{"Environment.Docker.BaseImageRegistry"}},
		{"registry needs address", base(func(e *Environment) {
			e.Docker.BaseImageRegistry = &ContainerRegistry{Username: "u", Password: auth.NewSecret("p")}
		}), []string{"Environment.Docker.BaseImageRegistry.Address"}},
		{"conda required unless user managed", base(func(e *Environment) { e.Python.CondaDependencies = nil }), []string{"Environment.Python.CondaDependencies"}},
		{"user managed needs no conda", base(func(e *Environment) { e.Python.CondaDependencies = nil; e.Python.UserManagedDependencies = true }), nil},
		{"empty packages", base(func(e *Environment) {
			e.Python.CondaDependencies.PipPackages = append(e.Python.CondaDependencies.PipPackages, " ")
		}),
			[]string{"Environment.Python.CondaDependencies.PipPackages[1]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.fields, problemFields(t, c.env.Validate()))
		})
	}
}

func TestLegacyConversion(t *testing.T) {
	root, src := icFixture(t)
	ic := InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Runtime: "Python", CondaFile: filepath.Join(root, "env.yml"),
		EnableGPU: true, ExtraDockerfileSteps: filepath.Join(root, "steps.txt"),
		BaseImageRegistry: &ContainerRegistry{Address: "r.io", Username: "u", Password: auth.NewSecret("pw")}}
	require.NoError(t, ic.Validate())
	env, err := ic.ResolvedEnvironment()
	require.NoError(t, err)
	require.Equal(t, legacyEnvironmentName, env.Name)
	require.Equal(t, []string{"python=3.9"}, env.Python.CondaDependencies.CondaPackages)
	require.Equal(t, "", env.Docker.BaseImage)
	require.Equal(t, "FROM "+DefaultGPUImage+"\nRUN echo hi\n", env.Docker.BaseDockerfile)
	require.Equal(t, "r.io", env.Docker.BaseImageRegistry.Address)

	ic2 := InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Runtime: "python", BaseImage: "my/img:1"}
	env2, err := ic2.ResolvedEnvironment()
	require.NoError(t, err)
	require.Equal(t, "my/img:1", env2.Docker.BaseImage)
}

func TestResolvedEnvironmentIsACopy(t *testing.T) {
	_, src := icFixture(t)
	env := NewEnvironment("env")
	env.EnvironmentVariables = map[string]string{"A": "1"}
	ic := InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Environment: env}
	got, err := ic.ResolvedEnvironment()
	require.NoError(t, err)
	got.EnvironmentVariables["B"] = "2"
	got.Python.CondaDependencies.PipPackages[0] = "changed"
	require.Equal(t, map[string]string{"A": "1"}, env.EnvironmentVariables)
	require.Equal(t, "azureml-defaults", env.Python.CondaDependencies.PipPackages[0])
}

func TestEntryScriptEnv(t *testing.T) {
	_, src := icFixture(t)
	require.Equal(t, "src/pkg/entry.py", (&InferenceConfig{EntryScript: "./pkg/entry.py", SourceDirectory: src}).EntryScriptEnv())
	require.Equal(t, "src/score.py", (&InferenceConfig{EntryScript: "score.py", SourceDirectory: src + string(filepath.Separator)}).EntryScriptEnv())
	require.Equal(t, "score.py", (&InferenceConfig{EntryScript: filepath.Join(src, "score.py")}).EntryScriptEnv())
	t.Chdir(src)
	require.Equal(t, "src/score.py", (&InferenceConfig{EntryScript: "score.py", SourceDirectory: "."}).EntryScriptEnv())
}

func TestInferenceConfigWarnings(t *testing.T) {
	_, src := icFixture(t)
	env := NewEnvironment("env")
	env.Python.CondaDependencies.PipPackages = []string{"numpy"}
	env.Docker.BaseImage = "my/custom:1"
	w := (&InferenceConfig{EntryScript: "no_functions.py", SourceDirectory: src, Environment: env}).Warnings()
	require.Len(t, w, 4, "%q", w)
	joined := strings.Join(w, "\n")
	require.Contains(t, joined, "azureml-defaults")
	require.Contains(t, joined, "InferencingStackVersion")
	require.Contains(t, joined, "no top-level init()")
	require.Contains(t, joined, "no top-level run()")
	require.Empty(t, (&InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Environment: NewEnvironment("e")}).Warnings())
}

func TestEnvironmentWireJSON(t *testing.T) {
	env := NewEnvironment("env")
	env.Version = "3"
	env.EnvironmentVariables = map[string]string{"K": "V"}
	env.InferencingStackVersion = "latest"
	env.Docker.BaseImageRegistry = &ContainerRegistry{Address: "r.io", Username: "u", Password: auth.NewSecret("s3cret")}
	b, err := json.Marshal(env.wire())
	require.NoError(t, err)
	require.JSONEq(t, `{
		"name": "env", "version": "3", "environmentVariables": {"K": "V"},
		"python": {"userManagedDependencies": false, "interpreterPath": "python",
			"condaDependencies": {"name": "project_environment", "channels": ["conda-forge"],
				"dependencies": ["python=3.9", "pip", {"pip": ["azureml-defaults"]}]}},
		"docker": {"baseImage": "`+DefaultCPUImage+`", "baseDockerfile": null,
			"baseImageRegistry": {"address": "r.io", "username": "u", "password": "s3cret"}},
		"inferencingStackVersion": "latest"}`, string(b))

	bare, err := json.Marshal((&Environment{Name: "x", Python: PythonSection{UserManagedDependencies: true}, Docker: DockerSection{BaseDockerfile: "FROM y"}}).wire())
	require.NoError(t, err)
	require.JSONEq(t, `{"name":"x","version":null,"environmentVariables":{},
		"python":{"userManagedDependencies":true,"interpreterPath":"python","condaDependencies":null},
		"docker":{"baseImage":null,"baseDockerfile":"FROM y","baseImageRegistry":{"address":null,"username":null,"password":null}},
		"inferencingStackVersion":null}`, string(bare))
}

func TestRegistryPasswordNeverPrints(t *testing.T) {
	env := NewEnvironment("env")
	env.Docker.BaseImageRegistry = &ContainerRegistry{Address: "r.io", Username: "u", Password: auth.NewSecret("s3cret")}
	for _, s := range []string{
		fmt.Sprintf("%v %+v %#v", env, env, env),
		fmt.Sprintf("%v %+v %#v", *env.Docker.BaseImageRegistry, env.Docker.BaseImageRegistry, *env.Docker.BaseImageRegistry),
		fmt.Sprint((&EnvironmentImageRequest{Environment: env}).String()),
	} {
		require.NotContains(t, s, "s3cret")
	}
	b, err := json.Marshal(env)
	require.NoError(t, err)
	require.NotContains(t, string(b), "s3cret", "plain json.Marshal of an Environment is not the wire body")
	b, err = json.Marshal(&EnvironmentImageRequest{Environment: env})
	require.NoError(t, err)
	require.Contains(t, string(b), `"password":"s3cret"`, "the wire body carries the password")
}
