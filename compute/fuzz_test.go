package compute

import (
	"encoding/json"
	"testing"
)

// FuzzParseCompute feeds arbitrary compute documents to the response parser: it must
// never panic, and whatever it accepts must survive the accessors.
func FuzzParseCompute(f *testing.F) {
	for _, name := range []string{"compute_succeeded.json", "compute_creating.json", "compute_failed.json", "compute_attached.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"properties":{"provisioningErrors":[null,"x",{"error":{"error":{"code":1}}}],"properties":{"systemServices":null}}}`))
	f.Add([]byte(`{"properties":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseCompute(b)
		if err != nil {
			return
		}
		c := newAksCompute(nil, s)
		_ = c.Properties()
		_ = c.ProvisioningErrors()
		_ = c.String()
		_ = c.Info()
	})
}

// FuzzUpdateApply edits arbitrary compute documents: no panic, and a successful edit
// still marshals.
func FuzzUpdateApply(f *testing.F) {
	f.Add(fixture(f, "compute_succeeded.json"), uint8(0))
	f.Add([]byte(`{"properties":{"properties":{"sslConfiguration":"x","loadBalancerType":3}}}`), uint8(1))
	f.Add([]byte(`{"properties":[]}`), uint8(2))
	cfgs := []UpdateConfiguration{
		{SSL: DisableSSL{}},
		{SSL: RenewSSL{}},
		{SSL: MicrosoftCert{LeafDomainLabel: "abc"}},
		{LoadBalancerType: LoadBalancerInternal, LoadBalancerSubnet: "s"},
		{LoadBalancerSubnet: "s"},
	}
	f.Fuzz(func(t *testing.T, b []byte, which uint8) {
		var doc map[string]any
		if json.Unmarshal(b, &doc) != nil || doc == nil {
			return
		}
		if err := cfgs[int(which)%len(cfgs)].apply(doc); err == nil {
			if _, err := json.Marshal(doc); err != nil {
				t.Fatalf("edited document does not marshal: %v", err)
			}
		}
	})
}

// FuzzResumeOperation parses arbitrary resume tokens without panicking.
func FuzzResumeOperation(f *testing.F) {
	op := &Operation{kind: OperationCreate, name: "aks1", url: "https://example.com/operations/1"}
	tok, _ := op.ResumeToken()
	f.Add(tok)
	f.Add("e30")
	f.Fuzz(func(t *testing.T, tok string) {
		rt, err := parseResumeToken(tok)
		if err == nil && (rt.Name == "" || rt.URL == "" || rt.Version != 1) {
			t.Fatalf("accepted an incomplete token: %+v", rt)
		}
	})
}
