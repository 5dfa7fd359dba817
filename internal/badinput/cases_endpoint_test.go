package badinput

import (
	"context"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// endpointCases: AksEndpointDeployConfig (through model.Deploy), the version operations
// and endpoint update of an AksEndpoint, and traffic plans (TrafficPlan.Validate and
// Apply, the checks every version operation runs after reading the endpoint).
func endpointCases(t *testing.T, f *fixture) []badInput {
	one := webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1)}
	deploy := func(c endpoint.AksEndpointDeployConfig) func(context.Context) error {
		if c.AksDeployConfig.NumReplicas == nil {
			c.AksDeployConfig = one
		}
		return func(ctx context.Context) error {
			_, err := model.Deploy(ctx, f.ws, "rollout", []*model.Model{f.model}, f.ic, c, f.aks, nil)
			return err
		}
	}
	validate := func(vs ...endpoint.VersionTraffic) func(context.Context) error {
		return func(context.Context) error { return endpoint.TrafficPlan{Versions: vs}.Validate() }
	}
	current := endpoint.TrafficPlan{Versions: []endpoint.VersionTraffic{
		{Name: "blue", Percentile: 80, IsDefault: true, Type: endpoint.VersionTypeControl},
		{Name: "green", Percentile: 20, Type: endpoint.VersionTypeTreatment},
	}}
	apply := func(ops ...endpoint.VersionOp) func(context.Context) error {
		return func(context.Context) error { _, err := current.Apply(ops...); return err }
	}
	v := func(name string, pct float64) endpoint.VersionTraffic {
		return endpoint.VersionTraffic{Name: name, Percentile: pct}
	}
	def := func(name string, pct float64) endpoint.VersionTraffic {
		return endpoint.VersionTraffic{Name: name, Percentile: pct, IsDefault: true}
	}

	create := func(version string, o *endpoint.CreateVersionOptions) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := f.ep.CreateVersion(ctx, version, []*model.Model{f.model}, f.ic, o)
			return err
		}
	}
	fixed := endpoint.VersionSettings{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1)}
	withCPU := fixed
	withCPU.CPUCores = to.Ptr(-1.0)
	updateVersion := func(o endpoint.UpdateVersionOptions) func(context.Context) error {
		return func(ctx context.Context) error { _, err := f.ep.UpdateVersion(ctx, fixtureVersion, o); return err }
	}
	update := func(u endpoint.EndpointUpdate) func(context.Context) error {
		return func(ctx context.Context) error { _, err := f.ep.Update(ctx, u, nil); return err }
	}

	return []badInput{
		{"endpoint without version name", modelVE, "VersionName", "required", deploy(endpoint.AksEndpointDeployConfig{})},
		{"endpoint version name with capitals", modelVE, "VersionName", "lowercase letters", deploy(endpoint.AksEndpointDeployConfig{VersionName: "Blue"})},
		{"endpoint first version at 150 percent", modelVE, "TrafficPercentile", "100", deploy(endpoint.AksEndpointDeployConfig{VersionName: "blue", TrafficPercentile: to.Ptr(150.0)})},
		{"endpoint with blobfuse setting", modelVE, "BlobfuseEnabled", "endpoints", deploy(endpoint.AksEndpointDeployConfig{VersionName: "blue", AksDeployConfig: webservice.AksDeployConfig{
			AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1), BlobfuseEnabled: to.Ptr(true)}})},
		{"endpoint version settings with CPU limit below request", modelVE, "CPUCoresLimit", "must be >= CPUCores", deploy(endpoint.AksEndpointDeployConfig{VersionName: "blue", AksDeployConfig: webservice.AksDeployConfig{
			AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1), CPUCores: to.Ptr(2.0), CPUCoresLimit: to.Ptr(1.0)}})},

		{"endpoint whose first version is named like it", modelVE, "VersionName", "must differ from the endpoint name", func(ctx context.Context) error {
			_, err := model.Deploy(ctx, f.ws, "rollout", []*model.Model{f.model}, f.ic,
				endpoint.AksEndpointDeployConfig{VersionName: "rollout", AksDeployConfig: one}, f.aks, nil)
			return err
		}},

		// Version operations and endpoint updates refuse what is invalid whatever the
		// endpoint holds before reading it.
		{"create version with a negative CPU request", serviceVE, "CPUCores", "must be > 0", create("green", &endpoint.CreateVersionOptions{VersionSettings: withCPU})},
		{"create version with a name in capitals", planErr, `"Green"`, "lowercase letters", create("Green", &endpoint.CreateVersionOptions{VersionSettings: fixed})},
		{"create version at 150 percent", planErr, `"green"`, "must be within 0–100", create("green", &endpoint.CreateVersionOptions{VersionSettings: fixed, TrafficPercentile: to.Ptr(150.0)})},
		{"create version named like the endpoint", planErr, fixtureEndpoint, "must differ from the endpoint name", create(fixtureEndpoint, &endpoint.CreateVersionOptions{VersionSettings: fixed})},
		{"create version without models", modelVE, "inferenceConfig", "exactly one model", func(ctx context.Context) error {
			_, err := f.ep.CreateVersion(ctx, "green", nil, nil, &endpoint.CreateVersionOptions{VersionSettings: fixed})
			return err
		}},
		{"update version to a negative CPU request", serviceVE, "CPUCores", "must be > 0", updateVersion(endpoint.UpdateVersionOptions{VersionSettings: endpoint.VersionSettings{CPUCores: to.Ptr(-1.0)}})},
		{"update version to a negative percentile", planErr, `"blue"`, "must be within 0–100", updateVersion(endpoint.UpdateVersionOptions{TrafficPercentile: to.Ptr(-5.0)})},
		{"update version that changes nothing", serviceVE, "UpdateVersionOptions", "no parameters provided", updateVersion(endpoint.UpdateVersionOptions{})},
		{"endpoint update to key and token auth", serviceVE, "AuthEnabled/TokenAuthEnabled", "cannot both be true", update(endpoint.EndpointUpdate{AuthEnabled: to.Ptr(true), TokenAuthEnabled: to.Ptr(true)})},
		{"endpoint update that changes nothing", serviceVE, "EndpointUpdate", "no parameters provided", update(endpoint.EndpointUpdate{})},
		{"endpoint update with an empty property key", serviceVE, "Properties", "keys must not be empty", update(endpoint.EndpointUpdate{Properties: map[string]string{"": "x"}})},

		{"traffic plan with two defaults", planErr, "default version", "exactly one default version is required, found 2", validate(def("blue", 50), def("green", 50))},
		{"traffic plan without default", planErr, "default version", "exactly one default version is required, found none", validate(v("blue", 50), v("green", 50))},
		{"traffic plan totalling 120 percent", planErr, "traffic percentiles total 120", "at most 100 is allowed", validate(def("blue", 70), v("green", 50))},
		{"traffic plan with a negative percentile", planErr, `version "green"`, "must be within 0–100", validate(def("blue", 70), v("green", -5))},
		{"traffic plan with seven versions", planErr, "7 versions", "at most 6 are allowed", validate(def("v-a", 10), v("v-b", 10), v("v-c", 10), v("v-d", 10), v("v-e", 10), v("v-f", 10), v("v-g", 10))},
		{"traffic plan naming a version twice", planErr, `version name "blue"`, "appears more than once", validate(def("blue", 50), v("blue", 10))},
		{"traffic plan with an invalid version name", planErr, `version name "Green"`, "lowercase letters", validate(def("blue", 50), v("Green", 10))},
		{"traffic plan with two controls", planErr, "control version", "at most one control version is allowed, found 2", validate(
			endpoint.VersionTraffic{Name: "blue", Percentile: 50, IsDefault: true, Type: endpoint.VersionTypeControl},
			endpoint.VersionTraffic{Name: "green", Percentile: 50, Type: endpoint.VersionTypeControl})},
		{"traffic plan with an unknown version type", planErr, `version "green": type "Canary"`, `must be "Control" or "Treatment"`, validate(def("blue", 50),
			endpoint.VersionTraffic{Name: "green", Percentile: 50, Type: "Canary"})},
		{"traffic change to an unknown version", planErr, `"purple"`, "does not exist", apply(endpoint.VersionOp{Kind: endpoint.OpUpdate, Version: "purple", TrafficPercentile: to.Ptr(10.0)})},
		{"traffic change creating an existing version", planErr, `"green"`, "already exists", apply(endpoint.VersionOp{Kind: endpoint.OpCreate, Version: "green"})},
		{"traffic change deleting the default version", planErr, "default version", "found none", apply(endpoint.VersionOp{Kind: endpoint.OpDelete, Version: "blue"})},
		{"traffic change pushing the total over 100", planErr, "traffic percentiles total 130", "at most 100 is allowed", apply(endpoint.VersionOp{Kind: endpoint.OpUpdate, Version: "green", TrafficPercentile: to.Ptr(50.0)})},
	}
}
