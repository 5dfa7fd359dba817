package webservice

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/internal/pipeline"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/workspace"
)

// patchOp is one JSON Patch (RFC 6902) operation of an update.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// UpdateOptions tunes Update. A nil *UpdateOptions means the defaults.
type UpdateOptions struct {
	// SkipPreflight skips the service's pre-flight validation call.
	SkipPreflight bool
}

// OperationAt returns the operation at location (an Operation-Location
// header value or an operation URL; only its last path segment, the
// operation id, is used) so that it can be waited on with this service's
// logs attached on failure.
func (s *AksWebservice) OperationAt(location string) *Operation {
	return &Operation{svc: s, location: location}
}

// Operation is a running operation on a service (an update); wait for it
// with Wait.
type Operation struct {
	svc      *AksWebservice
	location string
}

// ID returns the operation id.
func (o *Operation) ID() string {
	id, _ := lroOperationID(o.location)
	return id
}

// Wait waits for the operation like WaitForDeployment: nil on success, a
// *DeploymentError (with logs) when it failed.
func (o *Operation) Wait(ctx context.Context, opts *WaitOptions) error {
	return o.svc.waitOperation(ctx, o.location, opts)
}

// Update changes the service (PATCH {MMS}/services/{name} with a JSON Patch,
// reference §5.8) and returns the operation to wait on. It re-reads the
// service first and checks every rule against its current settings before
// anything changes; all problems come back at once in a *ValidationError.
// With Models or InferenceConfig it uploads a new driver and source package
// and the service redeploys.
//
// The PATCH is never sent twice. When its answer is lost (the connection
// broke after it was sent, RetryOptions.TryTimeout, truncated JSON), Update
// reads the service: if it names a new operation, the update took effect and
// that operation is returned; otherwise the error matches
// workspace.ErrOutcomeUnknown and says how to check.
func (s *AksWebservice) Update(ctx context.Context, u AksUpdateConfig, opts *UpdateOptions) (*Operation, error) {
	if opts == nil {
		opts = &UpdateOptions{}
	}
	// The rules that need no current settings first: bad input costs no request.
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if err := s.Refresh(ctx); err != nil {
		return nil, err
	}
	if err := u.validate(s.Settings()); err != nil {
		return nil, err
	}
	ops, err := s.patchOps(ctx, u)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(ops)
	if err != nil {
		return nil, err
	}
	if !opts.SkipPreflight {
		if err := s.preflightUpdate(ctx, body); err != nil {
			return nil, err
		}
	}
	before := s.serviceOperationID() // read by the Refresh above
	loc, err := s.sendPatch(ctx, body)
	if errors.Is(err, workspace.ErrOutcomeUnknown) {
		loc, err = s.startedOperation(ctx, "update", before,
			"read the service (Refresh) and compare its settings before updating again", err)
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.operationLocation = loc
	s.mu.Unlock()
	s.invalidateCredential()
	return &Operation{svc: s, location: loc}, nil
}

// patchOps renders the operations in azureml-core's order.
func (s *AksWebservice) patchOps(ctx context.Context, u AksUpdateConfig) ([]patchOp, error) {
	var ops []patchOp
	replace := func(path string, v any) { ops = append(ops, patchOp{Op: "replace", Path: path, Value: v}) }
	if u.Models != nil || u.InferenceConfig != nil {
		ids := s.ModelIDs()
		if u.Models != nil {
			ids = ids[:0:0]
			for _, m := range u.Models {
				ids = append(ids, m.ID)
			}
		}
		eir, err := model.BuildEnvironmentImageRequest(ctx, s.ws, u.InferenceConfig, ids)
		if err != nil {
			return nil, err
		}
		raw, err := json.Marshal(eir)
		if err != nil {
			return nil, err
		}
		replace("/environmentImageRequest", json.RawMessage(raw))
	}
	setIf := func(path string, p any) {
		switch v := p.(type) {
		case *bool:
			if v != nil {
				replace(path, *v)
			}
		case *int:
			if v != nil {
				replace(path, *v)
			}
		case *float64:
			if v != nil {
				replace(path, *v)
			}
		case *string:
			if v != nil {
				replace(path, *v)
			}
		}
	}
	setIf("/autoScaler/autoscaleEnabled", u.AutoscaleEnabled)
	setIf("/autoScaler/minReplicas", u.AutoscaleMinReplicas)
	setIf("/autoScaler/maxReplicas", u.AutoscaleMaxReplicas)
	setIf("/autoScaler/refreshPeriodInSeconds", u.AutoscaleRefreshSeconds)
	setIf("/autoScaler/targetUtilization", u.AutoscaleTargetUtilization)
	setIf("/dataCollection/storageEnabled", u.CollectModelData)
	setIf("/authEnabled", u.AuthEnabled)
	setIf("/aadAuthEnabled", u.TokenAuthEnabled)
	setIf("/containerResourceRequirements/cpu", u.CPUCores)
	setIf("/containerResourceRequirements/cpuLimit", u.CPUCoresLimit)
	setIf("/containerResourceRequirements/memoryInGB", u.MemoryGB)
	setIf("/containerResourceRequirements/memoryInGBLimit", u.MemoryGBLimit)
	setIf("/containerResourceRequirements/gpu", u.GPUCores)
	setIf("/appInsightsEnabled", u.EnableAppInsights)
	setIf("/scoringTimeoutMs", u.ScoringTimeoutMs)
	setIf("/maxConcurrentRequestsPerContainer", u.ReplicaMaxConcurrentRequests)
	setIf("/maxQueueWaitMs", u.MaxRequestWaitTimeMs)
	setIf("/numReplicas", u.NumReplicas)
	setIf("/livenessProbeRequirements/periodSeconds", u.PeriodSeconds)
	setIf("/livenessProbeRequirements/initialDelaySeconds", u.InitialDelaySeconds)
	setIf("/livenessProbeRequirements/timeoutSeconds", u.TimeoutSeconds)
	setIf("/livenessProbeRequirements/successThreshold", u.SuccessThreshold)
	setIf("/livenessProbeRequirements/failureThreshold", u.FailureThreshold)
	setIf("/namespace", u.Namespace)
	if u.Tags != nil {
		replace("/kvTags", u.Tags)
	}
	setIf("/description", u.Description)
	keys := make([]string, 0, len(u.Properties))
	for k := range u.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ops = append(ops, patchOp{Op: "add", Path: "/properties/" + escapePointer(k), Value: u.Properties[k]})
	}
	return ops, nil
}

// escapePointer escapes a JSON Pointer segment (RFC 6901).
func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// preflightUpdate is POST {MMS}/services/validate for an Update; best-effort
// like the create checks: only a 200 answer carrying error.message stops the
// update.
func (s *AksWebservice) preflightUpdate(ctx context.Context, patch []byte) error {
	body, err := json.Marshal(struct {
		Type          string          `json:"type"`
		ServiceName   string          `json:"serviceName"`
		CreateRequest json.RawMessage `json:"createRequest"`
		UpdateRequest json.RawMessage `json:"updateRequest"`
	}{"Update", s.name, json.RawMessage("null"), patch})
	if err != nil {
		return nil
	}
	return s.preflight(ctx, body)
}

// preflightDelete is POST {MMS}/services/validate for a Delete.
func (s *AksWebservice) preflightDelete(ctx context.Context) error {
	body, _ := json.Marshal(struct {
		Type          string          `json:"type"`
		ServiceName   string          `json:"serviceName"`
		CreateRequest json.RawMessage `json:"createRequest"`
		UpdateRequest json.RawMessage `json:"updateRequest"`
	}{"Delete", s.name, json.RawMessage("null"), json.RawMessage("null")})
	return s.preflight(ctx, body)
}

func (s *AksWebservice) preflight(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(pipeline.WithIdempotent(ctx), preflightTimeout)
	defer cancel()
	req, err := runtime.NewRequest(ctx, http.MethodPost, s.ws.MMSURL("/services/validate"))
	if err != nil {
		return nil
	}
	if err := req.SetBody(newBody(body), "application/json"); err != nil {
		return nil
	}
	resp, err := s.ws.Pipeline().Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil
	}
	raw, err := runtime.Payload(resp)
	if err != nil {
		return nil
	}
	var out struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &out) != nil || out.Error == nil || out.Error.Message == "" {
		return nil
	}
	return &model.PreflightError{Check: "validate", Code: out.Error.Code, Message: out.Error.Message}
}

// sendPatch sends the JSON Patch and returns the operation location: the
// Operation-Location of a 202, or {MMS}/operations/{operationId} from a 200
// body.
func (s *AksWebservice) sendPatch(ctx context.Context, body []byte) (string, error) {
	req, err := runtime.NewRequest(ctx, http.MethodPatch, s.ws.MMSURL("/services/"+url.PathEscape(s.name)))
	if err != nil {
		return "", err
	}
	if err := req.SetBody(newBody(body), "application/json-patch+json"); err != nil {
		return "", err
	}
	resp, err := s.ws.Pipeline().Do(req)
	if err != nil {
		return "", err
	}
	switch resp.StatusCode {
	case http.StatusAccepted:
		defer resp.Body.Close()
		if loc := resp.Header.Get("Operation-Location"); loc != "" {
			return loc, nil
		}
		return "", errors.New("webservice: the update was accepted but the response has no Operation-Location header")
	case http.StatusOK:
		raw, err := runtime.Payload(resp)
		if err != nil {
			return "", err
		}
		var out struct {
			OperationID string `json:"operationId"`
		}
		if json.Unmarshal(raw, &out) == nil && out.OperationID != "" {
			return "/operations/" + url.PathEscape(out.OperationID), nil
		}
		if loc := resp.Header.Get("Operation-Location"); loc != "" {
			return loc, nil
		}
		return "", errors.New("webservice: the update response names no operation")
	case http.StatusNotFound:
		return "", notFound(s.name, runtime.NewResponseError(resp))
	}
	return "", runtime.NewResponseError(resp)
}
