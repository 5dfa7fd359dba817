package compute

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"aks1", nil},
		{"my-aks-cluster", nil},
		{"abc", nil},
		{"a23456789012345678901234", nil}, // 24
		{"", []string{"name/required"}},
		{"ab", []string{"name/name-format"}},
		{"a234567890123456789012345", []string{"name/name-format"}}, // 25
		{"1aks", []string{"name/name-format"}},
		{"-aks", []string{"name/name-format"}},
		{"aks_1", []string{"name/name-format"}},
		{"aks.1", []string{"name/name-format"}},
		{"äks1", []string{"name/name-format", "name/name-format"}},
		{"amlcompute", []string{"name/name-reserved"}},
		{"local", []string{"name/name-reserved"}},
		{"containerinstance", []string{"name/name-reserved"}},
		{"Local", []string{"name/name-reserved"}},
		{"9_", []string{"name/name-format", "name/name-format", "name/name-format"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, validationProblems(t, ValidateName(tt.name)))
		})
	}
}

const testClusterID = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/prod-aks"

func TestAttachValidateRules(t *testing.T) {
	tests := []struct {
		name string
		cfg  AttachConfiguration
		want []string
	}{
		{"resource id", AttachConfiguration{ResourceID: testClusterID}, nil},
		{"resource id any case", AttachConfiguration{ResourceID: "/SUBSCRIPTIONS/s/resourcegroups/rg/providers/microsoft.containerservice/MANAGEDCLUSTERS/c"}, nil},
		{"resource group and name", AttachConfiguration{ResourceGroup: "aks-rg", ClusterName: "prod-aks"}, nil},
		{"nothing", AttachConfiguration{}, []string{"ResourceID/required"}},
		{"only resource group", AttachConfiguration{ResourceGroup: "aks-rg"}, []string{"ClusterName/required"}},
		{"only cluster name", AttachConfiguration{ClusterName: "prod-aks"}, []string{"ResourceGroup/required"}},
		{"id and names", AttachConfiguration{ResourceID: testClusterID, ResourceGroup: "a", ClusterName: "b"},
			[]string{"ResourceGroup/exclusive", "ClusterName/exclusive"}},
		{"id with too few segments", AttachConfiguration{ResourceID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService"},
			[]string{"ResourceID/resource-id"}},
		{"id of another provider", AttachConfiguration{ResourceID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm"},
			[]string{"ResourceID/resource-id"}},
		{"id of another container service type", AttachConfiguration{ResourceID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/containerServices/c"},
			[]string{"ResourceID/resource-id"}},
		{"id with empty name", AttachConfiguration{ResourceID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/"},
			[]string{"ResourceID/resource-id"}},
		{"cluster name with a slash", AttachConfiguration{ResourceGroup: "rg", ClusterName: "a/b"}, []string{"ClusterName/resource-id"}},
		{"bad purpose", AttachConfiguration{ResourceID: testClusterID, ClusterPurpose: "Prod"}, []string{"ClusterPurpose/enum"}},
		{"bad load balancer", AttachConfiguration{ResourceID: testClusterID, LoadBalancerType: "ILB"}, []string{"LoadBalancerType/enum"}},
		{"subnet without type", AttachConfiguration{ResourceID: testClusterID, LoadBalancerSubnet: "s"}, []string{"LoadBalancerSubnet/subnet-needs-internal-lb"}},
		{"subnet with public IP", AttachConfiguration{ResourceID: testClusterID, LoadBalancerType: LoadBalancerPublicIP, LoadBalancerSubnet: "s"},
			[]string{"LoadBalancerSubnet/subnet-needs-internal-lb"}},
		{"subnet with internal LB", AttachConfiguration{ResourceID: testClusterID, LoadBalancerType: LoadBalancerInternal, LoadBalancerSubnet: "s"}, nil},
		{"incomplete custom cert", AttachConfiguration{ResourceID: testClusterID, SSL: CustomCert{CNAME: "x"}},
			[]string{"SSL.CertPEM/required", "SSL.KeyPEM/required"}},
		{"microsoft cert with internal LB", AttachConfiguration{ResourceID: testClusterID, LoadBalancerType: LoadBalancerInternal, SSL: MicrosoftCert{LeafDomainLabel: "abc"}},
			[]string{"SSL/microsoft-cert-internal-lb"}},
		{"all at once", AttachConfiguration{ClusterName: "c", ClusterPurpose: "x", LoadBalancerSubnet: "s", SSL: MicrosoftCert{}},
			[]string{"ResourceGroup/required", "ClusterPurpose/enum", "LoadBalancerSubnet/subnet-needs-internal-lb", "SSL.LeafDomainLabel/required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			assert.Equal(t, tt.want, validationProblems(t, err))
			if err != nil {
				assert.Equal(t, "attach", err.(*ValidationError).Operation)
			}
		})
	}
	assert.Equal(t, []string{"ClusterPurpose/purpose-unset"}, problemKeys(AttachConfiguration{ResourceID: testClusterID}.Warnings()))
	assert.Empty(t, AttachConfiguration{ResourceID: testClusterID, ClusterPurpose: ClusterPurposeDevTest}.Warnings())
}

func TestUpdateValidateRules(t *testing.T) {
	tests := []struct {
		name string
		cfg  UpdateConfiguration
		want []string
	}{
		{"nothing", UpdateConfiguration{}, []string{"SSL/required"}},
		{"disable", UpdateConfiguration{SSL: DisableSSL{}}, nil},
		{"renew", UpdateConfiguration{SSL: RenewSSL{}}, nil},
		{"leaf", UpdateConfiguration{SSL: MicrosoftCert{LeafDomainLabel: "abc"}}, nil},
		{"custom", UpdateConfiguration{SSL: fixtureCert(t)}, nil},
		{"bad custom", UpdateConfiguration{SSL: CustomCert{}}, []string{"SSL.CNAME/required", "SSL.CertPEM/required", "SSL.KeyPEM/required"}},
		{"internal LB", UpdateConfiguration{LoadBalancerType: LoadBalancerInternal, LoadBalancerSubnet: "s"}, nil},
		{"subnet alone", UpdateConfiguration{LoadBalancerSubnet: "s"}, nil},
		{"bad LB", UpdateConfiguration{LoadBalancerType: "x"}, []string{"LoadBalancerType/enum"}},
		{"subnet with public IP", UpdateConfiguration{LoadBalancerType: LoadBalancerPublicIP, LoadBalancerSubnet: "s"}, []string{"LoadBalancerSubnet/subnet-needs-internal-lb"}},
		{"microsoft cert with internal LB", UpdateConfiguration{LoadBalancerType: LoadBalancerInternal, SSL: MicrosoftCert{LeafDomainLabel: "abc"}}, []string{"SSL/microsoft-cert-internal-lb"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, validationProblems(t, tt.cfg.Validate()))
		})
	}
}

// TestUpdateApply checks the edit of properties.properties against the current document,
// including the rules that need it.
func TestUpdateApply(t *testing.T) {
	current := func(t *testing.T, ssl string, lb string) map[string]any {
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(`{"id":"x","properties":{"computeType":"AKS","properties":{"agentCount":3,`+
			`"sslConfiguration":`+ssl+`,"loadBalancerType":`+lb+`,"loadBalancerSubnet":null}}}`), &doc))
		return doc
	}
	inner := func(doc map[string]any) map[string]any {
		return doc["properties"].(map[string]any)["properties"].(map[string]any)
	}
	t.Run("disable", func(t *testing.T) {
		doc := current(t, `{"status":"Auto","leafDomainLabel":"abc"}`, `"PublicIp"`)
		require.NoError(t, UpdateConfiguration{SSL: DisableSSL{}}.apply(doc))
		assert.Equal(t, map[string]any{"status": "Disabled"}, inner(doc)["sslConfiguration"])
		assert.NotContains(t, inner(doc), "loadBalancerType")
		assert.NotContains(t, inner(doc), "loadBalancerSubnet")
		assert.Equal(t, float64(3), inner(doc)["agentCount"])
	})
	t.Run("renew keeps the configuration", func(t *testing.T) {
		doc := current(t, `{"status":"Auto","leafDomainLabel":"abc","overwriteExistingDomain":false}`, `"PublicIp"`)
		require.NoError(t, UpdateConfiguration{SSL: RenewSSL{}}.apply(doc))
		assert.Equal(t, map[string]any{"status": "Auto", "leafDomainLabel": "abc", "overwriteExistingDomain": false, "renew": true}, inner(doc)["sslConfiguration"])
	})
	t.Run("renew needs a leaf domain label", func(t *testing.T) {
		doc := current(t, `{"status":"Disabled"}`, `"PublicIp"`)
		err := UpdateConfiguration{SSL: &RenewSSL{}}.apply(doc)
		assert.Equal(t, []string{"SSL/renew-needs-leaf-domain"}, validationProblems(t, err))
		err = UpdateConfiguration{SSL: RenewSSL{}}.apply(current(t, `null`, `"PublicIp"`))
		assert.Equal(t, []string{"SSL/renew-needs-leaf-domain"}, validationProblems(t, err))
	})
	t.Run("leaf label", func(t *testing.T) {
		doc := current(t, `null`, `"PublicIp"`)
		require.NoError(t, UpdateConfiguration{SSL: MicrosoftCert{LeafDomainLabel: "abc", OverwriteExistingDomain: true}}.apply(doc))
		assert.Equal(t, map[string]any{"status": "Auto", "leafDomainLabel": "abc", "overwriteExistingDomain": true}, inner(doc)["sslConfiguration"])
	})
	t.Run("no ssl removes the key, load balancer set", func(t *testing.T) {
		doc := current(t, `{"status":"Auto","leafDomainLabel":"abc"}`, `"PublicIp"`)
		require.NoError(t, UpdateConfiguration{LoadBalancerType: LoadBalancerInternal, LoadBalancerSubnet: "ilb"}.apply(doc))
		assert.NotContains(t, inner(doc), "sslConfiguration")
		assert.Equal(t, "InternalLoadBalancer", inner(doc)["loadBalancerType"])
		assert.Equal(t, "ilb", inner(doc)["loadBalancerSubnet"])
	})
	t.Run("subnet needs the current type to be internal", func(t *testing.T) {
		err := UpdateConfiguration{LoadBalancerSubnet: "s"}.apply(current(t, `null`, `"PublicIp"`))
		assert.Equal(t, []string{"LoadBalancerSubnet/subnet-needs-internal-lb"}, validationProblems(t, err))
		require.NoError(t, UpdateConfiguration{LoadBalancerSubnet: "s"}.apply(current(t, `null`, `"InternalLoadBalancer"`)))
	})
	t.Run("microsoft cert on a cluster with an internal LB", func(t *testing.T) {
		err := UpdateConfiguration{SSL: MicrosoftCert{LeafDomainLabel: "abc"}}.apply(current(t, `null`, `"InternalLoadBalancer"`))
		assert.Equal(t, []string{"SSL/microsoft-cert-internal-lb"}, validationProblems(t, err))
	})
	t.Run("null properties.properties", func(t *testing.T) {
		var doc map[string]any
		require.NoError(t, json.Unmarshal([]byte(`{"properties":{"computeType":"AKS","properties":null}}`), &doc))
		require.NoError(t, UpdateConfiguration{SSL: DisableSSL{}}.apply(doc))
		assert.Equal(t, map[string]any{"status": "Disabled"}, inner(doc)["sslConfiguration"])
	})
	t.Run("no properties", func(t *testing.T) {
		assert.Error(t, UpdateConfiguration{SSL: DisableSSL{}}.apply(map[string]any{}))
	})
}

// TestRequestBodies compares the bodies with fixtures written from reference §2.3/§2.4.
func TestRequestBodies(t *testing.T) {
	const sub, loc = "00000000-0000-0000-0000-000000000000", "eastus"
	create := []struct {
		fixture string
		cfg     ProvisioningConfiguration
	}{
		{"create_minimal.json", ProvisioningConfiguration{}},
		{"create_devtest.json", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest, AgentCount: 1, VMSize: "Standard_D2_v2"}},
		{"create_leaf.json", ProvisioningConfiguration{ClusterPurpose: ClusterPurposeDevTest, SSL: MicrosoftCert{LeafDomainLabel: "myscoring"}}},
		{"create_full.json", ProvisioningConfiguration{
			AgentCount: 3, VMSize: "Standard_D4s_v3", ClusterPurpose: ClusterPurposeFastProd, Location: "westus2",
			SSL:              fixtureCert(t),
			VNet:             &VNetConfiguration{ResourceGroup: "net-rg", Name: "ml-vnet", SubnetName: "aks-nodes", ServiceCIDR: "10.0.0.0/16", DNSServiceIP: "10.0.0.10", DockerBridgeCIDR: "172.17.0.1/16"},
			LoadBalancerType: LoadBalancerInternal, LoadBalancerSubnet: "scoring-subnet",
		}},
	}
	for _, tt := range create {
		t.Run(tt.fixture, func(t *testing.T) {
			body, chk := tt.cfg.prepare(sub, loc)
			require.NoError(t, chk.err("create"))
			requireJSONEq(t, tt.fixture, body)
		})
	}
	attach := []struct {
		fixture string
		cfg     AttachConfiguration
	}{
		{"attach_default.json", AttachConfiguration{ResourceID: testClusterID}},
		{"attach_full.json", AttachConfiguration{ResourceGroup: "aks-rg", ClusterName: "prod-aks", ClusterPurpose: ClusterPurposeDevTest,
			SSL: fixtureCert(t), LoadBalancerType: LoadBalancerInternal, LoadBalancerSubnet: "scoring-subnet"}},
		{"attach_leaf.json", AttachConfiguration{ResourceID: testClusterID, ClusterPurpose: ClusterPurposeFastProd,
			SSL: MicrosoftCert{LeafDomainLabel: "myscoring", OverwriteExistingDomain: true}}},
	}
	for _, tt := range attach {
		t.Run(tt.fixture, func(t *testing.T) {
			body, chk := tt.cfg.prepare(sub, loc)
			require.NoError(t, chk.err("attach"))
			requireJSONEq(t, tt.fixture, body)
		})
	}
}
