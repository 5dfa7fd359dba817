package model

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/workspace"
)

func TestValidateServiceName(t *testing.T) {
	valid := []string{"abc", "my-service", "a1b", "svc-2", strings.Repeat("a", 32)}
	invalid := []string{"", "ab", "Abc", "1abc", "-abc", "abc-", "a_b", "a.b", "my service", strings.Repeat("a", 33), "abc\n"}
	for _, n := range valid {
		assert.NoError(t, ValidateServiceName(n), n)
	}
	for _, n := range invalid {
		err := ValidateServiceName(n)
		var fe FieldError
		require.ErrorAs(t, err, &fe, "%q", n)
		assert.Equal(t, "name", fe.Field)
		assert.Contains(t, err.Error(), "between 3 and 32 characters")
	}
}

// fakeConfig is a DeploymentConfig whose problems come as FieldErrors.
type fakeConfig struct {
	problems []FieldError
	compute  string
}

type fakeProblems []FieldError

func (p fakeProblems) Error() string             { return "fake problems" }
func (p fakeProblems) FieldErrors() []FieldError { return p }

func (c fakeConfig) Validate() error {
	if len(c.problems) == 0 {
		return nil
	}
	return fakeProblems(c.problems)
}
func (c fakeConfig) ComputeName(target string) string {
	if c.compute != "" {
		return c.compute
	}
	return target
}
func (c fakeConfig) CreateBody(CreateRequest) ([]byte, error) { return []byte(`{}`), nil }
func (c fakeConfig) OpenService(context.Context, *workspace.Workspace, Deployment) (string, error) {
	return "opened", nil
}

type target string

func (t target) Name() string { return string(t) }

func TestDeployMergesEveryProblemBeforeAnyRequest(t *testing.T) {
	cfg := fakeConfig{problems: []FieldError{{Field: "DeployConfig.CPUCores", Message: "Invalid configuration, cpu_cores must be > 0"}}}
	_, err := Deploy[string](context.Background(), nil, "X", []*Model{nil}, nil, cfg, nil, nil)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	fields := []string{}
	for _, p := range ve.Problems {
		fields = append(fields, p.Field)
	}
	assert.Equal(t, []string{"ws", "name", "models[0]", "DeployConfig.CPUCores", "target"}, fields)
	assert.Equal(t, "Deploy", ve.Op)
}

// namedConfig is a fakeConfig with a rule on the service name.
type namedConfig struct {
	fakeConfig
	seen *string
}

func (c namedConfig) ValidateFor(serviceName string) error {
	*c.seen = serviceName
	if serviceName == "taken-name" {
		return fakeProblems{{Field: "DeployConfig.VersionName", Message: "must differ from the service name"}}
	}
	return nil
}

func TestDeployCallsValidateForWithTheServiceName(t *testing.T) {
	var seen string
	cfg := namedConfig{fakeConfig: fakeConfig{problems: []FieldError{{Field: "DeployConfig.CPUCores", Message: "must be > 0"}}}, seen: &seen}
	m := &Model{ID: "sk:1", Framework: FrameworkScikitLearn}
	_, err := validateDeploy[string](&workspace.Workspace{}, "taken-name", []*Model{m}, nil, cfg, target("aks"))
	assert.Equal(t, "taken-name", seen)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	fields := []string{}
	for _, p := range ve.Problems {
		fields = append(fields, p.Field)
	}
	assert.Equal(t, []string{"DeployConfig.CPUCores", "DeployConfig.VersionName"}, fields, "Validate's problems, then ValidateFor's")

	cfg.problems = nil
	_, err = validateDeploy[string](&workspace.Workspace{}, "free-name", []*Model{m}, nil, cfg, target("aks"))
	assert.NoError(t, err)
	assert.Equal(t, "free-name", seen)

	// A plain error of ValidateFor is reported too.
	_, err = Deploy[string](context.Background(), nil, "taken-name", []*Model{m}, nil, plainNamed{}, target("aks"), nil)
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, err.Error(), "plain name problem")
}

type plainNamed struct{ fakeConfig }

func (plainNamed) ValidateFor(string) error { return errors.New("plain name problem") }

func TestDeployTargetOrConfiguredCompute(t *testing.T) {
	m := &Model{ID: "sk:1", Framework: FrameworkScikitLearn}
	_, err := validateDeploy[string](&workspace.Workspace{}, "svc", []*Model{m}, nil, fakeConfig{compute: "from-config"}, nil)
	assert.NoError(t, err)
	_, err = validateDeploy[string](&workspace.Workspace{}, "svc", []*Model{m}, nil, fakeConfig{}, target("aks"))
	assert.NoError(t, err)
	_, err = validateDeploy[string](&workspace.Workspace{}, "svc", []*Model{m}, nil, fakeConfig{}, nil)
	assert.True(t, errors.As(err, new(*ValidationError)))
}

func TestPreflightErrorText(t *testing.T) {
	e := &PreflightError{Check: "name", Code: "ServiceExists", Message: "taken"}
	assert.Equal(t, "model: deployment rejected by the service's pre-flight name check: taken (ServiceExists)", e.Error())
}
