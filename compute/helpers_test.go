package compute

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testCert returns a self-signed certificate for dnsNames valid until notAfter, and its key.
func testCert(t testing.TB, notAfter time.Time, dnsNames ...string) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "test"},
		DNSNames:     dnsNames,
		NotBefore:    notAfter.Add(-365 * 24 * time.Hour),
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	require.NoError(t, err)
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb})
}

// fixture returns testdata/name.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// fixtureCert is the certificate pair the JSON fixtures embed (valid until 2125 for
// scoring.contoso.com).
func fixtureCert(t testing.TB) CustomCert {
	return CustomCert{CNAME: "scoring.contoso.com", CertPEM: fixture(t, "cert.pem"), KeyPEM: fixture(t, "key.pem")}
}

// requireJSONEq compares a value's JSON encoding with a fixture.
func requireJSONEq(t testing.TB, fixtureName string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	require.JSONEq(t, string(fixture(t, fixtureName)), string(b))
}

// problemKeys returns "Field/rule" for each problem.
func problemKeys(ps []Problem) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Field+"/"+string(p.Rule))
	}
	return out
}

// validationProblems extracts the problems of err (nil for nil).
func validationProblems(t testing.TB, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	ve, ok := err.(*ValidationError)
	require.Truef(t, ok, "want *ValidationError, got %T: %v", err, err)
	return problemKeys(ve.Problems)
}
