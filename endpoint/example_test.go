package endpoint_test

import (
	"errors"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/endpoint"
)

// The documented example: versions at 20% and 10%, the remaining 70% to
// the default version.
func ExampleTrafficPlan_Explain() {
	plan := endpoint.TrafficPlan{Versions: []endpoint.VersionTraffic{
		{Name: "versiona", Percentile: 20},
		{Name: "versionb", Percentile: 10, Type: endpoint.VersionTypeControl},
		{Name: "versionc", IsDefault: true},
	}}
	fmt.Print(plan.Explain())
	// Output:
	// versiona  20%
	// versionb  10%  control
	// versionc  70%  default: 0% own + 70% unallocated (100 − 30 allocated)
}

// Every problem of a plan is reported at once, before any request.
func ExampleTrafficPlan_Validate() {
	plan := endpoint.TrafficPlan{Versions: []endpoint.VersionTraffic{
		{Name: "versiona", Percentile: 60, IsDefault: true, Type: endpoint.VersionTypeControl},
		{Name: "versionb", Percentile: 50, Type: endpoint.VersionTypeControl},
		{Name: "versionc", Percentile: -5},
	}}
	err := plan.Validate()
	var pe *endpoint.PlanError
	if errors.As(err, &pe) {
		for _, p := range pe.Problems {
			fmt.Printf("%s: %s\n", p.Rule, p.Message)
		}
	}
	// Output:
	// percentile: version "versionc": traffic percentile -5 must be within 0–100
	// total: explicit traffic percentiles total 110 (versiona 60 + versionb 50), at most 100 is allowed
	// control: at most one control version is allowed, found 2: versiona, versionb
}

// A change is planned on the current plan, validated and explained before
// it is sent; CreateVersion, UpdateVersion and DeleteVersion do this, and
// their Operation.Change returns it.
func ExampleTrafficPlan_Apply() {
	current := endpoint.TrafficPlan{Versions: []endpoint.VersionTraffic{
		{Name: "versiona", Percentile: 20, IsDefault: true},
		{Name: "versionb", Percentile: 10},
	}}
	change, err := current.Apply(endpoint.VersionOp{
		Kind: endpoint.OpUpdate, Version: "versionb",
		TrafficPercentile: to.Ptr(40.0), IsDefault: to.Ptr(true), IsControl: to.Ptr(true),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(change.Explain())
	// Output:
	// versiona 20 (not default), versionb 10→40 (default, control)
	// versiona  90% → 20%  treatment
	// versionb  10% → 80%  default: 40% own + 40% unallocated (100 − 60 allocated), control
}
