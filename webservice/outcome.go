package webservice

import (
	"context"
	"fmt"
	"net/url"
)

// serviceOperationID returns the operationId the service reported in the
// last read (not the location this handle remembers).
func (s *AksWebservice) serviceOperationID() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snap.wire.OperationID
}

// startedOperation handles a change request (update PATCH, regenerateKeys
// POST) whose answer was lost; such requests are never sent twice. It reads
// the service again: when the service now names an operation other than
// before, the request took effect and that operation is returned. Otherwise
// the error matches workspace.ErrOutcomeUnknown and says how to check.
func (s *AksWebservice) startedOperation(ctx context.Context, what, before, howToCheck string, lost error) (string, error) {
	if err := s.Refresh(ctx); err != nil {
		return "", fmt.Errorf("webservice: the answer to the %s request of service %s was lost, and reading the service failed too (%v): %s: %w", what, s.name, err, howToCheck, lost)
	}
	if after := s.serviceOperationID(); after != "" && after != before {
		return "/operations/" + url.PathEscape(after), nil
	}
	return "", fmt.Errorf("webservice: the answer to the %s request of service %s was lost, and the service shows no new operation (yet): it did not take effect, or the service is still working on it; %s: %w", what, s.name, howToCheck, lost)
}
