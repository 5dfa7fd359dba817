package faulttest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// childEnv, when set, makes the test binary run as the child process of
// TestWaitResumesInAnotherProcess instead of running tests (see TestMain);
// childInfoEnv carries what the child needs, as JSON.
const (
	childEnv     = "AZUREML_FAULTTEST_CHILD"
	childInfoEnv = "AZUREML_FAULTTEST_CHILD_INFO"
)

// childInfo is what the parent tells the child.
type childInfo struct {
	Workspace emulator.Info `json:"workspace"`
	ModelID   string        `json:"modelId"`
	Compute   string        `json:"compute"`
}

// childTokens is what the child prints: one resume token per wait it started.
type childTokens struct {
	Compute string `json:"compute"`
	Service string `json:"service"`
}

// runChild is the child process: it starts a compute creation and a
// deployment against the parent's local workspace, begins waiting for both,
// gives up on the waits (as a process that is stopped would) and prints their
// resume tokens. It returns the exit code.
func runChild() int {
	if err := child(); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}

func child() error {
	var info childInfo
	if err := json.Unmarshal([]byte(os.Getenv(childInfoEnv)), &info); err != nil {
		return fmt.Errorf("reading %s: %w", childInfoEnv, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w := info.Workspace
	ws, err := workspace.Get(ctx, w.SubscriptionID, w.ResourceGroup, w.WorkspaceName, workspacetest.LocalCredential{},
		&workspace.Options{ARMEndpoint: w.ARMEndpoint, DiscoveryURL: w.DiscoveryURL})
	if err != nil {
		return err
	}

	c, err := compute.Create(ctx, ws, "resumed-aks", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest})
	if err != nil {
		return err
	}
	if err := startWaiting(func(ctx context.Context) error {
		return c.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 20 * time.Millisecond})
	}); err != nil {
		return fmt.Errorf("compute wait: %w", err)
	}
	computeToken, err := c.Operation().ResumeToken()
	if err != nil {
		return err
	}

	m, err := model.Get(ctx, ws, info.ModelID)
	if err != nil {
		return err
	}
	aks, err := compute.Get(ctx, ws, info.Compute)
	if err != nil {
		return err
	}
	ic, err := model.LoadInferenceConfig(filepath.Join(assets, "inferenceconfig.json"))
	if err != nil {
		return err
	}
	svc, err := model.Deploy(ctx, ws, "resumed-svc", []*model.Model{m}, ic, fixedReplicas, aks, nil)
	if err != nil {
		return err
	}
	if err := startWaiting(func(ctx context.Context) error {
		return svc.WaitForDeployment(ctx, &webservice.WaitOptions{PollFrequency: 20 * time.Millisecond})
	}); err != nil {
		return fmt.Errorf("deployment wait: %w", err)
	}
	serviceToken, err := svc.OperationResumeToken()
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(childTokens{Compute: computeToken, Service: serviceToken})
}

// startWaiting runs wait for a moment and stops it: the operation must still
// be running then.
func startWaiting(wait func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("the wait ended (%v) before the process stopped waiting: the operation was too quick to test a resume", err)
	}
	return nil
}

// A wait started in one process resumes from its resume token in another:
// the test binary runs itself as a child that starts a compute creation and a
// deployment, waits briefly and exits; this process resumes both waits from
// the printed tokens.
func TestWaitResumesInAnotherProcess(t *testing.T) {
	t.Parallel()
	needPython(t)
	srv, err := emulator.New(emulator.Options{DataDir: t.TempDir(), OperationDelay: 3 * time.Second, Python: python()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	ws, err := workspacetest.Connect(context.Background(), srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	aks, err := compute.Create(ctx, ws, "fx-aks", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest})
	if err == nil {
		err = aks.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 20 * time.Millisecond})
	}
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	m, err := model.Register(ctx, ws, filepath.Join(assets, "model.json"), "fx-model", nil)
	if err != nil {
		t.Fatalf("setup: %v", err)
	}

	info, _ := json.Marshal(childInfo{Workspace: srv.Info(), ModelID: m.ID, Compute: "fx-aks"})
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", childInfoEnv+"="+string(info))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child process: %v\n%s", err, stderr.String())
	}
	var tokens childTokens
	if err := json.Unmarshal(stdout.Bytes(), &tokens); err != nil {
		t.Fatalf("child output %q: %v", stdout.String(), err)
	}

	// Resume both; both operations are still running then.
	op, err := compute.ResumeOperation(ws, tokens.Compute)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := webservice.ResumeDeployment(ctx, ws, tokens.Service)
	if err != nil {
		t.Fatal(err)
	}
	if svc.State() == webservice.StateHealthy {
		t.Errorf("the deployment had finished before the resume: the test does not resume a running wait")
	}
	if c, err := compute.Get(ctx, ws, op.ComputeName()); err != nil || c.ProvisioningState() == compute.StateSucceeded {
		t.Errorf("the compute creation had finished before the resume (%v, %v): the test does not resume a running wait", c, err)
	}

	// The compute creation ends as the child would have seen it end.
	var states []string
	if err := op.Wait(ctx, &compute.WaitOptions{Frequency: 20 * time.Millisecond, OnProgress: func(e compute.ProgressEvent) {
		states = append(states, e.State)
	}}); err != nil {
		t.Fatalf("resumed compute wait: %v", err)
	}
	if len(states) == 0 || states[len(states)-1] != "Succeeded" {
		t.Errorf("resumed compute wait saw states %q, want it to end Succeeded", states)
	}
	if c := op.Compute(); c == nil || c.ProvisioningState() != compute.StateSucceeded {
		t.Errorf("compute after the resumed wait: %v", c)
	}

	// The deployment ends healthy and scores.
	if err := svc.WaitForDeployment(ctx, &webservice.WaitOptions{PollFrequency: 20 * time.Millisecond}); err != nil {
		t.Fatalf("resumed deployment wait: %v", err)
	}
	if svc.State() != webservice.StateHealthy {
		t.Fatalf("service state %s after the resumed wait", svc.State())
	}
	if err := scoreOnce(ctx, svc.Run); err != nil {
		t.Errorf("scoring the resumed deployment: %v", err)
	}
}

// A local workspace restarted on its data directory keeps its computes,
// models, services and keys, and the services score again with the same keys.
func TestLocalWorkspaceSurvivesRestart(t *testing.T) {
	t.Parallel()
	needPython(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	srv1, err := emulator.New(emulator.Options{DataDir: dir, Python: python()})
	if err != nil {
		t.Fatal(err)
	}
	ws1, err := workspacetest.Connect(ctx, srv1, nil)
	if err != nil {
		t.Fatal(err)
	}
	aks, err := compute.Create(ctx, ws1, "fx-aks", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest})
	if err == nil {
		err = aks.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: pollEvery})
	}
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Register(ctx, ws1, filepath.Join(assets, "model.json"), "fx-model", &model.RegisterOptions{Tags: map[string]string{"stage": "dev"}})
	if err != nil {
		t.Fatal(err)
	}
	ic, err := model.LoadInferenceConfig(filepath.Join(assets, "inferenceconfig.json"))
	if err != nil {
		t.Fatal(err)
	}
	svc, err := model.Deploy(ctx, ws1, "fx-svc", []*model.Model{m}, ic, fixedReplicas, aks, nil)
	if err == nil {
		err = svc.WaitForDeployment(ctx, fastWait)
	}
	if err != nil {
		t.Fatal(err)
	}
	// A chosen primary key, so that "the same key" means the one the user set.
	if err := svc.RegenKey(ctx, webservice.KeyPrimary, &webservice.RegenKeyOptions{Value: auth.NewSecret("fx-kept-primary"), Wait: fastWait}); err != nil {
		t.Fatal(err)
	}
	keys1, err := svc.GetKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := scoreOnce(ctx, svc.Run); err != nil {
		t.Fatal(err)
	}
	before := srv1.Inventory()
	if err := srv1.Close(); err != nil {
		t.Fatalf("closing the first server: %v", err)
	}

	srv2, err := emulator.New(emulator.Options{DataDir: dir, Python: python()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv2.Close() })
	ws2, err := workspacetest.Connect(ctx, srv2, nil)
	if err != nil {
		t.Fatal(err)
	}
	after := srv2.Inventory()
	for _, c := range []struct {
		what         string
		before, then []string
	}{
		{"computes", before.Computes, after.Computes},
		{"AKS clusters", before.AKSClusters, after.AKSClusters},
		{"models", before.Models, after.Models},
		{"services", before.Services, after.Services},
	} {
		if !slices.Equal(c.before, c.then) || len(c.then) == 0 {
			t.Errorf("%s before the restart %q, after %q", c.what, c.before, c.then)
		}
	}

	got, err := compute.Get(ctx, ws2, "fx-aks")
	if err != nil || got.ProvisioningState() != compute.StateSucceeded || got.ResourceID() != aks.ResourceID() {
		t.Errorf("compute after the restart: %v, %v", got, err)
	}
	gm, err := model.Get(ctx, ws2, m.ID)
	if err != nil || gm.URL != m.URL || gm.Tags["stage"] != "dev" {
		t.Errorf("model after the restart: %+v, %v", gm, err)
	}
	svc2, err := webservice.Get(ctx, ws2, "fx-svc")
	if err != nil {
		t.Fatal(err)
	}
	keys2, err := svc2.GetKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !keys2.Primary.Equal(keys1.Primary) || !keys2.Secondary.Equal(keys1.Secondary) || keys2.Primary.Reveal() != "fx-kept-primary" {
		t.Error("the service keys changed across the restart")
	}
	// The service scores again, at the new address, with the key kept from
	// before the restart (not one read afresh).
	deadline := time.Now().Add(time.Minute)
	for svc2.State() != webservice.StateHealthy && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		if err := svc2.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if svc2.State() != webservice.StateHealthy {
		t.Fatalf("service state %s after the restart", svc2.State())
	}
	client, err := webservice.NewScoringClient(svc2.ScoringURI(), webservice.KeyCredential(keys1.Primary), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := scoreOnce(ctx, client.Score); err != nil {
		t.Errorf("scoring with the key from before the restart: %v", err)
	}
	if err := scoreOnce(ctx, svc2.Run); err != nil {
		t.Errorf("Run after the restart: %v", err)
	}
}
