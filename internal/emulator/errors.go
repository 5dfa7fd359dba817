package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// maxRequestBody bounds what decodeStrict reads, so a runaway client cannot
// exhaust the emulator's memory with one JSON body.
const maxRequestBody = 32 << 20

// armError is the common ARM error body: {"error":{"code","message","details"}}
// (reference §7.1, ErrorResponseWrapper).
type armError struct {
	Error armErrorBody `json:"error"`
}

type armErrorBody struct {
	Code    string           `json:"code"`
	Message string           `json:"message"`
	Details []armErrorDetail `json:"details,omitempty"`
}

type armErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// mmsError is the model-management ModelErrorResponse shape (reference §7.1).
type mmsError struct {
	Code       string           `json:"code"`
	StatusCode int              `json:"statusCode"`
	Message    string           `json:"message"`
	Details    []mmsErrorDetail `json:"details"`
}

type mmsErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target,omitempty"`
}

// historyError is the run-history / artifact service shape: {"error": RootError{...}}
// (reference §7.1). Only the fields a client reads are filled.
type historyError struct {
	Error historyRootError `json:"error"`
}

type historyRootError struct {
	Code     string `json:"code"`
	Severity *int   `json:"severity"`
	Message  string `json:"message"`
}

// writeJSON writes v as a JSON body with the given status. A value that cannot
// be encoded is a bug in the emulator; it becomes a 500 rather than a half body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "emulator: cannot encode response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeARMError writes an ARM / RP error: {"error":{"code","message"}}.
func writeARMError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, armError{Error: armErrorBody{Code: code, Message: msg}})
}

// writeMMSError writes a model-management error: {"code","statusCode","message","details":[]}.
func writeMMSError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, mmsError{Code: code, StatusCode: status, Message: msg, Details: []mmsErrorDetail{}})
}

// writeHistoryError writes an artifact / run-history error: {"error":{"code","severity","message"}}.
func writeHistoryError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, historyError{Error: historyRootError{Code: code, Message: msg}})
}

// errEmptyBody is returned by decodeStrict when the request has no body at all.
var errEmptyBody = errors.New("request body is empty")

// decodeStrict decodes the JSON request body into v, rejecting unknown fields, keys
// whose case differs from the json tag,
// trailing data and bodies over 32 MiB. The caller writes the 400 in the error
// shape of its route family (or uses decodeARM / decodeMMS / decodeHistory).
func decodeStrict(r *http.Request, v any) error {
	if r.Body == nil {
		return errEmptyBody
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		return fmt.Errorf("reading request body: %w", err)
	}
	if len(body) > maxRequestBody {
		return fmt.Errorf("request body exceeds %d bytes", maxRequestBody)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errEmptyBody
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid JSON body: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return errors.New("invalid JSON body: unexpected data after the top-level value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("invalid JSON body: unexpected data after the top-level value")
	}
	// encoding/json matches names ignoring case; the service does not, so a misspelt
	// "agentVMSize" must not pass as agentVmSize.
	if err := exactKeys(body, reflect.TypeOf(v), ""); err != nil {
		return fmt.Errorf("invalid JSON body: %w", err)
	}
	return nil
}

// decodeARM decodes strictly and, on failure, writes a 400 ARM error with code
// InvalidRequestContent. It reports whether the handler may continue.
func decodeARM(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := decodeStrict(r, v); err != nil {
		writeARMError(w, http.StatusBadRequest, "InvalidRequestContent", err.Error())
		return false
	}
	return true
}

// decodeMMS decodes strictly and, on failure, writes a 400 model-management
// error with code BadArgument. It reports whether the handler may continue.
func decodeMMS(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := decodeStrict(r, v); err != nil {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", err.Error())
		return false
	}
	return true
}

// decodeHistory decodes strictly and, on failure, writes a 400 history-service
// error with code UserError. It reports whether the handler may continue.
func decodeHistory(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := decodeStrict(r, v); err != nil {
		writeHistoryError(w, http.StatusBadRequest, "UserError", err.Error())
		return false
	}
	return true
}
