package webservice

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/azureml-go/azureml/internal/pipeline"
)

// ErrorSource says which side of a scoring call failed.
type ErrorSource int

const (
	// SourceUnknown: the response does not tell.
	SourceUnknown ErrorSource = iota
	// SourceModel: the entry script's run() raised (the service marked the
	// response with X-Ms-Run-Function-Failed). Retrying will not help.
	SourceModel
	// SourceRouter: the service's front end refused or lost the request
	// (overloaded, no ready replica, timeout, not found). Often transient.
	SourceRouter
	// SourceAuth: the credential was refused (401/403).
	SourceAuth
)

// String names the source.
func (s ErrorSource) String() string {
	switch s {
	case SourceModel:
		return "model"
	case SourceRouter:
		return "router"
	case SourceAuth:
		return "auth"
	}
	return "unknown"
}

// ScoringError is a scoring call that did not return 200. Reach it with
// errors.As.
type ScoringError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Source says whether the model, the router or the credential failed.
	Source ErrorSource
	// Message is the response body (truncated), for a model error the
	// exception raised by run().
	Message string
	// RequestID is the service's x-ms-request-id, for support requests.
	RequestID string
	// RetryAfter is the wait the service asked for (retry-after-ms,
	// x-ms-retry-after-ms or Retry-After, in seconds or as an HTTP-date), 0
	// when none.
	RetryAfter time.Duration
}

// maxScoringErrorBody bounds the body kept in a ScoringError.
const maxScoringErrorBody = 4 << 10

// Error describes the failure without any credential.
func (e *ScoringError) Error() string {
	var why string
	switch e.Source {
	case SourceModel:
		why = "the model's run() raised an exception; see the message and GetLogs"
	case SourceAuth:
		why = "the key or token was refused"
	case SourceRouter:
		switch e.StatusCode {
		case http.StatusTooManyRequests:
			why = "the service is overloaded: every replica is busy beyond the queue wait"
		case http.StatusGatewayTimeout:
			why = "run() did not answer within the scoring timeout"
		case http.StatusServiceUnavailable:
			why = "no ready replica"
		case http.StatusNotFound:
			why = "no such service at this scoring URI"
		default:
			why = "the service's front end failed"
		}
	default:
		why = "unexpected response"
	}
	s := fmt.Sprintf("webservice: scoring failed with %d (%s, %s)", e.StatusCode, e.Source, why)
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RequestID != "" {
		s += " [request id " + e.RequestID + "]"
	}
	return s
}

// newScoringError classifies a non-200 scoring response.
func newScoringError(resp *http.Response, body []byte) *ScoringError {
	e := &ScoringError{StatusCode: resp.StatusCode, RequestID: resp.Header.Get("x-ms-request-id")}
	msg := strings.TrimSpace(string(body))
	if len(msg) > maxScoringErrorBody {
		msg = msg[:maxScoringErrorBody] + "…"
	}
	e.Message = msg
	switch {
	case strings.EqualFold(resp.Header.Get("X-Ms-Run-Function-Failed"), "true"):
		e.Source = SourceModel
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		e.Source = SourceAuth
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusServiceUnavailable,
		resp.StatusCode == http.StatusGatewayTimeout, resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusNotFound:
		e.Source = SourceRouter
	}
	e.RetryAfter = pipeline.RetryAfter(resp) // retry-after-ms, x-ms-retry-after-ms or Retry-After (seconds or HTTP-date)
	return e
}
