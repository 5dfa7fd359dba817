package endpoint

import (
	"context"
	"fmt"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/webservice"
)

// WaitForDeployment waits for the endpoint's creation (or its last
// operation the service reports), like
// webservice.AksWebservice.WaitForDeployment: nil once it succeeded, a
// *webservice.DeploymentError with the service's error and logs otherwise.
// The endpoint is re-read after the wait.
//
// The service view is read first, so that the wait follows the newest
// operation the service reports (one whose answer was lost, or started
// elsewhere), not an older one this handle remembers.
func (e *AksEndpoint) WaitForDeployment(ctx context.Context, opts *webservice.WaitOptions) error {
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	if err := svc.Refresh(ctx); err != nil {
		return err
	}
	err = svc.WaitForDeployment(ctx, opts)
	if rerr := e.Refresh(ctx); err == nil {
		err = rerr
	}
	return err
}

// GetKeys returns the endpoint's scoring keys (POST .../listkeys).
func (e *AksEndpoint) GetKeys(ctx context.Context) (auth.ServiceKeys, error) {
	svc, err := e.Service(ctx)
	if err != nil {
		return auth.ServiceKeys{}, err
	}
	return svc.GetKeys(ctx)
}

// RegenKey regenerates one of the endpoint's keys and waits for it.
func (e *AksEndpoint) RegenKey(ctx context.Context, key webservice.KeyType, opts *webservice.RegenKeyOptions) error {
	svc, err := e.Service(ctx)
	if err != nil {
		return err
	}
	return svc.RegenKey(ctx, key, opts)
}

// GetAccessToken returns a scoring token of an endpoint with token
// authentication (POST .../token).
func (e *AksEndpoint) GetAccessToken(ctx context.Context) (auth.AccessToken, error) {
	svc, err := e.Service(ctx)
	if err != nil {
		return auth.AccessToken{}, err
	}
	return svc.GetAccessToken(ctx)
}

// GetLogs returns the endpoint's logs (GET .../logs).
func (e *AksEndpoint) GetLogs(ctx context.Context, opts *webservice.LogOptions) (string, error) {
	svc, err := e.Service(ctx)
	if err != nil {
		return "", err
	}
	return svc.GetLogs(ctx, opts)
}

// Run scores input through the endpoint's scoring URI: the service picks
// the version by the traffic plan. Failures are *webservice.ScoringError.
func (e *AksEndpoint) Run(ctx context.Context, input []byte) ([]byte, error) {
	svc, err := e.Service(ctx)
	if err != nil {
		return nil, err
	}
	return svc.Run(ctx, input)
}

// ScoringClient returns the endpoint's scoring client (see
// webservice.AksWebservice.ScoringClient).
func (e *AksEndpoint) ScoringClient(ctx context.Context) (*webservice.ScoringClient, error) {
	svc, err := e.Service(ctx)
	if err != nil {
		return nil, err
	}
	return svc.ScoringClient(ctx)
}

// RunVersion scores input with one version directly, bypassing the traffic
// plan — to smoke-test a version at 0% before shifting traffic to it.
//
// The v1 wire protocol allows it: every version object of the endpoint
// carries its own scoringUri (azureml-core parses versions as
// AksWebservice objects, whose run() posts there). RunVersion posts to that
// URI with the endpoint's key or token. Whether a given service routes that
// URI to the version alone is the service's business; the local workspace
// does, and names the answering version in the azureml-model-version response
// header. A version without a scoring URI of its own (none, or the
// endpoint's) is refused rather than silently scored through the plan.
func (e *AksEndpoint) RunVersion(ctx context.Context, version string, input []byte) ([]byte, error) {
	c, err := e.VersionScoringClient(ctx, version)
	if err != nil {
		return nil, err
	}
	return c.Score(ctx, input)
}

// VersionScoringClient returns a scoring client for one version's own
// scoring URI (see RunVersion), created on first use and then shared.
func (e *AksEndpoint) VersionScoringClient(ctx context.Context, version string) (*webservice.ScoringClient, error) {
	v, ok := e.Version(version)
	if !ok {
		if err := e.Refresh(ctx); err != nil {
			return nil, err
		}
		if v, ok = e.Version(version); !ok {
			return nil, fmt.Errorf("endpoint: %s has no version %s", e.name, quoteName(version))
		}
	}
	if v.ScoringURI == "" || v.ScoringURI == e.ScoringURI() {
		return nil, fmt.Errorf("endpoint: version %s of %s has no scoring URI of its own; it can only be reached through the endpoint's traffic plan", version, e.name)
	}
	svc, err := e.Service(ctx)
	if err != nil {
		return nil, err
	}
	e.scoreMu.Lock()
	defer e.scoreMu.Unlock()
	if c := e.scorers[v.ScoringURI]; c != nil {
		return c, nil
	}
	c, err := webservice.NewScoringClient(v.ScoringURI, svc.ScoringCredential(), nil)
	if err != nil {
		return nil, err
	}
	if e.scorers == nil {
		e.scorers = map[string]*webservice.ScoringClient{}
	}
	e.scorers[v.ScoringURI] = c
	return c, nil
}

// Delete deletes the endpoint and every version (DELETE
// {MMS}/services/{name}). Deleting an endpoint that does not exist is not an
// error.
func (e *AksEndpoint) Delete(ctx context.Context, opts *webservice.DeleteOptions) error {
	svc, err := e.Service(ctx)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	return svc.Delete(ctx, opts)
}
