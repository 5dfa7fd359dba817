package compute

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProvisioningValidateRules(t *testing.T) {
	valid, validKey := testCert(t, time.Now().Add(365*24*time.Hour), "scoring.contoso.com")
	_, otherKey := testCert(t, time.Now().Add(365*24*time.Hour), "scoring.contoso.com")
	expired, expiredKey := testCert(t, time.Now().Add(-24*time.Hour), "scoring.contoso.com")
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, valid, 0o600))
	require.NoError(t, os.WriteFile(keyFile, validKey, 0o600))
	goodVNet := func() *VNetConfiguration {
		return &VNetConfiguration{ResourceGroup: "net-rg", Name: "vnet", SubnetName: "aks", ServiceCIDR: "10.0.0.0/16",
			DNSServiceIP: "10.0.0.10", DockerBridgeCIDR: "172.17.0.1/16"}
	}
	withVNet := func(f func(v *VNetConfiguration)) *VNetConfiguration { v := goodVNet(); f(v); return v }
	devTest := ClusterPurposeDevTest

	tests := []struct {
		name string
		cfg  ProvisioningConfiguration
		want []string // Field/rule of every problem, in order
	}{
		{"zero value is valid", ProvisioningConfiguration{}, nil},
		{"explicit FastProd 3 x D3_v2", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeFastProd, AgentCount: 3, VMSize: "Standard_D3_v2"}, nil},
		{"negative agent count", ProvisioningConfiguration{AgentCount: -1, ClusterPurpose: devTest}, []string{"AgentCount/positive"}},
		{"unknown purpose", ProvisioningConfiguration{ClusterPurpose: "DenseProd"}, []string{"ClusterPurpose/enum"}},
		{"unknown load balancer type", ProvisioningConfiguration{ClusterPurpose: devTest, LoadBalancerType: "Public"}, []string{"LoadBalancerType/enum"}},
		{"subnet without load balancer type", ProvisioningConfiguration{ClusterPurpose: devTest, LoadBalancerSubnet: "s"}, []string{"LoadBalancerSubnet/subnet-needs-internal-lb"}},
		{"subnet with public IP", ProvisioningConfiguration{ClusterPurpose: devTest, LoadBalancerType: LoadBalancerPublicIP, LoadBalancerSubnet: "s"}, []string{"LoadBalancerSubnet/subnet-needs-internal-lb"}},
		{"subnet with internal LB", ProvisioningConfiguration{ClusterPurpose: devTest, LoadBalancerType: LoadBalancerInternal, LoadBalancerSubnet: "s"}, nil},

		// 12-vCPU / 3-node rule.
		{"FastProd 2 x D2_v2", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeFastProd, AgentCount: 2, VMSize: "Standard_D2_v2"},
			[]string{"AgentCount/fastprod-vcpus", "AgentCount/fastprod-nodes"}},
		{"FastProd 3 x D2s_v3 is 6 vCPUs", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeFastProd, AgentCount: 3, VMSize: "Standard_D2s_v3"},
			[]string{"AgentCount/fastprod-vcpus"}},
		{"FastProd 1 x D16s_v3 has vCPUs but too few nodes", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeFastProd, AgentCount: 1, VMSize: "Standard_D16s_v3"},
			[]string{"AgentCount/fastprod-nodes"}},
		{"FastProd default count with small size", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeFastProd, VMSize: "Standard_DS2_v2"},
			[]string{"AgentCount/fastprod-vcpus"}},
		{"unset purpose is checked as FastProd", ProvisioningConfiguration{AgentCount: 2, VMSize: "Standard_B2s"},
			[]string{"AgentCount/fastprod-vcpus", "AgentCount/fastprod-nodes"}},
		{"FastProd 6 x F2s_v2 = 12", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeFastProd, AgentCount: 6, VMSize: "Standard_F2s_v2"}, nil},
		{"VM size case-insensitive", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeFastProd, AgentCount: 3, VMSize: "standard_d4_V2"}, nil},
		{"FastProd unknown size only warns", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeFastProd, AgentCount: 3, VMSize: "Standard_Z99"}, nil},
		{"FastProd unknown size with 2 nodes", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeFastProd, AgentCount: 2, VMSize: "Standard_Z99"},
			[]string{"AgentCount/fastprod-nodes"}},
		{"DevTest 1 x D2_v2", ProvisioningConfiguration{ClusterPurpose: devTest, AgentCount: 1, VMSize: "Standard_D2_v2"}, nil},
		{"DevTest 1 x B1s only warns", ProvisioningConfiguration{ClusterPurpose: devTest, AgentCount: 1, VMSize: "Standard_B1s"}, nil},

		// SSL.
		{"custom cert inline", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: CustomCert{CNAME: "scoring.contoso.com", CertPEM: valid, KeyPEM: validKey}}, nil},
		{"custom cert files", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: CustomCert{CNAME: "scoring.contoso.com", CertFile: certFile, KeyFile: keyFile}}, nil},
		{"custom cert pointer", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: &CustomCert{CNAME: "scoring.contoso.com", CertFile: certFile, KeyFile: keyFile}}, nil},
		{"custom cert wildcard SAN", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: func() CustomCert {
			c, k := testCert(t, time.Now().Add(400*24*time.Hour), "*.contoso.com")
			return CustomCert{CNAME: "ml.contoso.com", CertPEM: c, KeyPEM: k}
		}()}, nil},
		{"custom cert missing everything", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: CustomCert{}},
			[]string{"SSL.CNAME/required", "SSL.CertPEM/required", "SSL.KeyPEM/required"}},
		{"custom cert missing key", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: CustomCert{CNAME: "scoring.contoso.com", CertPEM: valid}},
			[]string{"SSL.KeyPEM/required"}},
		{"custom cert inline and file", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: CustomCert{CNAME: "scoring.contoso.com", CertPEM: valid, CertFile: certFile, KeyPEM: validKey}},
			[]string{"SSL.CertFile/ssl-source"}},
		{"custom cert unreadable file", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: CustomCert{CNAME: "scoring.contoso.com", CertFile: filepath.Join(dir, "nope.pem"), KeyPEM: validKey}},
			[]string{"SSL.CertFile/ssl-source"}},
		{"custom cert not PEM", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: CustomCert{CNAME: "scoring.contoso.com", CertPEM: []byte("hello"), KeyPEM: []byte("world")}},
			[]string{"SSL.CertPEM/pem", "SSL.KeyPEM/pem"}},
		{"custom cert swapped", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: CustomCert{CNAME: "scoring.contoso.com", CertPEM: validKey, KeyPEM: valid}},
			[]string{"SSL.CertPEM/pem", "SSL.KeyPEM/pem"}},
		{"custom cert key mismatch", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: CustomCert{CNAME: "scoring.contoso.com", CertPEM: valid, KeyPEM: otherKey}},
			[]string{"SSL.KeyPEM/key-mismatch"}},
		{"custom cert CNAME not in cert", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: CustomCert{CNAME: "other.example.com", CertPEM: valid, KeyPEM: validKey}},
			[]string{"SSL.CNAME/cname-not-in-cert"}},
		{"custom cert expired", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: CustomCert{CNAME: "scoring.contoso.com", CertPEM: expired, KeyPEM: expiredKey}},
			[]string{"SSL.CertPEM/cert-expired"}},
		{"microsoft cert", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: MicrosoftCert{LeafDomainLabel: "myscoring"}}, nil},
		{"microsoft cert without label", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: MicrosoftCert{}}, []string{"SSL.LeafDomainLabel/required"}},
		{"microsoft cert bad label", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: MicrosoftCert{LeafDomainLabel: "My_Label"}}, []string{"SSL.LeafDomainLabel/leaf-domain-label"}},
		{"microsoft cert label ending in hyphen", ProvisioningConfiguration{ClusterPurpose: devTest, SSL: MicrosoftCert{LeafDomainLabel: "abc-"}}, []string{"SSL.LeafDomainLabel/leaf-domain-label"}},
		{"microsoft cert with internal LB", ProvisioningConfiguration{ClusterPurpose: devTest, LoadBalancerType: LoadBalancerInternal, SSL: MicrosoftCert{LeafDomainLabel: "myscoring"}},
			[]string{"SSL/microsoft-cert-internal-lb"}},
		{"custom cert with internal LB", ProvisioningConfiguration{ClusterPurpose: devTest, LoadBalancerType: LoadBalancerInternal, SSL: CustomCert{CNAME: "scoring.contoso.com", CertPEM: valid, KeyPEM: validKey}}, nil},

		// VNet.
		{"vnet complete", ProvisioningConfiguration{ClusterPurpose: devTest, VNet: goodVNet()}, nil},
		{"vnet only name", ProvisioningConfiguration{ClusterPurpose: devTest, VNet: &VNetConfiguration{Name: "vnet"}},
			[]string{"VNet.ResourceGroup/vnet-incomplete", "VNet.SubnetName/vnet-incomplete", "VNet.ServiceCIDR/vnet-incomplete", "VNet.DNSServiceIP/vnet-incomplete", "VNet.DockerBridgeCIDR/vnet-incomplete"}},
		{"vnet bad service CIDR", ProvisioningConfiguration{ClusterPurpose: devTest, VNet: withVNet(func(v *VNetConfiguration) { v.ServiceCIDR = "10.0.0.0/33" })},
			[]string{"VNet.ServiceCIDR/cidr"}},
		{"vnet octet out of range", ProvisioningConfiguration{ClusterPurpose: devTest, VNet: withVNet(func(v *VNetConfiguration) { v.DockerBridgeCIDR = "300.17.0.1/16" })},
			[]string{"VNet.DockerBridgeCIDR/cidr"}},
		{"vnet IPv6 CIDR", ProvisioningConfiguration{ClusterPurpose: devTest, VNet: withVNet(func(v *VNetConfiguration) { v.DockerBridgeCIDR = "fd00::/64" })},
			[]string{"VNet.DockerBridgeCIDR/cidr"}},
		{"vnet CIDR without prefix accepted as the ARM pattern does", ProvisioningConfiguration{ClusterPurpose: devTest, VNet: withVNet(func(v *VNetConfiguration) { v.DockerBridgeCIDR = "172.17.0.1" })}, nil},
		{"vnet bad DNS IP", ProvisioningConfiguration{ClusterPurpose: devTest, VNet: withVNet(func(v *VNetConfiguration) { v.DNSServiceIP = "10.0.0" })},
			[]string{"VNet.DNSServiceIP/ip"}},
		{"vnet DNS IP outside service CIDR", ProvisioningConfiguration{ClusterPurpose: devTest, VNet: withVNet(func(v *VNetConfiguration) { v.DNSServiceIP = "10.1.0.10" })},
			[]string{"VNet.DNSServiceIP/dns-ip-in-service-cidr"}},
		{"vnet DNS IP is first address", ProvisioningConfiguration{ClusterPurpose: devTest, VNet: withVNet(func(v *VNetConfiguration) { v.DNSServiceIP = "10.0.0.1" })},
			[]string{"VNet.DNSServiceIP/dns-ip-in-service-cidr"}},
		{"vnet bridge overlaps service", ProvisioningConfiguration{ClusterPurpose: devTest, VNet: withVNet(func(v *VNetConfiguration) { v.DockerBridgeCIDR = "10.0.128.1/24" })},
			[]string{"VNet.DockerBridgeCIDR/cidr-overlap"}},

		// Everything at once.
		{"all problems reported together", ProvisioningConfiguration{
			AgentCount: 1, VMSize: "Standard_D2_v2", ClusterPurpose: ClusterPurposeFastProd,
			LoadBalancerSubnet: "s", SSL: MicrosoftCert{}, VNet: &VNetConfiguration{Name: "v", ResourceGroup: "r", SubnetName: "s", ServiceCIDR: "x", DNSServiceIP: "y"},
		}, []string{
			"LoadBalancerSubnet/subnet-needs-internal-lb", "SSL.LeafDomainLabel/required",
			"VNet.DockerBridgeCIDR/vnet-incomplete", "VNet.ServiceCIDR/cidr", "VNet.DNSServiceIP/ip",
			"AgentCount/fastprod-vcpus", "AgentCount/fastprod-nodes",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			assert.Equal(t, tt.want, validationProblems(t, err))
			if err != nil {
				var ve *ValidationError
				require.True(t, errors.As(fmt.Errorf("wrapped: %w", err), &ve))
				assert.Equal(t, "create", ve.Operation)
				assert.NotContains(t, err.Error(), "PRIVATE KEY")
			}
		})
	}
}

func TestProvisioningWarnings(t *testing.T) {
	soon, soonKey := testCert(t, time.Now().Add(10*24*time.Hour), "scoring.contoso.com")
	tests := []struct {
		name string
		cfg  ProvisioningConfiguration
		want []string
	}{
		{"explicit purpose, known size", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest, VMSize: "Standard_D2_v2"}, nil},
		{"unset purpose", ProvisioningConfiguration{}, []string{"ClusterPurpose/purpose-unset"}},
		{"unknown size", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeFastProd, VMSize: "Standard_Z99"}, []string{"VMSize/unknown-vm-size"}},
		{"DevTest below 2 vCPUs", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest, VMSize: "Standard_B1ms"}, []string{"AgentCount/devtest-vcpus"}},
		{"DevTest 2 x B1s is fine", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest, AgentCount: 2, VMSize: "Standard_B1s"}, nil},
		{"certificate expires soon", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest, SSL: CustomCert{CNAME: "scoring.contoso.com", CertPEM: soon, KeyPEM: soonKey}},
			[]string{"SSL.CertPEM/cert-expires-soon"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.cfg.Validate())
			got := problemKeys(tt.cfg.Warnings())
			if len(got) == 0 {
				got = nil
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFastProdMessageIsActionable(t *testing.T) {
	err := ProvisioningConfiguration{ClusterPurpose: ClusterPurposeFastProd, AgentCount: 2, VMSize: "Standard_D4s_v3"}.Validate()
	require.Error(t, err)
	msg := err.Error()
	for _, want := range []string{"12 vCPUs", "2 × Standard_D4s_v3 (4 vCPUs each)", "gives 8", "AgentCount to at least 3", "ClusterPurposeDevTest", "at least 2 vCPUs recommended"} {
		assert.Contains(t, msg, want)
	}
	devtest := ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest, VMSize: "Standard_B1s"}.Warnings()
	require.Len(t, devtest, 1)
	assert.Contains(t, devtest[0].Message, "at least 2 vCPUs")
}

func TestVCPUsTable(t *testing.T) {
	tests := map[string]int{
		"Standard_D2_v2": 2, "Standard_D3_v2": 4, "Standard_D4_v2": 8, "Standard_D5_v2": 16,
		"Standard_DS2_v2": 2, "Standard_DS3_v2": 4, "Standard_D11_v2": 2,
		"Standard_D2s_v3": 2, "Standard_D4s_v3": 4, "Standard_D8s_v3": 8, "Standard_D16s_v3": 16, "Standard_D4_v3": 4,
		"Standard_D8ds_v5": 8, "Standard_E4s_v3": 4, "Standard_F4s_v2": 4, "Standard_F8": 8, "Standard_F16s": 16,
		"Standard_B1s": 1, "Standard_B2s": 2, "Standard_B2ms": 2, "Standard_B4ms": 4,
		"Standard_A2_v2": 2, "Standard_NC6": 6, "Standard_NC6s_v3": 6,
		"": 4, // the service default, Standard_D3_v2
	}
	for size, want := range tests {
		got, ok := VCPUs(size)
		assert.True(t, ok, size)
		assert.Equal(t, want, got, size)
		got, _ = VCPUs(strings.ToUpper(size))
		assert.Equal(t, want, got, "upper-case "+size)
	}
	_, ok := VCPUs("Standard_Unknown_v9")
	assert.False(t, ok)
}

func TestCustomCertNeverPrintsKey(t *testing.T) {
	c := fixtureCert(t)
	cfg := ProvisioningConfiguration{SSL: c}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v", c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%s", c),
		fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", &cfg)} {
		assert.NotContains(t, s, "PRIVATE KEY")
		assert.NotContains(t, s, strings.Split(string(c.KeyPEM), "\n")[1])
	}
	assert.Contains(t, c.String(), "REDACTED")
}
