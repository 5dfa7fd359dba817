package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// peekBody reads the request body and puts it back for the next handler.
func peekBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", "cannot read the request body")
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, true
}

// orEndpointValidate serves POST {MMS}/services/validate for endpoints: a
// Create whose createRequest has computeType AKSENDPOINT, or an Update or
// Delete of an existing endpoint.
func (s *Server) orEndpointValidate(serviceHandler http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := peekBody(w, r)
		if !ok {
			return
		}
		var head struct {
			Type          string `json:"type"`
			ServiceName   string `json:"serviceName"`
			CreateRequest *struct {
				ComputeType string `json:"computeType"`
			} `json:"createRequest"`
		}
		_ = json.Unmarshal(body, &head)
		isCreate := head.Type == "Create" && head.CreateRequest != nil && isEndpointCreate(head.CreateRequest.ComputeType)
		if !isCreate && (head.Type == "Create" || !s.store.Has(kindEndpoint, head.ServiceName)) {
			serviceHandler(w, r)
			return
		}
		var req struct {
			Type          string                 `json:"type"`
			ServiceName   string                 `json:"serviceName"`
			CreateRequest *endpointCreateRequest `json:"createRequest"`
			UpdateRequest []servicePatchOp       `json:"updateRequest"`
		}
		if !decodeMMS(w, r, &req) {
			return
		}
		var ps []string
		switch req.Type {
		case "Create":
			if req.CreateRequest == nil {
				ps = append(ps, "createRequest is required for a Create validation")
				break
			}
			if req.CreateRequest.Name != req.ServiceName {
				ps = append(ps, fmt.Sprintf("serviceName %q does not match createRequest.name %q", req.ServiceName, req.CreateRequest.Name))
			}
			ps = append(ps, s.validateEndpointCreate(req.CreateRequest)...)
		case "Update":
			var rec endpointRecord
			if req.CreateRequest != nil {
				ps = append(ps, "createRequest must be null for an Update validation")
			} else if s.store.Get(kindEndpoint, req.ServiceName, &rec) {
				_, _, more := s.applyEndpointPatch(&rec, req.UpdateRequest)
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
}

// orEndpointValidateName reports a name an endpoint already has as taken.
func (s *Server) orEndpointValidateName(serviceHandler http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if validateServiceName(name) == "" && s.store.Has(kindEndpoint, name) {
			var body struct{}
			if !decodeMMS(w, r, &body) {
				return
			}
			writeJSON(w, http.StatusOK, validationFailed("ServiceExists", []string{fmt.Sprintf("A service with name %s already exists in this workspace. Use overwrite to replace it, or choose another name.", name)}))
			return
		}
		serviceHandler(w, r)
	}
}

// orEndpointValidateResource checks an endpoint create payload's compute and
// the models of its versions.
func (s *Server) orEndpointValidateResource(serviceHandler http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, ok := peekBody(w, r)
		if !ok {
			return
		}
		var head struct {
			ComputeType string `json:"computeType"`
		}
		_ = json.Unmarshal(body, &head)
		if !isEndpointCreate(head.ComputeType) {
			serviceHandler(w, r)
			return
		}
		var req endpointCreateRequest
		if !decodeMMS(w, r, &req) {
			return
		}
		var ps []string
		if p := s.checkServiceCompute(req.ComputeName); p != "" {
			ps = append(ps, p)
		}
		for _, name := range sortedVersionNamesOf(req.Versions) {
			if v := req.Versions[name]; v != nil && v.EnvironmentImageRequest != nil {
				for _, id := range v.EnvironmentImageRequest.ModelIDs {
					if !modelExists(s, id) {
						ps = append(ps, fmt.Sprintf("Model with id %s not found in provided workspace", id))
					}
				}
			}
		}
		if len(ps) > 0 {
			writeJSON(w, http.StatusOK, validationFailed("ResourceNotFound", ps))
			return
		}
		writeJSON(w, http.StatusOK, validationResult{})
	}
}

func sortedVersionNamesOf(vs map[string]*endpointVersionRequest) []string {
	names := make([]string, 0, len(vs))
	for n := range vs {
		names = append(names, n)
	}
	sortStrings(names)
	return names
}
