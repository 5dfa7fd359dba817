// Package workspace connects to an Azure Machine Learning workspace: it reads the
// workspace from Azure Resource Manager, discovers the regional service hosts, and owns
// the HTTP pipeline that every other package of this SDK uses to reach them.
//
// A Workspace is obtained with [Get] (subscription, resource group and name) or with
// [FromConfig] (a config.json written by the portal, by azureml-core or by [WriteConfig]).
// It is safe for concurrent use; create one per workspace and share it.
//
// Every call in this SDK authenticates with an Azure Resource Manager token, as
// azureml-core does: the credential is asked for the scope
// "<ARM audience>/.default" of the configured cloud.
package workspace
