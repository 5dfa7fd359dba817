// Package faulttest proves that every end-to-end flow of the SDK survives the
// failures a real Azure ML workspace and network produce. It holds tests only
// (this file is its documentation); run them with
//
//	go test ./internal/faulttest/
//
// # The matrix
//
// Each flow — compute (create → wait → get → list → update → detach → attach
// → delete), model (register → get → list → update → delete), deploy (deploy
// → wait → get → logs → keys → regenerate → token → update → delete), score
// (Run with key and with token auth, a ScoringClient) and endpoint (deploy →
// create, update and delete a version → score) — runs against its own local
// workspace once per fault class:
//
//   - 429 and 503 with Retry-After in seconds ("1") and as an HTTP-date one
//     to two seconds ahead;
//   - 429 with retry-after-ms;
//   - connection refused: nothing listens for a moment, so the request is
//     certainly not written (see below);
//   - connection reset before the request is read (emulator DropBeforeRead);
//   - connection reset after the request was handled (DropAfterHandle);
//   - a 2xx answer whose JSON is cut in half (TruncateBody);
//   - an answer slower than the client's per-attempt timeout (Delay longer
//     than workspace RetryOptions.TryTimeout).
//
// A flow is a list of steps; a few representative steps of each flow are
// fault targets (a create, a poll, a read, a change), so the suite stays
// quick. Just before a target step the class's fault is armed for the first
// request of that step matching the target, and after the step the harness
// checks that the fault fired.
//
// # "Not written" on loopback
//
// A fault of the local workspace acts on a request it has read, and on
// loopback a small POST is written in full before the server reads a byte:
// the client cannot tell DropBeforeRead from DropAfterHandle. So the two
// classes are kept apart:
//
//   - "refused" uses Server.RefuseConnections: the listener closes for a few
//     milliseconds and idle keep-alive connections are closed, so the next
//     attempt's dial is refused. The client knows its request never left; every
//     call, a create included, must be retried and the flow must finish as if
//     nothing happened.
//   - "reset-before-read" uses DropBeforeRead. Idempotent calls are retried;
//     a POST or PATCH that is not safe to repeat is not (the client cannot
//     know it was not acted on), so its step ends like a lost answer.
//
// # What every run must show
//
// A step whose answer was lost (reset after the request was written,
// truncated JSON, timeout) on a call that is not safe to repeat must either
// finish — the SDK read the resource back and adopted it — or fail with an
// error matching workspace.ErrOutcomeUnknown whose text says what to check.
// Then the flow does what a user would do: it reads the resource (after the
// slow request has had time to land) and only repeats the call if nothing was
// created. Any other error fails the run.
//
// After the flow, with the faults cleared:
//
//   - no duplicate: the workspace holds exactly the computes, clusters,
//     models, services and endpoint versions the flow means to leave
//     (Server.Inventory);
//   - checkLog over the request log (Server.Requests): no retry sooner than
//     the server asked (for every response carrying retry-after-ms,
//     x-ms-retry-after-ms or Retry-After, the next attempt with the same
//     x-ms-client-request-id arrived no earlier than asked), and no request
//     that is not safe to repeat sent again once an attempt of it reached a
//     handler (same x-ms-client-request-id, the earlier one Handled). Which
//     POST and PATCH calls the SDK declares safe to repeat (listKeys, token,
//     validation, artifact batches, asset creation, model PATCH) is the
//     table safeToRepeat, with the reason for each.
//
// # Restart
//
// restart_test.go resumes a wait in another process from its resume token
// (the test binary re-executes itself as the child), and restarts a local
// workspace on its data directory to check that computes, models, services
// and keys survive and that the services score again with the same keys.
package faulttest
