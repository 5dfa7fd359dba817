package faulttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/azureml-go/azureml/compute"
)

// computeFlow: create → wait → get → list → update → credentials → detach →
// attach → delete. Faults hit the create PUT, a poll of its operation, the
// list and the detach DELETE.
func computeFlow(e *env) {
	const name = "fx-aks"
	wait := e.computeWait()
	var c, again *compute.AksCompute
	var clusterID string

	e.run([]step{
		{name: "create", target: on(http.MethodPut, `/computes/`+name+`$`), run: func(ctx context.Context) (err error) {
			c, err = compute.Create(ctx, e.ws, name, compute.ProvisioningConfiguration{
				ClusterPurpose: compute.ClusterPurposeDevTest, AgentCount: 1, VMSize: "Standard_D2_v2",
			})
			return err
		}},
		{name: "wait", target: on(http.MethodGet, `/operations/`), run: func(ctx context.Context) error {
			if err := c.WaitForCompletion(ctx, wait); err != nil {
				return err
			}
			if st := c.ProvisioningState(); st != compute.StateSucceeded {
				return fmt.Errorf("state %s after the wait", st)
			}
			clusterID = c.ResourceID()
			return nil
		}},
		{name: "get", run: func(ctx context.Context) error {
			got, err := compute.Get(ctx, e.ws, name)
			if err != nil {
				return err
			}
			if got.ID() != c.ID() {
				return fmt.Errorf("get returned %s, want %s", got.ID(), c.ID())
			}
			_, err = got.GetStatus(ctx)
			return err
		}},
		{name: "list", target: on(http.MethodGet, `/computes$`), run: func(ctx context.Context) error {
			names, err := listComputes(ctx, e)
			if err != nil {
				return err
			}
			if !slices.Equal(names, []string{name}) {
				return fmt.Errorf("list: %q", names)
			}
			return nil
		}},
		{name: "update", run: func(ctx context.Context) error {
			op, err := c.Update(ctx, compute.UpdateConfiguration{SSL: compute.MicrosoftCert{LeafDomainLabel: "fxscoring"}})
			if err != nil {
				return err
			}
			return op.Wait(ctx, wait)
		}},
		{name: "credentials", run: func(ctx context.Context) error {
			_, err := c.GetCredentials(ctx)
			return err
		}},
		{name: "detach", target: on(http.MethodDelete, `/computes/`+name+`$`), run: func(ctx context.Context) error {
			op, err := c.Detach(ctx)
			if err != nil {
				return err
			}
			if err := op.Wait(ctx, wait); err != nil {
				return err
			}
			if _, err := compute.Get(ctx, e.ws, name); !errors.Is(err, compute.ErrNotFound) {
				return fmt.Errorf("get after detach: %v", err)
			}
			return nil
		}},
		{name: "attach", run: func(ctx context.Context) (err error) {
			again, err = compute.Attach(ctx, e.ws, "fx-again", compute.AttachConfiguration{ResourceID: clusterID, ClusterPurpose: compute.ClusterPurposeDevTest})
			if err != nil {
				return err
			}
			return again.WaitForCompletion(ctx, wait)
		}},
		{name: "delete", run: func(ctx context.Context) error {
			op, err := again.Delete(ctx)
			if err != nil {
				return err
			}
			return op.Wait(ctx, wait)
		}},
	})
	inv := e.srv.Inventory()
	e.expectInventory("computes", inv.Computes, nil)
	e.expectInventory("AKS clusters", inv.AKSClusters, nil)
}

// listComputes pages through the compute list.
func listComputes(ctx context.Context, e *env) ([]string, error) {
	var names []string
	pager := compute.List(e.ws, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range page.Computes {
			names = append(names, c.Name())
		}
	}
	return names, nil
}
