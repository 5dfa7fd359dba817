package compute

// ClusterPurpose is the intended use of an AKS cluster. It decides the minimum size the
// service accepts: FastProd needs at least 12 vCPUs and 3 nodes, DevTest does not.
type ClusterPurpose string

const (
	// ClusterPurposeFastProd is a production cluster (the service default when unset):
	// at least 12 vCPUs in total (agent count × vCPUs of the VM size) and 3 nodes.
	ClusterPurposeFastProd ClusterPurpose = "FastProd"
	// ClusterPurposeDevTest is a development/test cluster: no 12-vCPU minimum (at least
	// 2 vCPUs are recommended) and a single node by default.
	ClusterPurposeDevTest ClusterPurpose = "DevTest"
)

// valid reports whether p is one of the documented purposes.
func (p ClusterPurpose) valid() bool {
	return p == ClusterPurposeFastProd || p == ClusterPurposeDevTest
}

// LoadBalancerType is the kind of load balancer placed in front of the scoring front end
// (azureml-fe) of the cluster.
type LoadBalancerType string

const (
	// LoadBalancerPublicIP exposes scoring on a public IP address (the service default).
	LoadBalancerPublicIP LoadBalancerType = "PublicIp"
	// LoadBalancerInternal exposes scoring on a private IP in LoadBalancerSubnet of the
	// cluster's virtual network.
	LoadBalancerInternal LoadBalancerType = "InternalLoadBalancer"
)

func (t LoadBalancerType) valid() bool {
	return t == LoadBalancerPublicIP || t == LoadBalancerInternal
}

// ProvisioningState is the provisioning state the service reports for a compute.
type ProvisioningState string

// Provisioning states (reference §2.6). Any other value is passed through unchanged.
const (
	StateUnknown   ProvisioningState = "Unknown"
	StateUpdating  ProvisioningState = "Updating"
	StateCreating  ProvisioningState = "Creating"
	StateDeleting  ProvisioningState = "Deleting"
	StateSucceeded ProvisioningState = "Succeeded"
	StateFailed    ProvisioningState = "Failed"
	StateCanceled  ProvisioningState = "Canceled"
)

// Terminal reports whether no operation is in progress in this state.
func (s ProvisioningState) Terminal() bool {
	return s == StateSucceeded || s == StateFailed || s == StateCanceled
}

// Defaults the service applies when a field is left unset (reference §2.2). The SDK omits
// unset fields; these values are used only to explain and check sizing rules locally.
const (
	DefaultVMSize             = "Standard_D3_v2"
	DefaultAgentCountFastProd = 3
	DefaultAgentCountDevTest  = 1
	DefaultLoadBalancerSubnet = "aks-subnet"

	// MinFastProdVCPUs is the minimum total vCPU count of a FastProd cluster.
	MinFastProdVCPUs = 12
	// MinFastProdNodes is the minimum node count of a FastProd cluster.
	MinFastProdNodes = 3
	// RecommendedDevTestVCPUs is the recommended minimum total vCPU count of a DevTest cluster.
	RecommendedDevTestVCPUs = 2
)
