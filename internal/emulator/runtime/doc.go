// Package runtime runs the entry scripts of the local workspace's web
// services: each replica is a Python 3 process executing an embedded,
// standard-library-only harness that imports the entry script, calls its
// init() once and its run(raw_json) for every scoring request, as the AzureML
// inference server does.
//
// The Go side starts the replicas, waits for them to be ready (or returns the
// init() traceback), keeps a bounded log per replica, dispatches scoring
// requests round-robin with a per-replica concurrency limit, a queue wait and
// a scoring timeout, scales, and stops the processes (whole process groups,
// so nothing is orphaned).
//
// The package imports nothing from the SDK nor from package emulator.
package runtime
