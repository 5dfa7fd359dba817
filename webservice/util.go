package webservice

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// decodeJSON decodes a response body, naming the problem on failure.
func decodeJSON(raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("webservice: unreadable response from the service: %w", err)
	}
	return nil
}

// notFound wraps the 404 of name so that it matches ErrNotFound and still
// unwraps to the *azcore.ResponseError.
func notFound(name string, respErr error) error {
	return fmt.Errorf("%w: web service %s: %w", ErrNotFound, name, respErr)
}

// bodyReader is a request body azcore can rewind for a retry.
type bodyReader struct{ *bytes.Reader }

func (bodyReader) Close() error { return nil }

func newBody(b []byte) io.ReadSeekCloser { return bodyReader{bytes.NewReader(b)} }
