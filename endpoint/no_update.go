package endpoint

import (
	"errors"

	"github.com/azureml-go/azureml/webservice"
)

// errNoUpdate is matched (errors.Is) by the error of an Update or
// UpdateVersion that changes nothing; IsNoUpdate tests for it.
var errNoUpdate = errors.New("endpoint: no parameters provided to update")

// noUpdateError is the error of an Update or UpdateVersion with nothing to
// change: bad input like any other, so it is a *webservice.ValidationError
// (errors.As reaches it), and it also matches errNoUpdate (IsNoUpdate).
type noUpdateError struct {
	ve *webservice.ValidationError
}

// newNoUpdateError names the empty argument and the fields that could be set.
func newNoUpdateError(field, settable string) error {
	return &noUpdateError{ve: &webservice.ValidationError{Problems: []webservice.Problem{{
		Field: field,
		Rule:  "is empty: nothing to update (no parameters provided to update); set " + settable,
	}}}}
}

func (e *noUpdateError) Error() string   { return e.ve.Error() }
func (e *noUpdateError) Unwrap() []error { return []error{e.ve, errNoUpdate} }

// IsNoUpdate reports whether err says that an Update or UpdateVersion was
// called with nothing to change. Such an error is also a
// *webservice.ValidationError.
func IsNoUpdate(err error) bool {
	return errors.Is(err, errNoUpdate)
}
