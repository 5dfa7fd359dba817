package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// ErrTruncatedResponse is matched (errors.Is) by the error of a call whose
// successful (2xx) response declared a JSON body but carried one that is not
// valid JSON — typically cut short on the way. See [TruncatedResponseError].
var ErrTruncatedResponse = errors.New("pipeline: the JSON body of a successful response is truncated or malformed")

// TruncatedResponseError reports a 2xx response whose Content-Type is JSON
// and whose body is not valid JSON. The request reached the server, so its
// effect may have happened even though its answer is unreadable.
//
// GET, PUT and DELETE calls (and calls made with [WithIdempotent]) are
// retried on such a response and get this error only when every attempt
// failed. A POST or PATCH is not repeated: the caller gets this error at once
// and may find out what happened by reading the resource. Response keeps the
// status line and headers (Location, Operation-Location, …) as received, and
// the bytes that did arrive as its Body; its Request is nil.
type TruncatedResponseError struct {
	// Method is the HTTP method of the call.
	Method string
	// StatusCode is the response status.
	StatusCode int
	// Received is the number of body bytes that arrived.
	Received int
	// Response is the response as received, with the partial body.
	Response *http.Response
}

func newTruncatedResponseError(method string, resp *http.Response, body []byte) *TruncatedResponseError {
	kept := *resp
	kept.Request = nil
	kept.Header = resp.Header.Clone()
	kept.Body = io.NopCloser(bytes.NewReader(body))
	return &TruncatedResponseError{Method: method, StatusCode: resp.StatusCode, Received: len(body), Response: &kept}
}

func (e *TruncatedResponseError) Error() string {
	return fmt.Sprintf("pipeline: %s got HTTP %d with a truncated or malformed JSON body (%d bytes received); the request reached the server and may have taken effect",
		e.Method, e.StatusCode, e.Received)
}

// Is makes errors.Is(err, ErrTruncatedResponse) true.
func (e *TruncatedResponseError) Is(target error) bool { return target == ErrTruncatedResponse }

// truncatedJSON reports whether a 2xx response declares JSON but its
// (complete) body is not valid JSON. An empty body is no content, not a
// truncated one.
func truncatedJSON(resp *http.Response, body []byte) bool {
	if resp.StatusCode < 200 || resp.StatusCode > 299 || !isJSONMediaType(resp.Header.Get("Content-Type")) {
		return false
	}
	body = bytes.TrimSpace(body)
	return len(body) > 0 && !json.Valid(body)
}

// isJSONMediaType reports application/json, text/json and any +json type.
func isJSONMediaType(contentType string) bool {
	if contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json")
}
