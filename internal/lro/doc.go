// Package lro polls the two long-running-operation styles used by the Azure
// Machine Learning v1 control plane for AKS deployments:
//
//   - ARM style: the URL from an Azure-AsyncOperation response header (compute
//     create, update and delete). The body carries "status" and, when the
//     operation failed, "error" (possibly nested twice, {"error":{"error":{…}}}).
//     Terminal states are Succeeded, Failed and Canceled; every other value is
//     treated as in progress.
//   - Model-management (MMS) style: {MMS}/operations/{id}, where {id} is the last
//     path segment of an Operation-Location response header (service create,
//     update, delete and key regeneration). The body carries "state",
//     "error" in the model-management shape, "operationDetails" and, when
//     requested with ?offset=N, "streamingOperationLog". Terminal states are
//     Succeeded, Failed, Cancelled and TimedOut.
//
// A [Poller] exposes Poll, Done, Result, Wait, ResumeToken and PollCount. A
// non-successful terminal state is reported as an [*OperationError]; an HTTP
// failure while polling is reported as an *azcore.ResponseError.
//
// # Design: azcore runtime.Poller with a custom PollingHandler
//
// The package is built on azcore's [runtime.Poller] driven by a custom
// [runtime.PollingHandler] (see handler.go) rather than on a hand-written loop:
//
//   - The handler shape fits both styles exactly: Poll issues one GET and
//     updates the state only when the response decoded, Done reports a terminal
//     state, and Result turns a non-success state into an *OperationError.
//   - runtime.Poller.PollUntilDone already honours Retry-After on every poll
//     response (retry-after-ms, x-ms-retry-after-ms, then Retry-After in seconds
//     or as an HTTP date), sleeps with a select on ctx.Done() so cancellation
//     returns immediately, and emits azcore's LRO log events and tracing spans.
//   - Resume tokens come for free and in the format every azcore user knows:
//     runtime.Poller JSON-marshals the handler's exported fields (version, kind,
//     URL, operation id, last state, log offset) and refuses tokens minted for
//     another result type. The pipeline and callbacks are unexported fields and
//     never reach the token.
//
// Each status GET is bounded by [Options.PollTimeout] (default 80 s, the
// per-request timeout azureml-core uses for operation GETs). A poll that runs
// out of it fails with [ErrPollTimeout] when called directly; within Wait it
// is skipped and the next poll follows, so one hung GET does not end a wait
// that only the caller's context bounds.
//
// The costs are small and accepted: azcore offers no injectable clock (tests
// use millisecond Retry-After values instead of a fake clock), and it refuses
// frequencies below one second outside test binaries (New* raise such values to
// one second; see [Options.Frequency]). Our [Poller] wraps the generic
// runtime.Poller[Status] so callers get typed accessors (Status, OperationID,
// PollCount) and a Wait that returns the last observed Status alongside errors.
package lro
