package secretscan

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/internal/emulator"
)

// azmlStep is one azml command of the scanned flow. printsSecrets marks the commands
// whose purpose is to print a key or token (service keys list / regen, service token):
// they may print secrets, but only on stdout, and each must print at least one (so that
// the scan is known to recognise them).
type azmlStep struct {
	args          []string
	printsSecrets bool
	exit          int
}

// azmlFlow walks every command group: compute, model, service (keys, token, scoring,
// update, logs) and endpoint (versions, traffic, update), with -v on some commands so
// that azml's own request log is scanned too, and a failing command whose error goes to
// stderr.
func azmlFlow(customKey string) []azmlStep {
	ok := func(args ...string) azmlStep { return azmlStep{args: args} }
	secret := func(args ...string) azmlStep { return azmlStep{args: args, printsSecrets: true} }
	run := func(name string, extra ...string) azmlStep {
		return ok(append([]string{"service", "run", "-n", name, "-d", "@sample-input.json"}, extra...)...)
	}
	return []azmlStep{
		ok("computetarget", "create", "aks", "-n", "scanaks", "--cluster-purpose", "DevTest", "-a", "1"),
		ok("computetarget", "update", "aks", "-n", "scanaks", "--ssl-leaf-domain-label", "scan"),
		ok("computetarget", "show", "-n", "scanaks", "-v"),
		ok("computetarget", "list", "-o", "table"),
		ok("model", "register", "-n", "scanmodel", "-p", "model.json"),
		ok("model", "show", "-n", "scanmodel"),

		// A web service with key auth, then token auth.
		ok("model", "deploy", "-ct", "scanaks", "-m", "scanmodel:1", "-n", "scansvc", "-ic", "inferenceconfig.json", "-dc", "deploymentconfig.json"),
		run("scansvc"),
		run("scansvc", "-v", "-o", "table"),
		secret("service", "keys", "list", "-n", "scansvc"),
		secret("service", "keys", "list", "-n", "scansvc", "-o", "table"),
		secret("service", "keys", "regen", "-n", "scansvc", "--key", "Secondary", "--set-key", customKey),
		secret("service", "keys", "regen", "-n", "scansvc", "--key", "Primary"),
		run("scansvc"),
		ok("service", "logs", "-n", "scansvc"),
		ok("service", "update", "-n", "scansvc", "--token-auth-enabled", "--auth-enabled=false", "--add-tag", "scan=yes"),
		secret("service", "token", "-n", "scansvc"),
		secret("service", "token", "-n", "scansvc", "-o", "table"),
		run("scansvc", "-v"),
		ok("service", "show", "-n", "scansvc", "-v"),
		ok("service", "list", "-o", "table"),

		// An AKS endpoint with two versions, key auth then token auth.
		ok("model", "deploy", "-ct", "scanaks", "-m", "scanmodel:1", "-n", "scanep", "-ic", "inferenceconfig.json", "-dc", "deploymentconfig.json", "--version-name", "blue"),
		ok("endpoint", "version", "create", "-n", "scanep", "--version-name", "green", "-m", "scanmodel:1", "-ic", "inferenceconfig.json",
			"-dc", "deploymentconfig.json", "--traffic-percentile", "20", "-v"),
		ok("endpoint", "traffic", "show", "-n", "scanep"),
		ok("endpoint", "traffic", "show", "-n", "scanep", "-o", "table"),
		run("scanep"),
		secret("service", "keys", "list", "-n", "scanep"),
		ok("endpoint", "update", "-n", "scanep", "--token-auth-enabled", "--auth-enabled=false", "--add-tag", "scan=yes"),
		secret("service", "token", "-n", "scanep"),
		run("scanep", "-v"),
		ok("endpoint", "version", "update", "-n", "scanep", "--version-name", "green", "--traffic-percentile", "50", "--is-default"),
		ok("endpoint", "show", "-n", "scanep", "-o", "table"),
		ok("endpoint", "version", "delete", "-n", "scanep", "--version-name", "blue"),

		// Failures print errors, never secrets.
		{args: []string{"service", "run", "-n", "nosuchsvc", "-d", "{}"}, exit: 1},
		{args: []string{"endpoint", "update", "-n", "scanep", "--auth-enabled"}, exit: 2}, // token auth is on
		{args: []string{"service", "run", "-n", "scansvc", "-d", `{"data": [[1, 2]]}]`}, exit: 2},

		ok("endpoint", "delete", "-n", "scanep"),
		ok("service", "delete", "-n", "scansvc"),
		ok("computetarget", "delete", "-n", "scanaks"),
	}
}

// TestAzmlLeaksNoSecret builds cmd/azml and runs a flow through every command group
// against a local workspace the test owns, as a real workspace (AZUREML_* variables, a
// static ARM token), with azcore logging everything to stderr
// (AZURE_SDK_GO_LOGGING=all). No output may contain a secret, except the stdout of the
// commands that print a key or token on purpose.
func TestAzmlLeaksNoSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("builds azml and deploys")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed: the flow deploys and scores")
	}
	root := repoRoot(t)
	bin := filepath.Join(t.TempDir(), "azml")
	build := exec.Command("go", "build", "-o", bin, "./cmd/azml")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "building azml:\n%s", out)

	srv, err := emulator.New(emulator.Options{RetryAfter: 20 * time.Millisecond, OperationDelay: 20 * time.Millisecond})
	require.NoError(t, err)
	defer srv.Close()
	dir := t.TempDir()
	copyDir(t, filepath.Join(root, "examples", "assets"), dir)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "deploymentconfig.json"),
		[]byte(`{"computeType": "aks", "autoScaler": {"autoscaleEnabled": false}, "numReplicas": 1}`), 0o644))

	armToken := randomSecret("ARM bearer token")
	customKey := randomSecret("custom service key")
	info := srv.Info()
	env := append(cleanEnv(),
		"HOME="+t.TempDir(),
		"AZUREML_SUBSCRIPTION_ID="+info.SubscriptionID,
		"AZUREML_RESOURCE_GROUP="+info.ResourceGroup,
		"AZUREML_WORKSPACE_NAME="+info.WorkspaceName,
		"AZUREML_ARM_ENDPOINT="+info.ARMEndpoint,
		"AZUREML_DISCOVERY_SERVICE_ENDPOINT="+info.DiscoveryURL,
		"AZUREML_ARM_ACCESS_TOKEN="+armToken.value,
		"AZURE_SDK_GO_LOGGING=all",
	)

	type ran struct {
		step           azmlStep
		stdout, stderr string
	}
	var runs []ran
	// The secrets of resources the flow deletes are gone from the store at the end:
	// gather what the workspace holds after every step.
	known := map[secret]bool{armToken: true, customKey: true}
	for _, step := range azmlFlow(customKey.value) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, bin, step.args...)
		cmd.Dir, cmd.Env = dir, env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("running azml %s: %v", strings.Join(step.args, " "), err)
		}
		runs = append(runs, ran{step, stdout.String(), stderr.String()})
		for _, sec := range issued(srv) {
			known[sec] = true
		}
		if code != step.exit {
			// Scan what was printed so far before reporting the failure: a failing run
			// must not print secrets either.
			break
		}
	}

	var secrets []secret
	for sec := range known {
		secrets = append(secrets, sec)
	}
	var outputs, allStderr []output
	for _, r := range runs {
		label := "azml " + strings.Join(r.step.args, " ")
		allStderr = append(allStderr, output{label + " stderr", r.stderr})
		outputs = append(outputs, output{label + " stderr", r.stderr})
		if !r.step.printsSecrets {
			outputs = append(outputs, output{label + " stdout", r.stdout})
		}
	}
	requireNoLeak(t, outputs, secrets)

	flow := azmlFlow(customKey.value)
	require.Len(t, runs, len(flow), "the flow stopped at azml %s:\n%s\n%s",
		strings.Join(runs[len(runs)-1].step.args, " "), runs[len(runs)-1].stdout, tail(runs[len(runs)-1].stderr, 40))
	var log strings.Builder
	for _, o := range allStderr {
		log.WriteString(o.text)
	}
	requireVerboseLog(t, log.String())

	// The commands that print keys and tokens do print them, on stdout, and the scan
	// recognises them there.
	for _, r := range runs {
		if r.step.printsSecrets {
			found := leaks([]output{{"stdout", r.stdout}}, secrets)
			require.NotEmpty(t, found, "azml %s printed no key or token on stdout:\n%s", strings.Join(r.step.args, " "), r.stdout)
		}
	}
	have := kinds(secrets)
	for _, k := range []string{emulator.SecretServiceKey, emulator.SecretEndpointKey, emulator.SecretAccessToken,
		emulator.SecretSASSignature, emulator.SecretKubeconfigToken} {
		require.NotZero(t, have[k], "the flow produced no %s to look for", k)
	}
	n := 0
	for _, o := range outputs {
		n += len(o.text)
	}
	t.Logf("azml: %d commands, %d bytes of output clean of %d secrets %v", len(runs), n, len(secrets), have)
}

// copyDir copies the files under src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	require.NoError(t, err)
}
