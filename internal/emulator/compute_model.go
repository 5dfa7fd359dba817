package emulator

import (
	"strings"
	"time"
)

// Store kinds of the compute feature.
const (
	kindCompute    = "compute"    // key: lower-cased compute name
	kindAKSCluster = "akscluster" // key: lower-cased managedClusters resource id
)

// computeAPIVersion is MLC_WORKSPACE_API_VERSION (reference §2.1).
const computeAPIVersion = "2020-02-02"

// Provisioning states (reference §2.6).
const (
	stateCreating  = "Creating"
	stateUpdating  = "Updating"
	stateDeleting  = "Deleting"
	stateSucceeded = "Succeeded"
	stateFailed    = "Failed"
)

// Compute operation kinds, remembered to make retried requests idempotent.
const (
	computeOpCreate = "create"
	computeOpAttach = "attach"
	computeOpUpdate = "update"
	computeOpDetach = "detach"
	computeOpDelete = "delete"
)

// computeRecord is the persisted state of one AKS compute.
type computeRecord struct {
	Name               string            `json:"name"`
	ComputeLocation    string            `json:"computeLocation"`
	Description        *string           `json:"description,omitempty"`
	Tags               map[string]string `json:"tags,omitempty"`
	State              string            `json:"state"`
	CreatedOn          time.Time         `json:"createdOn"`
	ModifiedOn         time.Time         `json:"modifiedOn"`
	ResourceID         string            `json:"resourceId,omitempty"`
	IsAttached         bool              `json:"isAttached"`
	ProvisioningErrors []armError        `json:"provisioningErrors,omitempty"`
	Props              *aksProps         `json:"props,omitempty"`   // nil until a create/attach succeeds
	Pending            *aksProps         `json:"pending,omitempty"` // applied when the running operation succeeds

	// The running (or last) operation: Generation guards its run func against a
	// record that was replaced meanwhile; LastBody makes a retried PUT/DELETE
	// return the same operation instead of starting another.
	OpKind     string `json:"opKind,omitempty"`
	OpURL      string `json:"opUrl,omitempty"`
	Generation string `json:"generation,omitempty"`
	LastBody   string `json:"lastBody,omitempty"`
}

// inProgress reports whether an operation is running on the compute.
func (c *computeRecord) inProgress() bool {
	return c.State == stateCreating || c.State == stateUpdating || c.State == stateDeleting
}

// aksProps are the AKS properties of a compute (properties.properties).
type aksProps struct {
	AgentCount         int          `json:"agentCount"`
	AgentVMSize        string       `json:"agentVmSize"`
	ClusterPurpose     string       `json:"clusterPurpose"`
	ClusterFqdn        string       `json:"clusterFqdn"`
	LoadBalancerType   string       `json:"loadBalancerType"`
	LoadBalancerSubnet *string      `json:"loadBalancerSubnet"`
	SSL                *sslState    `json:"ssl,omitempty"`
	Networking         *aksNetState `json:"networking,omitempty"`
}

// sslState is the stored TLS configuration. Key is kept (the cluster serves with it) but
// never returned by a GET.
type sslState struct {
	Status                  string `json:"status"`
	Cname                   string `json:"cname,omitempty"`
	Cert                    string `json:"cert,omitempty"`
	Key                     string `json:"key,omitempty"`
	LeafDomainLabel         string `json:"leafDomainLabel,omitempty"`
	OverwriteExistingDomain bool   `json:"overwriteExistingDomain,omitempty"`
	Renew                   bool   `json:"renew,omitempty"`
}

type aksNetState struct {
	SubnetID         string `json:"subnetId"`
	ServiceCidr      string `json:"serviceCidr"`
	DNSServiceIP     string `json:"dnsServiceIP"`
	DockerBridgeCidr string `json:"dockerBridgeCidr"`
}

// clusterRecord is an AKS cluster known to the local workspace: created by a compute
// create, or made up when an unknown (well-formed) id is attached. It outlives a detach.
type clusterRecord struct {
	ID                 string       `json:"id"`
	Location           string       `json:"location"`
	AgentCount         int          `json:"agentCount"`
	AgentVMSize        string       `json:"agentVmSize"`
	Fqdn               string       `json:"fqdn"`
	Networking         *aksNetState `json:"networking,omitempty"`
	CreatedByWorkspace bool         `json:"createdByWorkspace"`
	UserToken          string       `json:"userToken"`
	AdminToken         string       `json:"adminToken"`
}

// Wire types of the compute resource returned by GET / list / PUT (reference §2.6).
type computeResource struct {
	ID         string               `json:"id"`
	Name       string               `json:"name"`
	Type       string               `json:"type"`
	Location   string               `json:"location"`
	Tags       map[string]string    `json:"tags"`
	Properties computeResourceProps `json:"properties"`
}

type computeResourceProps struct {
	ComputeType        string            `json:"computeType"`
	ComputeLocation    string            `json:"computeLocation"`
	ProvisioningState  string            `json:"provisioningState"`
	Description        *string           `json:"description"`
	CreatedOn          string            `json:"createdOn"`
	ModifiedOn         string            `json:"modifiedOn"`
	ResourceID         *string           `json:"resourceId"`
	ProvisioningErrors []armError        `json:"provisioningErrors"`
	IsAttachedCompute  bool              `json:"isAttachedCompute"`
	Properties         *aksResourceProps `json:"properties"`
}

type aksResourceProps struct {
	AgentCount                 int             `json:"agentCount"`
	AgentVMSize                string          `json:"agentVmSize"`
	ClusterPurpose             string          `json:"clusterPurpose"`
	ClusterFqdn                string          `json:"clusterFqdn"`
	SystemServices             []systemService `json:"systemServices"`
	LoadBalancerType           string          `json:"loadBalancerType"`
	LoadBalancerSubnet         *string         `json:"loadBalancerSubnet"`
	SSLConfiguration           *sslResource    `json:"sslConfiguration"`
	AKSNetworkingConfiguration *aksNetState    `json:"aksNetworkingConfiguration"`
}

type systemService struct {
	SystemServiceType string `json:"systemServiceType"`
	Version           string `json:"version"`
	PublicIPAddress   string `json:"publicIpAddress"`
}

// sslResource is sslConfiguration as returned: never the key.
type sslResource struct {
	Status                  string  `json:"status"`
	Cname                   *string `json:"cname,omitempty"`
	Cert                    *string `json:"cert,omitempty"`
	LeafDomainLabel         *string `json:"leafDomainLabel,omitempty"`
	OverwriteExistingDomain *bool   `json:"overwriteExistingDomain,omitempty"`
	Renew                   *bool   `json:"renew,omitempty"`
}

// scoringFrontVersion is the azureml-fe version the local workspace reports.
const scoringFrontVersion = "1.0.0"

// computeTime renders a timestamp as the service does (RFC 3339, 7 fractional digits).
func computeTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.0000000+00:00")
}

// resource renders the record for a response.
func (s *Server) computeResourceOf(c *computeRecord) computeResource {
	out := computeResource{
		ID:       s.armWorkspacePath() + "/computes/" + c.Name,
		Name:     c.Name,
		Type:     "Microsoft.MachineLearningServices/workspaces/computes",
		Location: s.opts.Location,
		Tags:     c.Tags,
		Properties: computeResourceProps{
			ComputeType:        "AKS",
			ComputeLocation:    c.ComputeLocation,
			ProvisioningState:  c.State,
			Description:        c.Description,
			CreatedOn:          computeTime(c.CreatedOn),
			ModifiedOn:         computeTime(c.ModifiedOn),
			ProvisioningErrors: c.ProvisioningErrors,
			IsAttachedCompute:  c.IsAttached,
		},
	}
	if c.ResourceID != "" {
		id := c.ResourceID
		out.Properties.ResourceID = &id
	}
	if p := c.Props; p != nil {
		rp := &aksResourceProps{
			AgentCount:         p.AgentCount,
			AgentVMSize:        p.AgentVMSize,
			ClusterPurpose:     p.ClusterPurpose,
			ClusterFqdn:        p.ClusterFqdn,
			LoadBalancerType:   p.LoadBalancerType,
			LoadBalancerSubnet: p.LoadBalancerSubnet,
			// The scoring front end of the local workspace is the emulator itself.
			SystemServices:             []systemService{{SystemServiceType: "ScoringFront", Version: scoringFrontVersion, PublicIPAddress: "127.0.0.1"}},
			AKSNetworkingConfiguration: p.Networking,
			SSLConfiguration:           &sslResource{Status: "Disabled"},
		}
		if ssl := p.SSL; ssl != nil {
			r := &sslResource{Status: ssl.Status}
			if ssl.Cname != "" {
				r.Cname = &ssl.Cname
			}
			if ssl.Cert != "" {
				r.Cert = &ssl.Cert
			}
			if ssl.LeafDomainLabel != "" {
				r.LeafDomainLabel = &ssl.LeafDomainLabel
				overwrite := ssl.OverwriteExistingDomain
				r.OverwriteExistingDomain = &overwrite
			}
			if ssl.Renew {
				renew := true
				r.Renew = &renew
			}
			rp.SSLConfiguration = r
		}
		out.Properties.Properties = rp
	}
	return out
}

// computeKey is the store key of a compute name: names are case-insensitive, as in ARM.
func computeKey(name string) string { return strings.ToLower(name) }

// clusterKey is the store key of a cluster id.
func clusterKey(id string) string { return strings.ToLower(id) }
