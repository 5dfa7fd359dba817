// Command quickstart is the first thing to run. It resolves a workspace (the environment,
// then config.json, then an embedded local workspace that needs no Azure account) and
// walks the main flow of the SDK on it:
//
//	AKS compute → model → deploy → wait → score → clean up
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/internal/backend"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, ""); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, assets string) error {
	if assets == "" {
		assets = "examples/assets"
	}
	sample, err := os.ReadFile(filepath.Join(assets, "sample-input.json"))
	if err != nil {
		return fmt.Errorf("%w (run from the repository root)", err)
	}

	// The workspace: environment, then config.json, then the embedded local workspace.
	b, err := backend.Resolve(ctx, &backend.Options{Out: out})
	if err != nil {
		return err
	}
	defer b.Close()
	ws := b.Workspace
	poll := 5 * time.Second
	if b.Kind == backend.KindLocal {
		poll = 200 * time.Millisecond
	}
	fmt.Fprintf(out, "workspace:   %s (%s), discovery %s\n", ws.Name(), ws.Location(), ws.DiscoveryURL())

	// An AKS compute target: reuse it, or create a DevTest cluster.
	aks, err := compute.Get(ctx, ws, "quickstart-aks")
	if errors.Is(err, compute.ErrNotFound) {
		aks, err = compute.Create(ctx, ws, "quickstart-aks", compute.ProvisioningConfiguration{
			ClusterPurpose: compute.ClusterPurposeDevTest, AgentCount: 1, VMSize: "Standard_D2_v2",
		})
		if err == nil {
			err = aks.WaitForCompletion(ctx, &compute.WaitOptions{Progress: out, Frequency: poll})
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "compute:     %s (%s)\n", aks.Name(), aks.ProvisioningState())

	// A model.
	m, err := model.Register(ctx, ws, filepath.Join(assets, "model.json"), "quickstart-linear", nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "model:       %s\n", m.ID)

	// Deploy it with its scoring script, and wait.
	ic := &model.InferenceConfig{
		EntryScript:     "score.py",
		SourceDirectory: filepath.Join(assets, "src"),
		Environment:     model.NewEnvironment("quickstart-env"),
	}
	svc, err := model.Deploy(ctx, ws, "quickstart-service", []*model.Model{m}, ic,
		webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1)}, aks,
		&model.DeployOptions{Overwrite: true})
	if err != nil {
		return err
	}
	err = svc.WaitForDeployment(ctx, &webservice.WaitOptions{
		PollFrequency: poll,
		Timeout:       20 * time.Minute,
		Progress: func(e webservice.ProgressEvent) {
			fmt.Fprintf(out, "  %s\n", e.Message)
		},
	})
	if err != nil {
		return err // a *webservice.DeploymentError carries the operation's error and the last log lines
	}
	fmt.Fprintf(out, "service:     %s (%s) at %s\n", svc.Name(), svc.State(), svc.ScoringURI())

	// Score it.
	answer, err := svc.Run(ctx, sample)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "scored:      %s -> %s\n", compact(sample), answer)

	// Clean up the service (the compute and the model stay for the next run).
	if err := svc.Delete(ctx, nil); err != nil {
		return err
	}
	fmt.Fprintf(out, "deleted:     %s\n", svc.Name())
	return nil
}

// compact shortens a sample for one line of output.
func compact(b []byte) string {
	s := string(b)
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s
}
