package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/workspace"
)

// Exit codes of azml.
const (
	exitOK       = 0 // the command did what was asked
	exitFailure  = 1 // the service refused, an operation failed, or the network failed
	exitBadInput = 2 // the command line, a file or a configuration is wrong; nothing was sent
)

// inputError is bad input found by azml itself: an unknown flag, a missing required
// flag, an unreadable file, a malformed value. It maps to exit code 2.
type inputError struct {
	msg string
	err error // optional cause
}

func (e *inputError) Error() string {
	if e.err != nil {
		return e.msg + ": " + e.err.Error()
	}
	return e.msg
}

func (e *inputError) Unwrap() error { return e.err }

// badInput returns an *inputError with a formatted message.
func badInput(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// badFile wraps a problem with a file the user named (unreadable, not JSON, invalid
// content) so that it maps to exit code 2 and the message starts with the flag and file.
func badFile(flagName, path string, err error) error {
	return &inputError{msg: fmt.Sprintf("%s %s", flagName, path), err: err}
}

// exitCode classifies err: bad input (exit 2) is anything azml or the SDK rejected
// before sending a request; everything else (service errors, failed operations,
// network failures, interruptions) is exit 1.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	if isBadInput(err) {
		return exitBadInput
	}
	return exitFailure
}

// isBadInput reports whether err is a validation error of azml or of the SDK.
func isBadInput(err error) bool {
	var (
		ie  *inputError
		pe  *problemsErr
		cve *compute.ValidationError
		mve *model.ValidationError
		wce *workspace.ConfigError
	)
	switch {
	case errors.As(err, &ie), errors.As(err, &pe), errors.As(err, &cve), errors.As(err, &mve),
		errors.As(err, &wce):
		return true
	}
	return isServiceBadInput(err) || isEndpointBadInput(err)
}

// outcomeUnknownNote is printed before the error of a create or change whose answer was
// lost and that the SDK could not prove either way (workspace.ErrOutcomeUnknown). The exit
// code stays 1; the note tells the user not to repeat the command blindly.
const outcomeUnknownNote = "outcome unknown: the request reached the service but its answer was lost, " +
	"and reading the resource back did not show whether it took effect; azml did not send it again. " +
	"Check the resource (its 'show' command, e.g. 'azml endpoint show -n NAME') before repeating the command."

// isOutcomeUnknown reports whether err is a create or change whose outcome is unknown.
func isOutcomeUnknown(err error) bool { return errors.Is(err, workspace.ErrOutcomeUnknown) }

// describeInterrupt turns a cancelled context into a message that says what happened
// to the operation.
func describeInterrupt(err error) error {
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted; an operation already started continues on the service: %w", err)
	}
	return err
}
