package emulator

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// handleEndpointCreate is POST {MMS}/services with computeType AKSENDPOINT
// (reference §6.1): 202 + Operation-Location; the operation deploys every
// version. body is the request body, already read by the services route.
func (s *Server) handleEndpointCreate(w http.ResponseWriter, r *http.Request, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req endpointCreateRequest
	if !decodeMMS(w, r, &req) {
		return
	}
	if ps := s.validateEndpointCreate(&req); len(ps) > 0 {
		writeBadArgument(w, ps)
		return
	}
	if s.store.Has(kindService, req.Name) {
		writeMMSError(w, http.StatusConflict, "ServiceExists",
			fmt.Sprintf("A service with name %s already exists. Use overwrite to replace it, or choose another name.", req.Name))
		return
	}
	m := endpointsOf(s)
	now := nowUTC()
	overwrite := settingBool(req.Overwrite, false)
	var old []string
	work := endpointWork{endpoint: req.Name, actions: map[string]versionAction{}, vgen: map[string]int{}}
	status, msg := http.StatusAccepted, ""
	err := updateRecord(s.store, kindEndpoint, req.Name, func(rec *endpointRecord, exists bool) (bool, error) {
		switch {
		case exists && rec.Busy:
			status, msg = http.StatusConflict, fmt.Sprintf("An operation is already in progress for service %s (operation %s); wait for it to finish.", req.Name, rec.OperationID)
			return false, nil
		case exists && !overwrite:
			status, msg = http.StatusConflict, fmt.Sprintf("A service with name %s already exists. Use overwrite to replace it, or choose another name.", req.Name)
			return false, nil
		case !exists:
			*rec = endpointRecord{Name: req.Name, Created: now, Incarnation: newSecret(8)}
		}
		old = sortedVersionNames(rec.Versions)
		// Overwrite keeps the keys unless new ones are given.
		pk, sk := rec.PrimaryKey, rec.SecondaryKey
		if pk == "" {
			pk, sk = newSecret(16), newSecret(16)
		}
		if req.Keys != nil && req.Keys.PrimaryKey != nil && *req.Keys.PrimaryKey != "" {
			pk = *req.Keys.PrimaryKey
			if req.Keys.SecondaryKey != nil && *req.Keys.SecondaryKey != "" {
				sk = *req.Keys.SecondaryKey
			}
		}
		rec.PrimaryKey, rec.SecondaryKey = pk, sk
		rec.Spec = endpointSpec{
			Description: req.Description, KvTags: req.KvTags, Properties: req.Properties, ComputeName: req.ComputeName,
			AppInsightsEnabled: req.AppInsightsEnabled, Namespace: req.Namespace,
			AuthEnabled: req.AuthEnabled, AadAuthEnabled: req.AadAuthEnabled,
		}
		prev := rec.Versions
		rec.Versions = newVersionRecords(&req, now)
		for name, v := range rec.Versions {
			if p := prev[name]; p != nil {
				v.Generation = p.Generation + 1 // never reuse a running generation's directory
			}
		}
		rec.State, rec.Error = serviceTransitioning, nil
		rec.Updated = now
		rec.Busy = true
		rec.Generation++
		work.gen = rec.Generation
		for name, v := range rec.Versions {
			work.actions[name] = actionDeploy
			work.vgen[name] = v.Generation
		}
		return true, nil
	})
	switch {
	case err != nil:
		writeMMSError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	case status != http.StatusAccepted:
		writeMMSError(w, status, "Conflict", msg)
		return
	}
	for _, name := range old {
		if _, kept := work.actions[name]; !kept {
			work.actions[name] = actionStop
		}
	}
	opID := s.ops.StartMMS("Deploy", func(ctx context.Context, log func(string), setSub func(string, string)) error {
		return m.run(ctx, work, log, setSub)
	}, withResourceLocation(s.mmsPrefix()+"/services/"+req.Name))
	m.setOperation(req.Name, work.gen, opID)
	w.Header().Set("Operation-Location", s.mmsOperationURL(opID))
	w.WriteHeader(http.StatusAccepted)
}

// newVersionRecords turns the create request's versions into records; a
// single version is the default (the first version of an endpoint is, per
// reference §6.4).
func newVersionRecords(req *endpointCreateRequest, now time.Time) map[string]*endpointVersionRecord {
	out := make(map[string]*endpointVersionRecord, len(req.Versions))
	for name, v := range req.Versions {
		out[name] = &endpointVersionRecord{
			Spec: sanitizeSpec(v.serviceCreateRequest), TrafficPercentile: v.TrafficPercentile,
			IsDefault: settingBool(v.IsDefault, false) || len(req.Versions) == 1, Type: v.Type,
			State: serviceTransitioning, Created: now, Updated: now, Generation: 1,
		}
	}
	return out
}

// setOperation records the operation of generation gen.
func (m *endpointManager) setOperation(name string, gen int, opID string) {
	_ = updateRecord(m.s.store, kindEndpoint, name, func(rec *endpointRecord, exists bool) (bool, error) {
		if !exists || rec.Generation != gen {
			return false, nil
		}
		rec.OperationID = opID
		return true, nil
	})
}

// validateEndpointCreate applies the server-side rules to a create request.
func (s *Server) validateEndpointCreate(req *endpointCreateRequest) []string {
	var ps []string
	if p := validateServiceName(req.Name); p != "" {
		ps = append(ps, p)
	}
	if req.ComputeType != computeTypeAKSEndpoint {
		ps = append(ps, fmt.Sprintf("computeType must be %q, got %q", computeTypeAKSEndpoint, req.ComputeType))
	}
	if p := s.checkServiceCompute(req.ComputeName); p != "" {
		ps = append(ps, p)
	}
	if len(req.Versions) == 0 {
		ps = append(ps, "versions: an endpoint is created with its first version")
	}
	names := make([]string, 0, len(req.Versions))
	for n := range req.Versions {
		names = append(names, n)
	}
	sortStrings(names)
	for _, name := range names {
		v := req.Versions[name]
		if v == nil {
			ps = append(ps, fmt.Sprintf("versions.%s must be an object", name))
			continue
		}
		ps = append(ps, s.validateVersionBody(req.ComputeName, name, v, true)...)
	}
	ps = append(ps, endpointLevelProblems(req.AuthEnabled, req.AadAuthEnabled, req.Namespace)...)
	if len(ps) == 0 {
		ps = append(ps, validateEndpointVersions(req.Name, newVersionRecords(req, nowUTC()))...)
	}
	return ps
}

// validateVersionBody checks one version body: its name, computeType (the
// first version carries AKSENDPOINT, later ones AKS), compute, image request
// and settings.
func (s *Server) validateVersionBody(compute, name string, v *endpointVersionRequest, first bool) []string {
	var ps []string
	at := "Version " + name + ": "
	if p := validateServiceName(name); p != "" {
		ps = append(ps, at+p)
	}
	if v.Name != name {
		ps = append(ps, fmt.Sprintf("%sname %q must equal the version name", at, v.Name))
	}
	switch {
	case v.ComputeType == "AKS", first && v.ComputeType == computeTypeAKSEndpoint:
	default:
		ps = append(ps, fmt.Sprintf("%scomputeType must be \"AKS\", got %q", at, v.ComputeType))
	}
	if v.ComputeName != "" && v.ComputeName != compute {
		ps = append(ps, fmt.Sprintf("%scomputeName %q must be the endpoint's compute %q", at, v.ComputeName, compute))
	}
	if v.ImageID != nil {
		ps = append(ps, at+"imageId: image-based deployments are not supported; deploy with an environment")
	}
	for _, p := range s.validateImageRequest(v.EnvironmentImageRequest) {
		ps = append(ps, at+p)
	}
	for _, p := range v.validateSettings() {
		ps = append(ps, at+p)
	}
	return ps
}

// endpointLevelProblems checks the endpoint-level settings.
func endpointLevelProblems(auth, aad *bool, namespace *string) []string {
	var ps []string
	if settingBool(auth, false) && settingBool(aad, false) {
		ps = append(ps, "authEnabled and aadAuthEnabled cannot both be true")
	}
	if namespace != nil && !serviceNamespaceRule.MatchString(*namespace) {
		ps = append(ps, fmt.Sprintf("namespace %q must be a valid Kubernetes namespace (%s)", *namespace, serviceNamespaceRule))
	}
	return ps
}

// isEndpointCreate reports whether a services create body is for an endpoint.
func isEndpointCreate(computeType string) bool {
	return strings.EqualFold(computeType, computeTypeAKSEndpoint)
}
