package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// Endpoints (computeType AKSENDPOINT) share the web-service routes of
// reference §5.1 with AKS services. The services routes hand a request to
// this feature through these wrappers, so the two features stay in their own
// files.

// orEndpoint serves the request with endpointHandler when {name} is an
// endpoint, else with serviceHandler.
func (s *Server) orEndpoint(serviceHandler, endpointHandler http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.store.Has(kindEndpoint, r.PathValue("name")) {
			endpointHandler(w, r)
			return
		}
		serviceHandler(w, r)
	}
}

// orEndpointCreate serves POST {MMS}/services with the endpoint create when
// the body's computeType is AKSENDPOINT, and refuses an AKS service whose
// name an endpoint already has.
func (s *Server) orEndpointCreate(serviceHandler http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
		if err != nil {
			writeMMSError(w, http.StatusBadRequest, "BadArgument", "cannot read the request body")
			return
		}
		var head struct {
			Name        string `json:"name"`
			ComputeType string `json:"computeType"`
		}
		_ = json.Unmarshal(body, &head)
		if isEndpointCreate(head.ComputeType) {
			s.handleEndpointCreate(w, r, body)
			return
		}
		if head.Name != "" && s.store.Has(kindEndpoint, head.Name) {
			writeMMSError(w, http.StatusConflict, "ServiceExists",
				"A service with name "+head.Name+" already exists (an AKS endpoint). Choose another name, or delete the endpoint first.")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		serviceHandler(w, r)
	}
}

// endpointViews returns the views of the endpoints matching a services list
// query (reference §5.5), sorted by name.
func (s *Server) endpointViews(q map[string][]string, expand bool) []endpointJSON {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if ct := get("computeType"); ct != "" && !isEndpointCreate(ct) {
		return nil
	}
	if get("imageName") != "" || get("imageId") != "" || get("imageDigest") != "" {
		return nil
	}
	var out []endpointJSON
	for _, raw := range s.store.List(kindEndpoint) {
		var rec endpointRecord
		if json.Unmarshal(raw, &rec) != nil || !endpointMatches(&rec, get("modelId"), get("modelName")) {
			continue
		}
		if !kvFilterMatches(get("tags"), rec.Spec.KvTags) || !kvFilterMatches(get("properties"), rec.Spec.Properties) {
			continue
		}
		out = append(out, s.endpointView(&rec, expand))
	}
	return out
}

// endpointMatches applies the model filters to every version.
func endpointMatches(rec *endpointRecord, modelID, modelName string) bool {
	if modelID == "" && modelName == "" {
		return true
	}
	for _, v := range rec.Versions {
		eir := v.Spec.EnvironmentImageRequest
		if eir == nil {
			continue
		}
		for _, id := range eir.ModelIDs {
			name, _, _ := strings.Cut(id, ":")
			if (modelID == "" || id == modelID) && (modelName == "" || name == modelName) {
				return true
			}
		}
	}
	return false
}
