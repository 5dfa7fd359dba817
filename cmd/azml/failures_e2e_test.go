package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/azureml-go/azureml/internal/emulator"
)

// TestFailedDeploymentIsExitOne deploys an entry script whose init() raises: exit 1, and
// the message carries the operation, the service's error with the traceback, and the
// end of the service log.
func TestFailedDeploymentIsExitOne(t *testing.T) {
	t.Parallel()
	c := newServerCLI(t)
	c.copyAssets()
	c.write("badsrc/score.py", "def init():\n    raise RuntimeError(\"boom in init\")\n\n\ndef run(raw):\n    return raw\n")
	c.write("ic-bad.json", `{"entryScript": "score.py", "sourceDirectory": "badsrc",
	  "environment": {"name": "bad-env", "python": {"condaDependenciesFile": "environment.yml"}, "docker": {"baseImage": "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04"}}}`)
	c.ok("computetarget", "create", "aks", "-n", "badaks", "--cluster-purpose", "DevTest")
	c.ok("model", "register", "-n", "m", "-p", "model.json")
	r := c.fails(exitFailure, []string{"model", "deploy", "-ct", "badaks", "-m", "m:1", "-n", "badservice", "-ic", "ic-bad.json"},
		"reached state Failed", "operation ", "boom in init", "RuntimeError", "Deploying service badservice: Failed")
	if r.stdout != "" {
		t.Errorf("stdout on failure:\n%s", r)
	}
	var svc serviceView
	c.okJSON(&svc, "service", "show", "-n", "badservice")
	if svc.State != "Failed" || !strings.Contains(svc.Error, "boom in init") {
		t.Errorf("failed service: %+v", svc)
	}
}

// TestTimeoutGivesUpWaiting bounds a long operation with --timeout: exit 1, saying that
// the operation goes on.
func TestTimeoutGivesUpWaiting(t *testing.T) {
	t.Parallel()
	c := newServerCLIWith(t, emulator.Options{OperationDelay: time.Minute, RetryAfter: 10 * time.Millisecond})
	c.fails(exitFailure, []string{"computetarget", "create", "aks", "-n", "slowaks", "--cluster-purpose", "DevTest", "--timeout", "300ms"},
		"gave up after --timeout 300ms", "continues on the service", "Creating compute slowaks: gave up waiting")
	var v computeView
	c.okJSON(&v, "computetarget", "show", "-n", "slowaks")
	if v.ProvisioningState != "Creating" {
		t.Errorf("state = %q", v.ProvisioningState)
	}
}

// TestWorkspaceResolution reaches the same workspace through the environment, through
// flags over a partial environment, and through a config.json.
func TestWorkspaceResolution(t *testing.T) {
	t.Parallel()
	c := newServerCLI(t)
	r := c.ok("model", "list", "-v")
	if !strings.Contains(r.stderr, "from environment") || !strings.Contains(r.stderr, "[Request]") || strings.Contains(r.stderr, "test-token") {
		t.Errorf("-v output:\n%s", r)
	}
	if strings.Contains(r.stderr, "embedded local workspace") {
		t.Errorf("the environment was ignored:\n%s", r)
	}

	// Flags complete a partial environment.
	ws := c.env[envWorkspaceName]
	delete(c.env, envWorkspaceName)
	r = c.ok("model", "list", "-w", ws, "-v")
	if !strings.Contains(r.stderr, "from flags, environment") {
		t.Errorf("flags + environment:\n%s", r)
	}

	// A config.json found from --path.
	sub, rg := c.env[envSubscription], c.env[envResourceGroup]
	delete(c.env, envSubscription)
	delete(c.env, envResourceGroup)
	c.write("proj/.azureml/config.json", `{"subscription_id": "`+sub+`", "resource_group": "`+rg+`", "workspace_name": "`+ws+`"}`)
	r = c.ok("model", "list", "--path", "proj", "-v")
	if !strings.Contains(r.stderr, "config.json") || strings.Contains(r.stderr, "embedded local workspace") {
		t.Errorf("config.json:\n%s", r)
	}
	// A workspace that does not exist is a service failure.
	c.fails(exitFailure, []string{"model", "list", "-w", "nosuchws", "-g", rg, "-s", sub})
}

// TestDeployNoWait returns as soon as the service accepted the deployment; on the
// embedded local workspace, which stops with the process, azml waits anyway and says so.
func TestDeployNoWait(t *testing.T) {
	t.Parallel()
	for _, local := range []bool{false, true} {
		var c *cli
		if local {
			c = newLocalCLI(t)
		} else {
			// Long enough for the deployment to be seen in progress.
			c = newServerCLIWith(t, emulator.Options{OperationDelay: time.Second, RetryAfter: 10 * time.Millisecond})
		}
		c.copyAssets()
		c.ok("computetarget", "create", "aks", "-n", "nwaks", "--cluster-purpose", "DevTest")
		c.ok("model", "register", "-n", "m", "-p", "model.json")
		var svc serviceView
		r := c.okJSON(&svc, "model", "deploy", "-ct", "nwaks", "-m", "m:1", "-n", "nowait", "-ic", "inferenceconfig.json", "--no-wait")
		switch {
		case local && (svc.State != "Healthy" || !strings.Contains(r.stderr, "--no-wait is ignored")):
			t.Errorf("local --no-wait:\n%s", r)
		case !local && (svc.State != "Transitioning" || strings.Contains(r.stderr, "ignored")):
			t.Errorf("server --no-wait:\n%s", r)
		}
	}
}

// TestInterruptStopsTheWait sends SIGINT while azml waits: exit 1, saying that the
// operation goes on without it.
func TestInterruptStopsTheWait(t *testing.T) {
	t.Parallel()
	c := newServerCLIWith(t, emulator.Options{OperationDelay: time.Minute, RetryAfter: 10 * time.Millisecond})
	cmd := exec.Command(azmlBin, "computetarget", "create", "aks", "-n", "intaks", "--cluster-purpose", "DevTest")
	cmd.Dir = c.dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range c.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the progress line: the operation has started and azml is polling.
	sc := bufio.NewScanner(stderr)
	var seen []string
	for sc.Scan() {
		seen = append(seen, sc.Text())
		if strings.Contains(sc.Text(), "Creating compute intaks: InProgress") {
			break
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	for sc.Scan() {
		seen = append(seen, sc.Text())
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitFailure {
		t.Fatalf("exit: %v\n%s", err, strings.Join(seen, "\n"))
	}
	all := strings.Join(seen, "\n")
	for _, want := range []string{"Creating compute intaks: interrupted", "interrupted; an operation already started continues on the service"} {
		if !strings.Contains(all, want) {
			t.Errorf("stderr lacks %q:\n%s", want, all)
		}
	}
}
