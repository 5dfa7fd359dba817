package workspace

import (
	"fmt"
	"strings"

	"github.com/azureml-go/azureml/internal/pipeline"
)

// NotFoundError reports that Azure Resource Manager has no such workspace. errors.As
// reaches the underlying *azcore.ResponseError through Unwrap.
type NotFoundError struct {
	SubscriptionID, ResourceGroup, Name string
	// Err is the *azcore.ResponseError of the 404.
	Err error
}

// Error implements error.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("workspace not found: %s in resource group %s of subscription %s (check the names and that your credential can see the subscription)", e.Name, e.ResourceGroup, e.SubscriptionID)
}

// Unwrap returns the HTTP error.
func (e *NotFoundError) Unwrap() error { return e.Err }

// ConfigError reports every problem found in the workspace identity or configuration
// file, before any request is sent.
type ConfigError struct {
	// Path is the configuration file, when the problems come from one.
	Path string
	// Problems lists each problem, naming its field.
	Problems []string
}

// Error implements error.
func (e *ConfigError) Error() string {
	prefix := "invalid workspace configuration"
	if e.Path != "" {
		prefix += " in " + e.Path
	}
	if len(e.Problems) == 1 {
		return prefix + ": " + e.Problems[0]
	}
	return prefix + ":\n  - " + strings.Join(e.Problems, "\n  - ")
}

// ErrOutcomeUnknown is matched (errors.Is) by the error of a create or change
// that the SDK does not repeat on its own (a POST or PATCH such as model
// registration, service creation, key regeneration or a service update) when
// the request reached the service but its answer was lost: the connection
// broke after the request was sent, the attempt timed out (RetryOptions.TryTimeout)
// or the answer's JSON arrived cut short. The service may have acted on it.
// Where the resource can be identified the SDK reads it back and adopts it by
// itself; when it cannot, the error says what to read (a model list, a
// service's keys or state) before trying again.
var ErrOutcomeUnknown = pipeline.ErrOutcomeUnknown
