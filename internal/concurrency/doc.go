// Package concurrency holds the concurrency tests of the SDK against one local
// workspace: many deployments in bounded parallel and many scoring clients at once,
// run under -race. It has no code of its own; its tests import the public packages
// the way an application would.
//
//	go test -race ./internal/concurrency
//	go test -race ./internal/concurrency -args -deployments=10   # a smaller run
//
// AZUREML_CONCURRENCY_DEPLOYMENTS and AZUREML_CONCURRENCY_CLIENTS scale the run the
// same way as the -deployments and -clients flags; -short runs 10 deployments and 40
// clients unless the flags say otherwise.
package concurrency
