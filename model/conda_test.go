package model

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseCondaYAML(t *testing.T) {
	cd, err := ParseCondaYAML([]byte(`
name: project_environment
channels:
  - conda-forge
  - defaults
dependencies:
  - python=3.9
  - numpy>=1.20
  - pip:
      - azureml-defaults
      - scikit-learn==1.2.0
  - pip:
      - --extra-index-url https://example.org/simple
prefix: /home/me/miniconda/envs/x
`))
	require.NoError(t, err)
	require.Equal(t, &CondaDependencies{
		Name: "project_environment", Channels: []string{"conda-forge", "defaults"},
		CondaPackages: []string{"python=3.9", "numpy>=1.20"},
		PipPackages:   []string{"azureml-defaults", "scikit-learn==1.2.0", "--extra-index-url https://example.org/simple"},
	}, cd)
	require.True(t, cd.hasPipPackage("azureml-defaults"))
	require.True(t, cd.hasPipPackage("scikit-learn"))
	require.False(t, cd.hasPipPackage("numpy"))
}

func TestParseCondaYAMLErrors(t *testing.T) {
	for src, want := range map[string]string{
		"":                                "invalid conda YAML",
		"name: [1, 2]\n":                  "invalid conda YAML",
		"variables:\n  A: 1\n":            "variables: line 1: unknown key",
		"dependencies:\n  - 3.9\n":        "dependencies[0]: line 2: dependency \"3.9\" must be a package spec string",
		"dependencies:\n  - conda: [x]\n": "only pip",
		"dependencies:\n  - pip: x\n":     "{pip: [requirement",
		"dependencies:\n  - [a, b]\n":     "string or a {pip",
		"dependencies: x\n":               "invalid conda YAML",
		"a: &a [*a]\n":                    "invalid conda YAML",
	} {
		_, err := ParseCondaYAML([]byte(src))
		require.Error(t, err, "%q", src)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%q", src)
		require.Contains(t, err.Error(), want, "%q", src)
	}
}

func TestLoadCondaFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "env.yml")
	writeFile(t, p, []byte("dependencies:\n  - python=3.9\n"))
	cd, err := LoadCondaFile(p)
	require.NoError(t, err)
	require.Equal(t, []string{"python=3.9"}, cd.CondaPackages)
	_, err = LoadCondaFile(filepath.Join(t.TempDir(), "missing.yml"))
	require.ErrorContains(t, err, "conda file")
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "path", ve.Problems[0].Field)
	_, err = LoadCondaFile(t.TempDir())
	require.ErrorContains(t, err, "not a regular file")

	env, err := NewEnvironmentFromCondaFile("e", p)
	require.NoError(t, err)
	require.Equal(t, "e", env.Name)
	require.Equal(t, cd, env.Python.CondaDependencies)
	require.Equal(t, DefaultCPUImage, env.Docker.BaseImage)
	require.NoError(t, env.Validate())
	_, err = NewEnvironmentFromCondaFile("e", filepath.Join(t.TempDir(), "missing.yml"))
	require.Error(t, err)
}

func TestCondaJSONRoundTrip(t *testing.T) {
	in := `{"name":"e","channels":["conda-forge"],"dependencies":["python=3.9",{"pip":["azureml-defaults"]}]}`
	var cd CondaDependencies
	require.NoError(t, json.Unmarshal([]byte(in), &cd))
	require.Equal(t, CondaDependencies{Name: "e", Channels: []string{"conda-forge"}, CondaPackages: []string{"python=3.9"}, PipPackages: []string{"azureml-defaults"}}, cd)
	out, err := json.Marshal(cd)
	require.NoError(t, err)
	require.JSONEq(t, in, string(out))

	for _, bad := range []string{`{"extra":1}`, `{"dependencies":[1]}`, `{"dependencies":[{"conda":["x"]}]}`, `{"dependencies":[""]}`, `[]`} {
		require.Error(t, json.Unmarshal([]byte(bad), &cd), bad)
	}
}
