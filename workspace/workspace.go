package workspace

import (
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// Workspace is a connected Azure Machine Learning workspace: its ARM identity, the
// regional hosts found by discovery and the HTTP pipeline used to reach them.
type Workspace struct {
	subscriptionID string
	resourceGroup  string
	name           string
	id             string
	location       string
	workspaceID    string
	discoveryURL   string
	armEndpoint    string
	hosts          Hosts
	properties     Properties
	pl             runtime.Pipeline
}

// Hosts are the regional base URLs returned by workspace discovery.
type Hosts struct {
	// API serves compute reads (/rp/workspaces/...).
	API string `json:"api"`
	// ModelManagement serves models, assets, services and operations.
	ModelManagement string `json:"modelmanagement"`
	// History serves artifacts.
	History string `json:"history"`
	// Experimentation serves environments and credentials.
	Experimentation string `json:"experimentation"`
}

// Properties are the workspace properties read from Azure Resource Manager.
type Properties struct {
	FriendlyName        string `json:"friendlyName"`
	Description         string `json:"description"`
	ContainerRegistry   string `json:"containerRegistry"`
	KeyVault            string `json:"keyVault"`
	ApplicationInsights string `json:"applicationInsights"`
	StorageAccount      string `json:"storageAccount"`
	ProvisioningState   string `json:"provisioningState"`
	HBIWorkspace        bool   `json:"hbiWorkspace"`
}

// SubscriptionID returns the Azure subscription that holds the workspace.
func (w *Workspace) SubscriptionID() string { return w.subscriptionID }

// ResourceGroup returns the resource group that holds the workspace.
func (w *Workspace) ResourceGroup() string { return w.resourceGroup }

// Name returns the workspace name.
func (w *Workspace) Name() string { return w.name }

// ID returns the ARM resource id of the workspace.
func (w *Workspace) ID() string { return w.id }

// Location returns the Azure region of the workspace.
func (w *Workspace) Location() string { return w.location }

// WorkspaceID returns the workspace's immutable GUID (properties.workspaceId).
func (w *Workspace) WorkspaceID() string { return w.workspaceID }

// DiscoveryURL returns the discovery URL that the hosts were read from.
func (w *Workspace) DiscoveryURL() string { return w.discoveryURL }

// ARMEndpoint returns the Azure Resource Manager base URL, without a trailing slash.
func (w *Workspace) ARMEndpoint() string { return w.armEndpoint }

// Hosts returns the regional hosts found by discovery.
func (w *Workspace) Hosts() Hosts { return w.hosts }

// Properties returns the workspace properties read from Azure Resource Manager.
func (w *Workspace) Properties() Properties { return w.properties }

// Pipeline returns the HTTP pipeline that authenticates, retries and logs every call of
// this workspace. Other packages of the SDK send their requests through it.
func (w *Workspace) Pipeline() runtime.Pipeline { return w.pl }

// scope is the workspace path shared by every data-plane route.
func (w *Workspace) scope() string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.MachineLearningServices/workspaces/%s",
		w.subscriptionID, w.resourceGroup, w.name)
}

// ARMResourceURL returns {ARM}{workspace id}{suffix}; suffix starts with "/" or "?" or is empty.
func (w *Workspace) ARMResourceURL(suffix string) string {
	return w.armEndpoint + w.scope() + suffix
}

// RPURL returns {api}/rp/workspaces{workspace path}{suffix}: the regional resource
// provider that serves compute reads.
func (w *Workspace) RPURL(suffix string) string {
	return trimSlash(w.hosts.API) + "/rp/workspaces" + w.scope() + suffix
}

// MMSURL returns the model-management base URL
// {modelmanagement}/modelmanagement/v1.0{workspace path} followed by suffix.
func (w *Workspace) MMSURL(suffix string) string {
	return trimSlash(w.hosts.ModelManagement) + "/modelmanagement/v1.0" + w.scope() + suffix
}

// HistoryURL returns {history}/artifact/v2.0{workspace path}{suffix}: the artifact service.
func (w *Workspace) HistoryURL(suffix string) string {
	return trimSlash(w.hosts.History) + "/artifact/v2.0" + w.scope() + suffix
}

// String describes the workspace without any secret.
func (w *Workspace) String() string {
	return fmt.Sprintf("workspace %s (subscription %s, resource group %s, %s)", w.name, w.subscriptionID, w.resourceGroup, w.location)
}

func trimSlash(s string) string { return strings.TrimRight(s, "/") }
