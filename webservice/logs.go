package webservice

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/internal/pipeline"
)

// DefaultLogTail is the number of lines GetLogs asks for by default
// (azureml-core's num_lines).
const DefaultLogTail = 5000

// LogOptions tunes GetLogs. A nil *LogOptions means the defaults.
type LogOptions struct {
	// Tail is the number of lines from the end; 0 means DefaultLogTail.
	Tail int
	// Init selects the init-container (model download) log instead of the
	// inference server's.
	Init bool
}

// GetLogs returns the service's container log (GET
// {MMS}/services/{name}/logs?tail=N&init=bool).
func (s *AksWebservice) GetLogs(ctx context.Context, opts *LogOptions) (string, error) {
	if opts == nil {
		opts = &LogOptions{}
	}
	tail := opts.Tail
	if tail < 0 {
		return "", errors.New("webservice: LogOptions.Tail must not be negative")
	}
	if tail == 0 {
		tail = DefaultLogTail
	}
	q := url.Values{"tail": {strconv.Itoa(tail)}, "init": {strconv.FormatBool(opts.Init)}}
	req, err := runtime.NewRequest(pipeline.WithIdempotent(ctx), http.MethodGet, s.ws.MMSURL("/services/"+url.PathEscape(s.name)+"/logs?"+q.Encode()))
	if err != nil {
		return "", err
	}
	resp, err := s.ws.Pipeline().Do(req)
	if err != nil {
		return "", err
	}
	if resp.StatusCode == http.StatusNotFound {
		return "", notFound(s.name, runtime.NewResponseError(resp))
	}
	if resp.StatusCode >= 400 {
		return "", runtime.NewResponseError(resp)
	}
	raw, err := runtime.Payload(resp)
	if err != nil {
		return "", err
	}
	var out struct {
		Content *string `json:"content"`
	}
	if err := decodeJSON(raw, &out); err != nil {
		return "", err
	}
	if out.Content == nil {
		return "", errors.New(`webservice: invalid logs response, missing "content"`)
	}
	return *out.Content, nil
}
