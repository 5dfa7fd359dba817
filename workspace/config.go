package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// File and directory names searched by FromConfig, as in azureml-core.
const (
	ConfigFileName        = "config.json"
	LegacyProjectFileName = "project.json"
	AzureMLDir            = ".azureml"
	AMLConfigDir          = "aml_config"
)

// maxConfigSize bounds how much of a configuration file is read.
const maxConfigSize = 1 << 20

// Config identifies a workspace, as a config.json file does.
type Config struct {
	SubscriptionID string
	ResourceGroup  string
	WorkspaceName  string
}

// Scope returns the ARM id of the workspace.
func (c Config) Scope() string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s",
		c.SubscriptionID, c.ResourceGroup, c.WorkspaceName)
}

// Config returns the identity of the workspace, ready for WriteConfig.
func (w *Workspace) Config() Config {
	return Config{SubscriptionID: w.subscriptionID, ResourceGroup: w.resourceGroup, WorkspaceName: w.name}
}

// FromConfig finds a workspace configuration file, then calls Get.
//
// path is a file, used as it is, or a directory (default "."): from there up to the
// root, each directory is searched for config.json and then project.json, first inside
// .azureml/, then aml_config/, then the directory itself. The first file found wins.
// Both shapes azureml-core accepts are read: {"subscription_id", "resource_group",
// "workspace_name"} and {"Scope": "/subscriptions/…/workspaces/…"}; other keys are ignored.
func FromConfig(ctx context.Context, path string, cred azcore.TokenCredential, opts *Options) (*Workspace, error) {
	c, found, err := ReadConfig(path)
	if err != nil {
		return nil, err
	}
	w, err := Get(ctx, c.SubscriptionID, c.ResourceGroup, c.WorkspaceName, cred, opts)
	var ce *ConfigError
	if errors.As(err, &ce) && ce.Path == "" {
		ce.Path = found // the identity came from this file: say so
	}
	return w, err
}

// ReadConfig finds and parses a workspace configuration file with the rules of
// FromConfig, and returns the configuration and the file it came from.
func ReadConfig(path string) (Config, string, error) {
	found, err := FindConfig(path)
	if err != nil {
		return Config{}, "", err
	}
	f, err := os.Open(found)
	if err != nil {
		return Config{}, "", fmt.Errorf("reading workspace configuration: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return Config{}, "", fmt.Errorf("reading workspace configuration %s: %w", found, err)
	}
	if len(data) > maxConfigSize {
		return Config{}, "", &ConfigError{Path: found, Problems: []string{fmt.Sprintf("the file is larger than %d bytes", maxConfigSize)}}
	}
	c, err := ParseConfig(data)
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			ce.Path = found
		}
		return Config{}, "", err
	}
	return c, found, nil
}

// FindConfig returns the configuration file that FromConfig would use.
func FindConfig(path string) (string, error) {
	if path == "" {
		path = "."
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", notFound(path)
	}
	if !st.IsDir() {
		return abs, nil
	}
	for dir := abs; ; {
		for _, file := range []string{ConfigFileName, LegacyProjectFileName} {
			for _, sub := range []string{AzureMLDir, AMLConfigDir, ""} {
				candidate := filepath.Join(dir, sub, file)
				if st, err := os.Stat(candidate); err == nil && st.Mode().IsRegular() {
					return candidate, nil
				}
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", notFound(path)
		}
		dir = parent
	}
}

func notFound(path string) error {
	return &ConfigNotFoundError{Path: path}
}

// ConfigNotFoundError reports that no configuration file was found.
type ConfigNotFoundError struct{ Path string }

// Error implements error with azureml-core's text.
func (e *ConfigNotFoundError) Error() string {
	return fmt.Sprintf("The workspace configuration file config.json, could not be found in %s or its parent directories. "+
		"Please check whether the workspace configuration file exists, or provide the full path to the configuration file as an argument. "+
		"You can download a configuration file for your workspace, via https://ml.azure.com and clicking on the name of your workspace in the right top.", e.Path)
}

// Is makes errors.Is(err, fs.ErrNotExist) true.
func (e *ConfigNotFoundError) Is(target error) bool { return target == fs.ErrNotExist }

// ParseConfig parses the contents of a configuration file in either shape.
func ParseConfig(data []byte) (Config, error) {
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return Config{}, &ConfigError{Problems: []string{"the file is not a JSON object: " + err.Error()}}
	}
	str := func(key string) (string, bool) {
		v, ok := raw[key]
		if !ok || v == nil {
			return "", false
		}
		s, isStr := v.(string)
		return s, isStr
	}
	if scope, ok := str("Scope"); ok {
		return parseScope(scope)
	}
	if v := raw["Scope"]; v != nil {
		return Config{}, &ConfigError{Problems: []string{fmt.Sprintf("Scope must be a string, got %s", jsonKind(v))}}
	}
	sub, okS := str("subscription_id")
	rg, okR := str("resource_group")
	ws, okW := str("workspace_name")
	var missing, problems []string
	for _, f := range []struct {
		name string
		ok   bool
		v    string
	}{{"subscription_id", okS, sub}, {"resource_group", okR, rg}, {"workspace_name", okW, ws}} {
		switch v, present := raw[f.name]; {
		case present && v != nil && !f.ok:
			problems = append(problems, fmt.Sprintf("%s must be a string, got %s", f.name, jsonKind(v)))
		case f.v == "":
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		problems = append(problems,
			fmt.Sprintf("the file does not seem to contain the required parameters: missing %s. Please make sure it contains your subscription_id, resource_group and workspace_name (or a Scope)", strings.Join(missing, ", ")))
	}
	if len(problems) > 0 {
		return Config{}, &ConfigError{Problems: problems}
	}
	return Config{SubscriptionID: sub, ResourceGroup: rg, WorkspaceName: ws}, nil
}

// jsonKind names the JSON type of a value decoded into any.
func jsonKind(v any) string {
	switch v.(type) {
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// parseScope reads /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}.
func parseScope(scope string) (Config, error) {
	parts := strings.Split(scope, "/")
	if len(parts) != 9 || parts[0] != "" || !strings.EqualFold(parts[1], "subscriptions") ||
		!strings.EqualFold(parts[3], "resourceGroups") || !strings.EqualFold(parts[5], "providers") ||
		!strings.EqualFold(parts[6], "Microsoft.MachineLearningServices") || !strings.EqualFold(parts[7], "workspaces") ||
		parts[2] == "" || parts[4] == "" || parts[8] == "" {
		return Config{}, &ConfigError{Problems: []string{
			fmt.Sprintf("Scope %q is not /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.MachineLearningServices/workspaces/{name}", scope),
		}}
	}
	return Config{SubscriptionID: parts[2], ResourceGroup: parts[4], WorkspaceName: parts[8]}, nil
}

// WriteConfig writes c into dir (default ".") as azureml-core's write_config does:
// {"Id": null, "Scope": "…"} in .azureml/config.json, or in aml_config/ when that
// directory already exists, named project.json when a legacy project.json is already
// there. It returns the path written.
func WriteConfig(dir string, c Config) (string, error) {
	var problems []string
	if c.SubscriptionID == "" {
		problems = append(problems, "SubscriptionID is required")
	}
	if c.ResourceGroup == "" {
		problems = append(problems, "ResourceGroup is required")
	}
	if c.WorkspaceName == "" {
		problems = append(problems, "WorkspaceName is required")
	}
	if len(problems) > 0 {
		return "", &ConfigError{Problems: problems}
	}
	if dir == "" {
		dir = "."
	}
	sub := AzureMLDir
	if st, err := os.Stat(filepath.Join(dir, AMLConfigDir)); err == nil && st.IsDir() {
		sub = AMLConfigDir
	}
	name := ConfigFileName
	if _, err := os.Stat(filepath.Join(dir, sub, LegacyProjectFileName)); err == nil {
		name = LegacyProjectFileName
	}
	if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
		return "", err
	}
	body, err := json.MarshalIndent(struct {
		ID    *string `json:"Id"`
		Scope string  `json:"Scope"`
	}{nil, c.Scope()}, "", "  ")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, sub, name)
	if err := os.WriteFile(path, append(body, '\n'), 0o644); err != nil {
		return "", err
	}
	return path, nil
}
