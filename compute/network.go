package compute

import (
	"fmt"
	"net/netip"
	"strings"
)

// VNetConfiguration places a new cluster in an existing virtual network subnet. All six
// fields are required together (reference §2.2).
type VNetConfiguration struct {
	// ResourceGroup holds the virtual network (in the workspace's subscription).
	ResourceGroup string
	// Name of the virtual network.
	Name string
	// SubnetName is the subnet the cluster nodes join.
	SubnetName string
	// ServiceCIDR is the Kubernetes service address range, e.g. "10.0.0.0/16". It must not
	// overlap the subnet or DockerBridgeCIDR.
	ServiceCIDR string
	// DNSServiceIP is the cluster DNS service address, inside ServiceCIDR and not its
	// first address, e.g. "10.0.0.10".
	DNSServiceIP string
	// DockerBridgeCIDR is the Docker bridge network address, e.g. "172.17.0.1/16".
	DockerBridgeCIDR string
}

// networkingWire is aksNetworkingConfiguration on the wire (reference §2.3).
type networkingWire struct {
	SubnetID         string `json:"subnetId,omitempty"`
	ServiceCidr      string `json:"serviceCidr,omitempty"`
	DNSServiceIP     string `json:"dnsServiceIP,omitempty"`
	DockerBridgeCidr string `json:"dockerBridgeCidr,omitempty"`
}

// check validates the network under field and returns its wire form (nil when v is nil).
func (v *VNetConfiguration) check(c *checker, field, subscriptionID string) *networkingWire {
	if v == nil {
		return nil
	}
	var missing []string
	for _, f := range []struct{ name, value string }{
		{"ResourceGroup", v.ResourceGroup}, {"Name", v.Name}, {"SubnetName", v.SubnetName},
		{"ServiceCIDR", v.ServiceCIDR}, {"DNSServiceIP", v.DNSServiceIP}, {"DockerBridgeCIDR", v.DockerBridgeCIDR},
	} {
		if strings.TrimSpace(f.value) == "" {
			missing = append(missing, f.name)
		}
	}
	for _, m := range missing {
		c.add(field+"."+m, RuleVNetIncomplete,
			"not all virtual network information provided: ResourceGroup, Name, SubnetName, ServiceCIDR, DNSServiceIP and DockerBridgeCIDR are required together")
	}
	svc, svcOK := checkCIDR(c, field+".ServiceCIDR", v.ServiceCIDR)
	bridge, bridgeOK := checkCIDR(c, field+".DockerBridgeCIDR", v.DockerBridgeCIDR)
	var dns netip.Addr
	dnsOK := false
	if v.DNSServiceIP != "" {
		a, err := netip.ParseAddr(v.DNSServiceIP)
		if err != nil || !a.Is4() {
			c.add(field+".DNSServiceIP", RuleIP, "%q is not an IPv4 address (e.g. 10.0.0.10)", v.DNSServiceIP)
		} else {
			dns, dnsOK = a, true
		}
	}
	if svcOK && dnsOK {
		switch {
		case !svc.Contains(dns):
			c.add(field+".DNSServiceIP", RuleDNSIPInServiceCIDR, "%s is outside ServiceCIDR %s", dns, svc)
		case dns == svc.Masked().Addr().Next():
			c.add(field+".DNSServiceIP", RuleDNSIPInServiceCIDR, "%s is the first address of ServiceCIDR %s, which Kubernetes reserves for its API service", dns, svc)
		}
	}
	if svcOK && bridgeOK && svc.Overlaps(bridge) {
		c.add(field+".DockerBridgeCIDR", RuleCIDROverlap, "%s overlaps ServiceCIDR %s", bridge, svc)
	}
	if len(missing) > 0 {
		return nil
	}
	return &networkingWire{
		SubnetID: fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworks/%s/subnets/%s",
			subscriptionID, v.ResourceGroup, v.Name, v.SubnetName),
		ServiceCidr:      v.ServiceCIDR,
		DNSServiceIP:     v.DNSServiceIP,
		DockerBridgeCidr: v.DockerBridgeCIDR,
	}
}

// checkCIDR accepts what the ARM pattern for serviceCidr / dockerBridgeCidr accepts — an
// IPv4 address with an optional /0–/32 suffix — and additionally requires each octet to be
// 0–255. An address without a suffix is treated as a /32.
func checkCIDR(c *checker, field, s string) (netip.Prefix, bool) {
	if s == "" {
		return netip.Prefix{}, false
	}
	var p netip.Prefix
	var err error
	if strings.Contains(s, "/") {
		p, err = netip.ParsePrefix(s)
	} else {
		var a netip.Addr
		if a, err = netip.ParseAddr(s); err == nil {
			p = netip.PrefixFrom(a, a.BitLen())
		}
	}
	if err != nil || !p.Addr().Is4() {
		c.add(field, RuleCIDR, "%q is not an IPv4 CIDR (e.g. 10.0.0.0/16)", s)
		return netip.Prefix{}, false
	}
	return p, true
}
