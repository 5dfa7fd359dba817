package pipeline

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// headerErrorCode is the header runtime.NewResponseError prefers for ErrorCode.
const headerErrorCode = "X-Ms-Error-Code"

// errorCodePolicy copies the service error code from an error response body
// into x-ms-error-code when the service did not send that header, so that
// *azcore.ResponseError.ErrorCode is filled for every shape the services use.
// azcore's own body parsing covers {error:{code}} and a top-level string
// "code", but not the double-nested ARM form {error:{error:{code}}} nor an
// MMS body whose "error" member is not an object.
func errorCodePolicy(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if err != nil || resp == nil || resp.StatusCode < http.StatusBadRequest {
		return resp, err
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	if resp.Header.Get(headerErrorCode) != "" {
		return resp, nil
	}
	body, perr := runtime.Payload(resp)
	if perr != nil {
		return resp, nil // runtime.NewResponseError reports the read failure
	}
	if code := ErrorCode(body); code != "" {
		resp.Header.Set(headerErrorCode, code)
	}
	return resp, nil
}

// ErrorCode extracts the service error code from an error body:
// {"error":{"code":…}} (ARM, history), {"error":{"error":{"code":…}}}
// (double-nested ARM operation errors), or a top-level "code" string
// (model management: {"code","statusCode","message","details"}). It returns
// "" when body is not a JSON object or names no code.
func ErrorCode(body []byte) string {
	return errorCodeAt(body, 0)
}

// maxErrorNesting bounds how deep "error" members are followed.
const maxErrorNesting = 3

func errorCodeAt(body []byte, depth int) string {
	body = bytes.TrimSpace(body)
	if depth > maxErrorNesting || len(body) == 0 || body[0] != '{' {
		return ""
	}
	var n struct {
		Code  json.RawMessage `json:"code"`
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &n) != nil {
		return ""
	}
	// A nested error object is more specific than a top-level code.
	if code := errorCodeAt(n.Error, depth+1); code != "" {
		return code
	}
	var code string
	if json.Unmarshal(n.Code, &code) != nil {
		return ""
	}
	return code
}
