package concurrency

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// The sizes of issue 8: 50 deployments, 200 concurrent scoring clients.
var (
	deployments    = flag.Int("deployments", envInt("AZUREML_CONCURRENCY_DEPLOYMENTS", 50), "number of web services to deploy")
	clients        = flag.Int("clients", envInt("AZUREML_CONCURRENCY_CLIENTS", 200), "number of concurrent scoring clients")
	deployParallel = flag.Int("deploy-parallel", 10, "deployments in flight at once")
	scoredServices = flag.Int("scored-services", 5, "services the scoring clients share")
	callsPerClient = flag.Int("calls", 5, "scoring calls per client")
)

// flagSet reports whether the named flag was given on the command line.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// scoreScript answers with its service's name and the sum of the input times the
// service's factor, both from environment variables of the service's environment: a
// wrong routing or a mixed-up answer shows.
const scoreScript = `import json
import os


def init():
    global factor, service
    factor = int(os.environ["CONCURRENCY_FACTOR"])
    service = os.environ["CONCURRENCY_SERVICE"]


def run(raw_data):
    data = json.loads(raw_data)["data"]
    return {"service": service, "result": sum(data) * factor}
`

type answer struct {
	Service string `json:"service"`
	Result  int    `json:"result"`
}

// TestConcurrentDeploymentsAndScoring deploys many web services to one local workspace,
// a bounded number at a time, then scores a few of them from many goroutines at once.
// Every deployment must become healthy, every scoring call must succeed with its own
// service's answer, and the scoring phase must make no control-plane request.
func TestConcurrentDeploymentsAndScoring(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed: the local workspace runs entry scripts with it")
	}
	nDeploy, nClients := *deployments, *clients
	if testing.Short() && !flagSet("deployments") && !flagSet("clients") {
		nDeploy, nClients = min(nDeploy, 10), min(nClients, 40)
	}
	nScored := min(*scoredServices, nDeploy)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	began := time.Now()

	// Registered first, so it runs last: after the local workspace has closed, none
	// of the replica processes it started may remain.
	var closing time.Time
	t.Cleanup(func() {
		if !closing.IsZero() {
			t.Logf("closing the local workspace took %s", time.Since(closing).Round(time.Millisecond))
		}
		requireNoChildPython(t)
	})
	// The control-plane transport is ours so that its idle connections can be closed
	// before the local workspace: net/http's Shutdown counts a connection that was
	// dialled but has not sent a request yet (a transport's dial race leaves such
	// connections in the idle pool) as busy for up to 5 s, and Close would wait.
	controlPlane := http.DefaultTransport.(*http.Transport).Clone()
	srv, ws := workspacetest.NewServer(t, &workspacetest.Options{Workspace: workspace.Options{HTTPClient: &http.Client{Transport: controlPlane}}})
	var scoringIdle []func()
	t.Cleanup(func() {
		controlPlane.CloseIdleConnections()
		for _, f := range scoringIdle {
			f()
		}
		closing = time.Now()
	})

	aks, err := compute.Create(ctx, ws, "aks-conc", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest})
	if err != nil {
		t.Fatal(err)
	}
	if err := aks.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 10 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	modelFile := filepath.Join(t.TempDir(), "weights.json")
	if err := os.WriteFile(modelFile, []byte(`{"w":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := model.Register(ctx, ws, modelFile, "conc-model", nil)
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "score.py"), []byte(scoreScript), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := webservice.AksDeployConfig{
		AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1),
		// One replica serves every client of its service: let requests run side by
		// side and wait for a slot rather than be refused with 429.
		ReplicaMaxConcurrentRequests: to.Ptr(16), MaxRequestWaitTimeMs: to.Ptr(120000),
	}

	// Phase 1: deployments, deployParallel at a time.
	services := make([]*webservice.AksWebservice, nDeploy)
	var (
		wg       sync.WaitGroup
		failures atomic.Int32
	)
	sem := make(chan struct{}, *deployParallel)
	for i := range nDeploy {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			name := fmt.Sprintf("conc-%03d", i)
			env := model.NewEnvironment("conc-env-" + strconv.Itoa(i))
			env.EnvironmentVariables = map[string]string{"CONCURRENCY_FACTOR": strconv.Itoa(i + 1), "CONCURRENCY_SERVICE": name}
			ic := &model.InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Environment: env}
			svc, err := model.Deploy(ctx, ws, name, []*model.Model{m}, ic, cfg, aks, nil)
			if err == nil {
				err = svc.WaitForDeployment(ctx, &webservice.WaitOptions{PollFrequency: 50 * time.Millisecond})
			}
			if err == nil && svc.State() != webservice.StateHealthy {
				err = fmt.Errorf("state %s", svc.State())
			}
			if err != nil {
				failures.Add(1)
				t.Errorf("deployment %s: %v", name, err)
				return
			}
			services[i] = svc
		}()
	}
	wg.Wait()
	deployed := time.Since(began)
	if failures.Load() > 0 {
		t.FailNow()
	}
	t.Logf("%d deployments (%d at a time) healthy after %s", nDeploy, *deployParallel, deployed.Round(time.Millisecond))

	// Warm up: the first call of a service reads its keys; after that no call may
	// touch the control plane.
	for i := range nScored {
		checkAnswer(t, i, services[i], 0, 0)
		sc, err := services[i].ScoringClient(ctx)
		if err != nil {
			t.Fatal(err)
		}
		scoringIdle = append(scoringIdle, sc.CloseIdleConnections)
	}
	srv.ClearRequests()

	// Phase 2: nClients goroutines score at once; half share the service's own
	// client (Run), half build their own ScoringClient on its credential.
	scoringStart := time.Now()
	start := make(chan struct{})
	var calls atomic.Int64
	for c := range nClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			i := c % nScored
			svc := services[i]
			score := svc.Run
			if c%2 == 1 {
				sc, err := webservice.NewScoringClient(svc.ScoringURI(), svc.ScoringCredential(), nil)
				if err != nil {
					t.Errorf("client %d: %v", c, err)
					return
				}
				score = sc.Score
			}
			<-start
			for r := range *callsPerClient {
				in, want := input(c, r, i)
				out, err := score(ctx, in)
				calls.Add(1)
				if err != nil {
					t.Errorf("client %d call %d: %v", c, r, err)
					return
				}
				var got answer
				if err := json.Unmarshal(out, &got); err != nil || got != want {
					t.Errorf("client %d call %d: got %s (%v), want %+v", c, r, out, err, want)
					return
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	scoring := time.Since(scoringStart)
	t.Logf("%d clients made %d scoring calls against %d services in %s", nClients, calls.Load(), nScored, scoring.Round(time.Millisecond))

	scored, control := 0, []string{}
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/api/v1/service/") {
			scored++
			continue
		}
		control = append(control, r.Method+" "+r.Path)
	}
	if len(control) > 0 {
		t.Errorf("the scoring phase made %d control-plane requests, e.g. %s", len(control), control[0])
	}
	if want := nClients * *callsPerClient; scored != want {
		t.Errorf("the local workspace saw %d scoring requests, want %d", scored, want)
	}
	t.Logf("total %s", time.Since(began).Round(time.Millisecond))
}

// input is client c's r-th input to service i and the answer it must get.
func input(c, r, i int) ([]byte, answer) {
	data := []int{c, r, 1, 2, 3}
	sum := 0
	for _, v := range data {
		sum += v
	}
	b, _ := json.Marshal(map[string]any{"data": data})
	return b, answer{Service: fmt.Sprintf("conc-%03d", i), Result: sum * (i + 1)}
}

func checkAnswer(t *testing.T, i int, svc *webservice.AksWebservice, c, r int) {
	t.Helper()
	in, want := input(c, r, i)
	out, err := svc.Run(context.Background(), in)
	if err != nil {
		t.Fatalf("service %d: %v", i, err)
	}
	var got answer
	if err := json.Unmarshal(out, &got); err != nil || got != want {
		t.Fatalf("service %d: got %s, want %+v", i, out, want)
	}
}

// requireNoChildPython fails when a python process started by this test process is
// still running (Linux: read from /proc; elsewhere the check is skipped).
func requireNoChildPython(t *testing.T) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	self := strconv.Itoa(os.Getpid())
	var left []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		left = left[:0]
		for _, e := range entries {
			if _, err := strconv.Atoi(e.Name()); err != nil {
				continue
			}
			stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
			if err != nil {
				continue
			}
			// pid (comm) state ppid ...; comm may hold spaces, so split after ')'.
			s := string(stat)
			end := strings.LastIndexByte(s, ')')
			if end < 0 {
				continue
			}
			fields := strings.Fields(s[end+1:])
			if len(fields) > 2 && fields[1] == self && strings.Contains(s[:end], "python") && fields[0] != "Z" {
				left = append(left, e.Name())
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
		entries, _ = os.ReadDir("/proc")
	}
	if len(left) > 0 {
		t.Errorf("python processes %v outlived the local workspace", left)
	}
}
