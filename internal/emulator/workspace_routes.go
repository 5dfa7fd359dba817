package emulator

import (
	"net/http"
	"strings"
	"time"
)

// Store kind/key of the workspace's own stable identity.
const (
	kindWorkspace = "workspace"
)

// Accepted api-versions of the ARM workspace GET: 2022-05-01 is what the SDK
// sends (reference §1.3); 2018-03-01-preview is the discovery-url re-read (§1.4).
var workspaceAPIVersions = map[string]bool{"2022-05-01": true, "2018-03-01-preview": true}

// workspaceRecord is the persisted identity of the workspace, so that
// workspaceId and principal ids stay the same across restarts.
type workspaceRecord struct {
	WorkspaceID string    `json:"workspaceId"`
	PrincipalID string    `json:"principalId"`
	TenantID    string    `json:"tenantId"`
	Created     time.Time `json:"created"`
}

// loadWorkspace reads or creates the workspace identity.
func (s *Server) loadWorkspace() error {
	key := strings.ToLower(s.workspacePath())
	return updateRecord(s.store, kindWorkspace, key, func(ws *workspaceRecord, exists bool) (bool, error) {
		if exists && ws.WorkspaceID != "" {
			s.ws = *ws
			return false, nil
		}
		*ws = workspaceRecord{
			WorkspaceID: newUUID(),
			PrincipalID: newUUID(),
			TenantID:    newUUID(),
			Created:     time.Now().UTC(),
		}
		s.ws = *ws
		return true, nil
	})
}

// Wire types of the ARM workspace resource (reference §1.3, SPEC Workspace/get.json).
type workspaceResource struct {
	ID         string              `json:"id"`
	Name       string              `json:"name"`
	Type       string              `json:"type"`
	Location   string              `json:"location"`
	Tags       map[string]string   `json:"tags"`
	Sku        workspaceSku        `json:"sku"`
	Identity   workspaceIdentity   `json:"identity"`
	SystemData workspaceSystemData `json:"systemData"`
	Properties workspaceProperties `json:"properties"`
}

type workspaceSku struct {
	Name string `json:"name"`
	Tier string `json:"tier"`
}

type workspaceIdentity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	TenantID    string `json:"tenantId"`
}

type workspaceSystemData struct {
	CreatedAt          string `json:"createdAt"`
	CreatedBy          string `json:"createdBy"`
	CreatedByType      string `json:"createdByType"`
	LastModifiedAt     string `json:"lastModifiedAt"`
	LastModifiedBy     string `json:"lastModifiedBy"`
	LastModifiedByType string `json:"lastModifiedByType"`
}

type workspaceProperties struct {
	WorkspaceID                 string `json:"workspaceId"`
	DiscoveryURL                string `json:"discoveryUrl"`
	FriendlyName                string `json:"friendlyName"`
	Description                 string `json:"description"`
	ContainerRegistry           string `json:"containerRegistry"`
	KeyVault                    string `json:"keyVault"`
	ApplicationInsights         string `json:"applicationInsights"`
	StorageAccount              string `json:"storageAccount"`
	HbiWorkspace                bool   `json:"hbiWorkspace"`
	ProvisioningState           string `json:"provisioningState"`
	ImageBuildCompute           string `json:"imageBuildCompute"`
	AllowPublicAccessWhenBehind bool   `json:"allowPublicAccessWhenBehindVnet"`
	PublicNetworkAccess         string `json:"publicNetworkAccess"`
	PrivateEndpointConnections  []any  `json:"privateEndpointConnections"`
	V1LegacyMode                bool   `json:"v1LegacyMode"`
	CreationTime                string `json:"creationTime"`
	MlFlowTrackingURI           string `json:"mlFlowTrackingUri"`
	SdkTelemetryAppInsightsKey  string `json:"sdkTelemetryAppInsightsKey"`
}

// registerCoreRoutes adds the routes owned by the core: workspace, discovery
// and the two operation styles.
func (s *Server) registerCoreRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}",
		s.requireBearer(s.handleWorkspaceGet))
	mux.HandleFunc("GET /discovery", s.handleDiscovery)
	mux.HandleFunc("GET /operations/arm/{id}", s.requireBearer(s.handleARMOperation))
	mux.HandleFunc("GET "+s.mmsPrefix()+"/operations/{id}", s.requireBearer(s.handleMMSOperation))
}

// handleWorkspaceGet serves the ARM workspace GET (reference §1.3).
func (s *Server) handleWorkspaceGet(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query().Get("api-version")
	switch {
	case v == "":
		writeARMError(w, http.StatusBadRequest, "MissingApiVersionParameter",
			"The api-version query parameter (?api-version=) is required for all requests.")
		return
	case !workspaceAPIVersions[v]:
		writeARMError(w, http.StatusBadRequest, "InvalidApiVersionParameter",
			"The api-version '"+v+"' is invalid. The supported versions are '2022-05-01,2018-03-01-preview'.")
		return
	}
	// ARM names are case-insensitive.
	if !strings.EqualFold(r.PathValue("sub"), s.opts.SubscriptionID) ||
		!strings.EqualFold(r.PathValue("rg"), s.opts.ResourceGroup) ||
		!strings.EqualFold(r.PathValue("ws"), s.opts.WorkspaceName) {
		writeARMError(w, http.StatusNotFound, "ResourceNotFound",
			"Workspace not found: the Resource 'Microsoft.MachineLearningServices/workspaces/"+r.PathValue("ws")+
				"' under resource group '"+r.PathValue("rg")+"' was not found.")
		return
	}
	writeJSON(w, http.StatusOK, s.workspaceResource())
}

// workspaceResource builds the ARM representation of the workspace.
func (s *Server) workspaceResource() workspaceResource {
	rgPath := "/subscriptions/" + s.opts.SubscriptionID + "/resourceGroups/" + s.opts.ResourceGroup + "/providers/"
	created := s.ws.Created.Format(timeFormat)
	short := strings.ReplaceAll(s.ws.WorkspaceID, "-", "")[:12]
	return workspaceResource{
		ID:       s.workspacePath(),
		Name:     s.opts.WorkspaceName,
		Type:     "Microsoft.MachineLearningServices/workspaces",
		Location: s.opts.Location,
		Tags:     map[string]string{},
		Sku:      workspaceSku{Name: "Basic", Tier: "Basic"},
		Identity: workspaceIdentity{Type: "SystemAssigned", PrincipalID: s.ws.PrincipalID, TenantID: s.ws.TenantID},
		SystemData: workspaceSystemData{
			CreatedAt: created, CreatedBy: "local", CreatedByType: "User",
			LastModifiedAt: created, LastModifiedBy: "local", LastModifiedByType: "User",
		},
		Properties: workspaceProperties{
			WorkspaceID:                s.ws.WorkspaceID,
			DiscoveryURL:               s.base + "/discovery",
			FriendlyName:               s.opts.WorkspaceName,
			Description:                "Local workspace (azureml-go emulator)",
			ContainerRegistry:          rgPath + "Microsoft.ContainerRegistry/registries/localacr" + short,
			KeyVault:                   rgPath + "Microsoft.KeyVault/vaults/localkv" + short,
			ApplicationInsights:        rgPath + "Microsoft.Insights/components/localai" + short,
			StorageAccount:             rgPath + "Microsoft.Storage/storageAccounts/localsa" + short,
			HbiWorkspace:               false,
			ProvisioningState:          "Succeeded",
			PublicNetworkAccess:        "Enabled",
			PrivateEndpointConnections: []any{},
			V1LegacyMode:               false,
			CreationTime:               created,
			MlFlowTrackingURI:          "azureml://" + s.opts.Location + ".api.azureml.ms/mlflow/v1.0" + s.workspacePath(),
		},
	}
}
