package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/azureml-go/azureml/internal/emulator/runtime"
)

// servicePatchScalars maps the replace paths of reference §5.8 to the field
// they set in a create request.
var servicePatchScalars = map[string]func(r *serviceCreateRequest) any{
	"/autoScaler/autoscaleEnabled":                   func(r *serviceCreateRequest) any { return &autoScalerOf(r).AutoscaleEnabled },
	"/autoScaler/minReplicas":                        func(r *serviceCreateRequest) any { return &autoScalerOf(r).MinReplicas },
	"/autoScaler/maxReplicas":                        func(r *serviceCreateRequest) any { return &autoScalerOf(r).MaxReplicas },
	"/autoScaler/refreshPeriodInSeconds":             func(r *serviceCreateRequest) any { return &autoScalerOf(r).RefreshPeriodInSeconds },
	"/autoScaler/targetUtilization":                  func(r *serviceCreateRequest) any { return &autoScalerOf(r).TargetUtilization },
	"/dataCollection/storageEnabled":                 func(r *serviceCreateRequest) any { return &dataCollectOf(r).StorageEnabled },
	"/authEnabled":                                   func(r *serviceCreateRequest) any { return &r.AuthEnabled },
	"/aadAuthEnabled":                                func(r *serviceCreateRequest) any { return &r.AadAuthEnabled },
	"/containerResourceRequirements/cpu":             func(r *serviceCreateRequest) any { return &resourcesOf(r).CPU },
	"/containerResourceRequirements/cpuLimit":        func(r *serviceCreateRequest) any { return &resourcesOf(r).CPULimit },
	"/containerResourceRequirements/memoryInGB":      func(r *serviceCreateRequest) any { return &resourcesOf(r).MemoryInGB },
	"/containerResourceRequirements/memoryInGBLimit": func(r *serviceCreateRequest) any { return &resourcesOf(r).MemoryInGBLimit },
	"/containerResourceRequirements/gpu":             func(r *serviceCreateRequest) any { return &resourcesOf(r).GPU },
	"/appInsightsEnabled":                            func(r *serviceCreateRequest) any { return &r.AppInsightsEnabled },
	"/scoringTimeoutMs":                              func(r *serviceCreateRequest) any { return &r.ScoringTimeoutMs },
	"/maxConcurrentRequestsPerContainer":             func(r *serviceCreateRequest) any { return &r.MaxConcurrentRequestsPerContainer },
	"/maxQueueWaitMs":                                func(r *serviceCreateRequest) any { return &r.MaxQueueWaitMs },
	"/numReplicas":                                   func(r *serviceCreateRequest) any { return &r.NumReplicas },
	"/livenessProbeRequirements/periodSeconds":       func(r *serviceCreateRequest) any { return &probeOf(r).PeriodSeconds },
	"/livenessProbeRequirements/initialDelaySeconds": func(r *serviceCreateRequest) any { return &probeOf(r).InitialDelaySeconds },
	"/livenessProbeRequirements/timeoutSeconds":      func(r *serviceCreateRequest) any { return &probeOf(r).TimeoutSeconds },
	"/livenessProbeRequirements/successThreshold":    func(r *serviceCreateRequest) any { return &probeOf(r).SuccessThreshold },
	"/livenessProbeRequirements/failureThreshold":    func(r *serviceCreateRequest) any { return &probeOf(r).FailureThreshold },
	"/namespace":   func(r *serviceCreateRequest) any { return &r.Namespace },
	"/kvTags":      func(r *serviceCreateRequest) any { return &r.KvTags },
	"/description": func(r *serviceCreateRequest) any { return &r.Description },
}

func autoScalerOf(r *serviceCreateRequest) *serviceAutoScaler {
	if r.AutoScaler == nil {
		r.AutoScaler = &serviceAutoScaler{}
	}
	return r.AutoScaler
}

func dataCollectOf(r *serviceCreateRequest) *serviceDataCollect {
	if r.DataCollection == nil {
		r.DataCollection = &serviceDataCollect{}
	}
	return r.DataCollection
}

func resourcesOf(r *serviceCreateRequest) *serviceResources {
	if r.ContainerResourceRequirements == nil {
		r.ContainerResourceRequirements = &serviceResources{}
	}
	return r.ContainerResourceRequirements
}

func probeOf(r *serviceCreateRequest) *serviceLivenessProbe {
	if r.LivenessProbeRequirements == nil {
		r.LivenessProbeRequirements = &serviceLivenessProbe{}
	}
	return r.LivenessProbeRequirements
}

// decodePatchValue decodes a patch value strictly into dst.
func decodePatchValue(raw json.RawMessage, dst any) error {
	if len(raw) == 0 {
		return fmt.Errorf("value is required")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(dst)
}

// applyServicePatch applies ops to a copy of rec's spec. It returns the new
// spec, whether the deployment itself changes (a redeploy), and every problem.
func (s *Server) applyServicePatch(rec *serviceRecord, ops []servicePatchOp) (serviceCreateRequest, bool, []string) {
	spec := cloneSpec(rec.Spec)
	var ps []string
	if len(ops) == 0 {
		return spec, false, []string{"No parameters provided to update."}
	}
	redeploy := false
	for i, op := range ops {
		at := fmt.Sprintf("operation %d (%s %s)", i, op.Op, op.Path)
		switch {
		case op.Op == "replace" && op.Path == "/environmentImageRequest":
			var eir envImageRequest
			if err := decodePatchValue(op.Value, &eir); err != nil {
				ps = append(ps, fmt.Sprintf("%s: %v", at, err))
				continue
			}
			ps = append(ps, s.validateImageRequest(&eir)...)
			redeploy = redeploy || !reflect.DeepEqual(spec.EnvironmentImageRequest, &eir)
			spec.EnvironmentImageRequest = &eir
		case op.Op == "replace" && op.Path == "/imageId":
			ps = append(ps, at+": image-based deployments are not supported by the local workspace")
		case op.Op == "replace" && servicePatchScalars[op.Path] != nil:
			target := servicePatchScalars[op.Path](&spec)
			// A replace sets the value: clear the target first, or decoding a
			// map would merge into the old one.
			reflect.ValueOf(target).Elem().SetZero()
			if err := decodePatchValue(op.Value, target); err != nil {
				ps = append(ps, fmt.Sprintf("%s: %v", at, err))
			}
		case op.Op == "add" && strings.HasPrefix(op.Path, "/properties/") && len(op.Path) > len("/properties/"):
			key := strings.ReplaceAll(strings.ReplaceAll(op.Path[len("/properties/"):], "~1", "/"), "~0", "~")
			var v string
			if err := decodePatchValue(op.Value, &v); err != nil {
				ps = append(ps, fmt.Sprintf("%s: value must be a string", at))
				continue
			}
			if old, ok := spec.Properties[key]; ok && old != v {
				ps = append(ps, fmt.Sprintf("%s: properties are immutable: %q is already set", at, key))
				continue
			}
			if spec.Properties == nil {
				spec.Properties = map[string]string{}
			}
			spec.Properties[key] = v
		default:
			ps = append(ps, at+": not an update the service supports")
		}
	}
	ps = append(ps, spec.validateSettings()...)
	return spec, redeploy, ps
}

func cloneSpec(in serviceCreateRequest) serviceCreateRequest {
	b, _ := json.Marshal(in)
	var out serviceCreateRequest
	_ = json.Unmarshal(b, &out)
	return out
}

// handleServicePatch is PATCH {MMS}/services/{name} with a JSON Patch body:
// 202 + Operation-Location.
func (s *Server) handleServicePatch(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json-patch+json") {
		writeMMSError(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "Content-Type must be application/json-patch+json")
		return
	}
	var ops []servicePatchOp
	if !decodeMMS(w, r, &ops) {
		return
	}
	m := servicesOf(s)
	var cur serviceRecord
	if !s.store.Get(kindService, name, &cur) {
		serviceNotFound(w, name)
		return
	}
	if cur.Busy {
		writeMMSError(w, http.StatusConflict, "Conflict", fmt.Sprintf("An operation is already in progress for service %s (operation %s); wait for it to finish.", name, cur.OperationID))
		return
	}
	// Validation reads the store (models), so it runs outside updateRecord;
	// the update then only commits if nobody changed the service meanwhile.
	spec, redeploy, problems := s.applyServicePatch(&cur, ops)
	if len(problems) > 0 {
		writeBadArgument(w, problems)
		return
	}
	var gen int
	status := http.StatusAccepted
	err := updateRecord(s.store, kindService, name, func(rec *serviceRecord, exists bool) (bool, error) {
		switch {
		case !exists:
			status = http.StatusNotFound
			return false, nil
		case rec.Busy || rec.Generation != cur.Generation:
			status = http.StatusConflict
			return false, nil
		}
		rec.Spec = sanitizeSpec(spec)
		rec.State, rec.Busy = serviceTransitioning, true
		rec.Generation++
		rec.Updated = time.Now().UTC()
		gen = rec.Generation
		return true, nil
	})
	switch {
	case err != nil:
		writeMMSError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	case status == http.StatusNotFound:
		serviceNotFound(w, name)
		return
	case status == http.StatusConflict:
		writeMMSError(w, status, "Conflict", fmt.Sprintf("Service %s changed while the update was prepared; retry.", name))
		return
	}
	run := func(ctx context.Context, log func(string), setSub func(string, string)) error {
		if redeploy {
			return m.runDeploy(ctx, name, gen, log, setSub)
		}
		return m.runUpdate(ctx, name, gen, log, setSub)
	}
	opID := s.ops.StartMMS("Update", run, withResourceLocation(s.mmsPrefix()+"/services/"+name))
	m.setOperation(name, gen, opID)
	w.Header().Set("Operation-Location", s.mmsOperationURL(opID))
	w.WriteHeader(http.StatusAccepted)
}

// runUpdate applies an update that keeps the deployment: replica count and
// request limits change on the running replicas; the rest is recorded.
func (m *serviceManager) runUpdate(ctx context.Context, name string, gen int, log func(string), setSub func(string, string)) error {
	var rec serviceRecord
	if !m.s.store.Get(kindService, name, &rec) || rec.Generation != gen {
		return errOpCanceled
	}
	setSub(subDeployService, "Running")
	st := rec.Spec.settings(m.s.opts.WorkspaceName)
	var opErr error
	if rt := m.running(ctx, name); rt != nil {
		rt.SetLimits(runtime.Limits{ScoringTimeout: st.scoringTimeout(), MaxConcurrentPerReplica: st.MaxConcurrent, MaxQueueWait: st.queueWait()})
		if n := st.replicasToRun(); n != rt.Replicas() {
			log(fmt.Sprintf("Scaling service %s to %d replica(s).", name, n))
			if err := rt.Scale(ctx, n); err != nil {
				opErr = startFailure(err, ctx).asError()
			}
		}
	}
	_ = updateRecord(m.s.store, kindService, name, func(r *serviceRecord, exists bool) (bool, error) {
		if !exists || r.Generation != gen {
			return false, nil
		}
		r.Busy = false
		switch {
		case opErr != nil:
			r.State = serviceUnhealthy
		case r.Deployed != nil:
			r.State, r.Error = serviceHealthy, nil
		default:
			r.State = serviceFailed
		}
		r.Updated = time.Now().UTC()
		return true, nil
	})
	if opErr != nil {
		setSub(subDeployService, "Failed")
		return opErr
	}
	setSub(subDeployService, "Succeeded")
	log(fmt.Sprintf("Service %s updated.", name))
	return nil
}
