package model

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/internal/pipeline"
	"github.com/azureml-go/azureml/workspace"
)

// Timeouts of the pre-flight validation calls (reference §7.4).
const (
	preflightNameTimeout     = 5 * time.Second
	preflightValidateTimeout = 30 * time.Second
	preflightResourceTimeout = 15 * time.Second
)

// PreflightError is returned by Deploy when a pre-flight validation call of
// the service (reference §3.5) rejected the deployment before it was created.
type PreflightError struct {
	// Check is the call that failed: "name", "validate" or "resource".
	Check string
	// Code is the service's error code, when it sent one.
	Code string
	// Message is the service's explanation.
	Message string
}

// Error implements error.
func (e *PreflightError) Error() string {
	s := "model: deployment rejected by the service's pre-flight " + e.Check + " check: " + e.Message
	if e.Code != "" {
		s += " (" + e.Code + ")"
	}
	return s
}

// preflight sends one validation call. As azureml-core does, it is
// best-effort: transport errors, HTTP errors and non-200 answers are ignored;
// only a 200 answer carrying error.message rejects the deployment.
func preflight(ctx context.Context, ws *workspace.Workspace, check, path string, body []byte, timeout time.Duration) error {
	_, err := preflightPassed(ctx, ws, check, path, body, timeout)
	return err
}

// preflightPassed is preflight that also reports whether the service
// answered and accepted (200 without an error object).
func preflightPassed(ctx context.Context, ws *workspace.Workspace, check, path string, body []byte, timeout time.Duration) (bool, error) {
	ctx, cancel := context.WithTimeout(pipeline.WithIdempotent(ctx), timeout)
	defer cancel()
	req, err := runtime.NewRequest(ctx, http.MethodPost, ws.MMSURL(path))
	if err != nil {
		return false, nil
	}
	if err := req.SetBody(streamingNopCloser(body), "application/json"); err != nil {
		return false, nil
	}
	resp, err := ws.Pipeline().Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return false, nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return false, nil
	}
	var out struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &out) != nil {
		return false, nil
	}
	if out.Error == nil || out.Error.Message == "" {
		return true, nil
	}
	return false, &PreflightError{Check: check, Code: out.Error.Code, Message: out.Error.Message}
}

func streamingNopCloser(b []byte) io.ReadSeekCloser {
	return readSeekNopCloser{bytes.NewReader(b)}
}

type readSeekNopCloser struct{ *bytes.Reader }

func (readSeekNopCloser) Close() error { return nil }

// preflightName is POST {MMS}/services/validate/name/{name} with body {}.
func preflightName(ctx context.Context, ws *workspace.Workspace, name string) error {
	_, err := preflightNameFree(ctx, ws, name)
	return err
}

// preflightNameFree is preflightName that also reports whether the service
// confirmed that no service has the name.
func preflightNameFree(ctx context.Context, ws *workspace.Workspace, name string) (free bool, err error) {
	return preflightPassed(ctx, ws, "name", "/services/validate/name/"+url.PathEscape(name), []byte("{}"), preflightNameTimeout)
}

// preflightCreate is POST {MMS}/services/validate for a Create.
func preflightCreate(ctx context.Context, ws *workspace.Workspace, name string, createBody []byte) error {
	body, err := json.Marshal(struct {
		Type          string          `json:"type"`
		ServiceName   string          `json:"serviceName"`
		CreateRequest json.RawMessage `json:"createRequest"`
		UpdateRequest json.RawMessage `json:"updateRequest"`
	}{"Create", name, createBody, json.RawMessage("null")})
	if err != nil {
		return nil
	}
	return preflight(ctx, ws, "validate", "/services/validate", body, preflightValidateTimeout)
}

// preflightResource is POST {MMS}/services/validate/resource with the create body.
func preflightResource(ctx context.Context, ws *workspace.Workspace, createBody []byte) error {
	return preflight(ctx, ws, "resource", "/services/validate/resource", createBody, preflightResourceTimeout)
}
