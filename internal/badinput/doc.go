// Package badinput holds no code: its tests prove that every configuration and file
// format of the SDK refuses bad input before any request is sent.
//
// One table (cases_*_test.go) lists each invalid input with the call that receives it,
// the typed error errors.As must reach, and the substrings that name the field and the
// rule broken. Every case runs against a local workspace (workspacetest.NewServer) whose
// request log is cleared just before the call and must still be empty after it: a
// refused input costs no request. Resolving the workspace, registering the model and
// deploying the service and endpoint that some calls need happen before, once.
//
//	go test ./internal/badinput -run TestBadInput -v
package badinput
