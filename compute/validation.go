package compute

import (
	"fmt"
	"strings"
)

// Rule identifies the rule a Problem breaks. Rules are stable; messages may change.
type Rule string

// Rules checked before any request is sent.
const (
	RuleNameFormat         Rule = "name-format"   // 3–24 letters, digits, '-', starting with a letter
	RuleNameReserved       Rule = "name-reserved" // amlcompute, local, containerinstance
	RulePositive           Rule = "positive"      // a count must be > 0
	RuleEnum               Rule = "enum"          // value outside the documented set
	RuleRequired           Rule = "required"      // a field that must be set is empty
	RuleExclusive          Rule = "exclusive"     // two fields that must not be set together
	RuleSubnetNeedsILB     Rule = "subnet-needs-internal-lb"
	RuleSSLSource          Rule = "ssl-source"        // PEM given both inline and as a file, or unreadable file
	RulePEM                Rule = "pem"               // PEM text does not parse
	RuleKeyMismatch        Rule = "key-mismatch"      // private key does not belong to the certificate
	RuleCNAMENotInCert     Rule = "cname-not-in-cert" // certificate not valid for the CNAME
	RuleCertExpired        Rule = "cert-expired"      // certificate already expired
	RuleCertExpiresSoon    Rule = "cert-expires-soon" // warning: fewer than 30 days left
	RuleLeafDomainLabel    Rule = "leaf-domain-label" // not a DNS label
	RuleMicrosoftCertILB   Rule = "microsoft-cert-internal-lb"
	RuleVNetIncomplete     Rule = "vnet-incomplete" // all six virtual network fields together
	RuleCIDR               Rule = "cidr"            // not an IPv4 CIDR
	RuleIP                 Rule = "ip"              // not an IPv4 address
	RuleDNSIPInServiceCIDR Rule = "dns-ip-in-service-cidr"
	RuleCIDROverlap        Rule = "cidr-overlap"
	RuleFastProdVCPUs      Rule = "fastprod-vcpus"  // FastProd needs ≥ 12 vCPUs in total
	RuleFastProdNodes      Rule = "fastprod-nodes"  // FastProd needs ≥ 3 nodes
	RuleDevTestVCPUs       Rule = "devtest-vcpus"   // warning: DevTest below 2 vCPUs
	RuleUnknownVMSize      Rule = "unknown-vm-size" // warning: sizing rules not checked
	RulePurposeUnset       Rule = "purpose-unset"   // warning: the service assumes FastProd
	RuleLocation           Rule = "location"        // warning: compute outside the workspace region
	RuleResourceID         Rule = "resource-id"     // not a Microsoft.ContainerService/managedClusters id
	RuleRenewNeedsLeaf     Rule = "renew-needs-leaf-domain"
)

// Problem is one broken rule (or, from Warnings, one caution), naming the configuration
// field it concerns with its Go field path, e.g. "VNet.ServiceCIDR" or "SSL.CertPEM".
type Problem struct {
	Field   string
	Rule    Rule
	Message string
}

// String returns "Field: Message".
func (p Problem) String() string { return p.Field + ": " + p.Message }

// ValidationError reports every problem of a configuration at once. It is returned before
// any request is sent; reach it with errors.As.
type ValidationError struct {
	// Operation is what was being validated: "create", "attach", "update" or
	// "compute name".
	Operation string
	// Problems lists every broken rule, in field order.
	Problems []Problem
}

// Error implements error. The text never contains certificate or key material.
func (e *ValidationError) Error() string {
	var b strings.Builder
	switch e.Operation {
	case "create", "attach", "update":
		fmt.Fprintf(&b, "compute: invalid AKS %s configuration", e.Operation)
	default:
		fmt.Fprintf(&b, "compute: invalid %s", e.Operation)
	}
	if len(e.Problems) == 1 {
		b.WriteString(": " + e.Problems[0].String())
		return b.String()
	}
	fmt.Fprintf(&b, " (%d problems):", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  - " + p.String())
	}
	return b.String()
}

// Has reports whether the error contains a problem with the given field and rule; an
// empty field matches any field.
func (e *ValidationError) Has(field string, rule Rule) bool {
	for _, p := range e.Problems {
		if p.Rule == rule && (field == "" || p.Field == field) {
			return true
		}
	}
	return false
}

// checker collects problems and warnings.
type checker struct {
	problems []Problem
	warnings []Problem
}

func (c *checker) add(field string, rule Rule, format string, args ...any) {
	c.problems = append(c.problems, Problem{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) warn(field string, rule Rule, format string, args ...any) {
	c.warnings = append(c.warnings, Problem{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) merge(o checker) {
	c.problems = append(c.problems, o.problems...)
	c.warnings = append(c.warnings, o.warnings...)
}

// err returns a *ValidationError when there are problems, else nil.
func (c *checker) err(operation string) error {
	if len(c.problems) == 0 {
		return nil
	}
	return &ValidationError{Operation: operation, Problems: append([]Problem(nil), c.problems...)}
}
