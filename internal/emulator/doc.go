// Package emulator is the local workspace: an HTTP server on 127.0.0.1 that
// emulates the Azure ML v1 REST back ends used by this SDK (ARM workspace and
// compute, discovery, model management, artifacts, blobs and scoring), so that
// examples and tests run without an Azure account.
//
// One listener serves every host of a workspace; discovery maps every service
// key to that base URL. Requests are decoded with the emulator's own types,
// written from the wire reference and rejecting unknown fields, so a misspelt
// field on the client side fails here instead of passing silently. The package
// imports no package of the SDK.
//
// Core (this package's core files): the server and its options, the JSON store
// with optional persistence, the async-operation registry (ARM
// Azure-AsyncOperation and model-management operations), fault injection
// (Fault per request; RefuseConnections for connections refused before any
// request is written), the request log (with what reached a handler and the
// response headers, for retry checks), Inventory, the ARM workspace GET and
// discovery. Feature files add routes with registerRoutes from their init
// functions.
package emulator
