package model

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/azureml-go/azureml/workspace"
)

// DeploymentTarget is the compute a model is deployed to. *compute.AksCompute
// satisfies it.
type DeploymentTarget interface {
	// Name is the compute's name in the workspace.
	Name() string
}

// DeploymentConfig is a deployment configuration whose deployments yield
// services of type S. webservice.AksDeployConfig implements
// DeploymentConfig[*webservice.AksWebservice], so [Deploy] returns a
// *webservice.AksWebservice without a type assertion, and this package does
// not import the webservice package.
//
// The methods are called by Deploy, in this order: Validate, ValidateFor
// (when the configuration is a ServiceNameValidator) and ComputeName before
// any network call, CreateBody once the assets are uploaded, OpenService once
// the service accepted the create request.
type DeploymentConfig[S any] interface {
	// Validate reports every problem of the configuration. An error that has
	// a FieldErrors() []FieldError method contributes its problems one by
	// one to Deploy's *ValidationError.
	Validate() error
	// ComputeName resolves the compute the service runs on: the
	// configuration's own compute name if it has one, else targetName (the
	// deployment target's name, "" without a target).
	ComputeName(targetName string) string
	// CreateBody renders the POST {MMS}/services body (reference §4).
	CreateBody(req CreateRequest) ([]byte, error)
	// OpenService returns the handle of the service whose create request was
	// accepted.
	OpenService(ctx context.Context, ws *workspace.Workspace, d Deployment) (S, error)
}

// ServiceNameValidator is implemented by a DeploymentConfig whose rules
// depend on the name of the service it deploys (an AKS endpoint's first
// version must not be named like the endpoint). Deploy calls ValidateFor
// with the service name right after Validate, before any network call, and
// reports its problems together with every other one (an error with a
// FieldErrors() []FieldError method contributes them one by one). ValidateFor
// reports only the rules that need the name; Validate has the others.
type ServiceNameValidator interface {
	ValidateFor(serviceName string) error
}

// CreateRequest is what Deploy contributes to the create body.
type CreateRequest struct {
	// Name is the service name.
	Name string
	// ComputeName is the resolved compute name (see DeploymentConfig.ComputeName).
	ComputeName string
	// EnvironmentImageRequest is the wire JSON of the environmentImageRequest.
	// It may reveal a registry password: never log it. fmt, slog and
	// encoding/json leave it out.
	EnvironmentImageRequest json.RawMessage `json:"-"`
	// Overwrite replaces an existing service of the same name.
	Overwrite bool
}

// String describes the request without the environmentImageRequest, which may
// hold a registry password.
func (r CreateRequest) String() string {
	return fmt.Sprintf("CreateRequest{Name: %s, ComputeName: %s, Overwrite: %t, EnvironmentImageRequest: %d bytes}",
		r.Name, r.ComputeName, r.Overwrite, len(r.EnvironmentImageRequest))
}

// GoString is String, so that %#v does not print the environmentImageRequest either.
func (r CreateRequest) GoString() string { return r.String() }

// Format makes every fmt verb print String.
func (r CreateRequest) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, r.String()) }

// LogValue implements slog.LogValuer with String.
func (r CreateRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// Deployment identifies an accepted create request.
type Deployment struct {
	// Name is the service name.
	Name string
	// OperationLocation is the Operation-Location header of the create response.
	OperationLocation string
	// OperationID is its last path segment, the model-management operation id.
	OperationID string
}

// fieldErrorer is implemented by validation errors of other packages that can
// list their problems as FieldErrors.
type fieldErrorer interface {
	FieldErrors() []FieldError
}
