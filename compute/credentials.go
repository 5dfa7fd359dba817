package compute

import (
	"context"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/internal/pipeline"
)

// Credentials are the access credentials of an AKS cluster (AksComputeSecrets). The
// kubeconfigs are secrets: printing them shows REDACTED; call Reveal to use them.
type Credentials struct {
	// UserKubeConfig is the kubeconfig of the cluster user.
	UserKubeConfig auth.Secret `json:"userKubeConfig"`
	// AdminKubeConfig is the kubeconfig of the cluster admin.
	AdminKubeConfig auth.Secret `json:"adminKubeConfig"`
	// ImagePullSecretName is the Kubernetes secret that pulls images from the workspace's
	// container registry.
	ImagePullSecretName string `json:"imagePullSecretName"`
}

// GetCredentials returns the cluster's kubeconfigs (POST …/computes/{name}/listKeys, as
// get_credentials in azureml-core). The call changes nothing, so it is retried like a GET.
func (c *AksCompute) GetCredentials(ctx context.Context) (*Credentials, error) {
	if c.ws == nil {
		return nil, errNoWorkspace
	}
	req, err := runtime.NewRequest(pipeline.WithIdempotent(ctx), http.MethodPost, armComputeURL(c.ws, c.Name(), "/listKeys", ""))
	if err != nil {
		return nil, err
	}
	req.Raw().Header.Set("Accept", "application/json")
	resp, err := c.ws.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	switch {
	case runtime.HasStatusCode(resp, http.StatusOK):
	case runtime.HasStatusCode(resp, http.StatusNotFound):
		return nil, &NotFoundError{Name: c.Name(), Workspace: c.ws.Name(), Err: runtime.NewResponseError(resp)}
	default:
		return nil, runtime.NewResponseError(resp)
	}
	var creds Credentials
	if err := runtime.UnmarshalAsJSON(resp, &creds); err != nil {
		// The decode error could quote the body, which holds the secrets.
		return nil, fmt.Errorf("compute: invalid listKeys payload for %q", c.Name())
	}
	return &creds, nil
}
