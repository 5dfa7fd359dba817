package emulator

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// handleEndpointGet is GET {MMS}/services/{endpoint}[?expand=true].
func (s *Server) handleEndpointGet(w http.ResponseWriter, r *http.Request) {
	var rec endpointRecord
	if !s.store.Get(kindEndpoint, r.PathValue("name"), &rec) {
		serviceNotFound(w, r.PathValue("name"))
		return
	}
	writeJSON(w, http.StatusOK, s.endpointView(&rec, r.URL.Query().Get("expand") == "true"))
}

// handleEndpointDelete is DELETE {MMS}/services/{endpoint}: 200 once every
// version's replicas are stopped.
func (s *Server) handleEndpointDelete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var rec endpointRecord
	if !s.store.Get(kindEndpoint, name, &rec) {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.store.Delete(kindEndpoint, name)
	m := endpointsOf(s)
	m.stopAll(name, sortedVersionNames(rec.Versions))
	m.removeFiles(name, "")
	w.WriteHeader(http.StatusOK)
}

// handleEndpointLogs is GET {MMS}/services/{endpoint}/logs?tail=N&init=bool:
// the logs of every version, each line prefixed with its version name.
func (s *Server) handleEndpointLogs(w http.ResponseWriter, r *http.Request) {
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
	var rec endpointRecord
	if !s.store.Get(kindEndpoint, name, &rec) {
		serviceNotFound(w, name)
		return
	}
	m := endpointsOf(s)
	var b strings.Builder
	for _, vname := range sortedVersionNames(rec.Versions) {
		v := rec.Versions[vname]
		content := v.InitLog
		if !init {
			content = v.Log
			m.mu.Lock()
			l := m.live[liveKey(name, vname)]
			m.mu.Unlock()
			if l != nil {
				content = l.rt.Logs(0)
			}
		}
		for _, line := range strings.SplitAfter(content, "\n") {
			if line != "" {
				b.WriteString(vname + ": " + line)
			}
		}
		if content != "" && !strings.HasSuffix(content, "\n") {
			b.WriteString("\n")
		}
	}
	writeJSON(w, http.StatusOK, serviceLogsResponse{Content: lastLines(b.String(), tail)})
}

// handleEndpointListKeys is POST {MMS}/services/{endpoint}/listkeys.
func (s *Server) handleEndpointListKeys(w http.ResponseWriter, r *http.Request) {
	var rec endpointRecord
	if !s.store.Get(kindEndpoint, r.PathValue("name"), &rec) {
		serviceNotFound(w, r.PathValue("name"))
		return
	}
	s.noteIssued(SecretEndpointKey, rec.PrimaryKey, rec.SecondaryKey)
	writeJSON(w, http.StatusOK, serviceKeysResponse{PrimaryKey: rec.PrimaryKey, SecondaryKey: rec.SecondaryKey})
}

// handleEndpointRegenerateKeys is POST {MMS}/services/{endpoint}/regenerateKeys.
func (s *Server) handleEndpointRegenerateKeys(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	req, ok := decodeRegenerateKeys(w, r)
	if !ok {
		return
	}
	status, gen := http.StatusAccepted, 0
	opInProgress := ""
	_ = updateRecord(s.store, kindEndpoint, name, func(rec *endpointRecord, exists bool) (bool, error) {
		switch {
		case !exists:
			status = http.StatusNotFound
			return false, nil
		case rec.Busy:
			status, opInProgress = http.StatusConflict, rec.OperationID
			return false, nil
		}
		rec.Busy = true
		rec.Generation++
		gen = rec.Generation
		return true, nil
	})
	switch status {
	case http.StatusNotFound:
		serviceNotFound(w, name)
		return
	case http.StatusConflict:
		writeMMSError(w, status, "Conflict", fmt.Sprintf("An operation is already in progress for service %s (operation %s); wait for it to finish.", name, opInProgress))
		return
	}
	keyType, keyValue := req.KeyType, req.KeyValue
	m := endpointsOf(s)
	opID := s.ops.StartMMS("RegenerateKeys", func(ctx context.Context, log func(string), _ func(string, string)) error {
		found := false
		_ = updateRecord(s.store, kindEndpoint, name, func(rec *endpointRecord, exists bool) (bool, error) {
			if !exists || rec.Generation != gen {
				return false, nil
			}
			found = true
			v := newSecret(16)
			if keyValue != nil {
				v = *keyValue
			}
			if keyType == "Primary" {
				rec.PrimaryKey = v
			} else {
				rec.SecondaryKey = v
			}
			rec.Busy = false
			rec.Updated = nowUTC()
			return true, nil
		})
		if !found {
			return errOpCanceled
		}
		log(keyType + " key regenerated.")
		return nil
	}, withResourceLocation(s.mmsPrefix()+"/services/"+name))
	m.setOperation(name, gen, opID)
	w.Header().Set("Operation-Location", s.mmsOperationURL(opID))
	w.WriteHeader(http.StatusAccepted)
}

// handleEndpointToken is POST {MMS}/services/{endpoint}/token.
func (s *Server) handleEndpointToken(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var rec endpointRecord
	if !s.store.Get(kindEndpoint, name, &rec) {
		serviceNotFound(w, name)
		return
	}
	if !settingBool(rec.Spec.AadAuthEnabled, false) {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", fmt.Sprintf("Token authentication is not enabled for service %s; enable token auth (aadAuthEnabled) to get a token.", name))
		return
	}
	sm := servicesOf(s)
	now := nowUTC()
	expiry := now.Add(sm.tokenTTL)
	writeJSON(w, http.StatusOK, serviceTokenResponse{
		AccessToken:  sm.signToken(rec.authRecord(), expiry),
		TokenType:    "Bearer",
		RefreshAfter: now.Add(sm.tokenTTL / 2).Unix(),
		ExpiryOn:     expiry.Unix(),
	})
}
