package badinput

import (
	"context"
	"testing"
	"time"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/internal/testcerts"
)

// computeCases: ProvisioningConfiguration (compute.Create), AttachConfiguration
// (compute.Attach) and UpdateConfiguration (AksCompute.Update), and compute names.
func computeCases(t *testing.T, f *fixture) []badInput {
	now := time.Now()
	cert, key := testcerts.SelfSigned(t, "scoring.contoso.com", now.Add(-time.Hour), now.Add(365*24*time.Hour))
	_, otherKey := testcerts.SelfSigned(t, "scoring.contoso.com", now.Add(-time.Hour), now.Add(365*24*time.Hour))
	oldCert, oldKey := testcerts.SelfSigned(t, "scoring.contoso.com", now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	certFile := f.file(t, "cert.pem", string(cert))
	custom := func(cname string) compute.CustomCert {
		return compute.CustomCert{CNAME: cname, CertPEM: cert, KeyPEM: key}
	}
	const cluster = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/prod-aks"
	vnet := func(edit func(*compute.VNetConfiguration)) *compute.VNetConfiguration {
		v := &compute.VNetConfiguration{ResourceGroup: "net-rg", Name: "vnet", SubnetName: "aks",
			ServiceCIDR: "10.0.0.0/16", DNSServiceIP: "10.0.0.10", DockerBridgeCIDR: "172.17.0.1/16"}
		edit(v)
		return v
	}
	devTest := func(c compute.ProvisioningConfiguration) compute.ProvisioningConfiguration {
		c.ClusterPurpose, c.AgentCount, c.VMSize = compute.ClusterPurposeDevTest, 1, "Standard_D2_v2"
		return c
	}

	create := func(name string, c compute.ProvisioningConfiguration) func(context.Context) error {
		return func(ctx context.Context) error { _, err := compute.Create(ctx, f.ws, name, c); return err }
	}
	attach := func(name string, c compute.AttachConfiguration) func(context.Context) error {
		return func(ctx context.Context) error { _, err := compute.Attach(ctx, f.ws, name, c); return err }
	}
	update := func(u compute.UpdateConfiguration) func(context.Context) error {
		return func(ctx context.Context) error { _, err := f.aks.Update(ctx, u); return err }
	}
	ok := devTest(compute.ProvisioningConfiguration{})

	return []badInput{
		{"compute name too short", computeVE, "name", "a compute name has 3 to 24", create("ab", ok)},
		{"compute name starts with a digit", computeVE, "name", "must start with a letter", create("1aks", ok)},
		{"compute name has an underscore", computeVE, "name", "only letters, digits and '-'", create("my_aks", ok)},
		{"compute name is reserved", computeVE, "name", "is a reserved name", create("AmlCompute", ok)},
		{"negative agent count", computeVE, "AgentCount", "must be a positive integer", create("aks1", compute.ProvisioningConfiguration{AgentCount: -2, ClusterPurpose: compute.ClusterPurposeDevTest})},
		{"unknown cluster purpose", computeVE, "ClusterPurpose", "is not a cluster purpose", create("aks1", compute.ProvisioningConfiguration{ClusterPurpose: "Production"})},
		{"FastProd under 12 vCPUs", computeVE, "AgentCount", "at least 12 vCPUs", create("aks1", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeFastProd, AgentCount: 3, VMSize: "Standard_D2_v2"})},
		{"FastProd on fewer than 3 nodes", computeVE, "AgentCount", "at least 3 nodes", create("aks1", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeFastProd, AgentCount: 1, VMSize: "Standard_D16s_v3"})},
		{"unknown load balancer type", computeVE, "LoadBalancerType", "is not a load balancer type", create("aks1", devTest(compute.ProvisioningConfiguration{LoadBalancerType: "Private"}))},
		{"subnet without internal load balancer", computeVE, "LoadBalancerSubnet", "only when LoadBalancerType is \"InternalLoadBalancer\"", create("aks1", devTest(compute.ProvisioningConfiguration{LoadBalancerSubnet: "ilb-subnet"}))},
		{"Microsoft certificate behind an internal load balancer", computeVE, "SSL", "cannot be used with an internal load balancer", create("aks1", devTest(compute.ProvisioningConfiguration{LoadBalancerType: compute.LoadBalancerInternal, SSL: compute.MicrosoftCert{LeafDomainLabel: "scoring"}}))},
		{"Microsoft certificate without leaf label", computeVE, "SSL.LeafDomainLabel", "is required", create("aks1", devTest(compute.ProvisioningConfiguration{SSL: compute.MicrosoftCert{}}))},
		{"Microsoft certificate leaf label not a DNS label", computeVE, "SSL.LeafDomainLabel", "DNS label", create("aks1", devTest(compute.ProvisioningConfiguration{SSL: compute.MicrosoftCert{LeafDomainLabel: "my_label!"}}))},
		{"custom certificate without CNAME", computeVE, "SSL.CNAME", "a CNAME is required", create("aks1", devTest(compute.ProvisioningConfiguration{SSL: custom("")}))},
		{"custom certificate PEM unreadable", computeVE, "SSL.CertPEM", "PEM", create("aks1", devTest(compute.ProvisioningConfiguration{SSL: compute.CustomCert{CNAME: "scoring.contoso.com", CertPEM: []byte("not a certificate"), KeyPEM: key}}))},
		{"custom certificate key of another certificate", computeVE, "SSL.KeyPEM", "does not belong to the certificate", create("aks1", devTest(compute.ProvisioningConfiguration{SSL: compute.CustomCert{CNAME: "scoring.contoso.com", CertPEM: cert, KeyPEM: otherKey}}))},
		{"custom certificate not valid for the CNAME", computeVE, "SSL.CNAME", "is not valid for \"api.fabrikam.com\"", create("aks1", devTest(compute.ProvisioningConfiguration{SSL: custom("api.fabrikam.com")}))},
		{"custom certificate expired", computeVE, "SSL.CertPEM", "the certificate expired on", create("aks1", devTest(compute.ProvisioningConfiguration{SSL: compute.CustomCert{CNAME: "scoring.contoso.com", CertPEM: oldCert, KeyPEM: oldKey}}))},
		{"custom certificate inline and from a file", computeVE, "SSL.CertFile", "not both", create("aks1", devTest(compute.ProvisioningConfiguration{SSL: compute.CustomCert{CNAME: "scoring.contoso.com", CertPEM: cert, CertFile: certFile, KeyPEM: key}}))},
		{"custom certificate file missing", computeVE, "SSL.KeyFile", "cannot read the", create("aks1", devTest(compute.ProvisioningConfiguration{SSL: compute.CustomCert{CNAME: "scoring.contoso.com", CertFile: certFile, KeyFile: certFile + ".missing"}}))},
		{"virtual network incomplete", computeVE, "VNet.SubnetName", "are required together", create("aks1", devTest(compute.ProvisioningConfiguration{VNet: vnet(func(v *compute.VNetConfiguration) { v.SubnetName = "" })}))},
		{"service CIDR not a CIDR", computeVE, "VNet.ServiceCIDR", "is not an IPv4 CIDR", create("aks1", devTest(compute.ProvisioningConfiguration{VNet: vnet(func(v *compute.VNetConfiguration) { v.ServiceCIDR = "10.0.0.0/33" })}))},
		{"DNS service IP outside the service CIDR", computeVE, "VNet.DNSServiceIP", "is outside ServiceCIDR", create("aks1", devTest(compute.ProvisioningConfiguration{VNet: vnet(func(v *compute.VNetConfiguration) { v.DNSServiceIP = "10.1.0.10" })}))},
		{"Docker bridge overlaps the service CIDR", computeVE, "VNet.DockerBridgeCIDR", "overlaps ServiceCIDR", create("aks1", devTest(compute.ProvisioningConfiguration{VNet: vnet(func(v *compute.VNetConfiguration) { v.DockerBridgeCIDR = "10.0.128.1/17" })}))},

		{"attach without a cluster", computeVE, "ResourceID", "provide ResourceGroup and ClusterName", attach("aks2", compute.AttachConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest})},
		{"attach with resource id and cluster name", computeVE, "ClusterName", "not both", attach("aks2", compute.AttachConfiguration{ResourceID: cluster, ResourceGroup: "aks-rg", ClusterName: "prod-aks"})},
		{"attach a resource that is not a managed cluster", computeVE, "ResourceID", "managedClusters", attach("aks2", compute.AttachConfiguration{ResourceID: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks-rg/providers/Microsoft.Compute/virtualMachines/vm1"})},
		{"attach with cluster name but no resource group", computeVE, "ResourceGroup", "is not provided", attach("aks2", compute.AttachConfiguration{ClusterName: "prod-aks"})},
		{"attach with an unknown cluster purpose", computeVE, "ClusterPurpose", "is not a cluster purpose", attach("aks2", compute.AttachConfiguration{ResourceID: cluster, ClusterPurpose: "Test"})},
		{"attach subnet without internal load balancer", computeVE, "LoadBalancerSubnet", "only when LoadBalancerType", attach("aks2", compute.AttachConfiguration{ResourceID: cluster, LoadBalancerType: compute.LoadBalancerPublicIP, LoadBalancerSubnet: "ilb"})},
		{"attach under a reserved name", computeVE, "name", "is a reserved name", attach("local", compute.AttachConfiguration{ResourceID: cluster})},

		{"compute update that changes nothing", computeVE, "SSL", "nothing to update", update(compute.UpdateConfiguration{})},
		{"update to an unknown load balancer type", computeVE, "LoadBalancerType", "is not a load balancer type", update(compute.UpdateConfiguration{LoadBalancerType: "Internal"})},
		{"update subnet with a public IP", computeVE, "LoadBalancerSubnet", "cannot be used with a public IP", update(compute.UpdateConfiguration{LoadBalancerType: compute.LoadBalancerPublicIP, LoadBalancerSubnet: "ilb"})},
		{"update to a custom certificate without CNAME", computeVE, "SSL.CNAME", "a CNAME is required", update(compute.UpdateConfiguration{SSL: custom("")})},
		{"update to a Microsoft certificate behind an internal load balancer", computeVE, "SSL", "cannot be used with an internal load balancer", update(compute.UpdateConfiguration{LoadBalancerType: compute.LoadBalancerInternal, SSL: compute.MicrosoftCert{LeafDomainLabel: "scoring"}})},
	}
}
