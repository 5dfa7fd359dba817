package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	_ "github.com/Azure/azure-sdk-for-go/sdk/azcore/arm/runtime" // fills cloud.*.Services[cloud.ResourceManager]
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/google/uuid"

	"github.com/azureml-go/azureml/internal/pipeline"
)

// APIVersion is the api-version of the ARM workspace GET, as azureml-core 1.51 sends it.
const APIVersion = "2022-05-01"

// legacyAPIVersion is used to re-read a workspace whose response lacks discoveryUrl.
const legacyAPIVersion = "2018-03-01-preview"

// DiscoveryEnvVar overrides the discovery URL of every workspace, as in azureml-core.
const DiscoveryEnvVar = "AZUREML_DISCOVERY_SERVICE_ENDPOINT"

// Get reads the workspace from Azure Resource Manager and discovers its regional hosts.
//
// cred authenticates every call with an ARM token (use the auth package or azidentity).
// A workspace that does not exist gives a *NotFoundError, which errors.As also reaches as
// *azcore.ResponseError.
func Get(ctx context.Context, subscriptionID, resourceGroup, name string, cred azcore.TokenCredential, opts *Options) (*Workspace, error) {
	if err := validateIdentity(subscriptionID, resourceGroup, name); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &Options{}
	}
	armEndpoint, err := resolveARMEndpoint(opts)
	if err != nil {
		return nil, err
	}
	pl, err := pipeline.New(cred, &pipeline.Options{
		ClientOptions: opts.ClientOptions,
		RetryMax:      opts.Retry.MaxRetries,
		RetryWaitMin:  opts.Retry.RetryDelay,
		RetryWaitMax:  opts.Retry.MaxRetryDelay,
		TryTimeout:    opts.Retry.TryTimeout,
		HTTPClient:    opts.HTTPClient,
	})
	if err != nil {
		return nil, err
	}
	w := &Workspace{
		subscriptionID: subscriptionID,
		resourceGroup:  resourceGroup,
		name:           name,
		armEndpoint:    armEndpoint,
		pl:             pl,
	}
	doc, err := w.readARM(ctx, APIVersion)
	if err != nil {
		return nil, err
	}
	w.apply(doc)
	discoveryURL := opts.DiscoveryURL
	if discoveryURL == "" {
		discoveryURL = getenv(DiscoveryEnvVar)
	}
	if discoveryURL == "" {
		discoveryURL = doc.Properties.DiscoveryURL
	}
	if discoveryURL == "" {
		// Older workspace API versions are the only ones that return discoveryUrl for
		// some workspaces; azureml-core re-reads with this version too.
		legacy, err := w.readARM(ctx, legacyAPIVersion)
		if err != nil {
			return nil, err
		}
		discoveryURL = legacy.Properties.DiscoveryURL
	}
	if discoveryURL == "" {
		return nil, fmt.Errorf("workspace %s: no discovery URL: the workspace has no properties.discoveryUrl; set %s or Options.DiscoveryURL", name, DiscoveryEnvVar)
	}
	w.discoveryURL = discoveryURL
	hosts, err := discover(ctx, pl, discoveryURL)
	if err != nil {
		return nil, err
	}
	w.hosts = hosts
	return w, nil
}

// validateIdentity checks the three names before any request, reporting all problems.
func validateIdentity(subscriptionID, resourceGroup, name string) error {
	var problems []string
	switch {
	case subscriptionID == "":
		problems = append(problems, "subscriptionID is required")
	case uuid.Validate(subscriptionID) != nil:
		problems = append(problems, fmt.Sprintf("subscriptionID %q is not a subscription id (a GUID); it looks like a subscription name, pass its id instead", subscriptionID))
	}
	if resourceGroup == "" {
		problems = append(problems, "resourceGroup is required")
	}
	if name == "" {
		problems = append(problems, "name is required")
	}
	for _, v := range []struct{ field, value string }{{"resourceGroup", resourceGroup}, {"name", name}} {
		if strings.ContainsAny(v.value, "/?#") {
			problems = append(problems, fmt.Sprintf("%s %q must not contain '/', '?' or '#'", v.field, v.value))
		}
	}
	if len(problems) > 0 {
		return &ConfigError{Problems: problems}
	}
	return nil
}

func resolveARMEndpoint(opts *Options) (string, error) {
	ep := opts.ARMEndpoint
	if ep == "" {
		c := opts.ClientOptions.Cloud
		if c.ActiveDirectoryAuthorityHost == "" && len(c.Services) == 0 {
			c = cloud.AzurePublic
		}
		ep = c.Services[cloud.ResourceManager].Endpoint
	}
	if ep == "" {
		return "", errors.New("workspace: the cloud configuration has no ResourceManager endpoint; set Options.ARMEndpoint")
	}
	u, err := url.Parse(ep)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("workspace: ARM endpoint %q is not an absolute http(s) URL", ep)
	}
	return strings.TrimRight(ep, "/"), nil
}

// armWorkspace is the part of the ARM workspace document that the SDK reads.
type armWorkspace struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Location   string `json:"location"`
	Properties struct {
		Properties
		WorkspaceID  string `json:"workspaceId"`
		DiscoveryURL string `json:"discoveryUrl"`
	} `json:"properties"`
}

func (w *Workspace) readARM(ctx context.Context, apiVersion string) (*armWorkspace, error) {
	req, err := runtime.NewRequest(ctx, http.MethodGet, w.ARMResourceURL("?api-version="+apiVersion))
	if err != nil {
		return nil, err
	}
	resp, err := w.pl.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, &NotFoundError{SubscriptionID: w.subscriptionID, ResourceGroup: w.resourceGroup, Name: w.name, Err: runtime.NewResponseError(resp)}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, runtime.NewResponseError(resp)
	}
	var doc armWorkspace
	if err := runtime.UnmarshalAsJSON(resp, &doc); err != nil {
		return nil, fmt.Errorf("workspace %s: reading the ARM response: %w", w.name, err)
	}
	return &doc, nil
}

func (w *Workspace) apply(doc *armWorkspace) {
	w.id = doc.ID
	if w.id == "" {
		w.id = w.scope()
	}
	w.location = doc.Location
	w.workspaceID = doc.Properties.WorkspaceID
	w.properties = doc.Properties.Properties
}

// discover reads the flat service map. The request carries no Authorization header, as in
// azureml-core.
func discover(ctx context.Context, pl runtime.Pipeline, discoveryURL string) (Hosts, error) {
	req, err := runtime.NewRequest(pipeline.WithoutAuth(ctx), http.MethodGet, discoveryURL)
	if err != nil {
		return Hosts{}, fmt.Errorf("workspace discovery: %w", err)
	}
	resp, err := pl.Do(req)
	if err != nil {
		return Hosts{}, fmt.Errorf("workspace discovery at %s: %w", redactURL(discoveryURL), err)
	}
	if resp.StatusCode != http.StatusOK {
		return Hosts{}, runtime.NewResponseError(resp)
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		return Hosts{}, err
	}
	return parseDiscovery(body)
}

// parseDiscovery turns the discovery document into Hosts. Values that are not strings are
// ignored. AZUREML_DEV_URL_<KEY> overrides a key. Hosts that discovery does not name fall
// back to the api host, which serves every route in current regions.
func parseDiscovery(body []byte) (Hosts, error) {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return Hosts{}, fmt.Errorf("workspace discovery: the response is not a JSON object: %w", err)
	}
	get := func(key string) string {
		if v := getenv("AZUREML_DEV_URL_" + strings.ToUpper(key)); v != "" {
			return v
		}
		s, _ := m[key].(string)
		return s
	}
	h := Hosts{API: get("api"), ModelManagement: get("modelmanagement"), History: get("history"), Experimentation: get("experimentation")}
	if h.API == "" && h.ModelManagement == "" {
		return Hosts{}, errors.New("workspace discovery: the response names neither an api nor a modelmanagement host")
	}
	if h.API == "" {
		h.API = h.ModelManagement
	}
	for _, p := range []*string{&h.ModelManagement, &h.History, &h.Experimentation} {
		if *p == "" {
			*p = h.API
		}
	}
	for _, v := range []string{h.API, h.ModelManagement, h.History, h.Experimentation} {
		u, err := url.Parse(v)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return Hosts{}, fmt.Errorf("workspace discovery: host %q is not an absolute http(s) URL", v)
		}
		// Route paths are appended to these bases: a query or fragment would swallow
		// them, and credentials in a URL are never right here.
		if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(v, "#") {
			return Hosts{}, fmt.Errorf("workspace discovery: host %q must be a plain scheme://host[/path] URL, without user info, query or fragment", redactURL(v))
		}
	}
	return h, nil
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<invalid url>"
	}
	u.RawQuery = ""
	u.User = nil
	return u.String()
}
