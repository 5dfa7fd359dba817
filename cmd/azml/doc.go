// Command azml is 'az ml' (Azure ML CLI v1) for the azureml-go SDK: it creates and
// attaches AKS compute targets, registers and deploys models, and operates web services
// and AKS endpoints, with the command groups and flags of 'az ml'.
//
//	azml computetarget create aks -n myaks
//	azml computetarget attach aks -n myaks2 -i <aks resource id> -g <rg> -w <ws>
//	azml model register -n mymodel -p model.json
//	azml model deploy -ct myaks -m mymodel:1 -n myservice -ic inferenceconfig.json -dc deploymentconfig.json
//	azml service run -n myservice -d @sample-input.json
//	azml endpoint traffic show -n myendpoint -o table
//
// The workspace comes from -s/-g/-w, then the AZUREML_SUBSCRIPTION_ID,
// AZUREML_RESOURCE_GROUP and AZUREML_WORKSPACE_NAME environment variables, then a
// config.json; with no subscription anywhere azml starts the embedded local workspace,
// whose state persists between invocations in --local-data, AZUREML_LOCAL_DATA_DIR,
// $XDG_STATE_HOME/azureml-go/local or ~/.azureml-go/local.
//
// Results go to stdout as JSON (-o json, the default) or a table (-o table); progress
// goes to stderr (a spinner on a terminal, plain lines otherwise). Exit codes: 0 success,
// 1 a service or operation failure, 2 bad input — which is refused before any request,
// naming the flag or file, the field and the rule. A create or change whose answer was
// lost and whose effect the SDK could not read back (workspace.ErrOutcomeUnknown) exits 1
// after an "outcome unknown" line that says to check the resource before repeating it;
// azml never sends such a request again by itself.
//
// azml uses only the public API of the SDK, plus internal/backend, the workspace
// resolution every tool of this repository shares. Run 'azml --help' for every command.
package main
