// Command deploy-aks walks the whole life of an AKS web service:
//
//  1. register the model and score.py of examples/assets;
//  2. deploy to the AKS compute named by -compute (a DevTest cluster is created when it is
//     missing) and wait, showing progress;
//  3. print the state;
//  4. score a sample with key auth, then switch the service to token auth and score again;
//  5. print the tail of the logs;
//  6. update the number of replicas;
//  7. delete the service.
//
// The workspace is resolved as every example does (environment, then config.json, then
// an embedded local workspace that really runs score.py).
//
//	go run ./examples/deploy-aks
//	go run ./examples/deploy-aks -compute my-aks -name my-service
package main

import (
	"context"
	"errors"
	"flag"
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
	"github.com/azureml-go/azureml/workspace"
)

// options are the command-line settings.
type options struct {
	compute string
	name    string
	assets  string
	poll    time.Duration
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var o options
	flag.StringVar(&o.compute, "compute", "aks-devtest", "AKS compute to deploy to; a DevTest cluster is created when it does not exist")
	flag.StringVar(&o.name, "name", "linear-service", "service name (3-32 lowercase letters, digits and '-')")
	flag.StringVar(&o.assets, "assets", "", "directory holding model.json, src/score.py and sample-input.json (default: examples/assets)")
	flag.DurationVar(&o.poll, "poll", 5*time.Second, "polling interval when the service gives no Retry-After")
	flag.Parse()
	if err := run(ctx, os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "deploy-aks:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, o options) error {
	assets, err := findAssets(o.assets)
	if err != nil {
		return err
	}
	sample, err := os.ReadFile(filepath.Join(assets, "sample-input.json"))
	if err != nil {
		return err
	}
	b, err := backend.Resolve(ctx, &backend.Options{Out: out})
	if err != nil {
		return err
	}
	defer b.Close()
	if b.Kind == backend.KindLocal {
		o.poll = 200 * time.Millisecond // the local workspace answers at once
	}
	ws := b.Workspace

	// 1. Register the model.
	m, err := model.Register(ctx, ws, filepath.Join(assets, "model.json"), "example-linear", &model.RegisterOptions{
		Description: "a linear model with four features",
		Tags:        map[string]string{"example": "deploy-aks"},
	})
	if err != nil {
		return fmt.Errorf("register: %w", err)
	}
	fmt.Fprintf(out, "registered model %s\n", m.ID)

	// 2. Deploy to the AKS compute, creating it when missing.
	aks, err := ensureCompute(ctx, out, ws, o)
	if err != nil {
		return err
	}
	ic := &model.InferenceConfig{
		EntryScript:     "score.py",
		SourceDirectory: filepath.Join(assets, "src"),
		Environment:     model.NewEnvironment("example-linear-env"),
	}
	cfg := webservice.AksDeployConfig{
		AuthEnabled:      to.Ptr(true),
		AutoscaleEnabled: to.Ptr(false),
		NumReplicas:      to.Ptr(1),
		CPUCores:         to.Ptr(0.1),
		MemoryGB:         to.Ptr(0.5),
	}
	fmt.Fprintf(out, "deploying %s to %s\n", o.name, aks.Name())
	svc, err := model.Deploy(ctx, ws, o.name, []*model.Model{m}, ic, cfg, aks, &model.DeployOptions{Overwrite: true})
	if err != nil {
		return fmt.Errorf("deploy: %w", err)
	}
	wait := &webservice.WaitOptions{Progress: progress(out), PollFrequency: o.poll, Timeout: 20 * time.Minute}
	if err := svc.WaitForDeployment(ctx, wait); err != nil {
		var failed *webservice.DeploymentError
		if errors.As(err, &failed) && len(failed.Logs) > 0 {
			fmt.Fprintln(out, "last log lines:")
			for _, l := range failed.Logs {
				fmt.Fprintln(out, "  ", l)
			}
		}
		return err
	}

	// 3. State.
	fmt.Fprintf(out, "state:       %s\n", svc.State())
	fmt.Fprintf(out, "scoring uri: %s\n", svc.ScoringURI())
	fmt.Fprintf(out, "swagger uri: %s\n", svc.SwaggerURI())

	// 4. Score with key auth, then with token auth.
	answer, err := svc.Run(ctx, sample)
	if err != nil {
		return fmt.Errorf("score with key auth: %w", err)
	}
	fmt.Fprintf(out, "key auth:    %s\n", answer)

	op, err := svc.Update(ctx, webservice.AksUpdateConfig{AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(true)}, nil)
	if err != nil {
		return fmt.Errorf("switch to token auth: %w", err)
	}
	if err := op.Wait(ctx, wait); err != nil {
		return err
	}
	tok, err := svc.GetAccessToken(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "token:       %s, refresh after %s\n", tok.Token, tok.RefreshAfter.UTC().Format(time.RFC3339))
	answer, err = svc.Run(ctx, sample)
	if err != nil {
		return fmt.Errorf("score with token auth: %w", err)
	}
	fmt.Fprintf(out, "token auth:  %s\n", answer)

	// 5. The tail of the logs.
	logs, err := svc.GetLogs(ctx, &webservice.LogOptions{Tail: 5})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "logs:\n%s\n", logs)

	// 6. Two replicas.
	op, err = svc.Update(ctx, webservice.AksUpdateConfig{NumReplicas: to.Ptr(2)}, nil)
	if err != nil {
		return fmt.Errorf("update replicas: %w", err)
	}
	if err := op.Wait(ctx, wait); err != nil {
		return err
	}
	if err := svc.Refresh(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "replicas:    %d available\n", svc.ReplicaStatus().Available)

	// 7. Delete.
	if err := svc.Delete(ctx, nil); err != nil {
		return err
	}
	fmt.Fprintf(out, "deleted %s\n", o.name)
	return nil
}

// ensureCompute returns the AKS compute named o.compute, creating a DevTest cluster when
// the workspace has none of that name.
func ensureCompute(ctx context.Context, out io.Writer, ws *workspace.Workspace, o options) (*compute.AksCompute, error) {
	aks, err := compute.Get(ctx, ws, o.compute)
	if err == nil {
		return aks, nil
	}
	if !errors.Is(err, compute.ErrNotFound) {
		return nil, err
	}
	fmt.Fprintf(out, "creating DevTest AKS compute %s\n", o.compute)
	aks, err = compute.Create(ctx, ws, o.compute, compute.ProvisioningConfiguration{
		ClusterPurpose: compute.ClusterPurposeDevTest,
		AgentCount:     1,
		VMSize:         "Standard_D2_v2",
	})
	if err != nil {
		return nil, err
	}
	if err := aks.WaitForCompletion(ctx, &compute.WaitOptions{Progress: out, Frequency: o.poll}); err != nil {
		return nil, err
	}
	return aks, nil
}

// progress prints the wait's state changes and streamed log lines.
func progress(out io.Writer) func(webservice.ProgressEvent) {
	return func(e webservice.ProgressEvent) {
		fmt.Fprintf(out, "  %s %s\n", e.Time.Local().Format("15:04:05"), e.Message)
	}
}

// findAssets returns the example assets directory.
func findAssets(dir string) (string, error) {
	candidates := []string{dir}
	if dir == "" {
		candidates = []string{"examples/assets", "../assets"}
	}
	for _, c := range candidates {
		if _, err := os.Stat(filepath.Join(c, "model.json")); err == nil {
			return filepath.Abs(c)
		}
	}
	return "", fmt.Errorf("example assets not found in %v: run from the repository root or pass -assets", candidates)
}
