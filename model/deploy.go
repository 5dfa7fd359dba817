package model

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/internal/lro"
	"github.com/azureml-go/azureml/workspace"
)

// DeployOptions tunes Deploy. A nil *DeployOptions means the defaults.
type DeployOptions struct {
	// Overwrite replaces an existing service of the same name (keys are
	// kept unless the configuration sets them). Default false: an existing
	// name is an error.
	Overwrite bool
	// SkipPreflight skips the service's pre-flight validation calls
	// (reference §3.5). Default false: they are made, best-effort.
	SkipPreflight bool
}

// Deploy deploys models as a web service named name (azureml-core
// Model.deploy) and returns the service as soon as the service accepted the
// deployment; wait for it with the service's WaitForDeployment.
//
//	svc, err := model.Deploy(ctx, ws, "my-service", models, ic,
//		webservice.AksDeployConfig{NumReplicas: to.Ptr(1), AutoscaleEnabled: to.Ptr(false)}, aks, nil)
//
// Before any network call it checks, and reports all at once in a
// *ValidationError: the service name rule (3–32 characters, lowercase
// letters, digits and dashes), at most 1,000 models (none is allowed with an
// InferenceConfig, as in azureml-core), the InferenceConfig (or, without one,
// a single model of a no-code framework), the deployment
// configuration (Validate, and ValidateFor with the service name when it is
// a ServiceNameValidator), and that a compute is named (target or
// configuration).
//
// Then it uploads the driver and source package (BuildEnvironmentImageRequest),
// makes the pre-flight validation calls (best-effort, *PreflightError when
// the service rejects the deployment), and sends the create request of
// reference §4. HTTP failures are *azcore.ResponseError.
//
// The create request is never sent twice. When its answer is lost (the
// connection broke after it was sent, RetryOptions.TryTimeout, truncated
// JSON), Deploy reads the service by name and, when it is the one this call
// created (it carries this call's driver program, or the name was confirmed
// free just before), returns it with its deployment operation as usual;
// otherwise the error matches workspace.ErrOutcomeUnknown and says how to
// check.
func Deploy[S any](ctx context.Context, ws *workspace.Workspace, name string, models []*Model, ic *InferenceConfig, cfg DeploymentConfig[S], target DeploymentTarget, opts *DeployOptions) (S, error) {
	var zero S
	if opts == nil {
		opts = &DeployOptions{}
	}
	ids, err := validateDeploy(ws, name, models, ic, cfg, target)
	if err != nil {
		return zero, err
	}
	nameWasFree := false
	if !opts.SkipPreflight && !opts.Overwrite {
		// Before uploading anything: is the name free?
		if nameWasFree, err = preflightNameFree(ctx, ws, name); err != nil {
			return zero, err
		}
	}
	eir, err := BuildEnvironmentImageRequest(ctx, ws, ic, ids)
	if err != nil {
		return zero, err
	}
	eirJSON, err := json.Marshal(eir)
	if err != nil {
		return zero, fmt.Errorf("model: encoding the environmentImageRequest: %w", err)
	}
	body, err := cfg.CreateBody(CreateRequest{
		Name: name, ComputeName: cfg.ComputeName(targetName(target)),
		EnvironmentImageRequest: eirJSON, Overwrite: opts.Overwrite,
	})
	if err != nil {
		return zero, err
	}
	if !opts.SkipPreflight {
		if err := preflightCreate(ctx, ws, name, body); err != nil {
			return zero, err
		}
		if !opts.Overwrite {
			if err := preflightResource(ctx, ws, body); err != nil {
				return zero, err
			}
		}
	}
	loc, err := postService(ctx, ws, body)
	if errors.Is(err, workspace.ErrOutcomeUnknown) {
		loc, err = adoptCreatedService(ctx, ws, name, eir, nameWasFree, err)
	}
	if err != nil {
		return zero, err
	}
	opID, err := lro.OperationIDFromLocation(loc)
	if err != nil {
		return zero, fmt.Errorf("model: service %s was accepted but its Operation-Location is unusable: %w", name, err)
	}
	return cfg.OpenService(ctx, ws, Deployment{Name: name, OperationLocation: loc, OperationID: opID})
}

func targetName(t DeploymentTarget) string {
	if t == nil {
		return ""
	}
	return t.Name()
}

// validateDeploy checks everything Deploy can check locally and returns the
// model ids.
func validateDeploy[S any](ws *workspace.Workspace, name string, models []*Model, ic *InferenceConfig, cfg DeploymentConfig[S], target DeploymentTarget) ([]string, error) {
	var p problems
	if ws == nil {
		p.add("ws", "a workspace is required")
	}
	var nameErr FieldError
	if errors.As(ValidateServiceName(name), &nameErr) {
		p = append(p, nameErr)
	}
	if len(models) > MaxModelsPerDeployment {
		p.add("models", fmt.Sprintf("the number of models to be deployed is limited to %d per deployment (per container); got %d", MaxModelsPerDeployment, len(models)))
	}
	ids := make([]string, 0, len(models))
	for i, m := range models {
		if m == nil || m.ID == "" {
			p.add(fmt.Sprintf("models[%d]", i), "a registered model (with an id) is required")
			continue
		}
		ids = append(ids, m.ID)
	}
	if ic == nil {
		switch {
		case len(models) != 1:
			p.add("inferenceConfig", fmt.Sprintf("a deployment without an InferenceConfig (no-code deployment) needs exactly one model; got %d", len(models)))
		case models[0] != nil && !models[0].Framework.SupportsNoCodeDeploy():
			p.add("inferenceConfig", fmt.Sprintf("model %s has framework %q, which cannot be deployed without an InferenceConfig (no-code deployment supports Onnx, ScikitLearn, TensorFlow and Multi)", models[0].ID, models[0].Framework))
		}
	} else {
		p.merge(ic.Validate())
	}
	if cfg == nil {
		p.add("deploymentConfig", "a deployment configuration is required")
	} else {
		p.mergeConfig(cfg.Validate())
		if v, ok := cfg.(ServiceNameValidator); ok {
			p.mergeConfig(v.ValidateFor(name))
		}
		if cfg.ComputeName(targetName(target)) == "" {
			p.add("target", "an AKS web service needs a deployment target or a compute name in its configuration")
		}
	}
	return ids, p.err("Deploy")
}

// mergeConfig adds the problems of a deployment configuration: one by one
// when the error can list them as FieldErrors.
func (p *problems) mergeConfig(err error) {
	var fe fieldErrorer
	if errors.As(err, &fe) {
		*p = append(*p, fe.FieldErrors()...)
	} else {
		p.merge(err)
	}
}

// postService sends the create request and returns its Operation-Location.
// It is not retried on ambiguous failures: a create must not be sent twice.
func postService(ctx context.Context, ws *workspace.Workspace, body []byte) (string, error) {
	req, err := runtime.NewRequest(ctx, http.MethodPost, ws.MMSURL("/services"))
	if err != nil {
		return "", err
	}
	if err := req.SetBody(streamingNopCloser(body), "application/json"); err != nil {
		return "", err
	}
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if !runtime.HasStatusCode(resp, http.StatusAccepted, http.StatusOK, http.StatusCreated) {
		return "", runtime.NewResponseError(resp)
	}
	loc := resp.Header.Get("Operation-Location")
	if loc == "" {
		return "", errors.New("model: the service accepted the deployment but sent no Operation-Location header (Missing response header key: Operation-Location)")
	}
	return loc, nil
}
