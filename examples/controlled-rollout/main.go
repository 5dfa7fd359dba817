// Command controlled-rollout runs the controlled-rollout scenario of an AKS
// endpoint (azureml-core AksEndpoint) on a workspace resolved as every
// example does (environment, then config.json, then an embedded local
// workspace):
//
//  1. deploy an endpoint whose first version, versiona, has 20% (it is the
//     default, so it receives everything);
//  2. create versionb at 10%;
//  3. update versionb to 40%, as the default and the control version;
//  4. send 2,000 requests and print the observed split against the plan;
//  5. delete versionb — refused while it is the default, so versiona is made
//     the default first.
//
// Every change is validated and explained (before → after) before it is sent.
//
//	go run ./examples/controlled-rollout
//	go run ./examples/controlled-rollout -endpoint my-rollout -compute my-aks -requests 5000
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/internal/backend"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// options are the command-line settings.
type options struct {
	endpoint  string
	compute   string
	assets    string
	requests  int
	workers   int
	poll      time.Duration
	overwrite bool
	keep      bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var o options
	flag.StringVar(&o.endpoint, "endpoint", "rollout-demo", "endpoint name")
	flag.StringVar(&o.compute, "compute", "aks-devtest", "AKS compute to deploy to (created on the local workspace when missing)")
	flag.StringVar(&o.assets, "assets", "", "directory of the example assets (default: examples/assets)")
	flag.IntVar(&o.requests, "requests", 2000, "scoring requests to send")
	flag.IntVar(&o.workers, "workers", 32, "concurrent scoring requests")
	flag.DurationVar(&o.poll, "poll", 5*time.Second, "polling interval when the service gives no Retry-After")
	flag.BoolVar(&o.overwrite, "overwrite", false, "replace an existing endpoint of the same name")
	flag.BoolVar(&o.keep, "keep", false, "keep the endpoint at the end (default: delete it)")
	flag.Parse()
	if err := run(ctx, os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "controlled-rollout:", err)
		os.Exit(1)
	}
}

// findAssets locates examples/assets from the repository root or from this
// example's directory.
func findAssets(dir string) (string, error) {
	candidates := []string{"examples/assets", "../assets"}
	if dir != "" {
		candidates = []string{dir}
	}
	for _, p := range candidates {
		if _, err := os.Stat(filepath.Join(p, "inferenceconfig.json")); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("examples/assets not found: run from the repository root or pass -assets: %w", fs.ErrNotExist)
}

func run(ctx context.Context, out io.Writer, o options) error {
	assets, err := findAssets(o.assets)
	if err != nil {
		return err
	}
	ic, err := model.LoadInferenceConfig(filepath.Join(assets, "inferenceconfig.json"))
	if err != nil {
		return err
	}
	input, err := os.ReadFile(filepath.Join(assets, "sample-input.json"))
	if err != nil {
		return err
	}
	b, err := backend.Resolve(ctx, &backend.Options{Out: out})
	if err != nil {
		return err
	}
	defer b.Close()
	ws := b.Workspace
	if b.Kind == backend.KindLocal {
		o.poll = 100 * time.Millisecond // the local workspace answers at once
	}
	wait := &webservice.WaitOptions{PollFrequency: o.poll}

	aks, err := ensureCompute(ctx, out, b, o)
	if err != nil {
		return err
	}
	m, err := model.Register(ctx, ws, filepath.Join(assets, "model.json"), "example-linear", &model.RegisterOptions{Framework: model.FrameworkCustom})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "model %s registered\n", m.ID)
	models := []*model.Model{m}
	// One replica per version, serving several requests at once.
	settings := endpoint.VersionSettings{
		AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1),
		ReplicaMaxConcurrentRequests: to.Ptr(8), MaxRequestWaitTimeMs: to.Ptr(5000),
	}

	step(out, 1, "deploy endpoint %s with versiona at 20%%", o.endpoint)
	cfg := endpoint.AksEndpointDeployConfig{VersionName: "versiona", TrafficPercentile: to.Ptr(20.0)}
	cfg.AutoscaleEnabled, cfg.NumReplicas = settings.AutoscaleEnabled, settings.NumReplicas
	cfg.ReplicaMaxConcurrentRequests, cfg.MaxRequestWaitTimeMs = settings.ReplicaMaxConcurrentRequests, settings.MaxRequestWaitTimeMs
	ep, err := model.Deploy(ctx, ws, o.endpoint, models, ic, cfg, aks, &model.DeployOptions{Overwrite: o.overwrite})
	if err != nil {
		return err
	}
	if err := ep.WaitForDeployment(ctx, wait); err != nil {
		return err
	}
	if !o.keep {
		defer func() {
			if err := ep.Delete(context.WithoutCancel(ctx), nil); err != nil {
				fmt.Fprintln(out, "warning: deleting the endpoint:", err)
			} else {
				fmt.Fprintf(out, "endpoint %s deleted\n", o.endpoint)
			}
		}()
	}
	fmt.Fprint(out, indent(ep.TrafficPlan().Explain()))

	step(out, 2, "create versionb at 10%%")
	op, err := ep.CreateVersion(ctx, "versionb", models, ic, &endpoint.CreateVersionOptions{
		VersionSettings: settings, TrafficPercentile: to.Ptr(10.0),
	})
	if err := explainAndWait(ctx, out, op, err, wait); err != nil {
		return err
	}

	step(out, 3, "update versionb to 40%%, as the default and the control")
	op, err = ep.UpdateVersion(ctx, "versionb", endpoint.UpdateVersionOptions{
		TrafficPercentile: to.Ptr(40.0), IsDefault: to.Ptr(true), IsControl: to.Ptr(true),
	})
	if err := explainAndWait(ctx, out, op, err, wait); err != nil {
		return err
	}

	step(out, 4, "send %d requests", o.requests)
	counts, err := score(ctx, ep, input, o.requests, o.workers)
	if err != nil {
		return err
	}
	printSplit(out, ep.Versions(), counts, o.requests)

	step(out, 5, "delete versionb")
	_, err = ep.DeleteVersion(ctx, "versionb", nil)
	var planErr *endpoint.PlanError
	if !errors.As(err, &planErr) {
		return fmt.Errorf("deleting the default version should have been refused, got %v", err)
	}
	fmt.Fprintf(out, "  refused before any change: %s\n", planErr.Problems[0].Message)
	fmt.Fprintln(out, "  so versiona becomes the default first:")
	op, err = ep.UpdateVersion(ctx, "versiona", endpoint.UpdateVersionOptions{IsDefault: to.Ptr(true)})
	if err := explainAndWait(ctx, out, op, err, wait); err != nil {
		return err
	}
	op, err = ep.DeleteVersion(ctx, "versionb", nil)
	if err := explainAndWait(ctx, out, op, err, wait); err != nil {
		return err
	}
	return nil
}

// ensureCompute returns the AKS compute, creating it on the local workspace.
func ensureCompute(ctx context.Context, out io.Writer, b *backend.Backend, o options) (*compute.AksCompute, error) {
	aks, err := compute.Get(ctx, b.Workspace, o.compute)
	if err == nil || !errors.Is(err, compute.ErrNotFound) || b.Kind != backend.KindLocal {
		return aks, err
	}
	fmt.Fprintf(out, "creating AKS compute %s on the local workspace\n", o.compute)
	aks, err = compute.Create(ctx, b.Workspace, o.compute, compute.ProvisioningConfiguration{
		ClusterPurpose: compute.ClusterPurposeDevTest, AgentCount: 1, VMSize: "Standard_D2_v2",
	})
	if err != nil {
		return nil, err
	}
	return aks, aks.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: o.poll})
}

func step(out io.Writer, n int, format string, args ...any) {
	fmt.Fprintf(out, "\n%d. %s\n", n, fmt.Sprintf(format, args...))
}

// explainAndWait prints the change an operation makes and waits for it.
func explainAndWait(ctx context.Context, out io.Writer, op *endpoint.Operation, err error, wait *webservice.WaitOptions) error {
	if err != nil {
		return err
	}
	fmt.Fprint(out, indent(op.Change().Explain()))
	if err := op.Wait(ctx, wait); err != nil {
		return err
	}
	fmt.Fprintf(out, "  operation %s succeeded\n", op.ID())
	return nil
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}

// score sends n requests with the endpoint's credential, workers at a time,
// and counts the versions that answered (response header
// azureml-model-version). It uses net/http directly because the answering
// version is a response header, which the SDK's scoring client does not
// return.
func score(ctx context.Context, ep *endpoint.AksEndpoint, input []byte, n, workers int) (map[string]int, error) {
	svc, err := ep.Service(ctx)
	if err != nil {
		return nil, err
	}
	cred := svc.ScoringCredential()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	var (
		mu     sync.Mutex
		counts = map[string]int{}
		first  error
		wg     sync.WaitGroup
		jobs   = make(chan struct{})
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				version, err := scoreOnce(ctx, client, ep.ScoringURI(), cred, input)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				counts[version]++
				mu.Unlock()
			}
		}()
	}
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	return counts, first
}

func scoreOnce(ctx context.Context, client *http.Client, uri string, cred webservice.ScoringCredential, input []byte) (string, error) {
	secret, err := cred.ScoringCredential(ctx, false)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, uri, strings.NewReader(string(input)))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	if !secret.IsZero() {
		req.Header.Set("Authorization", "Bearer "+secret.Reveal())
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("scoring answered %s", resp.Status)
	}
	return resp.Header.Get("azureml-model-version"), nil
}

// printSplit prints, per version, the planned share and the observed one.
func printSplit(out io.Writer, versions []endpoint.Version, counts map[string]int, total int) {
	fmt.Fprintf(out, "  %-10s %8s %10s %9s\n", "version", "plan", "observed", "requests")
	seen := map[string]bool{}
	for _, v := range versions {
		seen[v.Name] = true
		got := 100 * float64(counts[v.Name]) / float64(total)
		fmt.Fprintf(out, "  %-10s %7.1f%% %9.1f%% %9d\n", v.Name, v.EffectivePercent, got, counts[v.Name])
	}
	var other []string
	for name := range counts {
		if !seen[name] {
			other = append(other, name)
		}
	}
	sort.Strings(other)
	for _, name := range other {
		label := name
		if label == "" {
			label = "(unnamed)"
		}
		fmt.Fprintf(out, "  %-10s %8s %9.1f%% %9d\n", label, "-", 100*float64(counts[name])/float64(total), counts[name])
	}
}
