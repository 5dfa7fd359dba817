package endpoint

import (
	"context"
	"fmt"
	"math"

	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
)

// AksEndpointDeployConfig is the deployment configuration of an AKS
// endpoint: the Go form of Python's AksEndpoint.deploy_configuration. It is
// an AKS web service configuration (the settings of the endpoint's first
// version, plus the endpoint-level authentication, App Insights, namespace,
// keys, tags, properties and description) with the first version's name and
// traffic percentile.
//
// Deploy it with model.Deploy, which creates the endpoint with this version
// as its default and returns an *AksEndpoint:
//
//	ep, err := model.Deploy(ctx, ws, "rollout", models, ic,
//		endpoint.AksEndpointDeployConfig{VersionName: "versiona", TrafficPercentile: to.Ptr(20.0)},
//		aks, nil)
type AksEndpointDeployConfig struct {
	webservice.AksDeployConfig

	// VersionName (version_name) names the first version. Required, and it
	// must differ from the endpoint name: azureml-core defaults it to the
	// endpoint name, but endpoint-level updates (auth, App Insights) of such
	// an endpoint fail on the service (MicrosoftDocs/azure-docs#53364).
	// Same rule as service names: 3–32 characters, lowercase letters,
	// numbers or dashes, starting with a letter, ending with a letter or
	// number.
	VersionName string
	// TrafficPercentile (traffic_percentile) is the first version's explicit
	// percentile, 0–100. As the only version, and the default, it receives
	// all traffic whatever its percentile. Nil: none.
	TrafficPercentile *float64
}

// Compile-time check: model.Deploy returns an *AksEndpoint for this
// configuration.
var _ model.DeploymentConfig[*AksEndpoint] = AksEndpointDeployConfig{}

// Validate applies every rule of AksWebservice.deploy_configuration (see
// webservice.AksDeployConfig.Validate) and those of
// AksEndpoint.deploy_configuration, and returns all broken rules at once as a
// *webservice.ValidationError, or nil. BlobfuseEnabled is refused: endpoints
// do not take it (reference §6.1).
func (c AksEndpointDeployConfig) Validate() error {
	var problems []webservice.Problem
	if err := c.AksDeployConfig.Validate(); err != nil {
		ve, ok := err.(*webservice.ValidationError)
		if !ok {
			return err
		}
		problems = append(problems, ve.Problems...)
	}
	if msg := nameProblem(c.VersionName); msg != "" {
		problems = append(problems, webservice.Problem{Field: "VersionName", Param: "version_name", Rule: msg})
	}
	if p := c.TrafficPercentile; p != nil && !(*p >= 0 && *p <= 100) {
		problems = append(problems, webservice.Problem{Field: "TrafficPercentile", Param: "traffic_percentile",
			Rule: fmt.Sprintf("cannot be negative or greater than 100, got %s", formatPercent(*p))})
	}
	if c.BlobfuseEnabled != nil {
		problems = append(problems, webservice.Problem{Field: "BlobfuseEnabled", Param: "blobfuse_enabled",
			Rule: "is not a setting of AKS endpoints (AksEndpoint.deploy_configuration has none); leave it nil"})
	}
	if len(problems) == 0 {
		return nil
	}
	return &webservice.ValidationError{Problems: problems}
}

// Compile-time check: model.Deploy also checks the rules that need the
// endpoint's name before any request.
var _ model.ServiceNameValidator = AksEndpointDeployConfig{}

// ValidateFor applies the rules that need the endpoint's name, which
// model.Deploy passes before any request: the first version must not be
// named like the endpoint. It returns a *webservice.ValidationError, or nil;
// Validate has every other rule.
func (c AksEndpointDeployConfig) ValidateFor(endpointName string) error {
	if p, bad := versionNamedLikeEndpoint(c.VersionName, endpointName); bad {
		return &webservice.ValidationError{Problems: []webservice.Problem{p}}
	}
	return nil
}

// versionNamedLikeEndpoint is the problem of a first version named like its
// endpoint.
func versionNamedLikeEndpoint(version, endpointName string) (webservice.Problem, bool) {
	if version == "" || version != endpointName {
		return webservice.Problem{}, false
	}
	return webservice.Problem{Field: "VersionName", Param: "version_name",
		Rule: fmt.Sprintf("must differ from the endpoint name %q: endpoint-level updates (auth, App Insights) of an endpoint with such a version fail (MicrosoftDocs/azure-docs#53364)", endpointName)}, true
}

// ComputeName returns ComputeTargetName when set, else targetName.
func (c AksEndpointDeployConfig) ComputeName(targetName string) string {
	return c.AksDeployConfig.ComputeName(targetName)
}

// CreateBody renders the create request of reference §6.1 for model.Deploy.
// Like ValidateFor (which model.Deploy calls first) it refuses a version
// named like the endpoint, for callers that build the body themselves.
func (c AksEndpointDeployConfig) CreateBody(req model.CreateRequest) ([]byte, error) {
	if p, bad := versionNamedLikeEndpoint(c.VersionName, req.Name); bad {
		return nil, &webservice.ValidationError{Problems: []webservice.Problem{p}}
	}
	if p := c.TrafficPercentile; p != nil && (math.IsNaN(*p) || math.IsInf(*p, 0)) {
		return nil, fmt.Errorf("endpoint: traffic percentile %v is not a number", *p)
	}
	return c.buildCreateBody(req)
}

// OpenService returns the endpoint model.Deploy created; wait for it with
// WaitForDeployment. It reads the endpoint once; if that read fails the
// deployment still proceeds, and the endpoint knows only its name and
// operation until Refresh.
func (c AksEndpointDeployConfig) OpenService(ctx context.Context, ws *workspace.Workspace, d model.Deployment) (*AksEndpoint, error) {
	svc, err := c.AksDeployConfig.OpenService(ctx, ws, d)
	if err != nil {
		return nil, err
	}
	ep := &AksEndpoint{ws: ws, name: d.Name}
	ep.setService(svc)
	if raw := svc.Raw(); len(raw) > 0 {
		_ = ep.setSnapshot(raw)
	}
	return ep, nil
}
