package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestValidateName(t *testing.T) {
	for name, ok := range map[string]bool{
		"m": true, "M1": true, "1model": true, "my-model.v2_final": true, strings.Repeat("a", 255): true,
		"": false, "-m": false, ".m": false, "_m": false, "my model": false, "m/1": false, "m:1": false,
		strings.Repeat("a", 256): false, "m\n": false, "modèle": false,
	} {
		err := ValidateName(name)
		require.Equal(t, ok, err == nil, "%q: %v", name, err)
		if err != nil {
			require.Contains(t, err.Error(), "must only include letters, numbers, dashes, periods, or underscores, start with a letter or number, and be between 1 and 255 characters long")
		}
	}
}

func TestRegisterOptionsValidate(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "m")
	makeTree(t, dir, map[string]string{"a.bin": "a", "sub/b.bin": "b"})
	file := filepath.Join(dir, "a.bin")
	neg, zero, gpuNeg := -1.0, 0.0, -2
	cases := []struct {
		name   string
		path   string
		mname  string
		opts   *RegisterOptions
		fields []string
	}{
		{"nil options", file, "m", nil, nil},
		{"all options", dir, "m", &RegisterOptions{Tags: map[string]string{"a": "b"}, Properties: map[string]string{"c": "d"},
			Framework: FrameworkPyTorch, FrameworkVersion: "2.1", ChildPaths: []string{"sub", "a.bin"},
			Datasets: []DatasetReference{{Name: "training", ID: "d"}}, ExperimentName: "e", RunID: "r"}, nil},
		{"bad name", file, "-m", nil, []string{"name"}},
		{"missing path", filepath.Join(root, "nope"), "m", nil, []string{"path"}},
		{"empty path", "", "m", nil, []string{"path"}},
		{"framework version needs framework", file, "m", &RegisterOptions{FrameworkVersion: "1"}, []string{"FrameworkVersion"}},
		{"empty keys", file, "m", &RegisterOptions{Tags: map[string]string{"": "x"}, Properties: map[string]string{" ": "y"}}, []string{"Tags", "Properties"}},
		{"resources", file, "m", &RegisterOptions{ResourceConfiguration: &ResourceConfiguration{CPU: &neg, MemoryInGB: &zero, GPU: &gpuNeg}},
			[]string{"ResourceConfiguration.CPU", "ResourceConfiguration.MemoryInGB", "ResourceConfiguration.GPU"}},
		{"child paths need a directory", file, "m", &RegisterOptions{ChildPaths: []string{"x"}}, []string{"ChildPaths"}},
		{"child paths must exist and stay inside", dir, "m", &RegisterOptions{ChildPaths: []string{"nope", "../a", "/abs", ""}},
			[]string{"ChildPaths[0]", "ChildPaths[1]", "ChildPaths[2]", "ChildPaths[3]"}},
		{"datasets need name and id", file, "m", &RegisterOptions{Datasets: []DatasetReference{{}}}, []string{"Datasets[0].Name", "Datasets[0].ID"}},
		{"run id needs experiment", file, "m", &RegisterOptions{RunID: "r"}, []string{"ExperimentName"}},
		{"everything at once", filepath.Join(root, "nope"), "", &RegisterOptions{FrameworkVersion: "1", RunID: "r"},
			[]string{"name", "path", "FrameworkVersion", "ExperimentName"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.fields, problemFields(t, c.opts.validate(c.path, c.mname)))
		})
	}
}

func TestModelFilesLayout(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "net")
	makeTree(t, dir, map[string]string{"w/0.bin": "0", "w/1.bin": "1", "config.json": "{}"})
	require.NoError(t, os.Symlink("config.json", filepath.Join(dir, "alias.json")))
	require.NoError(t, os.Symlink("w", filepath.Join(dir, "wlink")))
	require.NoError(t, os.Symlink("missing", filepath.Join(dir, "dangling")))
	files, err := modelFiles(dir, nil)
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, f.Artifact)
	}
	require.Equal(t, []string{"net/alias.json", "net/config.json", "net/w/0.bin", "net/w/1.bin"}, names,
		"paths relative to the parent; file links followed, directory and dangling links skipped")

	files, err = modelFiles(filepath.Join(dir, "config.json"), nil)
	require.NoError(t, err)
	require.Equal(t, []localFile{{Path: filepath.Join(dir, "config.json"), Artifact: "config.json"}}, files)

	empty := filepath.Join(root, "empty")
	require.NoError(t, os.MkdirAll(empty, 0o755))
	_, err = modelFiles(empty, nil)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
}
