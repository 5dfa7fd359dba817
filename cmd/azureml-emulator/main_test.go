package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/azureml-go/azureml/internal/emulator"
)

// buildEmulator compiles the command into a temporary directory.
func buildEmulator(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "azureml-emulator")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startEmulator runs bin and returns its first stdout line decoded, the rest
// of stdout (read after exit), and the process.
func startEmulator(t *testing.T, bin string, args ...string) (emulator.Info, *exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	rd := bufio.NewReader(stdout)
	line, err := rd.ReadString('\n')
	if err != nil {
		t.Fatalf("reading first line: %v", err)
	}
	var info emulator.Info
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&info); err != nil {
		t.Fatalf("first line is not the info object: %v\n%s", err, line)
	}
	return info, cmd, rd
}

// stop sends SIGTERM and requires a clean exit.
func stop(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}

func getJSON(t *testing.T, url, token string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCommandServesUntilSIGTERM(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGTERM")
	}
	bin := buildEmulator(t)
	data := t.TempDir()
	info, cmd, rest := startEmulator(t, bin, "-data", data, "-operation-delay", "10ms", "-workspace", "ws9")
	if !strings.HasPrefix(info.ARMEndpoint, "http://127.0.0.1:") || info.DiscoveryURL != info.ARMEndpoint+"/discovery" ||
		info.SubscriptionID != emulator.DefaultSubscriptionID || info.ResourceGroup != emulator.DefaultResourceGroup || info.WorkspaceName != "ws9" {
		t.Fatalf("info %+v", info)
	}
	disc := getJSON(t, info.DiscoveryURL, "")
	if disc["modelmanagement"] != info.ARMEndpoint || disc["api"] != info.ARMEndpoint {
		t.Errorf("discovery %v", disc)
	}
	wsURL := info.ARMEndpoint + "/subscriptions/" + info.SubscriptionID + "/resourceGroups/" + info.ResourceGroup +
		"/providers/Microsoft.MachineLearningServices/workspaces/" + info.WorkspaceName + "?api-version=2022-05-01"
	ws := getJSON(t, wsURL, "local")
	wsID := ws["properties"].(map[string]any)["workspaceId"]
	stop(t, cmd)

	tail, _ := io.ReadAll(rest)
	out := string(tail)
	for _, want := range []string{
		`"subscription_id": "` + info.SubscriptionID + `"`,
		`"workspace_name": "ws9"`,
		"export AZUREML_SUBSCRIPTION_ID=" + info.SubscriptionID + "\n",
		"export AZUREML_RESOURCE_GROUP=local-rg\n",
		"export AZUREML_WORKSPACE_NAME=ws9\n",
		"export AZUREML_ARM_ENDPOINT=" + info.ARMEndpoint + "\n",
		"export AZUREML_DISCOVERY_SERVICE_ENDPOINT=" + info.DiscoveryURL + "\n",
		"export AZUREML_ARM_ACCESS_TOKEN=local\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// Restarted on the same data directory: same workspace identity.
	info2, cmd2, _ := startEmulator(t, bin, "-data", data, "-workspace", "ws9")
	wsURL2 := strings.Replace(wsURL, info.ARMEndpoint, info2.ARMEndpoint, 1)
	if got := getJSON(t, wsURL2, "local")["properties"].(map[string]any)["workspaceId"]; got != wsID {
		t.Errorf("workspaceId after restart %v, want %v", got, wsID)
	}
	stop(t, cmd2)
}

func TestRunRejectsBadArguments(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"extra"}, {"-operation-delay", "soon"}, {"-addr", "256.0.0.1:99999"}, {"-workspace", "a/b"}} {
		var stdout, stderr bytes.Buffer
		if err := run(args, &stdout, &stderr); err == nil {
			t.Errorf("run(%v) succeeded", args)
		}
		if stdout.Len() != 0 {
			t.Errorf("run(%v) printed %q", args, stdout.String())
		}
	}
}

func TestPrintInfo(t *testing.T) {
	var b bytes.Buffer
	info := emulator.Info{ARMEndpoint: "http://127.0.0.1:1", DiscoveryURL: "http://127.0.0.1:1/discovery", SubscriptionID: "s", ResourceGroup: "my rg", WorkspaceName: "w"}
	if err := printInfo(&b, info); err != nil {
		t.Fatal(err)
	}
	first, rest, _ := strings.Cut(b.String(), "\n")
	if first != `{"armEndpoint":"http://127.0.0.1:1","discoveryUrl":"http://127.0.0.1:1/discovery","subscriptionId":"s","resourceGroup":"my rg","workspaceName":"w"}` {
		t.Errorf("first line %s", first)
	}
	if !strings.Contains(rest, "export AZUREML_RESOURCE_GROUP='my rg'\n") {
		t.Errorf("quoting:\n%s", rest)
	}
	if shellQuote("it's") != `'it'\''s'` || shellQuote("") != "''" {
		t.Errorf("shellQuote")
	}
}
