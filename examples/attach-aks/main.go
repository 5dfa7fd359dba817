// Command attach-aks attaches an existing AKS cluster to the workspace as a compute
// target, waits for the attachment, prints it, then detaches it again (the cluster is
// kept). The workspace is resolved as every example does (environment, then config.json,
// then an embedded local workspace).
//
//	go run ./examples/attach-aks -resource-id /subscriptions/…/resourceGroups/…/providers/Microsoft.ContainerService/managedClusters/my-aks
//
// On the embedded local workspace -resource-id may be omitted: a made-up cluster id is used.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/internal/backend"
)

// madeUpCluster is attached when running on the embedded local workspace without
// -resource-id; the local workspace treats an unknown cluster as a 3 × Standard_D3_v2 one.
const madeUpCluster = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/example-rg/providers/Microsoft.ContainerService/managedClusters/example-aks"

// options are the command-line settings.
type options struct {
	resourceID string
	name       string
	purpose    string
	poll       time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var o options
	flag.StringVar(&o.resourceID, "resource-id", "", "ARM id of the AKS cluster (Microsoft.ContainerService/managedClusters)")
	flag.StringVar(&o.name, "name", "attached-aks", "compute name")
	flag.StringVar(&o.purpose, "purpose", string(compute.ClusterPurposeFastProd), "cluster purpose: FastProd (≥ 12 vCPUs, ≥ 3 nodes) or DevTest")
	flag.DurationVar(&o.poll, "poll", 5*time.Second, "polling interval when the service gives no Retry-After")
	flag.Parse()
	if err := run(ctx, os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "attach-aks:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, o options) error {
	b, err := backend.Resolve(ctx, &backend.Options{Out: out})
	if err != nil {
		return err
	}
	defer b.Close()
	if o.resourceID == "" {
		if b.Kind != backend.KindLocal {
			return errors.New("pass -resource-id: the ARM id of the AKS cluster to attach")
		}
		o.resourceID = madeUpCluster
		fmt.Fprintf(out, "no -resource-id: attaching the made-up cluster %s\n", o.resourceID)
	}
	if b.Kind == backend.KindLocal {
		o.poll = 250 * time.Millisecond // the local workspace answers at once
	}
	wait := &compute.WaitOptions{Progress: out, Frequency: o.poll}

	cfg := compute.AttachConfiguration{
		ResourceID:       o.resourceID,
		ClusterPurpose:   compute.ClusterPurpose(o.purpose),
		LoadBalancerType: compute.LoadBalancerPublicIP,
	}
	fmt.Fprintf(out, "attaching %s as %q\n", o.resourceID, o.name)
	aks, err := compute.Attach(ctx, b.Workspace, o.name, cfg)
	var already *compute.AlreadyAttachedError
	if errors.As(err, &already) {
		return fmt.Errorf("%w (run with -name %s to use that compute)", err, already.ComputeName)
	}
	if err != nil {
		return err
	}
	if err := aks.WaitForCompletion(ctx, wait); err != nil {
		return err
	}
	fmt.Fprintf(out, "state:        %s (attached: %v)\n", aks.ProvisioningState(), aks.IsAttached())
	if p := aks.Properties(); p != nil {
		fmt.Fprintf(out, "cluster fqdn: %s\n", p.ClusterFQDN)
		fmt.Fprintf(out, "nodes:        %d × %s (%s)\n", p.AgentCount, p.VMSize, p.ClusterPurpose)
	}

	op, err := aks.Detach(ctx)
	if err != nil {
		return err
	}
	if err := op.Wait(ctx, wait); err != nil {
		return err
	}
	fmt.Fprintf(out, "detached %q; the cluster itself is kept\n", o.name)
	return nil
}
