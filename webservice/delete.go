package webservice

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/internal/lro"
)

// preflightTimeout bounds the validate call of an update or delete.
const preflightTimeout = 30 * time.Second

func lroOperationID(location string) (string, error) { return lro.OperationIDFromLocation(location) }

// DeleteOptions tunes Delete. A nil *DeleteOptions means the defaults.
type DeleteOptions struct {
	// Wait tunes the wait when the service deletes asynchronously.
	Wait *WaitOptions
}

// Delete deletes the service (DELETE {MMS}/services/{name}) and, when the
// service answers with an operation, waits for it. Deleting a service that
// does not exist is not an error (204/404), so Delete is safe to repeat.
func (s *AksWebservice) Delete(ctx context.Context, opts *DeleteOptions) error {
	if opts == nil {
		opts = &DeleteOptions{}
	}
	_ = s.preflightDelete(ctx) // informational only; never blocks a delete
	req, err := runtime.NewRequest(ctx, http.MethodDelete, s.ws.MMSURL("/services/"+url.PathEscape(s.name)))
	if err != nil {
		return err
	}
	resp, err := s.ws.Pipeline().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNoContent, http.StatusNotFound:
	case http.StatusAccepted:
		if loc := resp.Header.Get("Operation-Location"); loc != "" {
			if err := s.waitPlain(ctx, "Delete", loc, opts.Wait); err != nil {
				return err
			}
		}
	default:
		return runtime.NewResponseError(resp)
	}
	s.scoreMu.Lock()
	if s.scorer != nil {
		s.scorer.CloseIdleConnections()
	}
	s.scoreMu.Unlock()
	return nil
}
