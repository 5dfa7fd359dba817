// Package auth provides the credentials of the azureml-go SDK, all as
// azcore.TokenCredential, and the types that hold secrets.
//
// Every call the SDK makes to Azure Resource Manager, model management, the
// run history and the workspace's resource provider carries an ARM token
// (scope "https://management.core.windows.net//.default" in the public
// cloud), as azureml-core does. The constructors match azureml-core's
// authentication classes:
//
//	azureml-core                        azureml-go
//	InteractiveLoginAuthentication  ->  NewDefaultCredential (azidentity chain)
//	ServicePrincipalAuthentication  ->  NewServicePrincipalCredential / ...FromEnv
//	MsiAuthentication               ->  NewManagedIdentityCredential
//	AzureCliAuthentication          ->  NewAzureCLICredential
//	ArmTokenAuthentication          ->  NewStaticTokenCredential
//
// Create one credential and share it: credentials cache tokens.
//
// [Secret] holds keys and tokens so that they cannot leak through fmt, JSON
// or slog; [ServiceKeys] and [AccessToken] are a web service's scoring
// credentials.
package auth
