package secretscan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/internal/testcerts"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// TestSecretTypesNeverPrint formats every SDK value that holds a secret — and every error
// made from such a value — with each fmt verb, as JSON and through slog, and looks for
// the secret in the result.
func TestSecretTypesNeverPrint(t *testing.T) {
	key := randomSecret("service key")
	key2 := randomSecret("secondary key")
	token := randomSecret("access token")
	kube := randomSecret("kubeconfig")
	password := randomSecret("registry password")
	arm := randomSecret("ARM bearer token")
	clientSecret := randomSecret("client secret")
	now := time.Now()
	certPEM, keyPEM := testcerts.SelfSigned(t, "scoring.contoso.com", now.Add(-time.Hour), now.Add(90*24*time.Hour))
	_, otherKeyPEM := testcerts.SelfSigned(t, "scoring.contoso.com", now.Add(-time.Hour), now.Add(90*24*time.Hour))
	pemKey := pemSecrets("TLS private key", keyPEM)
	otherPEMKey := pemSecrets("TLS private key", otherKeyPEM)

	registry := &model.ContainerRegistry{Address: "contoso.azurecr.io", Username: "puller", Password: auth.NewSecret(password.value)}
	env := model.NewEnvironment("env")
	env.Docker.BaseImageRegistry = registry
	deployCfg := webservice.AksDeployConfig{PrimaryKey: auth.NewSecret(key.value), SecondaryKey: auth.NewSecret(key2.value)}
	cert := compute.CustomCert{CNAME: "scoring.contoso.com", CertPEM: certPEM, KeyPEM: keyPEM}
	staticCred, err := auth.NewStaticTokenCredential(arm.value, now.Add(time.Hour))
	require.NoError(t, err)
	spCred, err := auth.NewServicePrincipalCredential("00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002", clientSecret.value, nil)
	require.NoError(t, err)
	eir := &model.EnvironmentImageRequest{ModelIDs: []string{"m:1"}, Environment: env}
	eirJSON, err := eir.MarshalJSON()
	require.NoError(t, err)
	require.Contains(t, string(eirJSON), password.value, "the wire form carries the password (the scan must look for it)")

	// Errors built from configurations that hold secrets.
	secondaryOnly := webservice.AksDeployConfig{SecondaryKey: auth.NewSecret(key2.value)}.Validate()
	require.Error(t, secondaryOnly)
	mismatch := compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest, AgentCount: 1,
		SSL: compute.CustomCert{CNAME: "scoring.contoso.com", CertPEM: certPEM, KeyPEM: otherKeyPEM}}.Validate()
	require.Error(t, mismatch)
	registryNoAddress := model.NewEnvironment("env")
	registryNoAddress.Docker.BaseImageRegistry = &model.ContainerRegistry{Username: "puller", Password: auth.NewSecret(password.value)}
	envErr := registryNoAddress.Validate()
	require.Error(t, envErr)

	cases := []struct {
		name    string
		value   any
		secrets []secret
	}{
		{"auth.Secret", auth.NewSecret(key.value), []secret{key}},
		{"*auth.Secret", ptr(auth.NewSecret(key.value)), []secret{key}},
		{"auth.ServiceKeys", auth.ServiceKeys{Primary: auth.NewSecret(key.value), Secondary: auth.NewSecret(key2.value)}, []secret{key, key2}},
		{"auth.AccessToken", auth.AccessToken{Token: auth.NewSecret(token.value), TokenType: "Bearer", ExpiresOn: now}, []secret{token}},
		{"static ARM token credential", staticCred, []secret{arm}},
		{"service principal credential", spCred, []secret{clientSecret}},
		{"compute.Credentials", compute.Credentials{UserKubeConfig: auth.NewSecret(kube.value), AdminKubeConfig: auth.NewSecret(kube.value + "-admin")}, []secret{kube}},
		{"compute.CustomCert", cert, pemKey},
		{"compute.ProvisioningConfiguration with a custom certificate", compute.ProvisioningConfiguration{SSL: cert}, pemKey},
		{"compute.AttachConfiguration with a custom certificate", compute.AttachConfiguration{SSL: cert}, pemKey},
		{"compute.UpdateConfiguration with a custom certificate", compute.UpdateConfiguration{SSL: cert}, pemKey},
		{"model.ContainerRegistry", registry, []secret{password}},
		{"model.Environment with a registry password", env, []secret{password}},
		{"model.InferenceConfig with a registry password", &model.InferenceConfig{EntryScript: "score.py", Environment: env}, []secret{password}},
		{"model.InferenceConfig with a legacy registry", &model.InferenceConfig{EntryScript: "score.py", Runtime: "python", BaseImageRegistry: registry}, []secret{password}},
		{"model.EnvironmentImageRequest", eir, []secret{password}}, // its JSON is the wire body: json.Marshal is skipped below
		{"model.CreateRequest", model.CreateRequest{Name: "svc", EnvironmentImageRequest: eirJSON}, []secret{password}},
		{"webservice.AksDeployConfig with keys", deployCfg, []secret{key, key2}},
		{"webservice.RegenKeyOptions", &webservice.RegenKeyOptions{Value: auth.NewSecret(key.value)}, []secret{key}},
		{"webservice.KeyCredential", webservice.KeyCredential(auth.NewSecret(key.value)), []secret{key}},
		{"endpoint.AksEndpointDeployConfig with keys", endpoint.AksEndpointDeployConfig{AksDeployConfig: deployCfg, VersionName: "blue", TrafficPercentile: to.Ptr(10.0)}, []secret{key, key2}},
		{"webservice.ValidationError of a configuration with a key", secondaryOnly, []secret{key2}},
		{"compute.ValidationError of a certificate", mismatch, append(pemKey, otherPEMKey...)},
		{"model.ValidationError of a registry", envErr, []secret{password}},
		{"a wrapped validation error", fmt.Errorf("deploy: %w", secondaryOnly), []secret{key2}},
		{"joined errors", errors.Join(secondaryOnly, mismatch, envErr), append([]secret{key2, password}, otherPEMKey...)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var outs []output
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
				outs = append(outs, output{verb, fmt.Sprintf(verb, c.value)})
			}
			if _, wire := c.value.(*model.EnvironmentImageRequest); wire {
				// documented: MarshalJSON is the request body sent to the service
			} else if b, err := json.Marshal(c.value); err == nil {
				outs = append(outs, output{"json.Marshal", string(b)})
			}
			var logged bytes.Buffer
			slog.New(slog.NewTextHandler(&logged, nil)).Info("value", "v", c.value)
			slog.New(slog.NewJSONHandler(&logged, nil)).Info("value", "v", c.value)
			outs = append(outs, output{"slog", logged.String()})
			if err, ok := c.value.(error); ok {
				outs = append(outs, output{"Error()", err.Error()})
			}
			requireNoLeak(t, outs, c.secrets)
		})
	}
}

func ptr[T any](v T) *T { return &v }
