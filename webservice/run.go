package webservice

import (
	"context"
	"errors"
)

// Run scores input with the service (azureml-core run): it POSTs input to
// the scoring URI with the service's key or token and returns the response
// body. The first call reads the keys (or a token); later calls make no
// control-plane request, except to refresh a token after its RefreshAfter
// or once after a 401. Failures are *ScoringError.
func (s *AksWebservice) Run(ctx context.Context, input []byte) ([]byte, error) {
	c, err := s.ScoringClient(ctx)
	if err != nil {
		return nil, err
	}
	return c.Score(ctx, input)
}

// ScoringClient returns the service's scoring client (created on first use,
// then shared), authenticated the way the service requires.
func (s *AksWebservice) ScoringClient(ctx context.Context) (*ScoringClient, error) {
	s.scoreMu.Lock()
	defer s.scoreMu.Unlock()
	if s.scorer != nil {
		return s.scorer, nil
	}
	uri := s.ScoringURI()
	if uri == "" {
		if err := s.Refresh(ctx); err != nil {
			return nil, err
		}
		if uri = s.ScoringURI(); uri == "" {
			return nil, errors.New("webservice: scoring_uri unavailable: the service has no scoring URI yet (state " + string(s.State()) + ")")
		}
	}
	if s.cred == nil {
		s.cred = newServiceCredential(s)
	}
	c, err := NewScoringClient(uri, s.cred, nil)
	if err != nil {
		return nil, err
	}
	s.scorer = c
	return c, nil
}

// ScoringCredential returns the credential Run uses: it follows the
// service's auth mode (primary key, access token or none) and refreshes
// itself. Pass it to NewScoringClient to score from elsewhere.
func (s *AksWebservice) ScoringCredential() ScoringCredential {
	s.scoreMu.Lock()
	defer s.scoreMu.Unlock()
	if s.cred == nil {
		s.cred = newServiceCredential(s)
	}
	return s.cred
}

// invalidateCredential makes the next Run re-read keys or token.
func (s *AksWebservice) invalidateCredential() {
	s.scoreMu.Lock()
	cred := s.cred
	s.scoreMu.Unlock()
	if cred != nil {
		cred.forget()
	}
}
