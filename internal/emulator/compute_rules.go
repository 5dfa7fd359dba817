package emulator

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
)

// Request bodies of the compute PUT, decoded strictly. An update echoes the whole GET
// document (reference §2.7), so the read-only fields of computeResource are accepted too
// and ignored, as ARM ignores read-only properties.
type computePutRequest struct {
	ID         *string           `json:"id"`
	Name       *string           `json:"name"`
	Type       *string           `json:"type"`
	Location   string            `json:"location"`
	Tags       map[string]string `json:"tags"`
	Properties *computePutProps  `json:"properties"`
}

type computePutProps struct {
	ComputeType     string       `json:"computeType"`
	ComputeLocation *string      `json:"computeLocation"`
	ResourceID      *string      `json:"resourceId"`
	Description     *string      `json:"description"`
	Properties      *aksPutProps `json:"properties"`

	// Read-only, ignored.
	ProvisioningState  *string         `json:"provisioningState"`
	CreatedOn          *string         `json:"createdOn"`
	ModifiedOn         *string         `json:"modifiedOn"`
	ProvisioningErrors json.RawMessage `json:"provisioningErrors"`
	IsAttachedCompute  *bool           `json:"isAttachedCompute"`
}

type aksPutProps struct {
	AgentCount                 *int       `json:"agentCount"`
	AgentVMSize                *string    `json:"agentVmSize"`
	ClusterPurpose             *string    `json:"clusterPurpose"`
	LoadBalancerType           *string    `json:"loadBalancerType"`
	LoadBalancerSubnet         *string    `json:"loadBalancerSubnet"`
	SSLConfiguration           *sslPut    `json:"sslConfiguration"`
	AKSNetworkingConfiguration *aksNetPut `json:"aksNetworkingConfiguration"`

	// Read-only, ignored.
	ClusterFqdn    *string         `json:"clusterFqdn"`
	SystemServices json.RawMessage `json:"systemServices"`
}

type sslPut struct {
	Status                  string  `json:"status"`
	Cname                   *string `json:"cname"`
	Cert                    *string `json:"cert"`
	Key                     *string `json:"key"`
	LeafDomainLabel         *string `json:"leafDomainLabel"`
	OverwriteExistingDomain *bool   `json:"overwriteExistingDomain"`
	Renew                   *bool   `json:"renew"`
}

type aksNetPut struct {
	SubnetID         *string `json:"subnetId"`
	ServiceCidr      *string `json:"serviceCidr"`
	DNSServiceIP     *string `json:"dnsServiceIP"`
	DockerBridgeCidr *string `json:"dockerBridgeCidr"`
}

// Server-side rules (reference §2.2, §2.4; documented limits a real service applies).
var (
	computeNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{2,23}$`)
	// ARM pattern of serviceCidr / dockerBridgeCidr (SPEC AksNetworkingConfiguration).
	cidrPattern      = regexp.MustCompile(`^([0-9]{1,3}\.){3}[0-9]{1,3}(/([0-9]|[1-2][0-9]|3[0-2]))?$`)
	subnetIDPattern  = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$`)
	clusterIDPattern = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\.ContainerService/managedClusters/([^/]+)$`)
	reservedCompute  = map[string]bool{"amlcompute": true, "local": true, "containerinstance": true}
)

const (
	fastProdMinVCPUs  = 12
	fastProdMinNodes  = 3
	defaultAgentCount = 3
	defaultVMSize     = "Standard_D3_v2"
)

// checkComputeName applies the documented name rules.
func checkComputeName(name string) string {
	switch {
	case reservedCompute[strings.ToLower(name)]:
		return fmt.Sprintf("Compute name %q is a reserved name.", name)
	case !computeNamePattern.MatchString(name):
		return fmt.Sprintf("Compute name %q is invalid: it must be 3 to 24 characters long, contain only letters, digits and hyphens, and start with a letter.", name)
	}
	return ""
}

// checkClusterResourceID requires a Microsoft.ContainerService/managedClusters id.
func checkClusterResourceID(id string) string {
	if !clusterIDPattern.MatchString(id) {
		return fmt.Sprintf("Invalid resourceId %q: an AKS compute must reference a Microsoft.ContainerService/managedClusters resource "+
			"(/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}).", id)
	}
	return ""
}

// checkAKSProps validates properties.properties of a PUT; every problem at once.
func checkAKSProps(p *aksPutProps) []string {
	if p == nil {
		return nil
	}
	var problems []string
	if p.AgentCount != nil && *p.AgentCount <= 0 {
		problems = append(problems, fmt.Sprintf("agentCount must be a positive integer, got %d.", *p.AgentCount))
	}
	if p.ClusterPurpose != nil && !oneOf(*p.ClusterPurpose, "FastProd", "DenseProd", "DevTest") {
		problems = append(problems, fmt.Sprintf("clusterPurpose %q is not one of FastProd, DenseProd, DevTest.", *p.ClusterPurpose))
	}
	lb := "PublicIp"
	if p.LoadBalancerType != nil {
		if !oneOf(*p.LoadBalancerType, "PublicIp", "InternalLoadBalancer") {
			problems = append(problems, fmt.Sprintf("loadBalancerType %q is not one of PublicIp, InternalLoadBalancer.", *p.LoadBalancerType))
		}
		lb = *p.LoadBalancerType
	}
	if p.LoadBalancerSubnet != nil && *p.LoadBalancerSubnet != "" && p.LoadBalancerType != nil && lb == "PublicIp" {
		problems = append(problems, "loadBalancerSubnet can only be set when loadBalancerType is InternalLoadBalancer.")
	}
	if ssl := p.SSLConfiguration; ssl != nil {
		switch ssl.Status {
		case "Enabled":
			// The key is checked by create/attach/update: an update may echo the GET
			// document, which never carries it.
			if empty(ssl.Cname) || empty(ssl.Cert) {
				problems = append(problems, "sslConfiguration with status Enabled needs cname, cert and key.")
			}
			if !empty(ssl.LeafDomainLabel) {
				problems = append(problems, "sslConfiguration with status Enabled must not have a leafDomainLabel.")
			}
		case "Auto":
			if empty(ssl.LeafDomainLabel) {
				problems = append(problems, "sslConfiguration with status Auto needs a leafDomainLabel.")
			}
			if !empty(ssl.Cname) || !empty(ssl.Cert) || !empty(ssl.Key) {
				problems = append(problems, "sslConfiguration with status Auto must not have cname, cert or key.")
			}
			if lb == "InternalLoadBalancer" {
				problems = append(problems, "A Microsoft-issued certificate (status Auto) cannot be used with an internal load balancer.")
			}
		case "Disabled":
		default:
			problems = append(problems, fmt.Sprintf("sslConfiguration.status %q is not one of Disabled, Enabled, Auto.", ssl.Status))
		}
	}
	if n := p.AKSNetworkingConfiguration; n != nil {
		if !empty(n.SubnetID) && !subnetIDPattern.MatchString(*n.SubnetID) {
			problems = append(problems, fmt.Sprintf("aksNetworkingConfiguration.subnetId %q is not a virtual network subnet id.", *n.SubnetID))
		}
		for _, f := range []struct {
			name string
			v    *string
		}{{"serviceCidr", n.ServiceCidr}, {"dockerBridgeCidr", n.DockerBridgeCidr}} {
			if f.v != nil && (!cidrPattern.MatchString(*f.v) || !octetsOK(*f.v)) {
				problems = append(problems, fmt.Sprintf("aksNetworkingConfiguration.%s %q does not match the CIDR pattern.", f.name, *f.v))
			}
		}
		if n.DNSServiceIP != nil {
			if a, err := netip.ParseAddr(*n.DNSServiceIP); err != nil || !a.Is4() {
				problems = append(problems, fmt.Sprintf("aksNetworkingConfiguration.dnsServiceIP %q is not an IPv4 address.", *n.DNSServiceIP))
			}
		}
	}
	return problems
}

// checkFastProd applies the 12-vCPU / 3-node rule of production clusters. An unknown VM
// size is not checked here: provisioning fails later with VMSizeNotSupported.
func checkFastProd(purpose string, nodes int, vmSize string) []string {
	if purpose == "DevTest" {
		return nil
	}
	var problems []string
	if vcpus, ok := vmVCPUs(vmSize); ok && nodes*vcpus < fastProdMinVCPUs {
		problems = append(problems, fmt.Sprintf(
			"Cluster purpose %s requires at least %d vCPUs in total: %d x %s provides %d. Use more or larger nodes, or cluster purpose DevTest.",
			orDefault(purpose, "FastProd"), fastProdMinVCPUs, nodes, vmSize, nodes*vcpus))
	}
	if nodes < fastProdMinNodes {
		problems = append(problems, fmt.Sprintf("Cluster purpose %s requires at least %d nodes, got %d. Use cluster purpose DevTest for fewer nodes.",
			orDefault(purpose, "FastProd"), fastProdMinNodes, nodes))
	}
	return problems
}

func octetsOK(cidr string) bool {
	addr, _, _ := strings.Cut(cidr, "/")
	a, err := netip.ParseAddr(addr)
	return err == nil && a.Is4()
}

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

func empty(p *string) bool { return p == nil || *p == "" }

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
