package workspace

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	testSub   = "11111111-2222-3333-4444-555555555555"
	flatJSON  = `{"subscription_id":"` + testSub + `","resource_group":"rg","workspace_name":"ws","extra":1}`
	scopeJSON = `{"Id":null,"Scope":"/subscriptions/` + testSub + `/resourceGroups/rg2/providers/Microsoft.MachineLearningServices/workspaces/ws2"}`
)

func write(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

func TestFindConfigSearchRules(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string // relative to root
		start string            // relative to root
		want  string            // relative to root; "" = not found
	}{
		{"plain directory", map[string]string{"config.json": flatJSON}, ".", "config.json"},
		{".azureml before plain", map[string]string{"config.json": flatJSON, ".azureml/config.json": flatJSON}, ".", ".azureml/config.json"},
		{".azureml before aml_config", map[string]string{"aml_config/config.json": flatJSON, ".azureml/config.json": flatJSON}, ".", ".azureml/config.json"},
		{"aml_config before plain", map[string]string{"aml_config/config.json": flatJSON, "config.json": flatJSON}, ".", "aml_config/config.json"},
		{"config.json before project.json", map[string]string{".azureml/project.json": scopeJSON, "config.json": flatJSON}, ".", "config.json"},
		{"project.json when no config.json", map[string]string{"aml_config/project.json": scopeJSON}, ".", "aml_config/project.json"},
		{"parent directory", map[string]string{".azureml/config.json": flatJSON}, "a/b/c", ".azureml/config.json"},
		{"nearest directory wins", map[string]string{".azureml/config.json": flatJSON, "a/config.json": flatJSON}, "a/b", "a/config.json"},
		{"a file is used directly", map[string]string{"custom/other.json": flatJSON, "config.json": flatJSON}, "custom/other.json", "custom/other.json"},
		{"directory named config.json ignored", map[string]string{"config.json/x": "", "project.json": scopeJSON}, ".", "project.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for rel, content := range tc.files {
				write(t, filepath.Join(root, rel), content)
			}
			start := filepath.Join(root, tc.start)
			require.NoError(t, os.MkdirAll(filepath.Dir(start), 0o755))
			if !strings.HasSuffix(tc.start, ".json") {
				require.NoError(t, os.MkdirAll(start, 0o755))
			}
			got, err := FindConfig(start)
			require.NoError(t, err)
			require.Equal(t, filepath.Join(root, tc.want), got)
		})
	}
}

func TestFindConfigNotFound(t *testing.T) {
	dir := t.TempDir()
	_, err := FindConfig(dir)
	require.Error(t, err)
	require.True(t, errors.Is(err, fs.ErrNotExist))
	var nf *ConfigNotFoundError
	require.ErrorAs(t, err, &nf)
	require.Contains(t, err.Error(), "The workspace configuration file config.json, could not be found in "+dir+" or its parent directories")

	_, err = FindConfig(filepath.Join(dir, "missing"))
	require.ErrorIs(t, err, fs.ErrNotExist)
}

func TestParseConfigShapes(t *testing.T) {
	cases := []struct {
		name, in string
		want     Config
		errSub   string
	}{
		{"flat", flatJSON, Config{testSub, "rg", "ws"}, ""},
		{"scope", scopeJSON, Config{testSub, "rg2", "ws2"}, ""},
		{"scope wins over flat keys", `{"Scope":"/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w","workspace_name":"x"}`, Config{"s", "r", "w"}, ""},
		{"missing workspace_name", `{"subscription_id":"s","resource_group":"r"}`, Config{}, "missing workspace_name"},
		{"missing all", `{}`, Config{}, "missing subscription_id, resource_group, workspace_name"},
		{"non-string value", `{"subscription_id":1,"resource_group":"r","workspace_name":"w"}`, Config{}, "subscription_id must be a string, got a number"},
		{"non-string scope", `{"Scope":["s"]}`, Config{}, "Scope must be a string, got an array"},
		{"bad scope", `{"Scope":"/subscriptions/s/resourceGroups/r"}`, Config{}, "is not /subscriptions/"},
		{"wrong provider", `{"Scope":"/subscriptions/s/resourceGroups/r/providers/Microsoft.Foo/workspaces/w"}`, Config{}, "is not /subscriptions/"},
		{"not json", `nope`, Config{}, "not a JSON object"},
		{"array", `[]`, Config{}, "not a JSON object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseConfig([]byte(tc.in))
			if tc.errSub != "" {
				require.ErrorContains(t, err, tc.errSub)
				var ce *ConfigError
				require.ErrorAs(t, err, &ce)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestReadConfigNamesFile(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "config.json"), `{"subscription_id":"s"}`)
	_, _, err := ReadConfig(dir)
	require.ErrorContains(t, err, filepath.Join(dir, "config.json"))
	require.ErrorContains(t, err, "missing resource_group, workspace_name")
}

func TestWriteConfig(t *testing.T) {
	c := Config{testSub, "rg", "ws"}
	t.Run("default .azureml/config.json", func(t *testing.T) {
		dir := t.TempDir()
		path, err := WriteConfig(dir, c)
		require.NoError(t, err)
		require.Equal(t, filepath.Join(dir, ".azureml", "config.json"), path)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		require.JSONEq(t, `{"Id":null,"Scope":"/subscriptions/`+testSub+`/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"}`, string(data))
		got, found, err := ReadConfig(dir)
		require.NoError(t, err)
		require.Equal(t, path, found)
		require.Equal(t, c, got)
	})
	t.Run("aml_config when it exists", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.Mkdir(filepath.Join(dir, "aml_config"), 0o755))
		path, err := WriteConfig(dir, c)
		require.NoError(t, err)
		require.Equal(t, filepath.Join(dir, "aml_config", "config.json"), path)
	})
	t.Run("legacy project.json kept", func(t *testing.T) {
		dir := t.TempDir()
		write(t, filepath.Join(dir, ".azureml", "project.json"), "{}")
		path, err := WriteConfig(dir, c)
		require.NoError(t, err)
		require.Equal(t, filepath.Join(dir, ".azureml", "project.json"), path)
	})
	t.Run("all problems at once", func(t *testing.T) {
		_, err := WriteConfig(t.TempDir(), Config{})
		require.ErrorContains(t, err, "SubscriptionID is required")
		require.ErrorContains(t, err, "ResourceGroup is required")
		require.ErrorContains(t, err, "WorkspaceName is required")
	})
}

func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{flatJSON, scopeJSON, `{}`, `{"Scope":""}`, `{"Scope":"/a/b/c/d/e/f/g/h"}`, `null`, `"x"`, `{"subscription_id":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("error is not a *ConfigError with problems: %v", err)
			}
			return
		}
		if c.SubscriptionID == "" || c.ResourceGroup == "" || c.WorkspaceName == "" {
			t.Fatalf("accepted an incomplete config: %+v", c)
		}
	})
}
