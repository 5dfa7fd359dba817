package endpoint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/internal/lro"
	"github.com/azureml-go/azureml/internal/pipeline"
	"github.com/azureml-go/azureml/model"
)

// preflightTimeout bounds the validate call of an update (reference §7.4).
const preflightTimeout = 30 * time.Second

// sendPatch sends a JSON Patch to PATCH {MMS}/services/{endpoint} after the
// best-effort pre-flight validation, and returns the operation's location:
// the Operation-Location of a 202, or {MMS}/operations/{operationId} of a 200
// (reference §5.8). The PATCH is retried only when the service refused it
// outright (429, 503) or the connection failed before it was sent.
func (e *AksEndpoint) sendPatch(ctx context.Context, ops []patchOp, skipPreflight bool) (string, error) {
	body, err := marshalPatch(ops)
	if err != nil {
		return "", err
	}
	if !skipPreflight {
		if err := e.preflightUpdate(ctx, body); err != nil {
			return "", err
		}
	}
	req, err := runtime.NewRequest(ctx, http.MethodPatch, e.ws.MMSURL("/services/"+url.PathEscape(e.name)))
	if err != nil {
		return "", err
	}
	if err := req.SetBody(readSeekNopCloser{bytes.NewReader(body)}, patchContentType); err != nil {
		return "", err
	}
	resp, err := e.ws.Pipeline().Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusAccepted:
		if loc := resp.Header.Get("Operation-Location"); loc != "" {
			return loc, nil
		}
		return "", errors.New("endpoint: the service accepted the update but sent no Operation-Location header")
	case http.StatusOK:
		raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return "", err
		}
		var out struct {
			OperationID string `json:"operationId"`
		}
		if json.Unmarshal(raw, &out) == nil && out.OperationID != "" {
			return e.ws.MMSURL("/operations/" + url.PathEscape(out.OperationID)), nil
		}
		if loc := resp.Header.Get("Operation-Location"); loc != "" {
			return loc, nil
		}
		return "", errors.New("endpoint: the service answered the update without an operation id")
	}
	return "", runtime.NewResponseError(resp)
}

// preflightUpdate is POST {MMS}/services/validate for an Update (reference
// §3.5, §5.8). As in azureml-core it is best-effort: transport errors, HTTP
// errors and non-200 answers are ignored; only a 200 answer carrying
// error.message stops the update, as a *model.PreflightError.
func (e *AksEndpoint) preflightUpdate(ctx context.Context, patch []byte) error {
	body, err := json.Marshal(struct {
		Type          string          `json:"type"`
		ServiceName   string          `json:"serviceName"`
		CreateRequest json.RawMessage `json:"createRequest"`
		UpdateRequest json.RawMessage `json:"updateRequest"`
	}{"Update", e.name, json.RawMessage("null"), patch})
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(pipeline.WithIdempotent(ctx), preflightTimeout)
	defer cancel()
	req, err := runtime.NewRequest(ctx, http.MethodPost, e.ws.MMSURL("/services/validate"))
	if err != nil {
		return nil
	}
	if err := req.SetBody(readSeekNopCloser{bytes.NewReader(body)}, "application/json"); err != nil {
		return nil
	}
	resp, err := e.ws.Pipeline().Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil
	}
	var out struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(raw, &out) != nil || out.Error == nil || out.Error.Message == "" {
		return nil
	}
	return &model.PreflightError{Check: "validate", Code: out.Error.Code, Message: out.Error.Message}
}

type readSeekNopCloser struct{ *bytes.Reader }

func (readSeekNopCloser) Close() error { return nil }

// operationID is the last path segment of an operation location.
func operationID(location string) string {
	id, _ := lro.OperationIDFromLocation(location)
	return id
}
