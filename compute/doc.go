// Package compute provisions, attaches and manages Azure Kubernetes Service (AKS) compute
// targets of an Azure Machine Learning workspace, as AksCompute does in azureml-core (SDK v1).
//
// Configurations are plain structs checked by Validate before any request is sent: every
// problem is reported at once in a *ValidationError, each naming its field and rule.
// Create and Attach start an Azure Resource Manager long-running operation and return an
// *AksCompute whose WaitForCompletion polls it; Update, Detach and Delete return an
// *Operation with Wait and ResumeToken.
//
// Reads go to the workspace's regional resource provider ({api}/rp/workspaces/...); writes
// are ARM PUT / DELETE / POST with api-version 2020-02-02, as in azureml-core.
package compute
