// Package model registers, reads, lists, updates and deletes models in an Azure
// Machine Learning workspace, and describes how a model is served: the
// InferenceConfig (entry script, source directory, Environment) and the
// packaging of the source directory that a deployment uploads.
//
// The calls speak the v1 model-management (MMS) protocol of azureml-core:
//
//   - Register uploads the model's files as artifacts to the workspace's
//     history host (batch metadata, then one blob PUT per file, each with
//     Content-MD5; large files in blocks), creates an asset and registers the
//     model on that asset.
//   - Get, GetByName, NewListPager / List, Update (JSON Patch) and Delete work
//     on {MMS}/models.
//
// Every call validates its input before any network I/O and reports all
// problems at once in a *ValidationError. HTTP failures are
// *azcore.ResponseError values, reachable with errors.As.
package model
