package pipeline

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	// The ResourceManager entries of cloud.AzurePublic/AzureChina/AzureGovernment
	// are filled in by this package's init.
	_ "github.com/Azure/azure-sdk-for-go/sdk/azcore/arm/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// ErrCredentialOverHTTP is returned (wrapped) when a call would send the
// pipeline's credential over plain http to a host that is not loopback.
// Nothing is sent.
var ErrCredentialOverHTTP = errors.New("a credential is sent over plain http only to loopback hosts (127.0.0.0/8, ::1, localhost); use https")

// ARMScope returns the token scope for Azure Resource Manager in cloud c:
// its ResourceManager audience followed by "/.default", the audience's
// trailing slash kept as azureml-core does (public cloud:
// "https://management.core.windows.net//.default"). A zero Configuration
// means cloud.AzurePublic.
func ARMScope(c cloud.Configuration) (string, error) {
	if c.ActiveDirectoryAuthorityHost == "" && len(c.Services) == 0 {
		c = cloud.AzurePublic
	}
	svc, ok := c.Services[cloud.ResourceManager]
	if !ok || svc.Audience == "" {
		return "", errors.New("pipeline: the cloud configuration has no ResourceManager audience (Services[cloud.ResourceManager].Audience)")
	}
	return svc.Audience + "/.default", nil
}

// IsLoopback reports whether u names a loopback host: an address in
// 127.0.0.0/8, ::1 (also IPv4-mapped), or "localhost". Other names are not
// resolved.
func IsLoopback(u *url.URL) bool {
	if u == nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// authPolicy puts the bearer token on a call unless the call opted out with
// WithoutAuth, and refuses to put it on plain http to a non-loopback host.
type authPolicy struct {
	bearer        *runtime.BearerTokenPolicy
	allowInsecure bool
}

func newAuthPolicy(cred azcore.TokenCredential, scope string, allowInsecure bool) *authPolicy {
	return &authPolicy{
		// Plain http is vetted by Do below, so azcore's https-only check is lifted.
		bearer:        runtime.NewBearerTokenPolicy(cred, []string{scope}, &policy.BearerTokenOptions{InsecureAllowCredentialWithHTTP: true}),
		allowInsecure: allowInsecure,
	}
}

// Do implements policy.Policy.
func (p *authPolicy) Do(req *policy.Request) (*http.Response, error) {
	if authSkipped(req.Raw().Context()) {
		return req.Next()
	}
	if err := p.checkScheme(req.Raw().URL); err != nil {
		return nil, err
	}
	return p.bearer.Do(req)
}

func (p *authPolicy) checkScheme(u *url.URL) error {
	switch {
	case strings.EqualFold(u.Scheme, "https"):
		return nil
	case strings.EqualFold(u.Scheme, "http") && (IsLoopback(u) || p.allowInsecure):
		return nil
	}
	return fmt.Errorf("pipeline: refusing to send the credential to %s://%s: %w", u.Scheme, u.Host, ErrCredentialOverHTTP)
}
