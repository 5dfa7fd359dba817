// Package endpoint manages AKS endpoints of an Azure Machine Learning workspace
// (SDK v1 "AksEndpoint", computeType AKSENDPOINT): one scoring URL in front of
// up to six versions, each a full AKS deployment, with traffic split between
// them by percentiles. It is the controlled-rollout feature of azureml-core.
//
// # Traffic
//
// Each version may carry an explicit traffic percentile (0–100). Whatever the
// explicit percentiles leave unallocated goes to the one default version, in
// addition to its own percentile. One version may be marked the control; the
// others are treatments. The whole split is modelled client side as a
// [TrafficPlan], validated before any request (at most six versions, exactly
// one default, at most one control, each percentile within 0–100 and their
// total at most 100, names unique and valid) with every problem reported at
// once, and explained in words:
//
//	plan := endpoint.TrafficPlan{Versions: []endpoint.VersionTraffic{
//		{Name: "versiona", Percentile: 20},
//		{Name: "versionb", Percentile: 10, Type: endpoint.VersionTypeControl},
//		{Name: "versionc", IsDefault: true},
//	}}
//	if err := plan.Validate(); err != nil { ... } // *PlanError
//	fmt.Print(plan.Explain())                    // versionc receives 70%: 100 − 30 allocated
//
// # Version operations
//
// CreateVersion, UpdateVersion and DeleteVersion send the JSON Patch of
// azureml-core (PATCH {MMS}/services/{endpoint}), including the operations
// that flip the other versions' isDefault and type when a new default or
// control is chosen. They refuse what is invalid on its own (a version name,
// a percentile outside 0–100, a setting, the models) before any request; then
// they read the endpoint, apply the change to its current plan and validate
// the result, so an invalid split never reaches the service. Every problem of
// a step is reported at once. Unlike azureml-core, each returns an operation
// to wait on. Update (the endpoint's own auth, App Insights, tags,
// description and properties) checks in the same two steps.
//
// The PATCH of a change is never sent twice. When its answer is lost (the
// connection broke after it was sent, RetryOptions.TryTimeout, truncated
// JSON), the endpoint is read again: if it names an operation other than the
// one the read before the change showed, the change took effect and that
// operation is returned; otherwise the error matches
// workspace.ErrOutcomeUnknown and says what to check. An operation's
// ResumeToken lets ResumeOperation continue its wait in another process
// (the token format is webservice.ResumeDeployment's).
//
// # Deploying, scoring and the rest
//
// An endpoint is created by model.Deploy with an AksEndpointDeployConfig
// (its first version becomes the default) and read with Get. Keys, tokens,
// logs, scoring through the plan (Run), waiting and deletion are those of a
// web service and are delegated to webservice.AksWebservice. RunVersion
// scores one version directly through the scoringUri that each version
// object of the endpoint carries, to smoke-test a version at 0% before
// giving it traffic.
package endpoint
