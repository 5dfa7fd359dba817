package auth

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// Environment variables read by [NewServicePrincipalCredentialFromEnv], the
// same ones azureml-core's InteractiveLoginAuthentication looks for.
const (
	EnvServicePrincipalTenantID = "AZUREML_SERVICE_PRINCIPAL_TENANT_ID"
	EnvServicePrincipalID       = "AZUREML_SERVICE_PRINCIPAL_ID"
	EnvServicePrincipalPassword = "AZUREML_SERVICE_PRINCIPAL_PASSWORD"
)

// Options configures the credentials of this package. A nil *Options means
// defaults.
type Options struct {
	// ClientOptions configures the credential's own HTTP traffic to Microsoft
	// Entra ID. Set Cloud to the same cloud.Configuration as the workspace's.
	// Ignored by the Azure CLI credential, which runs the az command.
	azcore.ClientOptions

	// TenantID selects the tenant for the default chain and the Azure CLI
	// credential. Empty means the tool's or environment's default. A service
	// principal's tenant is an argument of its constructor instead.
	TenantID string

	// AdditionallyAllowedTenants lists further tenants tokens may be
	// requested for; "*" allows any.
	AdditionallyAllowedTenants []string

	// DisableInstanceDiscovery skips the authority metadata request; set it
	// only for disconnected or private clouds.
	DisableInstanceDiscovery bool
}

// ManagedIdentityOptions configures [NewManagedIdentityCredential]. Set at
// most one of ClientID, ObjectID and ResourceID to pick a user-assigned
// identity; none means the system-assigned identity.
type ManagedIdentityOptions struct {
	// ClientOptions configures the credential's HTTP traffic.
	azcore.ClientOptions
	// ClientID is the client (application) ID of a user-assigned identity.
	ClientID string
	// ObjectID is the object (principal) ID of a user-assigned identity.
	ObjectID string
	// ResourceID is the ARM resource ID of a user-assigned identity.
	ResourceID string
}

// NewDefaultCredential returns azidentity's DefaultAzureCredential chain
// (environment, workload identity, managed identity, Azure CLI, Azure
// Developer CLI, ...). AZURE_TOKEN_CREDENTIALS narrows the chain.
func NewDefaultCredential(opts *Options) (azcore.TokenCredential, error) {
	o := orDefault(opts)
	cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{
		ClientOptions:              o.ClientOptions,
		TenantID:                   o.TenantID,
		AdditionallyAllowedTenants: o.AdditionallyAllowedTenants,
		DisableInstanceDiscovery:   o.DisableInstanceDiscovery,
	})
	if err != nil {
		return nil, fmt.Errorf("auth: default credential: %w", err)
	}
	return redact("DefaultCredential", cred), nil
}

// NewServicePrincipalCredential returns a client-secret credential for a
// service principal, like azureml-core's ServicePrincipalAuthentication.
// Every empty argument is reported at once; the secret never appears in an
// error.
func NewServicePrincipalCredential(tenantID, clientID, secret string, opts *Options) (azcore.TokenCredential, error) {
	var missing []string
	for _, a := range []struct{ name, value string }{
		{"tenantID", tenantID}, {"clientID", clientID}, {"secret", secret},
	} {
		if strings.TrimSpace(a.value) == "" {
			missing = append(missing, a.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("auth: service principal: empty %s", strings.Join(missing, ", "))
	}
	o := orDefault(opts)
	cred, err := azidentity.NewClientSecretCredential(tenantID, clientID, secret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions:              o.ClientOptions,
		AdditionallyAllowedTenants: o.AdditionallyAllowedTenants,
		DisableInstanceDiscovery:   o.DisableInstanceDiscovery,
	})
	if err != nil {
		return nil, fmt.Errorf("auth: service principal: %w", err)
	}
	return redact("ServicePrincipalCredential", cred), nil
}

// NewServicePrincipalCredentialFromEnv is [NewServicePrincipalCredential]
// with the tenant, client ID and secret read from
// AZUREML_SERVICE_PRINCIPAL_TENANT_ID, AZUREML_SERVICE_PRINCIPAL_ID and
// AZUREML_SERVICE_PRINCIPAL_PASSWORD. The error names every variable that
// is unset or empty.
func NewServicePrincipalCredentialFromEnv(opts *Options) (azcore.TokenCredential, error) {
	values := map[string]string{}
	var missing []string
	for _, name := range []string{EnvServicePrincipalTenantID, EnvServicePrincipalID, EnvServicePrincipalPassword} {
		v := strings.TrimSpace(os.Getenv(name))
		if v == "" {
			missing = append(missing, name)
		}
		values[name] = v
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("auth: service principal from environment: missing %s", strings.Join(missing, ", "))
	}
	return NewServicePrincipalCredential(values[EnvServicePrincipalTenantID], values[EnvServicePrincipalID],
		values[EnvServicePrincipalPassword], opts)
}

// NewManagedIdentityCredential returns a managed-identity credential, like
// azureml-core's MsiAuthentication; see [ManagedIdentityOptions] for picking
// a user-assigned identity.
func NewManagedIdentityCredential(opts *ManagedIdentityOptions) (azcore.TokenCredential, error) {
	var o ManagedIdentityOptions
	if opts != nil {
		o = *opts
	}
	var ids []azidentity.ManagedIDKind
	if o.ClientID != "" {
		ids = append(ids, azidentity.ClientID(o.ClientID))
	}
	if o.ObjectID != "" {
		ids = append(ids, azidentity.ObjectID(o.ObjectID))
	}
	if o.ResourceID != "" {
		ids = append(ids, azidentity.ResourceID(o.ResourceID))
	}
	if len(ids) > 1 {
		return nil, errors.New("auth: managed identity: set at most one of ClientID, ObjectID and ResourceID")
	}
	miOpts := &azidentity.ManagedIdentityCredentialOptions{ClientOptions: o.ClientOptions}
	if len(ids) == 1 {
		miOpts.ID = ids[0]
	}
	cred, err := azidentity.NewManagedIdentityCredential(miOpts)
	if err != nil {
		return nil, fmt.Errorf("auth: managed identity: %w", err)
	}
	return cred, nil
}

// NewAzureCLICredential returns a credential that asks the signed-in Azure
// CLI (az) for tokens, like azureml-core's AzureCliAuthentication.
func NewAzureCLICredential(opts *Options) (azcore.TokenCredential, error) {
	o := orDefault(opts)
	cred, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{
		TenantID:                   o.TenantID,
		AdditionallyAllowedTenants: o.AdditionallyAllowedTenants,
	})
	if err != nil {
		return nil, fmt.Errorf("auth: Azure CLI credential: %w", err)
	}
	return cred, nil
}

func orDefault(opts *Options) Options {
	if opts == nil {
		return Options{}
	}
	return *opts
}
