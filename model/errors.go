package model

import (
	"errors"
	"strings"
)

// ErrNotFound is wrapped by the error Get and GetByName return when no model
// of that id, or name and version, exists. When the service answered 404,
// errors.As also reaches its *azcore.ResponseError.
var ErrNotFound = errors.New("model not found")

// FieldError is one validation problem: the field it concerns and the rule it
// breaks.
type FieldError struct {
	// Field names the offending input, e.g. "name" or "Environment.Docker.BaseImage".
	Field string
	// Message states the rule that is broken.
	Message string
}

// Error implements error.
func (e FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// ValidationError lists every problem found in a call's input. It is returned
// before any network request is made.
type ValidationError struct {
	// Op is the call that was validated, e.g. "Register".
	Op string
	// Problems holds every problem found, in a stable order.
	Problems []FieldError
}

// Error implements error.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("model: invalid ")
	b.WriteString(e.Op)
	b.WriteString(" input: ")
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// problems collects FieldErrors; its err method returns nil when there are none.
type problems []FieldError

func (p *problems) add(field, msg string) { *p = append(*p, FieldError{Field: field, Message: msg}) }

func (p *problems) merge(err error) {
	var ve *ValidationError
	if errors.As(err, &ve) {
		*p = append(*p, ve.Problems...)
	} else if err != nil {
		*p = append(*p, FieldError{Message: err.Error()})
	}
}

func (p problems) err(op string) error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Op: op, Problems: append([]FieldError(nil), p...)}
}
