// Command create-aks provisions a small DevTest AKS cluster as a compute target of the
// workspace, waits for it while showing progress, and prints its state. The workspace is
// resolved as every example does (environment, then config.json, then an embedded local
// workspace).
//
//	go run ./examples/create-aks
//	go run ./examples/create-aks -name my-aks -vm-size Standard_D4s_v3 -nodes 2 -delete
//
// On Azure this creates a real cluster, which costs money until it is deleted (-delete).
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

// options are the command-line settings.
type options struct {
	name   string
	vmSize string
	nodes  int
	poll   time.Duration
	delete bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var o options
	flag.StringVar(&o.name, "name", "aks-devtest", "compute name (3-24 letters, digits, '-', starting with a letter)")
	flag.StringVar(&o.vmSize, "vm-size", "Standard_D2_v2", "node VM size")
	flag.IntVar(&o.nodes, "nodes", 1, "node count")
	flag.DurationVar(&o.poll, "poll", 5*time.Second, "polling interval when the service gives no Retry-After")
	flag.BoolVar(&o.delete, "delete", false, "delete the compute and its cluster at the end")
	flag.Parse()
	if err := run(ctx, os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "create-aks:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, o options) error {
	cfg := compute.ProvisioningConfiguration{
		ClusterPurpose: compute.ClusterPurposeDevTest,
		AgentCount:     o.nodes,
		VMSize:         o.vmSize,
	}
	// Check before connecting: every problem at once, each naming its field.
	if err := cfg.Validate(); err != nil {
		return err
	}
	for _, w := range cfg.Warnings() {
		fmt.Fprintln(out, "warning:", w)
	}

	b, err := backend.Resolve(ctx, &backend.Options{Out: out})
	if err != nil {
		return err
	}
	defer b.Close()
	if b.Kind == backend.KindLocal {
		o.poll = 250 * time.Millisecond // the local workspace answers at once
	}

	fmt.Fprintf(out, "creating AKS compute %q: %d × %s, %s\n", o.name, o.nodes, o.vmSize, cfg.ClusterPurpose)
	aks, err := compute.Create(ctx, b.Workspace, o.name, cfg)
	if err != nil {
		return err
	}
	err = aks.WaitForCompletion(ctx, &compute.WaitOptions{Progress: out, Frequency: o.poll})
	var failed *compute.ProvisioningError
	if errors.As(err, &failed) {
		fmt.Fprintf(out, "provisioning failed (%s):\n", failed.State)
		for _, pe := range failed.ProvisioningErrors {
			fmt.Fprintln(out, "  -", pe.Error())
		}
		return err
	}
	if err != nil {
		return err
	}

	printCompute(out, aks)
	if o.delete {
		op, err := aks.Delete(ctx)
		if err != nil {
			return err
		}
		if err := op.Wait(ctx, &compute.WaitOptions{Progress: out, Frequency: o.poll}); err != nil {
			return err
		}
		fmt.Fprintf(out, "deleted %s and its cluster\n", o.name)
	}
	return nil
}

func printCompute(out io.Writer, aks *compute.AksCompute) {
	fmt.Fprintf(out, "state:         %s\n", aks.ProvisioningState())
	fmt.Fprintf(out, "cluster id:    %s\n", aks.ResourceID())
	if p := aks.Properties(); p != nil {
		fmt.Fprintf(out, "cluster fqdn:  %s\n", p.ClusterFQDN)
		fmt.Fprintf(out, "nodes:         %d × %s (%s)\n", p.AgentCount, p.VMSize, p.ClusterPurpose)
		fmt.Fprintf(out, "load balancer: %s\n", p.LoadBalancerType)
		for _, s := range p.SystemServices {
			fmt.Fprintf(out, "service:       %s %s at %s\n", s.Type, s.Version, s.PublicIPAddress)
		}
	}
}
