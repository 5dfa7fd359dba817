package badinput

import (
	"context"
	"strings"
	"testing"

	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// workspaceCases: config.json in both shapes (flat keys and Scope), the file search,
// and the identity given to workspace.Get.
func workspaceCases(t *testing.T, f *fixture) []badInput {
	info := f.srv.Info()
	opts := &workspace.Options{ARMEndpoint: info.ARMEndpoint, DiscoveryURL: info.DiscoveryURL}
	cred := workspacetest.LocalCredential{}
	sub, rg, name := info.SubscriptionID, info.ResourceGroup, info.WorkspaceName

	fromConfig := func(path string) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := workspace.FromConfig(ctx, path, cred, opts)
			return err
		}
	}
	configFile := func(content string) func(context.Context) error {
		return fromConfig(f.file(t, "config.json", content))
	}
	get := func(sub, rg, name string) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := workspace.Get(ctx, sub, rg, name, cred, opts)
			return err
		}
	}
	scope := func(sub, rg, name string) string {
		return `{"Scope": "/subscriptions/` + sub + `/resourceGroups/` + rg + `/providers/Microsoft.MachineLearningServices/workspaces/` + name + `"}`
	}

	return []badInput{
		{"config.json is not JSON", wsConfig, "config.json", "not a JSON object", configFile(`subscription_id = 1`)},
		{"config.json is a JSON array", wsConfig, "config.json", "not a JSON object", configFile(`["` + sub + `"]`)},
		{"config.json lacks subscription_id", wsConfig, "subscription_id", "missing", configFile(`{"resource_group": "` + rg + `", "workspace_name": "` + name + `"}`)},
		{"config.json has an empty workspace_name", wsConfig, "workspace_name", "missing", configFile(`{"subscription_id": "` + sub + `", "resource_group": "` + rg + `", "workspace_name": ""}`)},
		{"config.json subscription_id is a number", wsConfig, "subscription_id", "must be a string", configFile(`{"subscription_id": 42, "resource_group": "` + rg + `", "workspace_name": "` + name + `"}`)},
		{"config.json names the subscription instead of its id", wsConfig, "subscription", "(a GUID)", configFile(`{"subscription_id": "Pay-As-You-Go", "resource_group": "` + rg + `", "workspace_name": "` + name + `"}`)},
		{"config.json resource_group holds a path", wsConfig, "resourceGroup", "must not contain '/'", configFile(`{"subscription_id": "` + sub + `", "resource_group": "rg/other", "workspace_name": "` + name + `"}`)},
		{"config.json Scope is not a workspace id", wsConfig, "Scope", "is not /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.MachineLearningServices/workspaces/{name}", configFile(`{"Scope": "/subscriptions/` + sub + `/resourceGroups/` + rg + `"}`)},
		{"config.json Scope names another provider", wsConfig, "Scope", "is not /subscriptions/", configFile(`{"Scope": "/subscriptions/` + sub + `/resourceGroups/` + rg + `/providers/Microsoft.Storage/storageAccounts/` + name + `"}`)},
		{"config.json Scope has a subscription name", wsConfig, "subscription", "(a GUID)", configFile(scope("My Subscription", rg, name))},
		{"config.json larger than 1 MiB", wsConfig, "config.json", "larger than", configFile(`{"pad": "` + strings.Repeat("x", 1<<20) + `"}`)},
		{"no config.json in the directory or its parents", wsNoFile, "config.json", "could not be found", fromConfig(f.dir)},
		{"config.json path does not exist", wsNoFile, "config.json", "could not be found", fromConfig(f.dir + "/missing/config.json")},
		{"Get without a subscription", wsConfig, "subscriptionID", "is required", get("", rg, name)},
		{"Get with a subscription name", wsConfig, "subscriptionID", "(a GUID)", get("Visual Studio Enterprise", rg, name)},
		{"Get without resource group and name", wsConfig, "resourceGroup", "is required", get(sub, "", "")},
		{"Get with a '#' in the workspace name", wsConfig, "name", "must not contain '/', '?' or '#'", get(sub, rg, "ws#1")},
	}
}
