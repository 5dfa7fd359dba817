package model

import (
	"fmt"
	"regexp"
)

// nameRule is azureml-core's model_name_validation pattern (reference §3.1).
// Go's $ matches only at the end of the text, so unlike Python's re a trailing
// newline is rejected too.
var nameRule = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9\-._]{0,254}$`)

// ValidateName reports whether name is a valid model name: letters, numbers,
// dashes, periods or underscores, starting with a letter or number, 1 to 255
// characters long. The error text matches azureml-core's.
func ValidateName(name string) error {
	if nameRule.MatchString(name) {
		return nil
	}
	return FieldError{Field: "name", Message: fmt.Sprintf("model name %q is invalid: model names must only include letters, numbers, dashes, periods, or underscores, start with a letter or number, and be between 1 and 255 characters long", name)}
}
