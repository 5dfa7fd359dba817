package emulator

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// handleServiceListKeys is POST {MMS}/services/{name}/listkeys (no body).
func (s *Server) handleServiceListKeys(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var rec serviceRecord
	if !s.store.Get(kindService, name, &rec) {
		serviceNotFound(w, name)
		return
	}
	s.noteIssued(SecretServiceKey, rec.PrimaryKey, rec.SecondaryKey)
	writeJSON(w, http.StatusOK, serviceKeysResponse{PrimaryKey: rec.PrimaryKey, SecondaryKey: rec.SecondaryKey})
}

// handleServiceRegenerateKeys is POST {MMS}/services/{name}/regenerateKeys:
// 202 + Operation-Location; the operation replaces one key.
func (s *Server) handleServiceRegenerateKeys(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	req, ok := decodeRegenerateKeys(w, r)
	if !ok {
		return
	}
	status, msg, gen := http.StatusAccepted, "", 0
	err := updateRecord(s.store, kindService, name, func(rec *serviceRecord, exists bool) (bool, error) {
		switch {
		case !exists:
			status = http.StatusNotFound
			return false, nil
		case rec.Busy:
			status, msg = http.StatusConflict, fmt.Sprintf("An operation is already in progress for service %s (operation %s); wait for it to finish.", name, rec.OperationID)
			return false, nil
		}
		rec.Busy = true
		rec.Generation++
		gen = rec.Generation
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
		writeMMSError(w, status, "Conflict", msg)
		return
	}
	keyType, keyValue := req.KeyType, req.KeyValue
	opID := s.ops.StartMMS("RegenerateKeys", func(ctx context.Context, log func(string), _ func(string, string)) error {
		found := false
		_ = updateRecord(s.store, kindService, name, func(rec *serviceRecord, exists bool) (bool, error) {
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
			rec.Updated = time.Now().UTC()
			return true, nil
		})
		if !found {
			return errOpCanceled
		}
		log(keyType + " key regenerated.")
		return nil
	}, withResourceLocation(s.mmsPrefix()+"/services/"+name))
	servicesOf(s).setOperation(name, gen, opID)
	w.Header().Set("Operation-Location", s.mmsOperationURL(opID))
	w.WriteHeader(http.StatusAccepted)
}

// handleServiceToken is POST {MMS}/services/{name}/token: a scoring token for
// a service with token auth.
func (s *Server) handleServiceToken(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var rec serviceRecord
	if !s.store.Get(kindService, name, &rec) {
		serviceNotFound(w, name)
		return
	}
	if !rec.Spec.settings(s.opts.WorkspaceName).AadAuthEnabled {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", fmt.Sprintf("Token authentication is not enabled for service %s; enable token auth (aadAuthEnabled) to get a token.", name))
		return
	}
	m := servicesOf(s)
	now := time.Now()
	expiry := now.Add(m.tokenTTL)
	writeJSON(w, http.StatusOK, serviceTokenResponse{
		AccessToken:  m.signToken(&rec, expiry),
		TokenType:    "Bearer",
		RefreshAfter: now.Add(m.tokenTTL / 2).Unix(),
		ExpiryOn:     expiry.Unix(),
	})
}

// signToken issues a token for the service's current incarnation:
// base64url("{incarnation}.{expiry unix}.{hmac}").
func (m *serviceManager) signToken(rec *serviceRecord, expiry time.Time) string {
	payload := rec.Incarnation + "." + strconv.FormatInt(expiry.Unix(), 10)
	token := base64.RawURLEncoding.EncodeToString([]byte(payload + "." + m.tokenMAC(rec.Name, payload)))
	m.s.noteIssued(SecretAccessToken, token)
	return token
}

func (m *serviceManager) tokenMAC(name, payload string) string {
	h := hmac.New(sha256.New, m.tokenKey)
	h.Write([]byte(name + "|" + payload))
	return hex.EncodeToString(h.Sum(nil))
}

// verifyToken reports whether token is a valid, unexpired token of rec.
func (m *serviceManager) verifyToken(rec *serviceRecord, token string, now time.Time) bool {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return false
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != 3 {
		return false
	}
	payload := parts[0] + "." + parts[1]
	if subtle.ConstantTimeCompare([]byte(parts[2]), []byte(m.tokenMAC(rec.Name, payload))) != 1 {
		return false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	return err == nil && parts[0] == rec.Incarnation && now.Unix() < exp
}

// decodeRegenerateKeys reads a regenerateKeys body strictly and checks it; on a bad
// body it writes the 400 and reports false.
func decodeRegenerateKeys(w http.ResponseWriter, r *http.Request) (regenerateKeysRequest, bool) {
	var req regenerateKeysRequest
	if !decodeMMS(w, r, &req) {
		return req, false
	}
	if req.KeyType != "Primary" && req.KeyType != "Secondary" {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", fmt.Sprintf("keyType must be Primary or Secondary, got %q", req.KeyType))
		return req, false
	}
	if req.KeyValue != nil && strings.TrimSpace(*req.KeyValue) == "" {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", "keyValue must not be empty; send null to generate a key")
		return req, false
	}
	return req, true
}
