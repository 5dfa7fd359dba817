package lro

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
)

// Status is one decoded operation-status body.
type Status struct {
	// Kind is the polling style the body was decoded as.
	Kind Kind
	// ID is the operation id reported in the body: MMS "id"; ARM "name", else
	// the last segment of "id". It may be empty; see [Poller.OperationID].
	ID string
	// State is the MMS "state" or ARM "status" value, as sent.
	State string
	// OperationType is the MMS "operationType" (for example "Deploy").
	OperationType string
	// CreatedTime is the MMS "createdTime" or ARM "startTime" (UTC; zero when
	// absent or unparsable).
	CreatedTime time.Time
	// EndTime is "endTime" (UTC; zero when absent or unparsable).
	EndTime time.Time
	// Error is the operation's error object, nil when there is none.
	Error *ServiceError
	// ResourceLocation is the MMS "resourceLocation" (path of the affected resource).
	ResourceLocation string
	// OperationLog is the MMS "operationLog", usually a URL to the image-build
	// log. It may carry a SAS signature: it is redacted in String, GoString
	// and error text, but kept verbatim here so that callers can fetch it.
	OperationLog string
	// SubOperationType is operationDetails.subOperationType (for example
	// BuildEnvironment, BuildImage, DeployService).
	SubOperationType string
	// SubOperationState is operationDetails.subOperationState.
	SubOperationState string
	// ParentRequestID is the MMS "parentRequestId".
	ParentRequestID string
	// StreamingLog is the raw "streamingOperationLog" chunk of this response
	// (entries after the requested offset), "" when absent.
	StreamingLog string
	// Raw is the complete response body.
	Raw json.RawMessage
}

// Terminal reports whether the status is a terminal state for its kind.
func (s Status) Terminal() bool { return s.Kind.IsTerminal(s.State) }

// Succeeded reports whether the status is the Succeeded terminal state.
func (s Status) Succeeded() bool { return isState(s.State, StateSucceeded) }

// String summarises the status on one line; the operation log URL is redacted.
func (s Status) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s operation", s.Kind)
	if s.ID != "" {
		fmt.Fprintf(&b, " %s", s.ID)
	}
	fmt.Fprintf(&b, " state %s", orUnknown(s.State))
	if s.SubOperationType != "" || s.SubOperationState != "" {
		fmt.Fprintf(&b, " (sub-operation %s: %s)", orUnknown(s.SubOperationType), orUnknown(s.SubOperationState))
	}
	if s.Error != nil {
		fmt.Fprintf(&b, ", error %s", s.Error.summary())
	}
	if s.OperationLog != "" {
		fmt.Fprintf(&b, ", log %s", redactURL(s.OperationLog))
	}
	return redactText(b.String())
}

// GoString implements fmt.GoStringer so that %#v does not print the raw body
// or an unredacted operation log URL.
func (s Status) GoString() string { return "lro.Status{" + s.String() + "}" }

// orUnknown returns s, or "unknown" when s is empty.
func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// DecodeStatus decodes an operation-status body of the given kind. It accepts
// any JSON object whose state field ("status" for ARM, "state" for MMS; case
// of the key ignored) is a non-empty string; every other field is optional and
// read leniently (a field of an unexpected type is ignored, numbers given as
// strings are accepted). Invalid JSON, a non-object body, or a missing or
// non-string state yield an error; DecodeStatus never panics.
func DecodeStatus(kind Kind, body []byte) (*Status, error) {
	if !kind.valid() {
		return nil, fmt.Errorf("lro: unknown operation kind %q", kind)
	}
	o, err := decodeObject(body)
	if err != nil {
		return nil, fmt.Errorf("lro: decoding %s operation status: %w", kind, err)
	}
	stateKey := "state"
	if kind == KindARM {
		stateKey = "status"
	}
	rawState, ok := o.get(stateKey)
	if !ok {
		return nil, fmt.Errorf("lro: decoding %s operation status: missing %q", kind, stateKey)
	}
	var state string
	if err := json.Unmarshal(rawState, &state); err != nil {
		return nil, fmt.Errorf("lro: decoding %s operation status: %q is not a string", kind, stateKey)
	}
	state = strings.TrimSpace(state)
	if state == "" {
		return nil, fmt.Errorf("lro: decoding %s operation status: empty %q", kind, stateKey)
	}
	s := &Status{
		Kind:    kind,
		State:   state,
		EndTime: o.time("endTime"),
		Raw:     append(json.RawMessage(nil), body...),
	}
	if rawErr, ok := o.get("error"); ok {
		s.Error = decodeServiceError(rawErr)
	}
	switch kind {
	case KindARM:
		s.ID = o.str("name")
		if s.ID == "" {
			if id := strings.TrimRight(o.str("id"), "/"); id != "" {
				s.ID = path.Base(id)
			}
		}
		s.CreatedTime = o.time("startTime")
	case KindMMS:
		s.ID = o.str("id")
		s.OperationType = o.str("operationType")
		s.CreatedTime = o.time("createdTime")
		s.ResourceLocation = o.str("resourceLocation")
		s.OperationLog = o.str("operationLog")
		s.ParentRequestID = o.str("parentRequestId")
		s.StreamingLog = o.str("streamingOperationLog")
		if d := o.child("operationDetails"); d != nil {
			s.SubOperationType = d.str("subOperationType")
			s.SubOperationState = d.str("subOperationState")
		}
	}
	return s, nil
}

// ErrInvalidResumeToken is wrapped by the error [Resume] returns for a token
// that is malformed, from another poller type or version, or incomplete.
var ErrInvalidResumeToken = errors.New("lro: invalid resume token")
