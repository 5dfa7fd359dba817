package compute

import (
	"fmt"
	"strings"
)

// ProvisioningConfiguration describes a new AKS cluster, like
// AksCompute.provisioning_configuration in azureml-core. The zero value is valid and asks
// for the service defaults (3 × Standard_D3_v2, FastProd, public IP, no TLS). Unset fields
// are omitted from the request; the service applies its defaults.
type ProvisioningConfiguration struct {
	// AgentCount is the number of nodes. 0 means the service default: 3 (FastProd) or
	// 1 (DevTest). Negative values are refused.
	AgentCount int
	// VMSize is the node VM size. "" means the service default, Standard_D3_v2 (4 vCPUs).
	VMSize string
	// ClusterPurpose is FastProd or DevTest. "" leaves it to the service, which assumes
	// FastProd (and Validate warns about it): FastProd needs at least 12 vCPUs in total
	// and 3 nodes.
	ClusterPurpose ClusterPurpose
	// Location is the Azure region of the cluster. "" means the workspace's region.
	Location string
	// SSL enables TLS on the scoring front end: a CustomCert or a MicrosoftCert. nil
	// means plain HTTP.
	SSL SSL
	// VNet places the cluster in an existing subnet. nil lets AKS create its own network.
	VNet *VNetConfiguration
	// LoadBalancerType is PublicIp (the service default when "") or InternalLoadBalancer.
	LoadBalancerType LoadBalancerType
	// LoadBalancerSubnet is the subnet of an internal load balancer. "" means the
	// service default, "aks-subnet". Only allowed with LoadBalancerInternal.
	LoadBalancerSubnet string
}

// Validate checks every rule that can be checked without the network and returns a
// *ValidationError listing all problems at once, or nil. It reads the certificate files of
// a CustomCert. Warnings returns the non-fatal findings.
func (c ProvisioningConfiguration) Validate() error {
	_, chk := c.prepare("00000000-0000-0000-0000-000000000000", "")
	return chk.err("create")
}

// Warnings returns findings that do not stop a create: an unset cluster purpose, a VM
// size the SDK does not know (so the 12-vCPU rule is left to the service), a DevTest
// cluster under 2 vCPUs, a certificate that expires within 30 days.
func (c ProvisioningConfiguration) Warnings() []Problem {
	_, chk := c.prepare("00000000-0000-0000-0000-000000000000", "")
	return chk.warnings
}

// prepare validates the configuration and builds the PUT body. subscriptionID completes
// the VNet subnet id; workspaceLocation goes in the body's top-level location and, when
// not empty, is compared with Location.
func (c ProvisioningConfiguration) prepare(subscriptionID, workspaceLocation string) (*putBody, checker) {
	var chk checker
	props := &createAKSProps{
		AgentCount:         c.AgentCount,
		AgentVMSize:        c.VMSize,
		ClusterPurpose:     c.ClusterPurpose,
		LoadBalancerType:   c.LoadBalancerType,
		LoadBalancerSubnet: c.LoadBalancerSubnet,
	}
	if c.AgentCount < 0 {
		chk.add("AgentCount", RulePositive, "agent count must be a positive integer, got %d", c.AgentCount)
	}
	if c.ClusterPurpose != "" && !c.ClusterPurpose.valid() {
		chk.add("ClusterPurpose", RuleEnum, "%q is not a cluster purpose; use %q or %q", c.ClusterPurpose, ClusterPurposeFastProd, ClusterPurposeDevTest)
	}
	checkLoadBalancer(&chk, c.LoadBalancerType, c.LoadBalancerSubnet)
	props.SSLConfiguration = checkSSL(&chk, "SSL", c.SSL, c.LoadBalancerType)
	props.AKSNetworkingConfiguration = c.VNet.check(&chk, "VNet", subscriptionID)
	c.checkSizing(&chk)
	if c.Location != "" && workspaceLocation != "" && !strings.EqualFold(normalizeLocation(c.Location), normalizeLocation(workspaceLocation)) {
		chk.warn("Location", RuleLocation, "the cluster is in %s but the workspace is in %s: scoring calls cross regions (latency, egress cost)", c.Location, workspaceLocation)
	}

	body := &putBody{
		Location:   workspaceLocation,
		Properties: putBodyProps{ComputeType: computeTypeAKS, ComputeLocation: c.Location},
	}
	if !props.empty() {
		body.Properties.Properties = props
	}
	return body, chk
}

// checkSizing applies the 12-vCPU / 3-node rule of FastProd clusters and the 2-vCPU
// recommendation of DevTest clusters, using the service defaults for unset fields.
func (c ProvisioningConfiguration) checkSizing(chk *checker) {
	if c.AgentCount < 0 || (c.ClusterPurpose != "" && !c.ClusterPurpose.valid()) {
		return
	}
	purpose := c.ClusterPurpose
	if purpose == "" {
		purpose = ClusterPurposeFastProd
		chk.warn("ClusterPurpose", RulePurposeUnset,
			"no cluster purpose set: the service assumes FastProd, which needs at least %d vCPUs and %d nodes; set ClusterPurposeDevTest for a small dev/test cluster",
			MinFastProdVCPUs, MinFastProdNodes)
	}
	nodes := c.AgentCount
	if nodes == 0 {
		nodes = DefaultAgentCountFastProd
		if purpose == ClusterPurposeDevTest {
			nodes = DefaultAgentCountDevTest
		}
	}
	size := c.VMSize
	if size == "" {
		size = DefaultVMSize
	}
	vcpus, known := VCPUs(size)
	if !known {
		chk.warn("VMSize", RuleUnknownVMSize,
			"%s is not in the SDK's table of AKS VM sizes, so the vCPU rules were not checked (FastProd needs at least %d vCPUs in total; the service will check)",
			size, MinFastProdVCPUs)
	}
	total := nodes * vcpus
	switch purpose {
	case ClusterPurposeFastProd:
		if known && total < MinFastProdVCPUs {
			need := (MinFastProdVCPUs + vcpus - 1) / vcpus
			chk.add("AgentCount", RuleFastProdVCPUs,
				"a FastProd cluster needs at least %d vCPUs in total; %s gives %d. Set AgentCount to at least %d, choose a larger VMSize, or use ClusterPurposeDevTest for a dev/test cluster (at least %d vCPUs recommended)",
				MinFastProdVCPUs, describeNodes(nodes, size, vcpus), total, max(need, MinFastProdNodes), RecommendedDevTestVCPUs)
		}
		if nodes < MinFastProdNodes {
			chk.add("AgentCount", RuleFastProdNodes,
				"a FastProd cluster needs at least %d nodes, got %d; add nodes or use ClusterPurposeDevTest (1 node or more)", MinFastProdNodes, nodes)
		}
	case ClusterPurposeDevTest:
		if known && total < RecommendedDevTestVCPUs {
			chk.warn("AgentCount", RuleDevTestVCPUs,
				"a DevTest cluster is recommended to have at least %d vCPUs; %s gives %d", RecommendedDevTestVCPUs, describeNodes(nodes, size, vcpus), total)
		}
	}
}

func describeNodes(nodes int, size string, vcpus int) string {
	return fmt.Sprintf("%d × %s (%d vCPUs each)", nodes, size, vcpus)
}

// checkLoadBalancer applies the load balancer rules shared by create and attach.
func checkLoadBalancer(chk *checker, t LoadBalancerType, subnet string) {
	if t != "" && !t.valid() {
		chk.add("LoadBalancerType", RuleEnum, "%q is not a load balancer type; use %q or %q", t, LoadBalancerPublicIP, LoadBalancerInternal)
		return
	}
	if subnet != "" && t != LoadBalancerInternal {
		chk.add("LoadBalancerSubnet", RuleSubnetNeedsILB,
			"the load balancer subnet can be changed from the default only when LoadBalancerType is %q", LoadBalancerInternal)
	}
}

// normalizeLocation makes "East US" and "eastus" compare equal.
func normalizeLocation(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, " ", ""))
}
