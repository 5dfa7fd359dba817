package compute

import (
	"fmt"
	"strings"
)

// AttachConfiguration describes an existing AKS cluster to attach to a workspace, like
// AksCompute.attach_configuration in azureml-core. Identify the cluster with ResourceID, or
// with ResourceGroup and ClusterName (in the workspace's subscription).
type AttachConfiguration struct {
	// ResourceID is the ARM id of the cluster:
	// /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}.
	// Mutually exclusive with ResourceGroup and ClusterName.
	ResourceID string
	// ResourceGroup holds the cluster, in the workspace's subscription.
	ResourceGroup string
	// ClusterName is the AKS cluster name.
	ClusterName string
	// ClusterPurpose is FastProd or DevTest; "" leaves it to the service (FastProd).
	ClusterPurpose ClusterPurpose
	// LoadBalancerType is PublicIp or InternalLoadBalancer; "" sends "PublicIp".
	LoadBalancerType LoadBalancerType
	// LoadBalancerSubnet is the subnet of an internal load balancer; "" sends null (the
	// service default, "aks-subnet"). Only allowed with LoadBalancerInternal.
	LoadBalancerSubnet string
	// SSL enables TLS on the scoring front end; nil means plain HTTP.
	SSL SSL
}

// Validate checks the configuration without the network and returns a *ValidationError
// listing every problem, or nil. (Whether the cluster is already attached is checked by
// Attach, which needs the workspace.)
func (c AttachConfiguration) Validate() error {
	_, chk := c.prepare("00000000-0000-0000-0000-000000000000", "")
	return chk.err("attach")
}

// Warnings returns non-fatal findings, such as an unset cluster purpose.
func (c AttachConfiguration) Warnings() []Problem {
	_, chk := c.prepare("00000000-0000-0000-0000-000000000000", "")
	return chk.warnings
}

// prepare validates and builds the attach PUT body.
func (c AttachConfiguration) prepare(subscriptionID, workspaceLocation string) (*putBody, checker) {
	var chk checker
	resourceID := c.ResourceID
	switch {
	case c.ResourceID != "":
		if err := checkClusterID(c.ResourceID); err != nil {
			chk.add("ResourceID", RuleResourceID, "%v", err)
		}
		if c.ResourceGroup != "" {
			chk.add("ResourceGroup", RuleExclusive, "set ResourceID, or ResourceGroup and ClusterName, not both")
		}
		if c.ClusterName != "" {
			chk.add("ClusterName", RuleExclusive, "set ResourceID, or ResourceGroup and ClusterName, not both")
		}
	case c.ResourceGroup == "" && c.ClusterName == "":
		chk.add("ResourceID", RuleRequired, "provide ResourceGroup and ClusterName of the cluster to attach, or its ResourceID")
	case c.ResourceGroup == "":
		chk.add("ResourceGroup", RuleRequired, "the resource group of the cluster is not provided")
	case c.ClusterName == "":
		chk.add("ClusterName", RuleRequired, "the cluster name is not provided")
	default:
		// Lowercase "resourcegroups", as azureml-core builds it; ARM ids are case-insensitive.
		resourceID = fmt.Sprintf("/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s",
			subscriptionID, c.ResourceGroup, c.ClusterName)
		if err := checkClusterID(resourceID); err != nil {
			chk.add("ClusterName", RuleResourceID, "%v", err)
		}
	}
	if c.ClusterPurpose != "" && !c.ClusterPurpose.valid() {
		chk.add("ClusterPurpose", RuleEnum, "%q is not a cluster purpose; use %q or %q", c.ClusterPurpose, ClusterPurposeFastProd, ClusterPurposeDevTest)
	}
	if c.ClusterPurpose == "" {
		chk.warn("ClusterPurpose", RulePurposeUnset,
			"no cluster purpose set: the service assumes FastProd, which needs at least %d vCPUs and %d nodes in the cluster", MinFastProdVCPUs, MinFastProdNodes)
	}
	checkLoadBalancer(&chk, c.LoadBalancerType, c.LoadBalancerSubnet)
	lb := c.LoadBalancerType
	if lb == "" {
		lb = LoadBalancerPublicIP
	}
	props := &attachAKSProps{
		ClusterPurpose:   c.ClusterPurpose,
		SSLConfiguration: checkSSL(&chk, "SSL", c.SSL, lb),
		LoadBalancerType: lb,
	}
	if c.LoadBalancerSubnet != "" {
		subnet := c.LoadBalancerSubnet
		props.LoadBalancerSubnet = &subnet
	}
	return &putBody{
		Location: workspaceLocation,
		Properties: putBodyProps{
			ComputeType: computeTypeAKS,
			ResourceID:  resourceID,
			Properties:  props,
		},
	}, chk
}

// checkClusterID applies azureml-core's rule (9 '/'-separated parts, part 6 is
// Microsoft.ContainerService) and also requires the managedClusters type and non-empty
// names, which the service needs. Comparisons ignore case, as ARM does.
func checkClusterID(id string) error {
	parts := strings.Split(id, "/")
	bad := func(why string) error {
		return fmt.Errorf("invalid resource id %q: %s; expected /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{name}", id, why)
	}
	if len(parts) != 9 || parts[0] != "" {
		return bad("wrong number of segments")
	}
	for _, seg := range []struct {
		i    int
		want string
	}{{1, "subscriptions"}, {3, "resourceGroups"}, {5, "providers"}, {6, "Microsoft.ContainerService"}, {7, "managedClusters"}} {
		if !strings.EqualFold(parts[seg.i], seg.want) {
			return bad(fmt.Sprintf("segment %d is %q, not %s", seg.i, parts[seg.i], seg.want))
		}
	}
	for _, i := range []int{2, 4, 8} {
		if strings.TrimSpace(parts[i]) == "" {
			return bad("empty name segment")
		}
	}
	return nil
}
