package compute_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// localWorkspace starts a local workspace for the examples; real programs get their
// workspace with workspace.Get or workspace.FromConfig.
func localWorkspace() (*workspace.Workspace, func()) {
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		log.Fatal(err)
	}
	ws, err := workspacetest.Connect(context.Background(), srv, nil)
	if err != nil {
		log.Fatal(err)
	}
	return ws, func() { _ = srv.Close() }
}

// Create a small DevTest cluster and wait for it.
func ExampleCreate() {
	ws, stop := localWorkspace()
	defer stop()
	ctx := context.Background()

	cfg := compute.ProvisioningConfiguration{
		ClusterPurpose: compute.ClusterPurposeDevTest, // FastProd needs ≥ 12 vCPUs and 3 nodes
		AgentCount:     1,
		VMSize:         "Standard_D2_v2",
	}
	aks, err := compute.Create(ctx, ws, "my-aks", cfg)
	if err != nil {
		log.Fatal(err) // a *compute.ValidationError lists every problem at once
	}
	err = aks.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 100 * time.Millisecond})
	var failed *compute.ProvisioningError
	if errors.As(err, &failed) {
		log.Fatal(failed.ProvisioningErrors)
	}
	if err != nil {
		log.Fatal(err)
	}
	p := aks.Properties()
	fmt.Println(aks.ProvisioningState(), p.ClusterPurpose, p.AgentCount, p.VMSize)
	// Output: Succeeded DevTest 1 Standard_D2_v2
}

// Validation reports every problem before anything is sent.
func ExampleProvisioningConfiguration_Validate() {
	cfg := compute.ProvisioningConfiguration{
		ClusterPurpose: compute.ClusterPurposeFastProd,
		AgentCount:     2,
		VMSize:         "Standard_D2_v2",
		SSL:            compute.MicrosoftCert{},
	}
	var ve *compute.ValidationError
	if errors.As(cfg.Validate(), &ve) {
		for _, p := range ve.Problems {
			fmt.Println(p.Field, p.Rule)
		}
	}
	// Output:
	// SSL.LeafDomainLabel required
	// AgentCount fastprod-vcpus
	// AgentCount fastprod-nodes
}

// Attach an existing cluster, then detach it (the cluster is kept).
func ExampleAttach() {
	ws, stop := localWorkspace()
	defer stop()
	ctx := context.Background()
	wait := &compute.WaitOptions{Frequency: 100 * time.Millisecond}

	aks, err := compute.Attach(ctx, ws, "prod-aks", compute.AttachConfiguration{
		ResourceID:     "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/prod",
		ClusterPurpose: compute.ClusterPurposeFastProd,
	})
	var already *compute.AlreadyAttachedError
	if errors.As(err, &already) {
		log.Fatalf("already attached as %s", already.ComputeName)
	}
	if err != nil {
		log.Fatal(err)
	}
	if err := aks.WaitForCompletion(ctx, wait); err != nil {
		log.Fatal(err)
	}
	fmt.Println(aks.ProvisioningState(), aks.IsAttached())

	op, err := aks.Detach(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if err := op.Wait(ctx, wait); err != nil {
		log.Fatal(err)
	}
	_, err = compute.Get(ctx, ws, "prod-aks")
	fmt.Println(errors.Is(err, compute.ErrNotFound))
	// Output:
	// Succeeded true
	// true
}

// List pages lazily through the workspace's computes.
func ExampleList() {
	ws, stop := localWorkspace()
	defer stop()
	ctx := context.Background()

	pager := compute.List(ws, nil)
	n := 0
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			log.Fatal(err)
		}
		for _, c := range page.Computes {
			fmt.Println(c.Name(), c.ProvisioningState())
		}
		n += len(page.Computes)
	}
	fmt.Println(n, "AKS computes")
	// Output: 0 AKS computes
}
