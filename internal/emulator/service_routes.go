package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// registerServiceRoutes adds the web-service routes of reference §5.1 and the
// scoring routes.
func registerServiceRoutes(s *Server, mux *http.ServeMux) {
	// AKS endpoints (computeType AKSENDPOINT) share these routes; the or*
	// wrappers of endpoint_hooks.go / endpoint_validate.go hand their
	// requests to the endpoint feature.
	p := s.mmsPrefix() + "/services"
	mux.HandleFunc("POST "+p, s.requireBearer(s.orEndpointCreate(s.handleServiceCreate)))
	mux.HandleFunc("GET "+p, s.requireBearer(s.handleServiceList))
	mux.HandleFunc("POST "+p+"/validate", s.requireBearer(s.orEndpointValidate(s.handleServiceValidate)))
	mux.HandleFunc("POST "+p+"/validate/name/{name}", s.requireBearer(s.orEndpointValidateName(s.handleServiceValidateName)))
	mux.HandleFunc("POST "+p+"/validate/resource", s.requireBearer(s.orEndpointValidateResource(s.handleServiceValidateResource)))
	mux.HandleFunc("GET "+p+"/{name}", s.requireBearer(s.orEndpoint(s.handleServiceGet, s.handleEndpointGet)))
	mux.HandleFunc("PATCH "+p+"/{name}", s.requireBearer(s.orEndpoint(s.handleServicePatch, s.handleEndpointPatch)))
	mux.HandleFunc("DELETE "+p+"/{name}", s.requireBearer(s.orEndpoint(s.handleServiceDelete, s.handleEndpointDelete)))
	mux.HandleFunc("GET "+p+"/{name}/logs", s.requireBearer(s.orEndpoint(s.handleServiceLogs, s.handleEndpointLogs)))
	mux.HandleFunc("POST "+p+"/{name}/listkeys", s.requireBearer(s.orEndpoint(s.handleServiceListKeys, s.handleEndpointListKeys)))
	mux.HandleFunc("POST "+p+"/{name}/regenerateKeys", s.requireBearer(s.orEndpoint(s.handleServiceRegenerateKeys, s.handleEndpointRegenerateKeys)))
	mux.HandleFunc("POST "+p+"/{name}/token", s.requireBearer(s.orEndpoint(s.handleServiceToken, s.handleEndpointToken)))
	mux.HandleFunc("POST /api/v1/service/{name}/score", s.orEndpoint(s.handleScore, s.handleEndpointScore))
	mux.HandleFunc("GET /api/v1/service/{name}/swagger.json", s.orEndpoint(s.handleSwagger, s.handleEndpointSwagger))
}

func serviceNotFound(w http.ResponseWriter, name string) {
	writeMMSError(w, http.StatusNotFound, "WebserviceNotFound", fmt.Sprintf("Webservice with name %s not found in provided workspace", name))
}

func writeBadArgument(w http.ResponseWriter, problems []string) {
	details := make([]mmsErrorDetail, 0, len(problems))
	for _, p := range problems {
		details = append(details, mmsErrorDetail{Code: "BadArgument", Message: p})
	}
	writeJSON(w, http.StatusBadRequest, mmsError{Code: "BadArgument", StatusCode: http.StatusBadRequest,
		Message: strings.Join(problems, " "), Details: details})
}

// handleServiceCreate is POST {MMS}/services: 202 + Operation-Location.
func (s *Server) handleServiceCreate(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", "cannot read the request body")
		return
	}
	var head struct {
		ComputeType string `json:"computeType"`
	}
	_ = json.Unmarshal(body, &head)
	if !strings.EqualFold(head.ComputeType, "AKS") {
		writeMMSError(w, http.StatusBadRequest, "BadArgument",
			fmt.Sprintf("computeType %q is not supported by the local workspace's services route; use AKS", head.ComputeType))
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var req serviceCreateRequest
	if !decodeMMS(w, r, &req) {
		return
	}
	if ps := s.validateCreate(&req); len(ps) > 0 {
		writeBadArgument(w, ps)
		return
	}
	m := servicesOf(s)
	opID, status, msg := m.create(&req)
	if status != http.StatusAccepted {
		code := "Conflict"
		if status == http.StatusConflict && !strings.Contains(msg, "in progress") {
			code = "ServiceExists"
		}
		writeMMSError(w, status, code, msg)
		return
	}
	w.Header().Set("Operation-Location", s.mmsOperationURL(opID))
	w.WriteHeader(http.StatusAccepted)
}

// validateCreate applies the server-side rules to a create request.
func (s *Server) validateCreate(req *serviceCreateRequest) []string {
	var ps []string
	if p := validateServiceName(req.Name); p != "" {
		ps = append(ps, p)
	}
	if req.ComputeType != "AKS" {
		ps = append(ps, fmt.Sprintf("computeType must be \"AKS\", got %q", req.ComputeType))
	}
	if strings.TrimSpace(req.ComputeName) == "" {
		ps = append(ps, "computeName is required for an AKS service")
	} else if p := s.checkServiceCompute(req.ComputeName); p != "" {
		ps = append(ps, p)
	}
	if req.ImageID != nil {
		ps = append(ps, "imageId: image-based deployments are not supported by the local workspace; deploy with an environment")
	}
	ps = append(ps, s.validateImageRequest(req.EnvironmentImageRequest)...)
	ps = append(ps, req.validateSettings()...)
	return ps
}

// validateImageRequest checks the environmentImageRequest's shape and models.
func (s *Server) validateImageRequest(eir *envImageRequest) []string {
	if eir == nil {
		return []string{"environmentImageRequest is required"}
	}
	var ps []string
	if eir.DriverProgram == "" {
		ps = append(ps, "environmentImageRequest.driverProgram is required")
	} else {
		found := false
		for _, a := range eir.Assets {
			found = found || a.ID == eir.DriverProgram
		}
		if !found {
			ps = append(ps, fmt.Sprintf("environmentImageRequest.driverProgram %q is not one of the assets", eir.DriverProgram))
		}
	}
	for i, a := range eir.Assets {
		if a.ID == "" || a.URL == "" {
			ps = append(ps, fmt.Sprintf("environmentImageRequest.assets[%d] needs an id and a url", i))
		} else if !strings.HasPrefix(a.URL, "aml://artifact/") {
			ps = append(ps, fmt.Sprintf("environmentImageRequest.assets[%d].url %q must be an aml://artifact/ URL in the local workspace", i, a.URL))
		}
	}
	if len(eir.ModelIDs) > maxModelsPerDeployment {
		ps = append(ps, fmt.Sprintf("The number of models to be deployed is limited to %d models per deployment; got %d", maxModelsPerDeployment, len(eir.ModelIDs)))
	}
	for _, id := range eir.ModelIDs {
		if !modelExists(s, id) {
			ps = append(ps, fmt.Sprintf("Model with id %s not found in provided workspace", id))
		}
	}
	if eir.Environment == nil {
		ps = append(ps, "environmentImageRequest.environment is required (no-code deployments are not supported by the local workspace)")
	}
	return ps
}

// create records the service and starts its deployment operation. It returns
// the operation id and 202, or an error status and message.
func (m *serviceManager) create(req *serviceCreateRequest) (string, int, string) {
	now := time.Now().UTC()
	overwrite := settingBool(req.Overwrite, false)
	spec := sanitizeSpec(*req)
	var gen int
	status, msg := http.StatusAccepted, ""
	err := updateRecord(m.s.store, kindService, req.Name, func(rec *serviceRecord, exists bool) (bool, error) {
		switch {
		case exists && rec.Busy:
			status, msg = http.StatusConflict, fmt.Sprintf("An operation is already in progress for service %s (operation %s); wait for it to finish.", req.Name, rec.OperationID)
			return false, nil
		case exists && !overwrite:
			status, msg = http.StatusConflict, fmt.Sprintf("A service with name %s already exists. Use overwrite to replace it, or choose another name.", req.Name)
			return false, nil
		case !exists:
			*rec = serviceRecord{Name: req.Name, Created: now, Incarnation: newSecret(8)}
		}
		// Overwrite keeps existing keys unless new ones are given (user
		// pain P9: a redeploy must not break clients).
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
		rec.Spec = spec
		rec.State = serviceTransitioning
		rec.Error = nil
		rec.Updated = now
		rec.Busy = true
		rec.Generation++
		gen = rec.Generation
		return true, nil
	})
	if err != nil {
		return "", http.StatusInternalServerError, err.Error()
	}
	if status != http.StatusAccepted {
		return "", status, msg
	}
	// The store lock is not held here: starting an operation writes to it.
	opID := m.s.ops.StartMMS("Deploy", func(ctx context.Context, log func(string), setSub func(string, string)) error {
		return m.runDeploy(ctx, req.Name, gen, log, setSub)
	}, withResourceLocation(m.s.mmsPrefix()+"/services/"+req.Name))
	m.setOperation(req.Name, gen, opID)
	return opID, status, msg
}

// setOperation records opID as the operation of generation gen.
func (m *serviceManager) setOperation(name string, gen int, opID string) {
	_ = updateRecord(m.s.store, kindService, name, func(rec *serviceRecord, exists bool) (bool, error) {
		if !exists || rec.Generation != gen {
			return false, nil
		}
		rec.OperationID = opID
		return true, nil
	})
}

// sanitizeSpec drops what must not be stored or echoed: keys, the overwrite
// flag and the base-image registry password.
func sanitizeSpec(req serviceCreateRequest) serviceCreateRequest {
	req.Keys = nil
	req.Overwrite = nil
	if eir := req.EnvironmentImageRequest; eir != nil && eir.Environment != nil && eir.Environment.Docker != nil && eir.Environment.Docker.BaseImageRegistry != nil {
		c := *eir
		env := *c.Environment
		docker := *env.Docker
		reg := *docker.BaseImageRegistry
		reg.Password = nil
		docker.BaseImageRegistry = &reg
		env.Docker = &docker
		c.Environment = &env
		req.EnvironmentImageRequest = &c
	}
	return req
}

// handleServiceGet is GET {MMS}/services/{name}[?expand=true].
func (s *Server) handleServiceGet(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var rec serviceRecord
	if !s.store.Get(kindService, name, &rec) {
		serviceNotFound(w, name)
		return
	}
	writeJSON(w, http.StatusOK, s.serviceView(&rec, r.URL.Query().Get("expand") == "true"))
}

// handleServiceDelete is DELETE {MMS}/services/{name}: 200 once the processes
// are stopped; 204 when there is no such service (reference §5.9).
func (s *Server) handleServiceDelete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	m := servicesOf(s)
	var rec serviceRecord
	if !s.store.Get(kindService, name, &rec) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.store.Delete(kindService, name)
	m.stop(name)
	m.removeFiles(name)
	w.WriteHeader(http.StatusOK)
}

// handleServiceLogs is GET {MMS}/services/{name}/logs?tail=N&init=bool.
func (s *Server) handleServiceLogs(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	q := r.URL.Query()
	tail := 5000
	if v := q.Get("tail"); v != "" {
		n, err := parseServiceCount(v)
		if err != nil {
			writeMMSError(w, http.StatusBadRequest, "BadArgument", "tail must be a positive integer")
			return
		}
		tail = n
	}
	init := false
	switch q.Get("init") {
	case "", "false", "False":
	case "true", "True":
		init = true
	default:
		writeMMSError(w, http.StatusBadRequest, "BadArgument", "init must be true or false")
		return
	}
	var rec serviceRecord
	if !s.store.Get(kindService, name, &rec) {
		serviceNotFound(w, name)
		return
	}
	var content string
	switch {
	case init:
		content = rec.InitLog
	default:
		m := servicesOf(s)
		m.mu.Lock()
		l := m.live[name]
		m.mu.Unlock()
		content = rec.Log
		if l != nil {
			content += l.rt.Logs(0)
		}
	}
	writeJSON(w, http.StatusOK, serviceLogsResponse{Content: lastLines(content, tail)})
}

func parseServiceCount(v string) (int, error) {
	var n int
	if _, err := fmt.Sscanf(v, "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != v {
		return 0, fmt.Errorf("not a positive integer: %q", v)
	}
	return n, nil
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	if n <= 0 || s == "" {
		return s
	}
	trimmed := strings.TrimSuffix(s, "\n")
	idx := len(trimmed)
	for i := 0; i < n; i++ {
		j := strings.LastIndexByte(trimmed[:idx], '\n')
		if j < 0 {
			return s
		}
		idx = j
	}
	return s[idx+1:]
}
