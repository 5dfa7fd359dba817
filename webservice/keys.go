package webservice

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/internal/lro"
	"github.com/azureml-go/azureml/internal/pipeline"
	"github.com/azureml-go/azureml/workspace"
)

// KeyType names one of a service's two keys.
type KeyType string

// The two service keys.
const (
	KeyPrimary   KeyType = "Primary"
	KeySecondary KeyType = "Secondary"
)

// GetKeys returns the service's primary and secondary keys (POST
// {MMS}/services/{name}/listkeys).
func (s *AksWebservice) GetKeys(ctx context.Context) (auth.ServiceKeys, error) {
	raw, err := s.post(pipeline.WithIdempotent(ctx), "/listkeys", nil, http.StatusOK)
	if err != nil {
		return auth.ServiceKeys{}, err
	}
	var out struct {
		PrimaryKey   *string `json:"primaryKey"`
		SecondaryKey *string `json:"secondaryKey"`
	}
	if err := json.Unmarshal(raw.body, &out); err != nil {
		return auth.ServiceKeys{}, errors.New("webservice: unreadable listkeys response")
	}
	switch {
	case out.PrimaryKey == nil:
		return auth.ServiceKeys{}, errors.New("webservice: invalid response key: primaryKey")
	case out.SecondaryKey == nil:
		return auth.ServiceKeys{}, errors.New("webservice: invalid response key: secondaryKey")
	}
	return auth.ServiceKeys{Primary: auth.NewSecret(*out.PrimaryKey), Secondary: auth.NewSecret(*out.SecondaryKey)}, nil
}

// RegenKeyOptions tunes RegenKey. A nil *RegenKeyOptions means the defaults.
type RegenKeyOptions struct {
	// Value sets the key to this value instead of a generated one.
	Value auth.Secret
	// Wait tunes the wait for the regeneration operation.
	Wait *WaitOptions
}

// OperationError is returned when an operation other than a deployment
// (key regeneration, deletion) ends in a state other than Succeeded.
type OperationError struct {
	// Operation names it, e.g. "RegenerateKeys".
	Operation string
	// OperationID and State identify it and its terminal state.
	OperationID, State string
	// Err is the service's error, nil when it sent none.
	Err *ServiceError
}

// Error renders azureml-core's wording.
func (e *OperationError) Error() string {
	msg := "no error message received from the service"
	if e.Err != nil {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("webservice: %s operation %s ended in state %q with message %q", e.Operation, e.OperationID, e.State, msg)
}

// Unwrap returns the service's error.
func (e *OperationError) Unwrap() error {
	if e.Err == nil {
		return nil
	}
	return e.Err
}

// RegenKey regenerates one key (POST {MMS}/services/{name}/regenerateKeys)
// and waits for the operation. The service then accepts the new key only;
// Run picks it up by itself. A key other than KeyPrimary or KeySecondary, or a
// blank RegenKeyOptions.Value, is a *ValidationError before any request.
//
// The POST is never sent twice: a second one would replace the key again.
// When its answer is lost (the connection broke after it was sent,
// RetryOptions.TryTimeout, truncated JSON) and RegenKeyOptions.Value was set,
// RegenKey waits for the operation the service started and checks that the
// key has the value; otherwise the error matches workspace.ErrOutcomeUnknown
// and says how to check.
func (s *AksWebservice) RegenKey(ctx context.Context, key KeyType, opts *RegenKeyOptions) error {
	if opts == nil {
		opts = &RegenKeyOptions{}
	}
	var ps problems
	if key != KeyPrimary && key != KeySecondary {
		ps.add("key", "key_type", fmt.Sprintf("must be %q or %q (KeyPrimary or KeySecondary), got %q", KeyPrimary, KeySecondary, key))
	}
	if !opts.Value.IsZero() && strings.TrimSpace(opts.Value.Reveal()) == "" {
		ps.add("RegenKeyOptions.Value", "key_value", "must not be blank: leave it unset to let the service generate the key")
	}
	if err := ps.err(); err != nil {
		return err
	}
	body := struct {
		KeyType  KeyType `json:"keyType"`
		KeyValue *string `json:"keyValue"`
	}{KeyType: key}
	if !opts.Value.IsZero() {
		v := opts.Value.Reveal()
		body.KeyValue = &v
	}
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	before := s.serviceOperationID()
	resp, err := s.post(ctx, "/regenerateKeys", b, http.StatusOK, http.StatusAccepted)
	if errors.Is(err, workspace.ErrOutcomeUnknown) {
		s.invalidateCredential()
		return s.regenOutcome(ctx, key, opts, before, err)
	}
	if err != nil {
		return err
	}
	loc := resp.header.Get("Operation-Location")
	if loc == "" {
		return errors.New("webservice: missing operation location from the regenerateKeys response header")
	}
	if err := s.waitPlain(ctx, "RegenerateKeys", loc, opts.Wait); err != nil {
		return err
	}
	s.invalidateCredential()
	return nil
}

// regenOutcome settles a regeneration whose answer was lost; the request is
// never sent twice (a second one would replace the key again). With a chosen
// value the outcome can be proven: when the service names a new operation,
// it is waited for and the key compared with the value. Otherwise the error
// matches workspace.ErrOutcomeUnknown and says how to check.
func (s *AksWebservice) regenOutcome(ctx context.Context, key KeyType, opts *RegenKeyOptions, before string, lost error) error {
	howToCheck := "read the keys with GetKeys and regenerate again only if the " + string(key) + " key did not change (while the regeneration runs the service refuses another operation with 409)"
	if opts.Value.IsZero() {
		return fmt.Errorf("webservice: the answer to the regenerateKeys request of service %s was lost, so the %s key may or may not have been regenerated: %s: %w", s.name, key, howToCheck, lost)
	}
	loc, err := s.startedOperation(ctx, "regenerateKeys", before, howToCheck, lost)
	if err != nil {
		return err
	}
	if err := s.waitPlain(ctx, "RegenerateKeys", loc, opts.Wait); err != nil {
		return err
	}
	keys, err := s.GetKeys(ctx)
	if err != nil {
		return fmt.Errorf("webservice: the answer to the regenerateKeys request of service %s was lost and reading the keys failed (%v): %s: %w", s.name, err, howToCheck, lost)
	}
	got := keys.Primary
	if key == KeySecondary {
		got = keys.Secondary
	}
	if !got.Equal(opts.Value) {
		return fmt.Errorf("webservice: the answer to the regenerateKeys request of service %s was lost and the %s key is not the value asked for: %s: %w", s.name, key, howToCheck, lost)
	}
	return nil
}

// waitPlain waits for a non-deployment operation.
func (s *AksWebservice) waitPlain(ctx context.Context, name, location string, opts *WaitOptions) error {
	if opts == nil {
		opts = &WaitOptions{}
	}
	p, err := lro.NewMMS(s.ws.Pipeline(), s.ws.MMSURL(""), location, &lro.Options{Frequency: opts.PollFrequency, PollTimeout: opts.PollTimeout})
	if err != nil {
		return err
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	_, err = p.Wait(ctx)
	var oe *lro.OperationError
	if errors.As(err, &oe) {
		return &OperationError{Operation: name, OperationID: oe.OperationID, State: oe.State, Err: fromLRO(oe.Err)}
	}
	return err
}

// GetAccessToken returns a scoring token of a service with token auth (POST
// {MMS}/services/{name}/token). Request a new one after RefreshAfter; Run
// does so by itself.
func (s *AksWebservice) GetAccessToken(ctx context.Context) (auth.AccessToken, error) {
	resp, err := s.post(pipeline.WithIdempotent(ctx), "/token", nil, http.StatusOK)
	if err != nil {
		return auth.AccessToken{}, err
	}
	return parseAccessToken(resp.body)
}

// parseAccessToken decodes {"accessToken","tokenType","refreshAfter","expiryOn"};
// the times are Unix epoch seconds. All four keys are required.
func parseAccessToken(raw []byte) (auth.AccessToken, error) {
	var out struct {
		AccessToken  *string      `json:"accessToken"`
		TokenType    *string      `json:"tokenType"`
		RefreshAfter *json.Number `json:"refreshAfter"`
		ExpiryOn     *json.Number `json:"expiryOn"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return auth.AccessToken{}, errors.New("webservice: unreadable token response")
	}
	var missing []string
	if out.AccessToken == nil {
		missing = append(missing, "accessToken")
	}
	if out.TokenType == nil {
		missing = append(missing, "tokenType")
	}
	if out.RefreshAfter == nil {
		missing = append(missing, "refreshAfter")
	}
	if out.ExpiryOn == nil {
		missing = append(missing, "expiryOn")
	}
	if len(missing) > 0 {
		return auth.AccessToken{}, fmt.Errorf("webservice: invalid token response, missing %v", missing)
	}
	refresh, err1 := epoch(*out.RefreshAfter)
	expiry, err2 := epoch(*out.ExpiryOn)
	if err := errors.Join(err1, err2); err != nil {
		return auth.AccessToken{}, fmt.Errorf("webservice: invalid token times: %w", err)
	}
	return auth.AccessToken{Token: auth.NewSecret(*out.AccessToken), TokenType: *out.TokenType, RefreshAfter: refresh, ExpiresOn: expiry}, nil
}

func epoch(n json.Number) (time.Time, error) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return time.Unix(i, 0), nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f < 0 || f > 1e11 {
		return time.Time{}, fmt.Errorf("%q is not epoch seconds", n)
	}
	return time.Unix(int64(f), 0), nil
}

// rawResponse is a read response.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

// post sends POST {MMS}/services/{name}{suffix} with an optional JSON body.
func (s *AksWebservice) post(ctx context.Context, suffix string, body []byte, ok ...int) (*rawResponse, error) {
	req, err := runtime.NewRequest(ctx, http.MethodPost, s.ws.MMSURL("/services/"+url.PathEscape(s.name)+suffix))
	if err != nil {
		return nil, err
	}
	if body != nil {
		if err := req.SetBody(newBody(body), "application/json"); err != nil {
			return nil, err
		}
	}
	resp, err := s.ws.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, notFound(s.name, runtime.NewResponseError(resp))
	}
	if !runtime.HasStatusCode(resp, ok...) {
		return nil, runtime.NewResponseError(resp)
	}
	b, err := runtime.Payload(resp)
	if err != nil {
		return nil, err
	}
	return &rawResponse{status: resp.StatusCode, header: resp.Header, body: b}, nil
}
