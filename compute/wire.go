package compute

// The JSON request bodies of compute writes (reference §2.3, §2.4). Unset fields are
// omitted, except that attach always carries loadBalancerType and loadBalancerSubnet.

const (
	// APIVersion is the api-version of every compute call (MLC_WORKSPACE_API_VERSION).
	APIVersion = "2020-02-02"
	// computeTypeAKS is properties.computeType of an AKS compute.
	computeTypeAKS = "AKS"
)

// putBody is the PUT body of create and attach.
type putBody struct {
	Location   string       `json:"location"`
	Properties putBodyProps `json:"properties"`
}

type putBodyProps struct {
	ComputeType     string `json:"computeType"`
	ComputeLocation string `json:"computeLocation,omitempty"`
	ResourceID      string `json:"resourceId,omitempty"`
	// Properties is *createAKSProps or *attachAKSProps; nil omits the key.
	Properties any `json:"properties,omitempty"`
}

// createAKSProps is properties.properties of a create.
type createAKSProps struct {
	AgentCount                 int              `json:"agentCount,omitempty"`
	AgentVMSize                string           `json:"agentVmSize,omitempty"`
	ClusterPurpose             ClusterPurpose   `json:"clusterPurpose,omitempty"`
	LoadBalancerType           LoadBalancerType `json:"loadBalancerType,omitempty"`
	LoadBalancerSubnet         string           `json:"loadBalancerSubnet,omitempty"`
	SSLConfiguration           *sslWire         `json:"sslConfiguration,omitempty"`
	AKSNetworkingConfiguration *networkingWire  `json:"aksNetworkingConfiguration,omitempty"`
}

func (p *createAKSProps) empty() bool { return *p == createAKSProps{} }

// attachAKSProps is properties.properties of an attach.
type attachAKSProps struct {
	ClusterPurpose     ClusterPurpose   `json:"clusterPurpose,omitempty"`
	SSLConfiguration   *sslWire         `json:"sslConfiguration,omitempty"`
	LoadBalancerType   LoadBalancerType `json:"loadBalancerType"`
	LoadBalancerSubnet *string          `json:"loadBalancerSubnet"`
}
