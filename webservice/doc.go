// Package webservice deploys models as web services on Azure Kubernetes Service
// through an Azure Machine Learning workspace (SDK v1 "AksWebservice") and
// operates them: wait for a deployment, read its state and logs, manage keys and
// tokens, score, update and delete.
//
// A deployment starts with [model.Deploy] and an [AksDeployConfig]:
//
//	svc, err := model.Deploy(ctx, ws, "my-service", models, ic,
//		webservice.AksDeployConfig{CPUCores: to.Ptr(0.5), MemoryGB: to.Ptr(1.0)},
//		aks, nil)
//	if err != nil { ... }
//	if err := svc.WaitForDeployment(ctx, nil); err != nil { ... } // *DeploymentError
//	out, err := svc.Run(ctx, []byte(`{"data": [[1, 2, 3]]}`))
//
// Every optional setting of [AksDeployConfig] is a pointer: nil means "not
// set", and the service applies its documented default, exactly as the Python
// SDK leaves unset parameters to the server.
//
// A wait can continue in another process: [AksWebservice.OperationResumeToken]
// (or [Operation.ResumeToken]) there, [ResumeDeployment] here. Creates and
// changes are never sent twice; when an answer is lost the SDK reads the
// service back, and otherwise returns an error matching
// workspace.ErrOutcomeUnknown that says what to check. Scoring retries only
// what the service certainly did not run (429 or 503 from its front end, no
// connection), never sooner than a Retry-After asks.
package webservice
