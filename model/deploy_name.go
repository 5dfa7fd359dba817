package model

import (
	"fmt"
	"regexp"
)

// serviceNameRule is azureml-core's webservice_name_validation pattern
// (reference §3.3); the length is checked separately.
var serviceNameRule = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

// MaxModelsPerDeployment is the service's limit on models per deployment
// (per container).
const MaxModelsPerDeployment = 1000

// ValidateServiceName reports whether name is a valid web service name:
// lowercase letters, numbers or dashes, starting with a letter, ending with a
// letter or number, 3 to 32 characters long. The error text matches
// azureml-core's.
func ValidateServiceName(name string) error {
	if len(name) >= 3 && len(name) <= 32 && serviceNameRule.MatchString(name) {
		return nil
	}
	return FieldError{Field: "name", Message: fmt.Sprintf("service name %q is invalid: web service names must only consist of lowercase letters, numbers, or dashes, start with a letter, end with a letter or number, and be between 3 and 32 characters long", name)}
}
