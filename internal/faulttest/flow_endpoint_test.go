package faulttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// versionSettings run one replica per version, so that the runs stay quick.
var versionSettings = endpoint.VersionSettings{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1)}

func endpointConfig(version string, pct float64) endpoint.AksEndpointDeployConfig {
	c := endpoint.AksEndpointDeployConfig{VersionName: version, TrafficPercentile: to.Ptr(pct)}
	c.AutoscaleEnabled, c.NumReplicas = versionSettings.AutoscaleEnabled, versionSettings.NumReplicas
	return c
}

// endpointFlow: deploy an endpoint → wait → create a version → update it
// (make it the default) → delete the first version → score → delete the
// endpoint. Faults hit the create POST, a poll, the three version PATCHes
// (none safe to repeat) and the scoring POST.
func endpointFlow(e *env) {
	const name = "fx-ep"
	b := newDeployBase(e)
	models := []*model.Model{b.model}
	var ep *endpoint.AksEndpoint

	// waitForChange is what a user does after a version change whose outcome
	// is unknown: read the endpoint; if the change is there, or an operation
	// is running (the service applies traffic changes when it ends), wait for
	// the endpoint's operation, else make the change again.
	waitForChange := func(ctx context.Context, applied func() bool, again func(context.Context) error) error {
		if err := ep.Refresh(ctx); err != nil {
			return err
		}
		if ep.State() == webservice.StateTransitioning || applied() {
			e.t.Logf("the change was applied after all: waiting for the endpoint")
			// WaitForDeployment follows the operation the endpoint reports.
			return ep.WaitForDeployment(ctx, fastWait)
		}
		e.t.Logf("the change was not applied: making it again")
		return again(ctx)
	}
	createB := func(ctx context.Context) error {
		op, err := ep.CreateVersion(ctx, "versionb", models, b.ic, &endpoint.CreateVersionOptions{VersionSettings: versionSettings, TrafficPercentile: to.Ptr(10.0)})
		if err != nil {
			return err
		}
		return op.Wait(ctx, fastWait)
	}
	updateB := func(ctx context.Context) error {
		op, err := ep.UpdateVersion(ctx, "versionb", endpoint.UpdateVersionOptions{TrafficPercentile: to.Ptr(40.0), IsDefault: to.Ptr(true)})
		if err != nil {
			return err
		}
		return op.Wait(ctx, fastWait)
	}
	deleteA := func(ctx context.Context) error {
		op, err := ep.DeleteVersion(ctx, "versiona", nil)
		if err != nil {
			return err
		}
		return op.Wait(ctx, fastWait)
	}

	e.run([]step{
		{name: "deploy endpoint", target: on(http.MethodPost, `/services$`),
			run: func(ctx context.Context) (err error) {
				ep, err = model.Deploy(ctx, e.ws, name, models, b.ic, endpointConfig("versiona", 50), b.aks, nil)
				return err
			},
			recover: func(ctx context.Context) (err error) {
				ep, err = endpoint.Get(ctx, e.ws, name)
				if errors.Is(err, endpoint.ErrNotFound) {
					e.t.Logf("endpoint %s was not created: deploying again", name)
					ep, err = model.Deploy(ctx, e.ws, name, models, b.ic, endpointConfig("versiona", 50), b.aks, nil)
				}
				return err
			}},
		{name: "wait", target: on(http.MethodGet, `/operations/`), run: func(ctx context.Context) error {
			if err := ep.WaitForDeployment(ctx, e.serviceWait()); err != nil {
				return err
			}
			if ep.State() != webservice.StateHealthy {
				return fmt.Errorf("state %s after the wait", ep.State())
			}
			return nil
		}},
		{name: "create version", target: on(http.MethodPatch, `/services/`+name+`$`), run: createB,
			recover: func(ctx context.Context) error {
				return waitForChange(ctx, func() bool { _, ok := ep.Version("versionb"); return ok }, createB)
			}},
		{name: "update version", target: on(http.MethodPatch, `/services/`+name+`$`), run: updateB,
			recover: func(ctx context.Context) error {
				return waitForChange(ctx, func() bool { return ep.TrafficPlan().Default() == "versionb" }, updateB)
			}},
		{name: "delete version", target: on(http.MethodPatch, `/services/`+name+`$`), run: deleteA,
			recover: func(ctx context.Context) error {
				return waitForChange(ctx, func() bool { _, ok := ep.Version("versiona"); return !ok }, deleteA)
			}},
		{name: "score", target: on(http.MethodPost, `/service/`+name+`/score$`),
			run:     func(ctx context.Context) error { return scoreOnce(ctx, ep.Run) },
			recover: func(ctx context.Context) error { return scoreOnce(ctx, ep.Run) }},
	})
	inv := e.srv.Inventory()
	e.expectInventory("versions of "+name, inv.Endpoints[name], []string{"versionb"})
	if err := ep.Delete(e.ctx, &webservice.DeleteOptions{Wait: fastWait}); err != nil {
		e.t.Fatalf("deleting the endpoint: %v", err)
	}
	inv = e.srv.Inventory()
	e.expectInventory("endpoints", keys(inv.Endpoints), nil)
	e.expectInventory("services", inv.Services, nil)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
