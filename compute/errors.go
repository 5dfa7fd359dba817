package compute

import (
	"errors"
	"fmt"
	"strings"

	"github.com/azureml-go/azureml/internal/lro"
)

// ErrNotFound is matched (errors.Is) by a *NotFoundError.
var ErrNotFound = errors.New("compute: not found")

// ErrNoOperation is returned by WaitForCompletion on a compute that has no operation
// in progress known to this process (for example one obtained with Get), and when a PUT or
// DELETE answer carries no Azure-AsyncOperation header to poll.
var ErrNoOperation = errors.New("compute: no long-running operation to wait for")

// NotFoundError reports that the workspace has no compute of that name
// (ComputeTargetNotFound). errors.As also reaches the *azcore.ResponseError of the 404
// through Unwrap, and errors.Is(err, ErrNotFound) is true.
type NotFoundError struct {
	// Name is the compute name that was looked up.
	Name string
	// Workspace is the workspace name.
	Workspace string
	// Err is the *azcore.ResponseError of the 404.
	Err error
}

// Error implements error.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("compute: ComputeTargetNotFound: compute target %q not found in workspace %s", e.Name, e.Workspace)
}

// Unwrap returns the HTTP error.
func (e *NotFoundError) Unwrap() error { return e.Err }

// Is reports whether target is ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// AlreadyAttachedError is returned by Attach when the workspace already has a compute
// that points at the same AKS cluster: attaching one cluster twice breaks the first
// attachment. Detach that compute first, or use it.
type AlreadyAttachedError struct {
	// ResourceID is the cluster that was to be attached.
	ResourceID string
	// ComputeName is the compute that already points at it.
	ComputeName string
	// Workspace is the workspace name.
	Workspace string
}

// Error implements error.
func (e *AlreadyAttachedError) Error() string {
	return fmt.Sprintf("compute: cluster %s is already attached to workspace %s as compute %q; attaching it twice breaks the first attachment: detach %q first or use it",
		e.ResourceID, e.Workspace, e.ComputeName, e.ComputeName)
}

// WrongTypeError reports that a compute exists under that name but is not an AKS compute.
type WrongTypeError struct {
	Name        string
	ComputeType string
}

// Error implements error.
func (e *WrongTypeError) Error() string {
	return fmt.Sprintf("compute: %q is a %s compute, not AKS", e.Name, e.ComputeType)
}

// ServiceError is an error object sent by the service: an operation's error or one of a
// compute's provisioningErrors.
type ServiceError struct {
	Code    string
	Message string
	Target  string
	Details []ErrorDetail
}

// ErrorDetail is one entry of ServiceError.Details.
type ErrorDetail struct {
	Code    string
	Message string
	Target  string
}

// Error renders "Code: Message" followed by the details.
func (e *ServiceError) Error() string {
	var b strings.Builder
	switch {
	case e.Code != "" && e.Message != "":
		b.WriteString(e.Code + ": " + e.Message)
	case e.Code != "":
		b.WriteString(e.Code)
	case e.Message != "":
		b.WriteString(e.Message)
	default:
		b.WriteString("no error details")
	}
	for _, d := range e.Details {
		b.WriteString("\n    - ")
		if d.Code != "" {
			b.WriteString(d.Code + ": ")
		}
		b.WriteString(d.Message)
	}
	return b.String()
}

func fromLRO(e *lro.ServiceError) *ServiceError {
	if e == nil {
		return nil
	}
	out := &ServiceError{Code: e.Code, Message: e.Message, Target: e.Target}
	for _, d := range e.Details {
		out.Details = append(out.Details, ErrorDetail(d))
	}
	return out
}

// ProvisioningError is returned by a wait when the operation ended Failed or Canceled.
// It carries the operation's error and the compute's provisioningErrors.
type ProvisioningError struct {
	// ComputeName is the compute the operation was for.
	ComputeName string
	// Operation is what was being done: create, attach, update, detach or delete.
	Operation OperationKind
	// OperationID identifies the ARM async operation.
	OperationID string
	// State is the operation's terminal state, Failed or Canceled.
	State string
	// ProvisioningState is the compute's state read after the failure ("" when the compute
	// could not be read, e.g. it no longer exists).
	ProvisioningState ProvisioningState
	// Err is the operation's error object; nil when the service sent none.
	Err *ServiceError
	// ProvisioningErrors are the compute's properties.provisioningErrors.
	ProvisioningErrors []ServiceError

	cause error
}

// Error implements error.
func (e *ProvisioningError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "compute: %s of %q reached non-successful terminal state %s", e.Operation, e.ComputeName, e.State)
	if e.ProvisioningState != "" {
		fmt.Fprintf(&b, " (provisioning state %s)", e.ProvisioningState)
	}
	if e.OperationID != "" {
		fmt.Fprintf(&b, ", operation %s", e.OperationID)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	for _, p := range e.ProvisioningErrors {
		b.WriteString("\n  provisioning error: " + p.Error())
	}
	return b.String()
}

// Unwrap returns the underlying operation error.
func (e *ProvisioningError) Unwrap() error { return e.cause }
