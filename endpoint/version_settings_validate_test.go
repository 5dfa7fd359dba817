package endpoint

import (
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/webservice"
)

func TestValidateSettingsUpdate(t *testing.T) {
	current := VersionSettings{
		AutoscaleEnabled: to.Ptr(true), AutoscaleMinReplicas: to.Ptr(1), AutoscaleMaxReplicas: to.Ptr(4),
		CPUCores: to.Ptr(0.5), CPUCoresLimit: to.Ptr(1.0), MemoryGB: to.Ptr(1.0), MemoryGBLimit: to.Ptr(2.0),
	}
	tests := []struct {
		name   string
		update VersionSettings
		fields []string
	}{
		{"nothing", VersionSettings{}, nil},
		{"zero and negative values", VersionSettings{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(0), CPUCores: to.Ptr(-1.0), GPUCores: to.Ptr(-1),
			ScoringTimeoutMs: to.Ptr(300001), AutoscaleTargetUtilization: to.Ptr(101), FailureThreshold: to.Ptr(0)},
			[]string{"NumReplicas", "CPUCores", "GPUCores", "ScoringTimeoutMs", "AutoscaleTargetUtilization", "FailureThreshold"}},
		{"min above the current max", VersionSettings{AutoscaleMinReplicas: to.Ptr(5)}, []string{"AutoscaleMaxReplicas"}},
		{"cpu above the current limit", VersionSettings{CPUCores: to.Ptr(2.0)}, []string{"CPUCoresLimit"}},
		{"memory limit below the current request", VersionSettings{MemoryGBLimit: to.Ptr(0.5)}, []string{"MemoryGBLimit"}},
		{"replicas while autoscaling", VersionSettings{NumReplicas: to.Ptr(2)}, []string{"NumReplicas"}},
		{"replicas with autoscale off is fine", VersionSettings{NumReplicas: to.Ptr(2), AutoscaleEnabled: to.Ptr(false)}, nil},
		{"autoscale off needs replicas", VersionSettings{AutoscaleEnabled: to.Ptr(false)}, []string{"NumReplicas"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validateSettingsUpdate(current, tt.update)
			if tt.fields == nil {
				assert.NoError(t, err)
				return
			}
			var ve *webservice.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Len(t, ve.Problems, len(tt.fields), "%v", err)
			for _, f := range tt.fields {
				assert.True(t, ve.HasField(f), "missing %s in %v", f, err)
			}
		})
	}
}
