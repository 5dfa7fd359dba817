package emulator

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/azureml-go/azureml/internal/emulator/runtime"
)

// headerModelVersion names the version that answered a scoring request.
const headerModelVersion = "azureml-model-version"

// endpointForScoring reads the endpoint and checks the caller's credentials,
// answering 404/401 itself.
func (s *Server) endpointForScoring(w http.ResponseWriter, r *http.Request) (*endpointRecord, bool) {
	setScoringRequestID(w, r)
	name := r.PathValue("name")
	var rec endpointRecord
	if !s.store.Get(kindEndpoint, name, &rec) {
		http.Error(w, fmt.Sprintf("Service %s not found.", name), http.StatusNotFound)
		return nil, false
	}
	if !s.scoringAuth(w, r, rec.authRecord()) {
		return nil, false
	}
	return &rec, true
}

// handleEndpointScore is POST {base}/api/v1/service/{endpoint}/score: the
// request goes to a version chosen at random in proportion to the effective
// traffic plan (explicit percentiles; the remainder to the default version),
// among the versions that can serve.
func (s *Server) handleEndpointScore(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.endpointForScoring(w, r)
	if !ok {
		return
	}
	m := endpointsOf(s)
	weights := effectiveWeights(rec.Versions, func(v string) bool {
		return rec.Versions[v].State == serviceHealthy && rec.Versions[v].Deployed != nil
	})
	version := pickVersion(weights)
	if version == "" {
		http.Error(w, fmt.Sprintf("No version of endpoint %s can serve (state %s).", rec.Name, rec.State), http.StatusServiceUnavailable)
		return
	}
	s.scoreVersion(w, r, m, rec, version)
}

// handleEndpointVersionScore is POST
// {base}/api/v1/service/{endpoint}/versions/{version}/score: the scoringUri
// of one version (each version object of the endpoint GET carries it), which
// bypasses the traffic plan — for example to smoke-test a version at 0%.
func (s *Server) handleEndpointVersionScore(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.endpointForScoring(w, r)
	if !ok {
		return
	}
	version := r.PathValue("version")
	if rec.Versions[version] == nil {
		http.Error(w, fmt.Sprintf("Version %s of endpoint %s not found.", version, rec.Name), http.StatusNotFound)
		return
	}
	s.scoreVersion(w, r, endpointsOf(s), rec, version)
}

// scoreVersion sends the request to one version's replicas.
func (s *Server) scoreVersion(w http.ResponseWriter, r *http.Request, m *endpointManager, rec *endpointRecord, version string) {
	w.Header().Set(headerModelVersion, version)
	rt := m.running(r.Context(), rec.Name, version)
	if rt == nil {
		http.Error(w, fmt.Sprintf("No ready replicas for version %s of endpoint %s (state %s).", version, rec.Name, rec.Versions[version].State), http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxScoringBody))
	if err != nil {
		http.Error(w, "cannot read the request body", http.StatusBadRequest)
		return
	}
	res, err := rt.Score(r.Context(), body, r.Header)
	if errors.Is(err, runtime.ErrStopped) {
		// An update swapped the replicas while this request waited: use the new ones.
		if rt = m.running(r.Context(), rec.Name, version); rt != nil {
			res, err = rt.Score(r.Context(), body, r.Header)
		}
	}
	if err != nil || res == nil {
		if r.Context().Err() == nil {
			http.Error(w, fmt.Sprintf("No ready replicas for version %s of endpoint %s.", version, rec.Name), http.StatusServiceUnavailable)
		}
		return
	}
	writeScoringResult(w, rec.Name+"/"+version, res)
}

// handleEndpointSwagger is GET {base}/api/v1/service/{endpoint}/swagger.json:
// the default version's document.
func (s *Server) handleEndpointSwagger(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.endpointForScoring(w, r)
	if !ok {
		return
	}
	def := ""
	for _, n := range sortedVersionNames(rec.Versions) {
		if rec.Versions[n].IsDefault {
			def = n
		}
	}
	s.versionSwagger(w, r, rec, def)
}

// handleEndpointVersionSwagger is GET .../versions/{version}/swagger.json.
func (s *Server) handleEndpointVersionSwagger(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.endpointForScoring(w, r)
	if !ok {
		return
	}
	s.versionSwagger(w, r, rec, r.PathValue("version"))
}

func (s *Server) versionSwagger(w http.ResponseWriter, r *http.Request, rec *endpointRecord, version string) {
	if rec.Versions[version] == nil {
		http.Error(w, fmt.Sprintf("Version %q of endpoint %s not found.", version, rec.Name), http.StatusNotFound)
		return
	}
	rt := endpointsOf(s).running(r.Context(), rec.Name, version)
	if rt == nil {
		http.Error(w, fmt.Sprintf("No ready replicas for version %s of endpoint %s.", version, rec.Name), http.StatusServiceUnavailable)
		return
	}
	doc, err := rt.Swagger(r.Context())
	if err != nil {
		http.Error(w, "swagger.json is unavailable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set(headerModelVersion, version)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(doc)
}
