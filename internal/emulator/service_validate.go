package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// validationResult is the 200 body of the validate routes: empty when the
// request would succeed, else an error whose message azureml-core shows
// (reference §3.5).
type validationResult struct {
	Error *mmsError `json:"error,omitempty"`
}

func validationFailed(code string, problems []string) validationResult {
	details := make([]mmsErrorDetail, 0, len(problems))
	for _, p := range problems {
		details = append(details, mmsErrorDetail{Code: code, Message: p})
	}
	return validationResult{Error: &mmsError{Code: code, StatusCode: http.StatusBadRequest, Message: strings.Join(problems, " "), Details: details}}
}

// handleServiceValidateName is POST {MMS}/services/validate/name/{name}, body {}.
func (s *Server) handleServiceValidateName(w http.ResponseWriter, r *http.Request) {
	var body struct{}
	if !decodeMMS(w, r, &body) {
		return
	}
	name := r.PathValue("name")
	if p := validateServiceName(name); p != "" {
		writeJSON(w, http.StatusOK, validationFailed("InvalidServiceName", []string{p}))
		return
	}
	if s.store.Has(kindService, name) {
		writeJSON(w, http.StatusOK, validationFailed("ServiceExists", []string{fmt.Sprintf("A service with name %s already exists in this workspace. Use overwrite to replace it, or choose another name.", name)}))
		return
	}
	writeJSON(w, http.StatusOK, validationResult{})
}

// handleServiceValidateResource is POST {MMS}/services/validate/resource with
// the create payload: are the compute and the models there?
func (s *Server) handleServiceValidateResource(w http.ResponseWriter, r *http.Request) {
	var req serviceCreateRequest
	if !decodeMMS(w, r, &req) {
		return
	}
	var ps []string
	if p := s.checkServiceCompute(req.ComputeName); p != "" {
		ps = append(ps, p)
	}
	if eir := req.EnvironmentImageRequest; eir != nil {
		for _, id := range eir.ModelIDs {
			if !modelExists(s, id) {
				ps = append(ps, fmt.Sprintf("Model with id %s not found in provided workspace", id))
			}
		}
	}
	if len(ps) > 0 {
		writeJSON(w, http.StatusOK, validationFailed("ResourceNotFound", ps))
		return
	}
	writeJSON(w, http.StatusOK, validationResult{})
}

// handleServiceValidate is POST {MMS}/services/validate: a dry run of a
// Create, Update or Delete.
func (s *Server) handleServiceValidate(w http.ResponseWriter, r *http.Request) {
	var req serviceValidateRequest
	if !decodeMMS(w, r, &req) {
		return
	}
	var ps []string
	switch req.Type {
	case "Create":
		switch {
		case req.CreateRequest == nil:
			ps = append(ps, "createRequest is required for a Create validation")
		case req.UpdateRequest != nil:
			ps = append(ps, "updateRequest must be null for a Create validation")
		default:
			if req.CreateRequest.Name != req.ServiceName {
				ps = append(ps, fmt.Sprintf("serviceName %q does not match createRequest.name %q", req.ServiceName, req.CreateRequest.Name))
			}
			ps = append(ps, s.validateCreate(req.CreateRequest)...)
		}
	case "Update":
		var rec serviceRecord
		switch {
		case req.CreateRequest != nil:
			ps = append(ps, "createRequest must be null for an Update validation")
		case !s.store.Get(kindService, req.ServiceName, &rec):
			ps = append(ps, fmt.Sprintf("Webservice with name %s not found in provided workspace", req.ServiceName))
		default:
			_, _, more := s.applyServicePatch(&rec, req.UpdateRequest)
			ps = append(ps, more...)
		}
	case "Delete":
		if req.CreateRequest != nil || req.UpdateRequest != nil {
			ps = append(ps, "createRequest and updateRequest must be null for a Delete validation")
		}
	default:
		writeMMSError(w, http.StatusBadRequest, "BadArgument", fmt.Sprintf("type must be Create, Update or Delete, got %q", req.Type))
		return
	}
	if len(ps) > 0 {
		writeJSON(w, http.StatusOK, validationFailed("BadArgument", ps))
		return
	}
	writeJSON(w, http.StatusOK, validationResult{})
}

// checkServiceCompute returns why a service cannot be deployed to the named
// compute, or "": it must be an AKS compute of this workspace whose
// provisioning succeeded.
func (s *Server) checkServiceCompute(name string) string {
	if strings.TrimSpace(name) == "" {
		return "computeName is required for an AKS service"
	}
	var c computeRecord
	if !s.store.Get(kindCompute, computeKey(name), &c) {
		return fmt.Sprintf("Compute %s not found in workspace %s; create or attach an AKS compute first.", name, s.opts.WorkspaceName)
	}
	if c.State != stateSucceeded {
		return fmt.Sprintf("Compute %s is in state %s; a service can only be deployed to a compute whose provisioning state is %s.", name, c.State, stateSucceeded)
	}
	return ""
}
