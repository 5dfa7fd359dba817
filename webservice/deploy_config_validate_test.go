package webservice

import (
	"errors"
	"github.com/azureml-go/azureml/auth"
	"math"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAksDeployConfigValidateValid(t *testing.T) {
	valid := map[string]AksDeployConfig{
		"zero value":              {},
		"fixed replicas":          {AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(3)},
		"replicas only":           {NumReplicas: to.Ptr(1)},
		"autoscale bounds":        {AutoscaleEnabled: to.Ptr(true), AutoscaleMinReplicas: to.Ptr(2), AutoscaleMaxReplicas: to.Ptr(2), AutoscaleRefreshSeconds: to.Ptr(1), AutoscaleTargetUtilization: to.Ptr(100)},
		"limits equal requests":   {CPUCores: to.Ptr(0.5), CPUCoresLimit: to.Ptr(0.5), MemoryGB: to.Ptr(1.0), MemoryGBLimit: to.Ptr(1.0)},
		"limit without request":   {CPUCoresLimit: to.Ptr(2.0), MemoryGBLimit: to.Ptr(4.0)},
		"zero gpus":               {GPUCores: to.Ptr(0)},
		"token auth only":         {AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(true)},
		"both auth off":           {AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(false)},
		"keys":                    {PrimaryKey: auth.NewSecret("a"), SecondaryKey: auth.NewSecret("b")},
		"namespace one char":      {Namespace: to.Ptr("a")},
		"namespace 63 chars":      {Namespace: to.Ptr(strings.Repeat("a", 63))},
		"namespace inner dash":    {Namespace: to.Ptr("ml-prod-1")},
		"timeouts":                {ScoringTimeoutMs: to.Ptr(300000), MaxRequestWaitTimeMs: to.Ptr(1), ReplicaMaxConcurrentRequests: to.Ptr(1)},
		"probe":                   {PeriodSeconds: to.Ptr(1), InitialDelaySeconds: to.Ptr(1), TimeoutSeconds: to.Ptr(1), SuccessThreshold: to.Ptr(1), FailureThreshold: to.Ptr(1)},
		"autoscale false + bound": {AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1), Tags: map[string]string{"a": "b"}},
	}
	for name, c := range valid {
		t.Run(name, func(t *testing.T) {
			assert.NoError(t, c.Validate())
		})
	}
}

func TestAksDeployConfigValidateRules(t *testing.T) {
	cases := []struct {
		name      string
		cfg       AksDeployConfig
		field     string
		substring string
	}{
		{"cpu zero", AksDeployConfig{CPUCores: to.Ptr(0.0)}, "CPUCores", "must be > 0"},
		{"cpu negative", AksDeployConfig{CPUCores: to.Ptr(-1.0)}, "CPUCores", "must be > 0"},
		{"cpu NaN", AksDeployConfig{CPUCores: to.Ptr(math.NaN())}, "CPUCores", "must be > 0"},
		{"cpu Inf", AksDeployConfig{CPUCores: to.Ptr(math.Inf(1))}, "CPUCores", "finite"},
		{"cpu limit zero", AksDeployConfig{CPUCoresLimit: to.Ptr(0.0)}, "CPUCoresLimit", "must be > 0"},
		{"cpu limit below request", AksDeployConfig{CPUCores: to.Ptr(1.0), CPUCoresLimit: to.Ptr(0.5)}, "CPUCoresLimit", ">= CPUCores (1)"},
		{"memory zero", AksDeployConfig{MemoryGB: to.Ptr(0.0)}, "MemoryGB", "must be > 0"},
		{"memory limit zero", AksDeployConfig{MemoryGBLimit: to.Ptr(0.0)}, "MemoryGBLimit", "must be > 0"},
		{"memory limit below request", AksDeployConfig{MemoryGB: to.Ptr(2.0), MemoryGBLimit: to.Ptr(1.0)}, "MemoryGBLimit", ">= MemoryGB (2)"},
		{"gpu negative", AksDeployConfig{GPUCores: to.Ptr(-1)}, "GPUCores", ">= 0"},
		{"period zero", AksDeployConfig{PeriodSeconds: to.Ptr(0)}, "PeriodSeconds", "must be > 0"},
		{"initial delay zero", AksDeployConfig{InitialDelaySeconds: to.Ptr(0)}, "InitialDelaySeconds", "must be > 0"},
		{"timeout zero", AksDeployConfig{TimeoutSeconds: to.Ptr(0)}, "TimeoutSeconds", "must be > 0"},
		{"success zero", AksDeployConfig{SuccessThreshold: to.Ptr(0)}, "SuccessThreshold", "must be > 0"},
		{"failure zero", AksDeployConfig{FailureThreshold: to.Ptr(-2)}, "FailureThreshold", "must be > 0"},
		{"scoring timeout zero", AksDeployConfig{ScoringTimeoutMs: to.Ptr(0)}, "ScoringTimeoutMs", "must be > 0"},
		{"scoring timeout over cap", AksDeployConfig{ScoringTimeoutMs: to.Ptr(300001)}, "ScoringTimeoutMs", "<= 300000"},
		{"concurrency zero", AksDeployConfig{ReplicaMaxConcurrentRequests: to.Ptr(0)}, "ReplicaMaxConcurrentRequests", "must be > 0"},
		{"queue wait zero", AksDeployConfig{MaxRequestWaitTimeMs: to.Ptr(0)}, "MaxRequestWaitTimeMs", "must be > 0"},
		{"replicas zero", AksDeployConfig{NumReplicas: to.Ptr(0)}, "NumReplicas", "must be > 0"},
		{"namespace uppercase", AksDeployConfig{Namespace: to.Ptr("Prod")}, "Namespace", "valid Kubernetes namespace"},
		{"namespace leading dash", AksDeployConfig{Namespace: to.Ptr("-prod")}, "Namespace", "valid Kubernetes namespace"},
		{"namespace trailing dash", AksDeployConfig{Namespace: to.Ptr("prod-")}, "Namespace", "valid Kubernetes namespace"},
		{"namespace empty", AksDeployConfig{Namespace: to.Ptr("")}, "Namespace", "valid Kubernetes namespace"},
		{"namespace 64 chars", AksDeployConfig{Namespace: to.Ptr(strings.Repeat("a", 64))}, "Namespace", "valid Kubernetes namespace"},
		{"autoscale with replicas", AksDeployConfig{AutoscaleEnabled: to.Ptr(true), NumReplicas: to.Ptr(2)}, "NumReplicas", "autoscale enabled and num_replicas provided"},
		{"autoscale min zero", AksDeployConfig{AutoscaleEnabled: to.Ptr(true), AutoscaleMinReplicas: to.Ptr(0)}, "AutoscaleMinReplicas", "must be > 0"},
		{"autoscale max zero", AksDeployConfig{AutoscaleEnabled: to.Ptr(true), AutoscaleMaxReplicas: to.Ptr(0)}, "AutoscaleMaxReplicas", "must be > 0"},
		{"autoscale refresh zero", AksDeployConfig{AutoscaleEnabled: to.Ptr(true), AutoscaleRefreshSeconds: to.Ptr(0)}, "AutoscaleRefreshSeconds", "must be > 0"},
		{"autoscale target zero", AksDeployConfig{AutoscaleEnabled: to.Ptr(true), AutoscaleTargetUtilization: to.Ptr(0)}, "AutoscaleTargetUtilization", "must be > 0"},
		{"autoscale target over 100", AksDeployConfig{AutoscaleEnabled: to.Ptr(true), AutoscaleTargetUtilization: to.Ptr(101)}, "AutoscaleTargetUtilization", "<= 100"},
		{"autoscale min above max", AksDeployConfig{AutoscaleEnabled: to.Ptr(true), AutoscaleMinReplicas: to.Ptr(3), AutoscaleMaxReplicas: to.Ptr(2)}, "AutoscaleMaxReplicas", ">= AutoscaleMinReplicas (3)"},
		{"autoscale off without replicas", AksDeployConfig{AutoscaleEnabled: to.Ptr(false)}, "NumReplicas", "autoscale disabled but num_replicas not provided"},
		{"min without autoscale", AksDeployConfig{AutoscaleMinReplicas: to.Ptr(1)}, "AutoscaleMinReplicas", "without enabling autoscaling"},
		{"max with autoscale false", AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1), AutoscaleMaxReplicas: to.Ptr(3)}, "AutoscaleMaxReplicas", "without enabling autoscaling"},
		{"refresh without autoscale", AksDeployConfig{AutoscaleRefreshSeconds: to.Ptr(1)}, "AutoscaleRefreshSeconds", "without enabling autoscaling"},
		{"target without autoscale", AksDeployConfig{AutoscaleTargetUtilization: to.Ptr(70)}, "AutoscaleTargetUtilization", "without enabling autoscaling"},
		{"both auth", AksDeployConfig{AuthEnabled: to.Ptr(true), TokenAuthEnabled: to.Ptr(true)}, "TokenAuthEnabled", "cannot both be true"},
		{"secondary without primary", AksDeployConfig{SecondaryKey: auth.NewSecret("s")}, "SecondaryKey", "requires PrimaryKey"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.Validate()
			var verr *ValidationError
			require.True(t, errors.As(err, &verr), "want *ValidationError, got %v", err)
			require.Len(t, verr.Problems, 1, "%v", err)
			p := verr.Problems[0]
			assert.Equal(t, tc.field, p.Field)
			assert.NotEmpty(t, p.Param)
			assert.Contains(t, err.Error(), tc.substring)
			assert.True(t, strings.HasPrefix(err.Error(), "Invalid configuration, "+tc.field), err.Error())
		})
	}
}

func TestAksDeployConfigValidateReportsAllProblems(t *testing.T) {
	c := AksDeployConfig{
		CPUCores:         to.Ptr(-1.0),
		MemoryGB:         to.Ptr(0.0),
		AutoscaleEnabled: to.Ptr(true),
		NumReplicas:      to.Ptr(2),
		AuthEnabled:      to.Ptr(true),
		TokenAuthEnabled: to.Ptr(true),
		Namespace:        to.Ptr("BAD"),
		PrimaryKey:       auth.NewSecret("super-secret-key"),
	}
	err := c.Validate()
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	for _, f := range []string{"CPUCores", "MemoryGB", "NumReplicas", "TokenAuthEnabled", "Namespace"} {
		assert.True(t, verr.HasField(f), "missing problem for %s in %v", f, err)
	}
	assert.Len(t, verr.Problems, 5)
	assert.Len(t, strings.Split(err.Error(), "\n"), 5)
	assert.NotContains(t, err.Error(), "super-secret-key")
}
