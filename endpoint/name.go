package endpoint

import (
	"fmt"
	"regexp"
)

// Name limits shared by endpoints and versions: the service-name rule of
// azureml-core (reference §3.3), which AksEndpoint.deploy_configuration also
// applies to version names (§6.1).
const (
	MinNameLength = 3
	MaxNameLength = 32
)

var namePattern = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

// nameProblem returns why name breaks the service-name rule, or "".
func nameProblem(name string) string {
	switch {
	case name == "":
		return "is required"
	case len(name) < MinNameLength || len(name) > MaxNameLength:
		return fmt.Sprintf("must be between %d and %d characters long, got %d", MinNameLength, MaxNameLength, len(name))
	case !namePattern.MatchString(name):
		return "must contain only lowercase letters, numbers, or dashes, start with a letter, and end with a letter or number"
	}
	return ""
}

// ValidateVersionName reports whether name is a valid version (or endpoint)
// name: 3–32 characters, lowercase letters, numbers or dashes, starting with a
// letter and ending with a letter or number. The error is a *PlanError.
func ValidateVersionName(name string) error {
	if p := nameProblem(name); p != "" {
		return &PlanError{Problems: []PlanProblem{{Rule: RuleVersionName, Version: name, Message: "version name " + quoteName(name) + " " + p}}}
	}
	return nil
}

// quoteName quotes a user-supplied name for messages, keeping control
// characters visible.
func quoteName(name string) string {
	const limit = 64
	if len(name) > limit {
		name = name[:limit] + "…"
	}
	return fmt.Sprintf("%q", name)
}

// displayName shows a valid name as is and quotes any other, so that odd
// characters stay visible in explanations.
func displayName(name string) string {
	if nameProblem(name) == "" {
		return name
	}
	return quoteName(name)
}
