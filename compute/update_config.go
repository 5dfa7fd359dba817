package compute

import (
	"encoding/json"
	"fmt"
)

// UpdateConfiguration changes the TLS and load balancer settings of a compute, like
// AksUpdateConfiguration in azureml-core.
//
// Update reads the compute's full JSON, edits properties.properties and PUTs it back
// (reference §2.7). As in azureml-core, a field left unset is removed from the PUT body
// rather than copied from the current configuration; the service keeps its current value.
type UpdateConfiguration struct {
	// SSL is CustomCert, MicrosoftCert, DisableSSL or RenewSSL; nil leaves TLS as it is.
	SSL SSLUpdate
	// LoadBalancerType switches between PublicIp and InternalLoadBalancer; "" leaves it.
	LoadBalancerType LoadBalancerType
	// LoadBalancerSubnet is the internal load balancer's subnet; "" leaves it. It cannot
	// be used with a public IP.
	LoadBalancerSubnet string
}

// Validate checks the configuration without the network and returns a *ValidationError
// listing every problem, or nil. Rules that depend on the current configuration (renewal
// needs a Microsoft-issued certificate; a subnet needs an internal load balancer) are
// checked by Update after it reads the compute.
func (u UpdateConfiguration) Validate() error {
	chk := u.check()
	return chk.err("update")
}

func (u UpdateConfiguration) check() checker {
	var chk checker
	u.checkInto(&chk, u.LoadBalancerType)
	return chk
}

// checkInto applies the rules with lb as the load balancer type in effect after the update.
func (u UpdateConfiguration) checkInto(chk *checker, lb LoadBalancerType) *sslWire {
	if u.SSL == nil && u.LoadBalancerType == "" && u.LoadBalancerSubnet == "" {
		chk.add("SSL", RuleRequired, "nothing to update: set SSL, LoadBalancerType or LoadBalancerSubnet")
		return nil
	}
	if u.LoadBalancerType != "" && !u.LoadBalancerType.valid() {
		chk.add("LoadBalancerType", RuleEnum, "%q is not a load balancer type; use %q or %q", u.LoadBalancerType, LoadBalancerPublicIP, LoadBalancerInternal)
	} else if u.LoadBalancerSubnet != "" && lb == LoadBalancerPublicIP {
		chk.add("LoadBalancerSubnet", RuleSubnetNeedsILB, "the load balancer subnet cannot be used with a public IP; set LoadBalancerType to %q", LoadBalancerInternal)
	}
	if u.SSL == nil {
		return nil
	}
	return checkSSL(chk, "SSL", u.SSL, lb)
}

// apply validates u against the current compute document (the RP GET JSON) and edits it
// in place into the PUT body.
func (u UpdateConfiguration) apply(doc map[string]any) error {
	outer, _ := doc["properties"].(map[string]any)
	if outer == nil {
		return fmt.Errorf("compute: the compute document has no properties object")
	}
	inner, _ := outer["properties"].(map[string]any)
	if inner == nil {
		inner = map[string]any{}
	}
	current, _ := inner["loadBalancerType"].(string)
	lb := u.LoadBalancerType
	if lb == "" {
		lb = LoadBalancerType(current)
		if lb == "" {
			lb = LoadBalancerPublicIP
		}
	}
	var chk checker
	ssl := u.checkInto(&chk, lb)
	if _, renew := u.SSL.(RenewSSL); renew || isRenewPtr(u.SSL) {
		cur, _ := inner["sslConfiguration"].(map[string]any)
		if label, _ := cur["leafDomainLabel"].(string); label == "" {
			chk.add("SSL", RuleRenewNeedsLeaf, "only a Microsoft-issued certificate (leafDomainLabel) can be renewed, and this compute has none")
		} else {
			cur["renew"] = true
		}
	} else if ssl != nil {
		b, err := json.Marshal(ssl)
		if err != nil {
			return err
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		inner["sslConfiguration"] = m
	} else {
		delete(inner, "sslConfiguration")
	}
	if err := chk.err("update"); err != nil {
		return err
	}
	setOrDelete(inner, "loadBalancerType", string(u.LoadBalancerType))
	setOrDelete(inner, "loadBalancerSubnet", u.LoadBalancerSubnet)
	outer["properties"] = inner
	return nil
}

func isRenewPtr(s SSLUpdate) bool {
	p, ok := s.(*RenewSSL)
	return ok && p != nil
}

func setOrDelete(m map[string]any, key, value string) {
	if value == "" {
		delete(m, key)
		return
	}
	m[key] = value
}
