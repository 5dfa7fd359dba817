package compute

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/azureml-go/azureml/internal/lro"
	"github.com/azureml-go/azureml/workspace"
)

// AksCompute is an AKS compute target of a workspace, as last read from the service (or
// as returned by the PUT that created it). Accessors return that snapshot; Refresh,
// GetStatus and a successful wait update it. Safe for concurrent use.
//
// Formatting an AksCompute with fmt prints its name and state only.
type AksCompute struct {
	ws *workspace.Workspace

	mu       sync.Mutex
	snap     snapshot
	op       *Operation
	warnings []Problem
}

// snapshot is the parsed compute document.
type snapshot struct {
	id, name, location string
	tags               map[string]string
	computeType        string
	computeLocation    string
	state              ProvisioningState
	description        string
	createdOn          time.Time
	modifiedOn         time.Time
	resourceID         string
	isAttached         bool
	provisioningErrors []ServiceError
	props              *AksProperties
}

// AksProperties are the AKS-specific properties of a compute (properties.properties). They
// are unknown (nil) while a create or attach is still running.
type AksProperties struct {
	AgentCount         int
	VMSize             string
	ClusterPurpose     ClusterPurpose
	ClusterFQDN        string
	SystemServices     []SystemService
	LoadBalancerType   LoadBalancerType
	LoadBalancerSubnet string
	// SSL is the TLS configuration; nil when the service reports none. It never holds the
	// private key.
	SSL *SSLStatus
	// Networking is the virtual network configuration; nil when AKS manages the network.
	Networking *Networking
}

// SystemService is a service AzureML runs in the cluster, such as the scoring front end.
type SystemService struct {
	Type            string
	Version         string
	PublicIPAddress string
}

// SSLStatus is the TLS configuration reported by the service.
type SSLStatus struct {
	// Status is Disabled, Enabled (custom certificate) or Auto (Microsoft-issued).
	Status                  string
	CNAME                   string
	CertPEM                 string
	LeafDomainLabel         string
	OverwriteExistingDomain bool
	Renew                   bool
}

// Networking is the cluster's virtual network configuration.
type Networking struct {
	SubnetID         string
	ServiceCIDR      string
	DNSServiceIP     string
	DockerBridgeCIDR string
}

// computeDoc is the compute document of the RP GET / list and the ARM PUT answer
// (reference §2.6). Decoding is lenient: absent keys become zero values.
type computeDoc struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Location   string            `json:"location"`
	Tags       map[string]string `json:"tags"`
	Properties *struct {
		ComputeType        string              `json:"computeType"`
		ComputeLocation    string              `json:"computeLocation"`
		ProvisioningState  string              `json:"provisioningState"`
		Description        string              `json:"description"`
		CreatedOn          string              `json:"createdOn"`
		ModifiedOn         string              `json:"modifiedOn"`
		ResourceID         string              `json:"resourceId"`
		ProvisioningErrors []*lro.ServiceError `json:"provisioningErrors"`
		IsAttachedCompute  bool                `json:"isAttachedCompute"`
		Properties         *aksPropsDoc        `json:"properties"`
	} `json:"properties"`
}

type aksPropsDoc struct {
	AgentCount     int    `json:"agentCount"`
	AgentVMSize    string `json:"agentVmSize"`
	ClusterPurpose string `json:"clusterPurpose"`
	ClusterFqdn    string `json:"clusterFqdn"`
	SystemServices []struct {
		SystemServiceType string `json:"systemServiceType"`
		Version           string `json:"version"`
		PublicIPAddress   string `json:"publicIpAddress"`
	} `json:"systemServices"`
	LoadBalancerType   string `json:"loadBalancerType"`
	LoadBalancerSubnet string `json:"loadBalancerSubnet"`
	SSLConfiguration   *struct {
		Status                  string `json:"status"`
		Cname                   string `json:"cname"`
		Cert                    string `json:"cert"`
		LeafDomainLabel         string `json:"leafDomainLabel"`
		OverwriteExistingDomain bool   `json:"overwriteExistingDomain"`
		Renew                   bool   `json:"renew"`
	} `json:"sslConfiguration"`
	AKSNetworkingConfiguration *networkingWire `json:"aksNetworkingConfiguration"`
}

// parseCompute decodes a compute document. It fails only on malformed JSON or a document
// that is not an object with properties.
func parseCompute(body []byte) (snapshot, error) {
	var d computeDoc
	if err := json.Unmarshal(body, &d); err != nil {
		return snapshot{}, fmt.Errorf("compute: invalid compute payload: %v", err)
	}
	if d.Properties == nil {
		return snapshot{}, fmt.Errorf("compute: invalid compute payload: no properties")
	}
	p := d.Properties
	s := snapshot{
		id: d.ID, name: d.Name, location: d.Location, tags: d.Tags,
		computeType:     p.ComputeType,
		computeLocation: p.ComputeLocation,
		state:           ProvisioningState(p.ProvisioningState),
		description:     p.Description,
		createdOn:       parseTime(p.CreatedOn),
		modifiedOn:      parseTime(p.ModifiedOn),
		resourceID:      p.ResourceID,
		isAttached:      p.IsAttachedCompute,
	}
	for _, e := range p.ProvisioningErrors {
		if e != nil {
			s.provisioningErrors = append(s.provisioningErrors, *fromLRO(e))
		}
	}
	if a := p.Properties; a != nil {
		props := &AksProperties{
			AgentCount:         a.AgentCount,
			VMSize:             a.AgentVMSize,
			ClusterPurpose:     ClusterPurpose(a.ClusterPurpose),
			ClusterFQDN:        a.ClusterFqdn,
			LoadBalancerType:   LoadBalancerType(a.LoadBalancerType),
			LoadBalancerSubnet: a.LoadBalancerSubnet,
		}
		for _, ss := range a.SystemServices {
			props.SystemServices = append(props.SystemServices, SystemService{Type: ss.SystemServiceType, Version: ss.Version, PublicIPAddress: ss.PublicIPAddress})
		}
		if c := a.SSLConfiguration; c != nil {
			props.SSL = &SSLStatus{Status: c.Status, CNAME: c.Cname, CertPEM: c.Cert, LeafDomainLabel: c.LeafDomainLabel,
				OverwriteExistingDomain: c.OverwriteExistingDomain, Renew: c.Renew}
		}
		if n := a.AKSNetworkingConfiguration; n != nil {
			props.Networking = &Networking{SubnetID: n.SubnetID, ServiceCIDR: n.ServiceCidr, DNSServiceIP: n.DNSServiceIP, DockerBridgeCIDR: n.DockerBridgeCidr}
		}
		s.props = props
	}
	return s, nil
}

// parseTime reads the service's timestamps (RFC 3339 with up to 7 fractional digits,
// sometimes without a zone, then UTC). Unparsable values give the zero time.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

func newAksCompute(ws *workspace.Workspace, s snapshot) *AksCompute {
	return &AksCompute{ws: ws, snap: s}
}

func (c *AksCompute) get() snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snap
}

func (c *AksCompute) set(s snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snap = s
}

// Name returns the compute name.
func (c *AksCompute) Name() string { return c.get().name }

// ID returns the ARM id of the compute
// (/subscriptions/…/workspaces/{ws}/computes/{name}).
func (c *AksCompute) ID() string { return c.get().id }

// Location returns the region of the compute resource (the workspace's region).
func (c *AksCompute) Location() string { return c.get().location }

// ComputeLocation returns the region of the cluster.
func (c *AksCompute) ComputeLocation() string { return c.get().computeLocation }

// Description returns the compute description.
func (c *AksCompute) Description() string { return c.get().description }

// Tags returns a copy of the compute's tags.
func (c *AksCompute) Tags() map[string]string { return maps.Clone(c.get().tags) }

// ResourceID returns the ARM id of the AKS cluster behind the compute.
func (c *AksCompute) ResourceID() string { return c.get().resourceID }

// IsAttached reports whether the cluster was attached rather than created by the
// workspace.
func (c *AksCompute) IsAttached() bool { return c.get().isAttached }

// CreatedOn returns the creation time (zero when unknown).
func (c *AksCompute) CreatedOn() time.Time { return c.get().createdOn }

// ModifiedOn returns the last modification time (zero when unknown).
func (c *AksCompute) ModifiedOn() time.Time { return c.get().modifiedOn }

// ProvisioningState returns the last known provisioning state, without a request.
func (c *AksCompute) ProvisioningState() ProvisioningState { return c.get().state }

// ProvisioningErrors returns the last known provisioning errors (nil when none).
func (c *AksCompute) ProvisioningErrors() []ServiceError {
	return slices.Clone(c.get().provisioningErrors)
}

// Properties returns a copy of the AKS properties, or nil while they are unknown (a
// create or attach in progress).
func (c *AksCompute) Properties() *AksProperties {
	p := c.get().props
	if p == nil {
		return nil
	}
	cp := *p
	cp.SystemServices = slices.Clone(p.SystemServices)
	if p.SSL != nil {
		ssl := *p.SSL
		cp.SSL = &ssl
	}
	if p.Networking != nil {
		n := *p.Networking
		cp.Networking = &n
	}
	return &cp
}

// Warnings returns the non-fatal findings of the configuration this compute was created
// or attached with (see ProvisioningConfiguration.Warnings); nil for a compute from Get.
func (c *AksCompute) Warnings() []Problem {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.warnings)
}

// Operation returns the latest operation started through this value (create, attach,
// update, detach or delete), or nil.
func (c *AksCompute) Operation() *Operation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.op
}

func (c *AksCompute) setOperation(op *Operation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.op = op
}

// String returns "AksCompute(name, state)".
func (c *AksCompute) String() string {
	s := c.get()
	return fmt.Sprintf("AksCompute(%s, %s)", s.name, s.state)
}

// GoString is String: %#v must not dump internals.
func (c *AksCompute) GoString() string { return c.String() }

// isJSONObject reports whether b looks like a JSON object.
func isJSONObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}
