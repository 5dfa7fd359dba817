package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/workspace"
)

// runApp runs azml in-process with no environment.
func runApp(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"HOME": t.TempDir(), envLocalDataDir: t.TempDir()}
	code = newApp(strings.NewReader(""), &out, &errb, func(k string) string { return env[k] }, false).run(context.Background(), args)
	return out.String(), errb.String(), code
}

// TestEveryCommandHasHelp renders the help of every command (which also checks that
// no command defines a flag twice) and of every group.
func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		args := append(strings.Fields(c.path), "--help")
		out, errOut, code := runApp(t, args...)
		if code != exitOK || errOut != "" {
			t.Fatalf("%s --help: exit %d, stderr %q", c.path, code, errOut)
		}
		for _, want := range []string{"Usage:", "azml " + c.path, "Global flags:", "-o/--output", "Examples:"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s --help lacks %q:\n%s", c.path, want, out)
			}
		}
		if c.summary == "" || c.usage == "" {
			t.Errorf("%s has no summary or usage", c.path)
		}
	}
	for _, g := range groups {
		out, _, code := runApp(t, g.name, "-h")
		if code != exitOK || !strings.Contains(out, "azml "+g.name+" <command>") {
			t.Errorf("%s -h: exit %d\n%s", g.name, code, out)
		}
	}
	out, _, code := runApp(t, "--help")
	if code != exitOK || !strings.Contains(out, "Exit codes: 0 success, 1 service or operation failure, 2 bad input") {
		t.Errorf("--help: exit %d\n%s", code, out)
	}
	if out, _, code := runApp(t, "--version"); code != exitOK || !strings.HasPrefix(out, "azml ") {
		t.Errorf("--version: %d %q", code, out)
	}
}

// TestCommandList checks the commands the issue asks for, with their az ml flags.
func TestCommandList(t *testing.T) {
	want := map[string][]string{
		"computetarget create aks": {"n", "name", "a", "agent-count", "vm-size", "cluster-purpose", "no-wait"},
		"computetarget attach aks": {"n", "i", "compute-resource-id", "resource-id"},
		"computetarget detach":     {"n"},
		"computetarget delete":     {"n"},
		"computetarget show":       {"n"},
		"computetarget list":       {"g", "w", "s", "subscription", "resource-group", "workspace-name"},
		"model register":           {"n", "p", "model-path", "tag", "property", "d", "description"},
		"model show":               {"i", "model-id", "n", "version"},
		"model list":               {"n", "tag", "l", "latest"},
		"model delete":             {"i", "n", "version"},
		"model deploy":             {"n", "m", "model", "ct", "compute-target", "ic", "inference-config-file", "dc", "deploy-config-file", "overwrite", "version-name"},
		"service show":             {"n"},
		"service list":             {"model-name", "compute-type"},
		"service logs":             {"n", "l", "init"},
		"service keys list":        {"n"},
		"service keys regen":       {"n", "key", "set-key"},
		"service token":            {"n"},
		"service run":              {"n", "d", "input-data"},
		"service update":           {"n", "m", "ic", "dc", "num-replicas", "add-tag"},
		"service delete":           {"n"},
		"endpoint version create":  {"n", "version-name", "m", "ic", "dc", "traffic-percentile", "is-default", "is-control-version-type", "dry-run"},
		"endpoint version update":  {"n", "version-name", "traffic-percentile", "is-default"},
		"endpoint version delete":  {"n", "version-name"},
		"endpoint traffic show":    {"n"},
		"computetarget update aks": {"n", "load-balancer-type", "load-balancer-subnet", "ssl-cname", "ssl-cert-file", "ssl-key-file", "ssl-leaf-domain-label", "ssl-disable", "ssl-renew", "no-wait"},
		"endpoint update":          {"n", "auth-enabled", "token-auth-enabled", "enable-app-insights", "description", "add-tag", "remove-tag", "add-property", "no-wait"},
	}
	for path, flags := range want {
		c, n, _ := findCommand(commands(), strings.Fields(path))
		if c == nil || c.path != path || n != len(strings.Fields(path)) {
			t.Errorf("no command %q", path)
			continue
		}
		f := newFlagSet(c.path)
		g := &globals{}
		c.setup(f, g)
		g.define(f)
		have := strings.Join(f.names(), " ")
		for _, fl := range flags {
			if _, ok := f.byName[fl]; !ok {
				t.Errorf("%s lacks flag %s (has %s)", path, dashed(fl), have)
			}
		}
	}
}

func TestFindCommandAliases(t *testing.T) {
	for alias, path := range map[string]string{
		"service get-keys":                 "service keys list",
		"service regen-key":                "service keys regen",
		"service get-access-token":         "service token",
		"service get-logs":                 "service logs",
		"endpoint realtime create-version": "endpoint version create",
		"endpoint realtime update":         "endpoint update",
		"computetarget update":             "computetarget update aks",
	} {
		c, _, _ := findCommand(commands(), strings.Fields(alias))
		if c == nil || c.path != path {
			t.Errorf("%s does not select %s", alias, path)
		}
	}
}

func TestFlagParsing(t *testing.T) {
	var name string
	var models []string
	var n optInt
	var x optFloat
	var b optBool
	var flag bool
	f := newFlagSet("test cmd")
	f.String(&name, "n,name", "NAME", "name").Required()
	f.Strings(&models, "m,model", "M", "model")
	f.Int(&n, "a,count", "N", "count")
	f.Float(&x, "cc", "X", "cores")
	f.OptBool(&b, "ae", "autoscale")
	f.Bool(&flag, "overwrite", "overwrite")
	if err := f.parse([]string{"--name=svc", "-m", "a:1", "--model", "b:2", "-a", "3", "-cc", "0.5", "-ae=false", "--overwrite"}, nil); err != nil {
		t.Fatal(err)
	}
	if name != "svc" || strings.Join(models, ",") != "a:1,b:2" || *n.ptr() != 3 || *x.ptr() != 0.5 || b.ptr() == nil || *b.ptr() || !flag {
		t.Errorf("parsed %q %v %v %v %v %v", name, models, n, x, b, flag)
	}
	var unset optInt
	if unset.ptr() != nil {
		t.Error("an unset flag has a value")
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "missing required flag -n/--name"},
		{[]string{"-n", "x", "--nope"}, "unknown flag -nope"},
		{[]string{"-n"}, "flag -n/--name needs a value"},
		{[]string{"-n", "x", "-a", "x"}, `flag -a/--count: "x" is not an integer`},
		{[]string{"-n", "x", "-cc", "x"}, `flag --cc: "x" is not a number`},
		{[]string{"-n", "x", "-ae=x"}, `flag --ae: "x" is not true or false`},
		{[]string{"-n", "x", "--overwrite=x"}, `flag --overwrite: "x" is not true or false`},
		{[]string{"-n", "x", "y"}, `unexpected argument "y"`},
	} {
		g := newFlagSet("test cmd")
		var s string
		var i optInt
		var fl optFloat
		var ob optBool
		var bb bool
		g.String(&s, "n,name", "NAME", "name").Required()
		g.Int(&i, "a,count", "N", "count")
		g.Float(&fl, "cc", "X", "cores")
		g.OptBool(&ob, "ae", "autoscale")
		g.Bool(&bb, "overwrite", "overwrite")
		err := g.parse(tc.args, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) || exitCode(err) != exitBadInput {
			t.Errorf("%v: got %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestParseModelRef(t *testing.T) {
	r, err := parseModelRef("-m", "my.model_1:12", false)
	if err != nil || r.Name != "my.model_1" || r.Version != 12 || r.ID() != "my.model_1:12" {
		t.Errorf("%+v %v", r, err)
	}
	if r, err := parseModelRef("-m", "latest", true); err != nil || r.Version != 0 || r.label() != "latest (latest)" {
		t.Errorf("%+v %v", r, err)
	}
	for _, bad := range []string{"", ":1", "m:", "m:0", "m:-1", "m:1.5", "-m:1", "m", "a b:1"} {
		if _, err := parseModelRef("-m", bad, false); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseModelRefsRefusesTheSameVersionTwice(t *testing.T) {
	for items, want := range map[string]string{
		"m:1,m:1":  `"m:1" is given twice`,
		"m:1,m:01": `"m:1" and "m:01" name the same model m:1`,
		"m,m":      `"m" is given twice`,
	} {
		_, err := parseModelRefs("-m/--model", strings.Split(items, ","))
		if err == nil || !strings.Contains(err.Error(), want) || exitCode(err) != exitBadInput {
			t.Errorf("%s: %v, want %q", items, err, want)
		}
	}
	if refs, err := parseModelRefs("-m/--model", []string{"m:1", "m:2", "m"}); err != nil || len(refs) != 3 {
		t.Errorf("%v %v", refs, err)
	}
}

func TestParseKeyValues(t *testing.T) {
	m, err := parseKeyValues("--tag", []string{"a=b", "c=", "d=e=f"})
	if err != nil || m["a"] != "b" || m["c"] != "" || m["d"] != "e=f" {
		t.Errorf("%v %v", m, err)
	}
	_, err = parseKeyValues("--tag", []string{"x", "=y"})
	if err == nil || !strings.Contains(err.Error(), `"x" is not KEY=VALUE; "=y" is not KEY=VALUE`) {
		t.Errorf("%v", err)
	}
}

func TestCheckJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"a": 1}`:   "",
		`[1, 2]`:     "",
		`{"a": 1`:    "offset 7: unexpected end of input",
		`{"a": x}`:   "offset 7",
		`{} {}`:      "data after the JSON value",
		``:           "unexpected end of input",
		`"just str"`: "",
		" [1] \n\t":  "",
		// A stray closing bracket after the value (FINDINGS §1).
		`{}]`:           "offset 2: data after the JSON value",
		`{"data":[1]}}`: "offset 12: data after the JSON value",
		`[1]]`:          "offset 3: data after the JSON value",
		`1 2`:           "offset 1: data after the JSON value",
		`{} x`:          "data after the JSON value",
		// Valid JSON that a float64 cannot hold is the model's business.
		`{"a": 1e400}`: "",
	} {
		err := checkJSON([]byte(in))
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func TestJoinProblemsKeepsEveryCause(t *testing.T) {
	cve := &compute.ValidationError{Operation: "create", Problems: []compute.Problem{{Field: "AgentCount", Rule: compute.RulePositive, Message: "bad"}}}
	err := joinProblems("x y", badInput("flag --a: one"), computeProblems("x y", cve), nil)
	var got *compute.ValidationError
	if !errors.As(err, &got) || exitCode(err) != exitBadInput {
		t.Fatalf("lost the cause: %v", err)
	}
	want := "x y: invalid input (2 problems):\n  - flag --a: one\n  - flag -a/--agent-count (AgentCount) [positive]: bad"
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}
	if joinProblems("x", nil, nil) != nil {
		t.Error("no problems is not nil")
	}
	one := joinProblems("x y", computeProblems("x y", cve))
	if one.Error() != "x y: invalid AKS create configuration: flag -a/--agent-count (AgentCount) [positive]: bad" {
		t.Errorf("one: %s", one)
	}
}

func TestExitCodes(t *testing.T) {
	if exitCode(nil) != exitOK || exitCode(errors.New("boom")) != exitFailure || exitCode(context.Canceled) != exitFailure {
		t.Error("plain errors")
	}
	if exitCode(badInput("x")) != exitBadInput || exitCode(&compute.ValidationError{}) != exitBadInput {
		t.Error("bad input")
	}
	if !strings.Contains(describeInterrupt(context.Canceled).Error(), "continues on the service") {
		t.Error("interrupt")
	}
}

func TestDescribeShortensHTTPErrors(t *testing.T) {
	srv, err := emulator.New(emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// A real 404 from the local workspace, through the azcore error type.
	req, _ := http.NewRequest(http.MethodGet, srv.URL()+"/modelmanagement/v1.0/nowhere", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	re := &azcore.ResponseError{StatusCode: resp.StatusCode, ErrorCode: "NotFound", RawResponse: resp}
	wrapped := errors.Join(errors.New("context"), re)
	short := describe(wrapped, false)
	if !strings.Contains(short, "GET /modelmanagement/v1.0/nowhere: 404 NotFound") || strings.Contains(short, "RESPONSE 404") {
		t.Errorf("short: %s", short)
	}
	if full := describe(re, true); !strings.Contains(full, "RESPONSE 404") {
		t.Errorf("verbose: %s", full)
	}
}

func TestTables(t *testing.T) {
	var b bytes.Buffer
	if err := writeResult(&b, computeListView{{Name: "a", ComputeType: "AKS", ProvisioningState: "Succeeded", AgentCount: 3}}, "table"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "Name") || !strings.HasPrefix(lines[1], "----") || !strings.HasPrefix(lines[2], "a ") {
		t.Errorf("table:\n%s", b.String())
	}
	b.Reset()
	if err := writeResult(&b, map[string]any{"b": 2, "a": "x\ty", "c": nil}, "table"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "a    x y") || strings.Index(b.String(), "a ") > strings.Index(b.String(), "b ") {
		t.Errorf("key/value table:\n%s", b.String())
	}
	b.Reset()
	_ = writeResult(&b, &logsView{Name: "s", Content: "line1\nline2"}, "table")
	if b.String() != "line1\nline2\n" {
		t.Errorf("text: %q", b.String())
	}
	b.Reset()
	_ = writeResult(&b, scoreOutput(`not json`), "json")
	if b.String() != "\"not json\"\n" {
		t.Errorf("score output: %q", b.String())
	}
}

func TestProgressPlainLines(t *testing.T) {
	var b bytes.Buffer
	p := startProgress(&b, false, "Creating compute x")
	p.State("InProgress")
	p.State("InProgress")
	p.Log("  a log line")
	p.State("Succeeded (DeployService Succeeded)")
	p.Stop("Succeeded")
	p.Stop("again")
	got := b.String()
	want := "Creating compute x ...\nCreating compute x: InProgress\n  a log line\nCreating compute x: Succeeded ("
	if !strings.HasPrefix(got, want) || strings.Count(got, "\n") != 4 || strings.Contains(got, "\r") {
		t.Errorf("plain progress:\n%q", got)
	}
}

func TestProgressSpinner(t *testing.T) {
	var b syncBuffer
	p := startProgress(&b, true, "Deploying")
	p.State("Running")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(b.String(), "Deploying: Running") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	p.Log("log")
	p.Stop("Succeeded")
	got := b.String()
	if !strings.Contains(got, "\r\x1b[K") || !strings.Contains(got, "Deploying: Running") || !strings.Contains(got, "\r\x1b[Klog\n") ||
		!strings.HasSuffix(strings.TrimRight(got, "\n"), ")") || !strings.Contains(got, "Deploying: Succeeded (") {
		t.Errorf("spinner output:\n%q", got)
	}
}

// syncBuffer is a bytes.Buffer safe for the spinner goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// A change whose outcome is unknown gets its own note (check before repeating) and
// keeps exit code 1; other failures do not get the note.
func TestOutcomeUnknownIsItsOwnCase(t *testing.T) {
	var errb strings.Builder
	a := newApp(strings.NewReader(""), io.Discard, &errb, func(string) string { return "" }, false)
	lost := fmt.Errorf("endpoint: the answer to the change of endpoint ep was lost: %w", workspace.ErrOutcomeUnknown)
	if code := a.fail(lost); code != exitFailure {
		t.Errorf("exit code %d, want %d", code, exitFailure)
	}
	got := errb.String()
	for _, want := range []string{"azml: outcome unknown:", "did not send it again", "Check the resource", "azml: endpoint: the answer to the change of endpoint ep was lost"} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got)
		}
	}
	errb.Reset()
	if code := a.fail(errors.New("plain failure")); code != exitFailure || strings.Contains(errb.String(), "outcome unknown") {
		t.Errorf("plain failure: exit %d, stderr %q", code, errb.String())
	}
}
