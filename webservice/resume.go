package webservice

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/azureml-go/azureml/workspace"
)

// ErrInvalidResumeToken is matched by the error of ResumeDeployment for a
// token that OperationResumeToken did not produce.
var ErrInvalidResumeToken = errors.New("webservice: invalid resume token")

// resumeToken is the JSON inside a resume token.
type resumeToken struct {
	Version   int    `json:"v"`
	Service   string `json:"service"`
	Operation string `json:"operation"`
}

const resumeTokenVersion = 1

func encodeResumeToken(service, location string) (string, error) {
	id, err := lroOperationID(location)
	if err != nil {
		return "", fmt.Errorf("webservice: resume token for service %s: %w", service, err)
	}
	b, err := json.Marshal(resumeToken{Version: resumeTokenVersion, Service: service, Operation: id})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// OperationResumeToken returns an opaque token for the wait on the service's
// last create or update operation (the one WaitForDeployment waits for), from
// which ResumeDeployment continues the wait, possibly in another process. It
// holds the service name and the operation id, no credential.
func (s *AksWebservice) OperationResumeToken() (string, error) {
	s.mu.RLock()
	loc := s.operationLocation
	if loc == "" && s.snap.wire.OperationID != "" {
		loc = "/operations/" + s.snap.wire.OperationID
	}
	s.mu.RUnlock()
	if loc == "" {
		return "", fmt.Errorf("webservice: service %s has no deployment operation to resume", s.name)
	}
	return encodeResumeToken(s.name, loc)
}

// ResumeToken returns an opaque token for the wait on this operation; see
// AksWebservice.OperationResumeToken.
func (o *Operation) ResumeToken() (string, error) { return encodeResumeToken(o.svc.name, o.location) }

// ResumeDeployment continues, possibly in another process, a wait whose token
// OperationResumeToken (or Operation.ResumeToken) returned: it reads the
// service (GET {MMS}/services/{name}) and returns it bound to the operation,
// so that WaitForDeployment waits for that operation, with the usual
// DeploymentError and logs when it fails. A token that is not one is an
// error matching ErrInvalidResumeToken, before any request; a service that
// no longer exists matches ErrNotFound.
func ResumeDeployment(ctx context.Context, ws *workspace.Workspace, token string) (*AksWebservice, error) {
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(token))
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url", ErrInvalidResumeToken)
	}
	var rt resumeToken
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rt); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidResumeToken, err)
	}
	switch {
	case rt.Version != resumeTokenVersion:
		return nil, fmt.Errorf("%w: version %d, want %d", ErrInvalidResumeToken, rt.Version, resumeTokenVersion)
	case checkName(rt.Service) != nil:
		return nil, fmt.Errorf("%w: service name %q", ErrInvalidResumeToken, rt.Service)
	case rt.Operation == "" || strings.ContainsAny(rt.Operation, "/?#%") || strings.TrimSpace(rt.Operation) != rt.Operation:
		return nil, fmt.Errorf("%w: operation id %q", ErrInvalidResumeToken, rt.Operation)
	}
	if ws == nil {
		return nil, errors.New("webservice: ResumeDeployment needs a workspace")
	}
	svc, err := Get(ctx, ws, rt.Service)
	if err != nil {
		return nil, err
	}
	svc.mu.Lock()
	svc.operationLocation = "/operations/" + url.PathEscape(rt.Operation)
	svc.mu.Unlock()
	return svc, nil
}
