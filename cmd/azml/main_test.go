package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/azureml-go/azureml/internal/emulator"
)

// azmlBin is the binary under test, built once by TestMain.
var azmlBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	flag.Parse()
	if f := flag.Lookup("test.fuzzworker"); f != nil && f.Value.String() == "true" {
		return m.Run() // a fuzz worker runs only the fuzz target, which needs no binary
	}
	dir, err := os.MkdirTemp("", "azml-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	azmlBin = filepath.Join(dir, "azml")
	out, err := exec.Command("go", "build", "-o", azmlBin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building azml: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// opDelay keeps operations in progress briefly, so that waits really poll.
const opDelay = 20 * time.Millisecond

// cli runs the azml binary in an isolated directory and environment.
type cli struct {
	t *testing.T
	// dir is the working directory (no config.json above it is expected).
	dir string
	// data is AZUREML_LOCAL_DATA_DIR.
	data string
	env  map[string]string
	// srv, when set, is an in-process local workspace the binary reaches through the
	// AZUREML_* environment, so that the test can see every request it makes.
	srv *emulator.Server
}

// newLocalCLI runs azml against its embedded local workspace, persisted in a temp dir.
func newLocalCLI(t *testing.T) *cli {
	t.Helper()
	c := &cli{t: t, dir: t.TempDir(), data: filepath.Join(t.TempDir(), "state"), env: map[string]string{}}
	c.env["HOME"] = t.TempDir()
	c.env[envLocalDataDir] = c.data
	c.env[envLocalOperationDelay] = opDelay.String()
	return c
}

// newServerCLI runs azml against an in-process local workspace, through the
// environment variables of a real workspace.
func newServerCLI(t *testing.T) *cli {
	t.Helper()
	return newServerCLIWith(t, emulator.Options{OperationDelay: opDelay, RetryAfter: 10 * time.Millisecond})
}

// newServerCLIWith is newServerCLI with the local workspace's options.
func newServerCLIWith(t *testing.T, opts emulator.Options) *cli {
	t.Helper()
	srv, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	c := newLocalCLI(t)
	c.srv = srv
	info := srv.Info()
	c.env[envSubscription] = info.SubscriptionID
	c.env[envResourceGroup] = info.ResourceGroup
	c.env[envWorkspaceName] = info.WorkspaceName
	c.env["AZUREML_ARM_ENDPOINT"] = info.ARMEndpoint
	c.env["AZUREML_ARM_ACCESS_TOKEN"] = "test-token"
	return c
}

// result is what one azml run produced.
type result struct {
	args   []string
	stdout string
	stderr string
	code   int
}

func (r result) String() string {
	return fmt.Sprintf("azml %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(r.args, " "), r.code, r.stdout, r.stderr)
}

// run runs azml with args.
func (c *cli) run(args ...string) result {
	return c.runInput(nil, args...)
}

// runInput runs azml with args and stdin.
func (c *cli) runInput(stdin io.Reader, args ...string) result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, azmlBin, args...)
	cmd.Dir = c.dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	for k, v := range c.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{args: args, stdout: out.String(), stderr: errb.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			c.t.Fatalf("running azml %v: %v", args, err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// ok runs azml and fails the test unless it exits 0.
func (c *cli) ok(args ...string) result {
	c.t.Helper()
	r := c.run(args...)
	if r.code != 0 {
		c.t.Fatalf("expected success:\n%s", r)
	}
	return r
}

// okJSON runs azml, requires exit 0 and decodes stdout into v.
func (c *cli) okJSON(v any, args ...string) result {
	c.t.Helper()
	r := c.ok(args...)
	// Decode into a zero value: json.Unmarshal merges into maps that are already set,
	// which would hide removed keys.
	rv := reflect.ValueOf(v).Elem()
	rv.Set(reflect.Zero(rv.Type()))
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		c.t.Fatalf("stdout is not the expected JSON: %v\n%s", err, r)
	}
	return r
}

// fails runs azml and requires exit code code and every want in stderr.
func (c *cli) fails(code int, args []string, want ...string) result {
	c.t.Helper()
	r := c.run(args...)
	if r.code != code {
		c.t.Fatalf("expected exit %d:\n%s", code, r)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			c.t.Fatalf("stderr lacks %q:\n%s", w, r)
		}
	}
	return r
}

// write creates a file in the working directory and returns its name.
func (c *cli) write(name, content string) string {
	c.t.Helper()
	p := filepath.Join(c.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		c.t.Fatal(err)
	}
	return name
}

// requests returns the requests the in-process workspace received.
func (c *cli) requests() []emulator.RecordedRequest {
	if c.srv == nil {
		c.t.Fatal("requests needs newServerCLI")
	}
	return c.srv.Requests()
}

// repoRoot is the module root, two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// copyAssets copies the example model, entry script and configuration files into the
// working directory, so that commands can name them as the seed does.
func (c *cli) copyAssets() {
	c.t.Helper()
	src := filepath.Join(repoRoot(c.t), "examples", "assets")
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(c.dir, rel)
		if fi.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		c.t.Fatal(err)
	}
}

// aksResourceID is a well-formed id of an AKS cluster the local workspace did not create.
const aksResourceID = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/aks-rg/providers/Microsoft.ContainerService/managedClusters/existing-aks"
