package emulator

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/azureml-go/azureml/internal/emulator/runtime"
)

// maxScoringBody bounds one scoring request.
const maxScoringBody = 100 << 20

// scoringAuth checks the Authorization header the way an AKS service does:
// "Bearer <primary or secondary key>" with key auth, "Bearer <token>" with
// token auth, nothing with neither. It writes 401 and returns false when the
// request is not allowed.
func (s *Server) scoringAuth(w http.ResponseWriter, r *http.Request, rec *serviceRecord) bool {
	st := rec.Spec.settings(s.opts.WorkspaceName)
	if !st.AuthEnabled && !st.AadAuthEnabled {
		return true
	}
	cred, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	cred = strings.TrimSpace(cred)
	allowed := false
	if ok && cred != "" {
		switch {
		case st.AuthEnabled:
			allowed = subtle.ConstantTimeCompare([]byte(cred), []byte(rec.PrimaryKey)) == 1 ||
				subtle.ConstantTimeCompare([]byte(cred), []byte(rec.SecondaryKey)) == 1
		case st.AadAuthEnabled:
			allowed = servicesOf(s).verifyToken(rec, cred, time.Now())
		}
	}
	if !allowed {
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+rec.Name+`"`)
		http.Error(w, "Unauthorized: the Authorization header is missing, malformed, or carries an invalid or expired key or token.", http.StatusUnauthorized)
	}
	return allowed
}

// requestID echoes the caller's x-ms-client-request-id or makes one up.
func setScoringRequestID(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("x-ms-client-request-id")
	if id == "" || len(id) > 128 {
		id = newUUID()
	}
	w.Header().Set("x-ms-request-id", id)
}

// servingRuntime finds the service and its replicas, answering 404/401/503
// itself when there is nothing to call.
func (s *Server) servingRuntime(w http.ResponseWriter, r *http.Request) (*serviceRecord, *runtime.Service, bool) {
	setScoringRequestID(w, r)
	name := r.PathValue("name")
	var rec serviceRecord
	if !s.store.Get(kindService, name, &rec) {
		http.Error(w, fmt.Sprintf("Service %s not found.", name), http.StatusNotFound)
		return nil, nil, false
	}
	if !s.scoringAuth(w, r, &rec) {
		return nil, nil, false
	}
	rt := servicesOf(s).running(r.Context(), name)
	if rt == nil {
		http.Error(w, fmt.Sprintf("No ready replicas for service %s (state %s).", name, rec.State), http.StatusServiceUnavailable)
		return nil, nil, false
	}
	return &rec, rt, true
}

// handleScore is POST {base}/api/v1/service/{name}/score.
func (s *Server) handleScore(w http.ResponseWriter, r *http.Request) {
	rec, rt, ok := s.servingRuntime(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxScoringBody))
	if err != nil {
		http.Error(w, "cannot read the request body", http.StatusBadRequest)
		return
	}
	res, err := rt.Score(r.Context(), body, r.Header)
	if errors.Is(err, runtime.ErrStopped) {
		// A redeploy swapped the replicas while this request waited: use the new ones.
		if rt = servicesOf(s).running(r.Context(), rec.Name); rt != nil {
			res, err = rt.Score(r.Context(), body, r.Header)
		}
	}
	if err != nil || res == nil {
		if r.Context().Err() == nil {
			http.Error(w, fmt.Sprintf("No ready replicas for service %s.", rec.Name), http.StatusServiceUnavailable)
		}
		return
	}
	writeScoringResult(w, rec.Name, res)
}

// writeScoringResult maps a replica's answer to what the AKS router sends:
// run() exceptions become 502 with X-Ms-Run-Function-Failed, a full queue
// 429, a timeout 504 and a lost replica 502/503.
func writeScoringResult(w http.ResponseWriter, name string, res *runtime.Result) {
	h := w.Header()
	switch res.Outcome {
	case runtime.OutcomeOK:
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(res.Body)
	case runtime.OutcomeModelError:
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("X-Ms-Run-Function-Failed", "True")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write(res.Body)
	case runtime.OutcomeQueueFull:
		http.Error(w, fmt.Sprintf("Too many requests for service %s (overloaded): %s", name, res.Body), http.StatusTooManyRequests)
	case runtime.OutcomeTimeout:
		http.Error(w, fmt.Sprintf("Scoring request to service %s timed out: %s", name, res.Body), http.StatusGatewayTimeout)
	default:
		http.Error(w, fmt.Sprintf("Service %s: %s", name, res.Body), res.Status)
	}
}

// handleSwagger is GET {base}/api/v1/service/{name}/swagger.json.
func (s *Server) handleSwagger(w http.ResponseWriter, r *http.Request) {
	_, rt, ok := s.servingRuntime(w, r)
	if !ok {
		return
	}
	doc, err := rt.Swagger(r.Context())
	if err != nil {
		http.Error(w, "swagger.json is unavailable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(doc)
}
