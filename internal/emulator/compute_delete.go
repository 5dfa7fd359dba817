package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

// handleComputeDelete detaches or deletes a compute (underlyingResourceAction,
// case-insensitive). A missing compute answers 204, so a retried DELETE is harmless.
func (s *Server) handleComputeDelete(w http.ResponseWriter, r *http.Request) {
	if !checkComputeAPIVersion(w, r) {
		return
	}
	name := r.PathValue("name")
	action := strings.ToLower(r.URL.Query().Get("underlyingResourceAction"))
	if action != computeOpDelete && action != computeOpDetach {
		writeARMError(w, http.StatusBadRequest, "BadRequest",
			fmt.Sprintf("underlyingResourceAction %q is not one of Delete, Detach.", r.URL.Query().Get("underlyingResourceAction")))
		return
	}
	f := s.compute()
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := s.getCompute(name)
	switch {
	case !ok:
		w.WriteHeader(http.StatusNoContent)
		return
	case c.State == stateDeleting && c.OpKind == action:
		s.replyDelete(w, c.OpURL)
		return
	case c.inProgress():
		writeARMError(w, http.StatusConflict, "Conflict", fmt.Sprintf("An operation is in progress on compute %s (state %s); wait for it to finish.", name, c.State))
		return
	}
	if action == computeOpDelete && c.IsAttached {
		if cl, known := s.getCluster(c.ResourceID); !known || !cl.CreatedByWorkspace {
			writeARMError(w, http.StatusBadRequest, "BadRequest",
				fmt.Sprintf("Compute %s is a cluster attached to the workspace, not created by it; it cannot be deleted. Detach it instead.", name))
			return
		}
	}
	s.beginComputeOp(c, action, stateDeleting, "", func(cur *computeRecord) error {
		s.store.Delete(kindCompute, computeKey(cur.Name))
		if action == computeOpDelete {
			s.store.Delete(kindAKSCluster, clusterKey(cur.ResourceID))
		}
		return nil
	})
	s.replyDelete(w, c.OpURL)
}

func (s *Server) replyDelete(w http.ResponseWriter, opURL string) {
	w.Header().Set("Azure-AsyncOperation", opURL)
	w.Header().Set("Location", opURL)
	w.WriteHeader(http.StatusAccepted)
}
