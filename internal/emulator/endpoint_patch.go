package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// endpointVersionScalars are the version-level replace paths of reference
// §6.2 that set a field of the version's AKS body (paths below
// /versions/{v}).
var endpointVersionScalars = func() map[string]func(r *serviceCreateRequest) any {
	out := map[string]func(r *serviceCreateRequest) any{}
	for path, f := range servicePatchScalars {
		switch path {
		case "/authEnabled", "/aadAuthEnabled", "/appInsightsEnabled", "/namespace", "/kvTags", "/description":
			continue // endpoint-level, or handled as version tags/description below
		}
		out[path] = f
	}
	return out
}()

// unescapePointer splits a JSON Pointer into its reference tokens.
func unescapePointer(p string) ([]string, bool) {
	if !strings.HasPrefix(p, "/") {
		return nil, false
	}
	tokens := strings.Split(p[1:], "/")
	for i, t := range tokens {
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return tokens, true
}

func cloneEndpoint(in *endpointRecord) *endpointRecord {
	b, _ := json.Marshal(in)
	var out endpointRecord
	_ = json.Unmarshal(b, &out)
	if out.Versions == nil {
		out.Versions = map[string]*endpointVersionRecord{}
	}
	return &out
}

// applyEndpointPatch applies the JSON Patch of reference §6.2 (version
// operations and the endpoint-level update) to a copy of rec. It returns the
// new record, what each version's replicas must do, and every problem.
func (s *Server) applyEndpointPatch(rec *endpointRecord, ops []servicePatchOp) (*endpointRecord, map[string]versionAction, []string) {
	next := cloneEndpoint(rec)
	actions := map[string]versionAction{}
	if len(ops) == 0 {
		return next, actions, []string{"No parameters provided to update."}
	}
	var ps []string
	now := nowUTC()
	for i, op := range ops {
		at := fmt.Sprintf("operation %d (%s %s)", i, op.Op, op.Path)
		tokens, ok := unescapePointer(op.Path)
		if !ok {
			ps = append(ps, at+": path must be a JSON Pointer")
			continue
		}
		if tokens[0] == "versions" && len(tokens) >= 2 {
			ps = append(ps, s.applyVersionOp(next, actions, op, tokens[1], tokens[2:], at, now)...)
			continue
		}
		ps = append(ps, applyEndpointLevelOp(next, op, tokens, at)...)
	}
	for _, name := range sortedVersionNames(next.Versions) {
		if actions[name] == actionNone {
			continue
		}
		for _, p := range next.Versions[name].Spec.validateSettings() {
			ps = append(ps, "Version "+name+": "+p)
		}
	}
	ps = append(ps, endpointLevelProblems(next.Spec.AuthEnabled, next.Spec.AadAuthEnabled, next.Spec.Namespace)...)
	ps = append(ps, validateEndpointVersions(next.Name, next.Versions)...)
	return next, actions, ps
}

// applyVersionOp applies one operation below /versions/{name}.
func (s *Server) applyVersionOp(ep *endpointRecord, actions map[string]versionAction, op servicePatchOp, name string, rest []string, at string, now time.Time) []string {
	v := ep.Versions[name]
	if len(rest) == 0 {
		switch op.Op {
		case "add":
			if v != nil {
				return []string{fmt.Sprintf("%s: version %s already exists", at, name)}
			}
			var body endpointVersionRequest
			if err := decodePatchValue(op.Value, &body); err != nil {
				return []string{fmt.Sprintf("%s: %v", at, err)}
			}
			if ps := s.validateVersionBody(ep.Spec.ComputeName, name, &body, false); len(ps) > 0 {
				return ps
			}
			// The generation is fixed when the patch commits (above any the
			// version had, when it is added again).
			gen := 1
			ep.Versions[name] = &endpointVersionRecord{
				Spec: sanitizeSpec(body.serviceCreateRequest), TrafficPercentile: body.TrafficPercentile,
				IsDefault: settingBool(body.IsDefault, false), Type: body.Type,
				State: serviceTransitioning, Created: now, Updated: now, Generation: gen,
			}
			actions[name] = actionDeploy
			return nil
		case "remove":
			if v == nil {
				return []string{fmt.Sprintf("%s: version %s does not exist", at, name)}
			}
			delete(ep.Versions, name)
			actions[name] = actionStop
			return nil
		default:
			return []string{at + ": a version can only be added or removed as a whole"}
		}
	}
	if v == nil {
		return []string{fmt.Sprintf("%s: version %s does not exist", at, name)}
	}
	if op.Op != "replace" {
		return []string{at + ": not an update the service supports"}
	}
	field := "/" + strings.Join(rest, "/")
	markReconfig := func() {
		if actions[name] == actionNone {
			actions[name] = actionReconfig
		}
	}
	v.Updated = now
	switch {
	case field == "/isDefault":
		var b bool
		if err := decodePatchValue(op.Value, &b); err != nil {
			return []string{fmt.Sprintf("%s: %v", at, err)}
		}
		v.IsDefault = b
	case field == "/type":
		var t *string
		if err := decodePatchValue(op.Value, &t); err != nil {
			return []string{fmt.Sprintf("%s: %v", at, err)}
		}
		v.Type = t
	case field == "/trafficPercentile":
		var p *float64
		if err := decodePatchValue(op.Value, &p); err != nil {
			return []string{fmt.Sprintf("%s: %v", at, err)}
		}
		v.TrafficPercentile = p
	case field == "/tags":
		v.Spec.KvTags = nil // a replace replaces: decoding into a map would merge
		if err := decodePatchValue(op.Value, &v.Spec.KvTags); err != nil {
			return []string{fmt.Sprintf("%s: %v", at, err)}
		}
	case field == "/description":
		if err := decodePatchValue(op.Value, &v.Spec.Description); err != nil {
			return []string{fmt.Sprintf("%s: %v", at, err)}
		}
	case field == "/environmentImageRequest":
		var eir envImageRequest
		if err := decodePatchValue(op.Value, &eir); err != nil {
			return []string{fmt.Sprintf("%s: %v", at, err)}
		}
		if ps := s.validateImageRequest(&eir); len(ps) > 0 {
			return ps
		}
		if !reflect.DeepEqual(v.Spec.EnvironmentImageRequest, &eir) {
			v.Spec.EnvironmentImageRequest = &eir
			v.Spec = sanitizeSpec(v.Spec)
			if actions[name] != actionDeploy {
				v.Generation++
			}
			v.State = serviceTransitioning
			actions[name] = actionDeploy
		}
	case endpointVersionScalars[field] != nil:
		if err := decodePatchValue(op.Value, endpointVersionScalars[field](&v.Spec)); err != nil {
			return []string{fmt.Sprintf("%s: %v", at, err)}
		}
		markReconfig()
	default:
		return []string{at + ": not an update the service supports"}
	}
	return nil
}

// applyEndpointLevelOp applies an endpoint-level update operation.
func applyEndpointLevelOp(ep *endpointRecord, op servicePatchOp, tokens []string, at string) []string {
	decode := func(dst any) []string {
		if err := decodePatchValue(op.Value, dst); err != nil {
			return []string{fmt.Sprintf("%s: %v", at, err)}
		}
		return nil
	}
	if op.Op == "add" && len(tokens) == 2 && tokens[0] == "properties" && tokens[1] != "" {
		var v string
		if err := decodePatchValue(op.Value, &v); err != nil {
			return []string{at + ": value must be a string"}
		}
		if old, ok := ep.Spec.Properties[tokens[1]]; ok && old != v {
			return []string{fmt.Sprintf("%s: properties are immutable: %q is already set", at, tokens[1])}
		}
		if ep.Spec.Properties == nil {
			ep.Spec.Properties = map[string]string{}
		}
		ep.Spec.Properties[tokens[1]] = v
		return nil
	}
	if op.Op != "replace" || len(tokens) != 1 {
		return []string{at + ": not an update the service supports"}
	}
	switch tokens[0] {
	case "authEnabled":
		return decode(&ep.Spec.AuthEnabled)
	case "aadAuthEnabled":
		return decode(&ep.Spec.AadAuthEnabled)
	case "appInsightsEnabled":
		return decode(&ep.Spec.AppInsightsEnabled)
	case "kvTags":
		ep.Spec.KvTags = nil // a replace replaces: decoding into a map would merge
		return decode(&ep.Spec.KvTags)
	case "description":
		return decode(&ep.Spec.Description)
	}
	return []string{at + ": not an update the service supports"}
}

// handleEndpointPatch is PATCH {MMS}/services/{name} for an endpoint: 202 +
// Operation-Location; the operation deploys, reconfigures or stops the
// versions the patch touched.
func (s *Server) handleEndpointPatch(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json-patch+json") {
		writeMMSError(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "Content-Type must be application/json-patch+json")
		return
	}
	var ops []servicePatchOp
	if !decodeMMS(w, r, &ops) {
		return
	}
	var cur endpointRecord
	if !s.store.Get(kindEndpoint, name, &cur) {
		serviceNotFound(w, name)
		return
	}
	if cur.Busy {
		writeMMSError(w, http.StatusConflict, "Conflict", fmt.Sprintf("An operation is already in progress for service %s (operation %s); wait for it to finish.", name, cur.OperationID))
		return
	}
	next, actions, problems := s.applyEndpointPatch(&cur, ops)
	if len(problems) > 0 {
		writeBadArgument(w, problems)
		return
	}
	m := endpointsOf(s)
	work := endpointWork{endpoint: name, actions: actions, vgen: map[string]int{}}
	status := http.StatusAccepted
	err := updateRecord(s.store, kindEndpoint, name, func(rec *endpointRecord, exists bool) (bool, error) {
		switch {
		case !exists:
			status = http.StatusNotFound
			return false, nil
		case rec.Busy || rec.Generation != cur.Generation:
			status = http.StatusConflict
			return false, nil
		}
		// A version added again after a remove in the same patch, or added
		// where an older one once ran, gets a generation above any it had.
		for vname, a := range actions {
			if a != actionDeploy {
				continue
			}
			v := next.Versions[vname]
			if old := rec.Versions[vname]; old != nil && v.Generation <= old.Generation {
				v.Generation = old.Generation + 1
			}
			if v.Generation < 1 {
				v.Generation = 1
			}
		}
		next.Busy, next.State, next.Error = true, serviceTransitioning, nil
		next.Generation = rec.Generation + 1
		next.Updated = nowUTC()
		*rec = *next
		work.gen = rec.Generation
		for vname, v := range rec.Versions {
			work.vgen[vname] = v.Generation
		}
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
	opID := s.ops.StartMMS("Update", func(ctx context.Context, log func(string), setSub func(string, string)) error {
		return m.run(ctx, work, log, setSub)
	}, withResourceLocation(s.mmsPrefix()+"/services/"+name))
	m.setOperation(name, work.gen, opID)
	w.Header().Set("Operation-Location", s.mmsOperationURL(opID))
	w.WriteHeader(http.StatusAccepted)
}
