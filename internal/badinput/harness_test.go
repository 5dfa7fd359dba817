package badinput

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// badInput is one row of the table: an invalid input and what refusing it must look like.
type badInput struct {
	name  string                          // what is wrong with the input
	kind  errKind                         // the typed error errors.As must reach
	field string                          // the message names the field …
	rule  string                          // … and the rule
	call  func(ctx context.Context) error // the SDK call that receives the input
}

// errKind names the typed error a refusal must be reachable as.
type errKind string

const (
	wsConfig    errKind = "*workspace.ConfigError"
	wsNoFile    errKind = "*workspace.ConfigNotFoundError"
	computeVE   errKind = "*compute.ValidationError"
	modelVE     errKind = "*model.ValidationError"
	serviceVE   errKind = "*webservice.ValidationError"
	serviceFile errKind = "*webservice.ConfigFileError"
	planErr     errKind = "*endpoint.PlanError"
)

// reached reports whether errors.As finds the error type k in err.
func (k errKind) reached(err error) bool {
	switch k {
	case wsConfig:
		var e *workspace.ConfigError
		return errors.As(err, &e)
	case wsNoFile:
		var e *workspace.ConfigNotFoundError
		return errors.As(err, &e)
	case computeVE:
		var e *compute.ValidationError
		return errors.As(err, &e)
	case modelVE:
		var e *model.ValidationError
		return errors.As(err, &e)
	case serviceVE:
		var e *webservice.ValidationError
		return errors.As(err, &e)
	case serviceFile:
		var e *webservice.ConfigFileError
		return errors.As(err, &e)
	case planErr:
		var e *endpoint.PlanError
		return errors.As(err, &e)
	}
	return false
}

// fixture is the local workspace and the resources some calls need (a compute to
// update, a service to update or regenerate keys of, an endpoint to add versions to).
type fixture struct {
	srv    *emulator.Server
	ws     *workspace.Workspace
	aks    *compute.AksCompute
	model  *model.Model
	ic     *model.InferenceConfig // valid
	svc    *webservice.AksWebservice
	ep     *endpoint.AksEndpoint
	assets string // examples/assets
	dir    string // scratch directory for input files
}

const (
	fixtureService  = "badinput-svc"
	fixtureEndpoint = "badinput-ep"
	fixtureVersion  = "blue"
)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	srv, ws := workspacetest.NewServer(t, nil)
	assets, err := filepath.Abs(filepath.Join("..", "..", "examples", "assets"))
	require.NoError(t, err)
	f := &fixture{srv: srv, ws: ws, assets: assets, dir: t.TempDir()}

	f.aks, err = compute.Create(ctx, ws, "badinput-aks", compute.ProvisioningConfiguration{
		ClusterPurpose: compute.ClusterPurposeDevTest, AgentCount: 1, VMSize: "Standard_D2_v2"})
	require.NoError(t, err)
	require.NoError(t, f.aks.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 20 * time.Millisecond}))

	f.model, err = model.Register(ctx, ws, filepath.Join(assets, "model.json"), "badinput-linear", nil)
	require.NoError(t, err)
	f.ic = &model.InferenceConfig{
		EntryScript:     "score.py",
		SourceDirectory: filepath.Join(assets, "src"),
		Environment:     model.NewEnvironment("badinput-env"),
	}
	wait := &webservice.WaitOptions{PollFrequency: 20 * time.Millisecond, Timeout: 5 * time.Minute}
	one := webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1)}

	f.svc, err = model.Deploy(ctx, ws, fixtureService, []*model.Model{f.model}, f.ic, one, f.aks, nil)
	require.NoError(t, err)
	require.NoError(t, f.svc.WaitForDeployment(ctx, wait))

	f.ep, err = model.Deploy(ctx, ws, fixtureEndpoint, []*model.Model{f.model}, f.ic,
		endpoint.AksEndpointDeployConfig{AksDeployConfig: one, VersionName: fixtureVersion}, f.aks, nil)
	require.NoError(t, err)
	require.NoError(t, f.ep.WaitForDeployment(ctx, wait))
	return f
}

// file writes content to a fresh directory of the scratch area and returns its path.
func (f *fixture) file(t *testing.T, name, content string) string {
	t.Helper()
	dir, err := os.MkdirTemp(f.dir, "case-")
	require.NoError(t, err)
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func TestBadInputIsRefusedBeforeAnyRequest(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys a service and an endpoint on a local workspace")
	}
	f := newFixture(t)
	var table []badInput
	for _, part := range [][]badInput{
		workspaceCases(t, f),
		computeCases(t, f),
		modelCases(t, f),
		inferenceCases(t, f),
		webserviceCases(t, f),
		endpointCases(t, f),
	} {
		table = append(table, part...)
	}
	require.GreaterOrEqual(t, len(table), 60, "the issue asks for at least 60 invalid inputs")

	seen := map[string]bool{}
	for _, c := range table {
		require.False(t, seen[c.name], "duplicate case name %q", c.name)
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			if problem := f.refusal(c); problem != "" {
				t.Fatal(problem)
			}
		})
	}
	t.Logf("%d invalid inputs refused before any request", len(table))

}

// refusal runs one case and says what is wrong with the way its input was refused,
// or "" when the call returned the typed error, named the field and the rule, and sent
// no request.
func (f *fixture) refusal(c badInput) string {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f.srv.ClearRequests()
	err := c.call(ctx)
	reqs := f.srv.Requests()
	if err == nil {
		return "the input was accepted"
	}
	msg := err.Error()
	var problems []string
	if !c.kind.reached(err) {
		problems = append(problems, fmt.Sprintf("errors.As does not reach %s in %T", c.kind, err))
	}
	if !strings.Contains(msg, c.field) {
		problems = append(problems, fmt.Sprintf("the message does not name the field (%q)", c.field))
	}
	if !strings.Contains(msg, c.rule) {
		problems = append(problems, fmt.Sprintf("the message does not state the rule (%q)", c.rule))
	}
	if len(reqs) > 0 {
		var sent []string
		for _, r := range reqs {
			sent = append(sent, r.Method+" "+r.Path)
		}
		problems = append(problems, fmt.Sprintf("refused only after %d request(s):\n  %s", len(reqs), strings.Join(sent, "\n  ")))
	}
	if len(problems) == 0 {
		return ""
	}
	return strings.Join(problems, "\n") + "\nerror: " + msg
}
