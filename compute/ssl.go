package compute

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"
)

// SSL is the TLS configuration of a cluster's scoring front end when it is created or
// attached: a CustomCert or a MicrosoftCert. A nil SSL means plain HTTP.
type SSL interface {
	isSSL()
}

// SSLUpdate is the TLS change of an Update: a CustomCert, a MicrosoftCert, DisableSSL or
// RenewSSL.
type SSLUpdate interface {
	isSSLUpdate()
}

// CustomCert enables TLS with your own certificate for CNAME (status "Enabled" on the
// wire). The certificate and its private key are PEM text, given inline (CertPEM, KeyPEM)
// or read from files (CertFile, KeyFile) — one source each.
//
// Validate checks locally that both parse, that the key belongs to the certificate, that
// the certificate is valid for CNAME and not expired (a warning when fewer than 30 days
// are left). Formatting a CustomCert with fmt never prints the key.
type CustomCert struct {
	// CNAME is the host name clients use to reach the scoring endpoint. Required.
	CNAME string
	// CertPEM is the PEM certificate (chain). Set it or CertFile.
	CertPEM []byte
	// KeyPEM is the PEM private key of the certificate. Set it or KeyFile.
	KeyPEM []byte
	// CertFile is a file holding the PEM certificate.
	CertFile string
	// KeyFile is a file holding the PEM private key.
	KeyFile string
}

// MicrosoftCert enables TLS with a certificate that Microsoft issues for
// <LeafDomainLabel><random>.<region>.cloudapp.azure.com (status "Auto" on the wire). It
// cannot be used with an internal load balancer.
type MicrosoftCert struct {
	// LeafDomainLabel is the first DNS label of the generated name. Required.
	LeafDomainLabel string
	// OverwriteExistingDomain replaces a domain name already using the label.
	OverwriteExistingDomain bool
}

// DisableSSL turns TLS off (status "Disabled"). Update only.
type DisableSSL struct{}

// RenewSSL renews the Microsoft-issued certificate of a cluster that uses a MicrosoftCert
// (the current configuration with renew=true). Update only.
type RenewSSL struct{}

func (CustomCert) isSSL()          {}
func (MicrosoftCert) isSSL()       {}
func (CustomCert) isSSLUpdate()    {}
func (MicrosoftCert) isSSLUpdate() {}
func (DisableSSL) isSSLUpdate()    {}
func (RenewSSL) isSSLUpdate()      {}

var (
	_ SSL       = CustomCert{}
	_ SSL       = MicrosoftCert{}
	_ SSLUpdate = DisableSSL{}
	_ SSLUpdate = RenewSSL{}
)

// String describes the certificate without its key.
func (c CustomCert) String() string {
	src := func(inline []byte, file string) string {
		switch {
		case file != "" && len(inline) > 0:
			return "inline and file " + file
		case file != "":
			return "file " + file
		case len(inline) > 0:
			return "inline"
		}
		return "missing"
	}
	return fmt.Sprintf("CustomCert{CNAME: %q, cert: %s, key: %s (REDACTED)}", c.CNAME, src(c.CertPEM, c.CertFile), src(c.KeyPEM, c.KeyFile))
}

// GoString is String, so that %#v never prints the key either.
func (c CustomCert) GoString() string { return c.String() }

// Format makes every fmt verb print String, never the key bytes.
func (c CustomCert) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// sslWire is sslConfiguration on the wire (reference §2.3, §2.6).
type sslWire struct {
	Status                  string `json:"status"`
	Cname                   string `json:"cname,omitempty"`
	Cert                    string `json:"cert,omitempty"`
	Key                     string `json:"key,omitempty"`
	LeafDomainLabel         string `json:"leafDomainLabel,omitempty"`
	OverwriteExistingDomain *bool  `json:"overwriteExistingDomain,omitempty"`
}

// certExpiryWarning is how close to expiry a certificate draws a warning.
const certExpiryWarning = 30 * 24 * time.Hour

// now is the clock used for certificate expiry checks; tests replace it.
var now = time.Now

// leafLabel is the Azure public-IP DNS label rule (lowercase, 3–63, letter first, no
// trailing '-'). The reference gives no rule for leafDomainLabel; the label becomes a DNS
// label of cloudapp.azure.com, so this is the reading a real server accepts.
var leafLabel = regexp.MustCompile(`^[a-z][a-z0-9-]{1,61}[a-z0-9]$`)

// checkSSL validates s (a CustomCert or MicrosoftCert) under field and returns its wire
// form, nil when s is nil or broken. lb is the load balancer type in effect.
func checkSSL(c *checker, field string, s any, lb LoadBalancerType) *sslWire {
	switch v := s.(type) {
	case nil:
		return nil
	case CustomCert:
		return v.check(c, field)
	case *CustomCert:
		if v == nil {
			return nil
		}
		return v.check(c, field)
	case MicrosoftCert:
		return v.check(c, field, lb)
	case *MicrosoftCert:
		if v == nil {
			return nil
		}
		return v.check(c, field, lb)
	case DisableSSL, *DisableSSL:
		return &sslWire{Status: "Disabled"}
	case RenewSSL, *RenewSSL:
		return nil // resolved against the current configuration by Update
	}
	c.add(field, RuleEnum, "unsupported SSL configuration %T", s)
	return nil
}

func (m MicrosoftCert) check(c *checker, field string, lb LoadBalancerType) *sslWire {
	ok := true
	if m.LeafDomainLabel == "" {
		c.add(field+".LeafDomainLabel", RuleRequired, "a leaf domain label is required for a Microsoft-issued certificate")
		ok = false
	} else if !leafLabel.MatchString(m.LeafDomainLabel) {
		c.add(field+".LeafDomainLabel", RuleLeafDomainLabel,
			"%q is not a valid DNS label: 3 to 63 lowercase letters, digits and '-', starting with a letter and not ending with '-'", m.LeafDomainLabel)
		ok = false
	}
	if lb == LoadBalancerInternal {
		c.add(field, RuleMicrosoftCertILB, "a Microsoft-issued certificate cannot be used with an internal load balancer; use a CustomCert")
		ok = false
	}
	if !ok {
		return nil
	}
	overwrite := m.OverwriteExistingDomain
	return &sslWire{Status: "Auto", LeafDomainLabel: m.LeafDomainLabel, OverwriteExistingDomain: &overwrite}
}

func (cc CustomCert) check(c *checker, field string) *sslWire {
	ok := true
	if strings.TrimSpace(cc.CNAME) == "" {
		c.add(field+".CNAME", RuleRequired, "a CNAME is required with a custom certificate")
		ok = false
	}
	cert, certField := loadPEM(c, field, "Cert", cc.CertPEM, cc.CertFile)
	key, keyField := loadPEM(c, field, "Key", cc.KeyPEM, cc.KeyFile)
	if cert == nil || key == nil {
		return nil
	}
	leaf, err := parseLeaf(cert)
	if err != nil {
		c.add(certField, RulePEM, "%v", err)
		ok = false
	}
	if !privateKeyParses(key) {
		c.add(keyField, RulePEM, "no PEM private key (PKCS#1, PKCS#8 or EC) found")
		ok = false
	}
	if leaf == nil || !ok {
		return nil
	}
	if _, err := tls.X509KeyPair(cert, key); err != nil {
		c.add(keyField, RuleKeyMismatch, "the private key does not belong to the certificate")
		ok = false
	}
	if cc.CNAME != "" {
		if err := leaf.VerifyHostname(cc.CNAME); err != nil {
			c.add(field+".CNAME", RuleCNAMENotInCert, "the certificate is not valid for %q (its names: %s)", cc.CNAME, certNames(leaf))
			ok = false
		}
	}
	t := now()
	switch {
	case t.After(leaf.NotAfter):
		c.add(certField, RuleCertExpired, "the certificate expired on %s", leaf.NotAfter.UTC().Format(time.DateOnly))
		ok = false
	case leaf.NotAfter.Sub(t) < certExpiryWarning:
		c.warn(certField, RuleCertExpiresSoon, "the certificate expires on %s, in less than 30 days", leaf.NotAfter.UTC().Format(time.DateOnly))
	}
	if !ok {
		return nil
	}
	return &sslWire{Status: "Enabled", Cname: cc.CNAME, Cert: string(cert), Key: string(key)}
}

// loadPEM returns the PEM bytes from exactly one of inline and file, and the field name
// that the bytes came from.
func loadPEM(c *checker, field, what string, inline []byte, file string) ([]byte, string) {
	inlineField, fileField := field+"."+what+"PEM", field+"."+what+"File"
	switch {
	case len(inline) > 0 && file != "":
		c.add(fileField, RuleSSLSource, "set %s or %s, not both", inlineField, fileField)
		return nil, ""
	case len(inline) > 0:
		return inline, inlineField
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			c.add(fileField, RuleSSLSource, "cannot read the %s file: %v", strings.ToLower(what), err)
			return nil, ""
		}
		return b, fileField
	}
	c.add(inlineField, RuleRequired, "a PEM %s is required with a custom certificate (set %s or %s)", strings.ToLower(what), inlineField, fileField)
	return nil, ""
}

// parseLeaf returns the first certificate of a PEM chain.
func parseLeaf(b []byte) (*x509.Certificate, error) {
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return nil, fmt.Errorf("no PEM CERTIFICATE block found")
		}
		if block.Type == "CERTIFICATE" {
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("the PEM certificate does not parse: %v", err)
			}
			return cert, nil
		}
	}
}

// privateKeyParses reports whether b holds a PEM private key Go can read. Parse errors are
// not reported: they could quote key material.
func privateKeyParses(b []byte) bool {
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return false
		}
		if !strings.HasSuffix(block.Type, "PRIVATE KEY") {
			continue
		}
		if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
			return true
		}
		if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
			return true
		}
		if _, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
			return true
		}
		return false
	}
}

func certNames(c *x509.Certificate) string {
	names := append([]string(nil), c.DNSNames...)
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, "CN="+c.Subject.CommonName)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
