package lro

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// maxErrorNesting bounds how many {"error":{…}} wrappers are unwrapped.
const maxErrorNesting = 8

// maxRawInMessage bounds how much of an unrecognised error body is quoted in
// error text.
const maxRawInMessage = 512

// ServiceError is an error object returned by the service, decoded from any of
// the shapes the v1 control plane uses:
//
//   - ARM: {"code","message","details":[{"code","message"}]}, reached through
//     {"error":{…}} wrappers, including the pre-2019 double nesting;
//   - model management: {"code","statusCode","message","details":[{"code",
//     "message","target"}],"correlation":{…}};
//   - a bare string, which becomes Message.
//
// It implements error and json.Unmarshaler, so other packages can embed
// *ServiceError in their own response types.
type ServiceError struct {
	// Code is the service error code, for example "DeploymentTimedOut".
	Code string
	// StatusCode is the HTTP status the service associates with the error
	// (model-management "statusCode"; 0 when absent).
	StatusCode int
	// Message is the human-readable message.
	Message string
	// Target is the element the error refers to, when given.
	Target string
	// Details lists the structured sub-errors.
	Details []ErrorDetail
	// Correlation holds the model-management correlation values (for example a
	// request id); nil when absent.
	Correlation map[string]string
	// Raw is the error JSON exactly as received (the outer value, before any
	// unwrapping).
	Raw json.RawMessage
}

// ErrorDetail is one entry of [ServiceError.Details].
type ErrorDetail struct {
	// Code is the detail's error code.
	Code string
	// Message is the detail's message.
	Message string
	// Target is the element the detail refers to, when given.
	Target string
}

// UnmarshalJSON decodes any of the shapes described on [ServiceError]. It
// fails only on invalid JSON.
func (e *ServiceError) UnmarshalJSON(b []byte) error {
	if !json.Valid(b) {
		return fmt.Errorf("lro: invalid service error JSON")
	}
	if d := decodeServiceError(b); d != nil {
		*e = *d
	} else {
		*e = ServiceError{}
	}
	return nil
}

// decodeServiceError decodes an error value leniently. It returns nil for
// JSON null.
func decodeServiceError(raw json.RawMessage) *ServiceError {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || isNull(raw) {
		return nil
	}
	e := &ServiceError{Raw: append(json.RawMessage(nil), raw...)}
	o, err := decodeObject(raw)
	if err != nil {
		// A string is a message; any other value is kept as its text.
		if s := scalarText(raw); s != "" {
			e.Message = s
		} else {
			e.Message = truncate(string(raw), maxRawInMessage)
		}
		return e
	}
	for range maxErrorNesting {
		inner := o.child("error")
		if inner == nil {
			break
		}
		o = inner
	}
	e.Code = o.str("code")
	e.Message = o.str("message")
	if e.Message == "" {
		// A nested "error" that is a plain string.
		e.Message = o.str("error")
	}
	e.Target = o.str("target")
	e.StatusCode = o.int("statusCode")
	if d, ok := o.get("details"); ok {
		var items []json.RawMessage
		if json.Unmarshal(d, &items) == nil {
			for _, it := range items {
				if det, ok := decodeDetail(it); ok {
					e.Details = append(e.Details, det)
				}
			}
		}
	}
	if c := o.child("correlation"); len(c) > 0 {
		e.Correlation = make(map[string]string, len(c))
		for k, v := range c {
			if isNull(v) {
				continue
			}
			if s := scalarText(v); s != "" {
				e.Correlation[k] = s
			} else {
				e.Correlation[k] = string(bytes.TrimSpace(v))
			}
		}
	}
	return e
}

// decodeDetail decodes one entry of "details"; a string entry becomes a
// message-only detail.
func decodeDetail(raw json.RawMessage) (ErrorDetail, bool) {
	if isNull(raw) {
		return ErrorDetail{}, false
	}
	o, err := decodeObject(raw)
	if err != nil {
		if s := scalarText(raw); s != "" {
			return ErrorDetail{Message: s}, true
		}
		return ErrorDetail{}, false
	}
	d := ErrorDetail{Code: o.str("code"), Message: o.str("message"), Target: o.str("target")}
	return d, d != ErrorDetail{}
}

// summary renders "Code: message" (or whichever half exists, or the raw JSON).
func (e *ServiceError) summary() string {
	switch {
	case e.Code != "" && e.Message != "":
		return e.Code + ": " + e.Message
	case e.Code != "":
		return e.Code
	case e.Message != "":
		return e.Message
	case len(e.Raw) > 0:
		return truncate(string(e.Raw), maxRawInMessage)
	}
	return "no error details"
}

// Error renders the summary line followed by one indented line per detail,
// the status code and the correlation values. Secrets that look like SAS
// signatures or bearer tokens are redacted.
func (e *ServiceError) Error() string {
	var b strings.Builder
	b.WriteString(e.summary())
	e.writeDetails(&b, "")
	return redactText(b.String())
}

// GoString implements fmt.GoStringer so that %#v shows the redacted text
// rather than the raw body.
func (e *ServiceError) GoString() string { return "&lro.ServiceError{" + e.Error() + "}" }

// writeDetails appends the multi-line part of Error, each line indented by
// indent plus two spaces.
func (e *ServiceError) writeDetails(b *strings.Builder, indent string) {
	if e.StatusCode != 0 {
		fmt.Fprintf(b, "\n%s  status code: %d", indent, e.StatusCode)
	}
	if e.Target != "" {
		fmt.Fprintf(b, "\n%s  target: %s", indent, e.Target)
	}
	for _, d := range e.Details {
		fmt.Fprintf(b, "\n%s  - %s", indent, d.String())
	}
	if len(e.Correlation) > 0 {
		keys := make([]string, 0, len(e.Correlation))
		for k := range e.Correlation {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, k+"="+e.Correlation[k])
		}
		fmt.Fprintf(b, "\n%s  correlation: %s", indent, strings.Join(parts, ", "))
	}
}

// String renders "Code: message (target: T)".
func (d ErrorDetail) String() string {
	s := d.Message
	switch {
	case d.Code != "" && d.Message != "":
		s = d.Code + ": " + d.Message
	case d.Code != "":
		s = d.Code
	}
	if d.Target != "" {
		s += " (target: " + d.Target + ")"
	}
	return s
}

// OperationError is returned by [Poller.Wait] and [Poller.Result] when an
// operation reached a terminal state other than Succeeded (Failed, Canceled,
// Cancelled or TimedOut). Reach it with errors.As; it unwraps to the
// service's [*ServiceError] when there is one.
type OperationError struct {
	// Kind is the polling style of the operation.
	Kind Kind
	// OperationID identifies the operation (see [Poller.OperationID]).
	OperationID string
	// State is the terminal state, as sent by the service.
	State string
	// OperationType is the MMS operation type, when known.
	OperationType string
	// SubOperationType is the MMS sub-operation that was running (for example
	// BuildEnvironment or DeployService), when known.
	SubOperationType string
	// SubOperationState is the state of that sub-operation, when known.
	SubOperationState string
	// OperationLog is the MMS operation log URL, verbatim (it may carry a SAS
	// signature; Error and GoString redact it).
	OperationLog string
	// Err is the service's error object; nil when the service sent none.
	Err *ServiceError
}

// Error renders a readable multi-line description, for example:
//
//	operation 1234 reached state Failed: ImageBuildFailure: image build failed
//	  status code: 400
//	  - CondaFailure: pip failed (target: environment)
//	  sub-operation: BuildEnvironment (Failed)
//	  more information can be found here: https://…/log.txt?sig=REDACTED
func (e *OperationError) Error() string {
	var b strings.Builder
	b.WriteString("operation")
	if e.OperationID != "" {
		b.WriteString(" " + e.OperationID)
	}
	fmt.Fprintf(&b, " reached state %s: ", orUnknown(e.State))
	if e.Err != nil {
		b.WriteString(e.Err.summary())
		e.Err.writeDetails(&b, "")
	} else {
		b.WriteString("no error message received from the service")
	}
	if e.OperationType != "" {
		fmt.Fprintf(&b, "\n  operation type: %s", e.OperationType)
	}
	if e.SubOperationType != "" || e.SubOperationState != "" {
		fmt.Fprintf(&b, "\n  sub-operation: %s (%s)", orUnknown(e.SubOperationType), orUnknown(e.SubOperationState))
	}
	switch {
	case isState(e.SubOperationType, "BuildEnvironment") || isState(e.SubOperationType, "BuildImage"):
		if e.OperationLog != "" {
			fmt.Fprintf(&b, "\n  more information can be found here: %s", redactURL(e.OperationLog))
		} else {
			b.WriteString("\n  the environment build failed; the service returned no build log location")
		}
	case isState(e.SubOperationType, "DeployService"):
		b.WriteString("\n  the deployment itself failed; fetch the service logs for the container output")
		if e.OperationLog != "" {
			fmt.Fprintf(&b, "\n  operation log: %s", redactURL(e.OperationLog))
		}
	default:
		if e.OperationLog != "" {
			fmt.Fprintf(&b, "\n  operation log: %s", redactURL(e.OperationLog))
		}
	}
	return redactText(b.String())
}

// GoString implements fmt.GoStringer so that %#v shows the redacted text.
func (e *OperationError) GoString() string { return "&lro.OperationError{" + e.Error() + "}" }

// Unwrap returns the service's error object, so errors.As can reach
// *ServiceError.
func (e *OperationError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// newOperationError builds the error for a non-success terminal status.
func newOperationError(opID string, s *Status) *OperationError {
	return &OperationError{
		Kind:              s.Kind,
		OperationID:       opID,
		State:             s.State,
		OperationType:     s.OperationType,
		SubOperationType:  s.SubOperationType,
		SubOperationState: s.SubOperationState,
		OperationLog:      s.OperationLog,
		Err:               s.Error,
	}
}

// truncate shortens s to at most n bytes, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
