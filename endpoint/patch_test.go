package endpoint

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

func marshalOps(t *testing.T, ops []patchOp) string {
	t.Helper()
	b, err := marshalPatch(ops)
	require.NoError(t, err)
	return string(b)
}

func TestCreateVersionPatch(t *testing.T) {
	body := json.RawMessage(fixture(t, "version_body.json"))
	tests := []struct {
		name    string
		others  []string
		flags   versionFlags
		fixture string
	}{
		{"default and control flip every other version", []string{"versiona", "versionc"},
			versionFlags{TrafficPercentile: to.Ptr(10.0), IsDefault: to.Ptr(true), IsControl: to.Ptr(true)},
			"patch_create_version_default_control.json"},
		{"no flags: a single add, no trafficPercentile/isDefault/type", []string{"versiona"},
			versionFlags{IsDefault: to.Ptr(false), IsControl: to.Ptr(false)},
			"patch_create_version_plain.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := createVersionPatch(tt.others, "versionb", body, tt.flags)
			require.NoError(t, err)
			assert.JSONEq(t, fixture(t, tt.fixture), marshalOps(t, ops))
		})
	}
}

func TestCreateVersionPatchRejectsBadInput(t *testing.T) {
	_, err := createVersionPatch(nil, "v1x", json.RawMessage(`[1]`), versionFlags{})
	assert.Error(t, err)
	_, err = createVersionPatch(nil, "v1x", json.RawMessage(`null`), versionFlags{})
	assert.Error(t, err)
	_, err = createVersionPatch(nil, "v1x", json.RawMessage(`{}`), versionFlags{TrafficPercentile: to.Ptr(math.NaN())})
	assert.Error(t, err)
}

func TestUpdateVersionPatch(t *testing.T) {
	t.Run("default and control with percentile", func(t *testing.T) {
		ops := updateVersionPatch([]string{"versiona"}, "versionb", VersionSettings{},
			versionFlags{TrafficPercentile: to.Ptr(40.0), IsDefault: to.Ptr(true), IsControl: to.Ptr(true)}, nil)
		assert.JSONEq(t, fixture(t, "patch_update_version_default_control.json"), marshalOps(t, ops))
	})
	t.Run("every setting, zero values sent, false flags touch only the version", func(t *testing.T) {
		s := VersionSettings{
			AutoscaleEnabled: to.Ptr(true), AutoscaleMinReplicas: to.Ptr(1), AutoscaleMaxReplicas: to.Ptr(4),
			AutoscaleRefreshSeconds: to.Ptr(2), AutoscaleTargetUtilization: to.Ptr(60),
			CollectModelData: to.Ptr(false),
			CPUCores:         to.Ptr(0.25), CPUCoresLimit: to.Ptr(1.0), MemoryGB: to.Ptr(0.5), MemoryGBLimit: to.Ptr(2.0), GPUCores: to.Ptr(0),
			ScoringTimeoutMs: to.Ptr(5000), ReplicaMaxConcurrentRequests: to.Ptr(2), MaxRequestWaitTimeMs: to.Ptr(700),
			NumReplicas:   to.Ptr(3),
			PeriodSeconds: to.Ptr(11), InitialDelaySeconds: to.Ptr(12), TimeoutSeconds: to.Ptr(13),
			SuccessThreshold: to.Ptr(14), FailureThreshold: to.Ptr(15),
			Description: to.Ptr("second"), Tags: map[string]string{"stage": "canary"},
		}
		env := json.RawMessage(`{"driverProgram":"tmp9.py","assets":[],"modelIds":["m:2"]}`)
		ops := updateVersionPatch([]string{"versiona", "versionc"}, "versionb", s,
			versionFlags{TrafficPercentile: to.Ptr(0.0), IsDefault: to.Ptr(false), IsControl: to.Ptr(false)}, env)
		assert.JSONEq(t, fixture(t, "patch_update_version_all.json"), marshalOps(t, ops))
	})
	t.Run("nothing set, nothing sent", func(t *testing.T) {
		assert.Empty(t, updateVersionPatch([]string{"versiona"}, "versionb", VersionSettings{}, versionFlags{}, nil))
	})
	t.Run("empty tags map is sent to clear the tags", func(t *testing.T) {
		ops := updateVersionPatch(nil, "versionb", VersionSettings{Tags: map[string]string{}}, versionFlags{}, nil)
		assert.JSONEq(t, `[{"op":"replace","path":"/versions/versionb/tags","value":{}}]`, marshalOps(t, ops))
	})
}

func TestDeleteVersionPatch(t *testing.T) {
	assert.JSONEq(t, fixture(t, "patch_delete_version.json"), marshalOps(t, deleteVersionPatch("versionb")))
	// remove carries no value member at all
	assert.Equal(t, `[{"op":"remove","path":"/versions/versionb"}]`, marshalOps(t, deleteVersionPatch("versionb")))
}

func TestEndpointUpdatePatch(t *testing.T) {
	ops := endpointUpdatePatch(EndpointUpdate{
		AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(true), EnableAppInsights: to.Ptr(true),
		Tags: map[string]string{"team": "ml"}, Description: to.Ptr("rollout endpoint"),
		Properties: map[string]string{"owner": "me", "a/b": "slash"},
	})
	assert.JSONEq(t, fixture(t, "patch_endpoint_update.json"), marshalOps(t, ops))
	assert.Empty(t, endpointUpdatePatch(EndpointUpdate{}))
}

func TestPointerEscapes(t *testing.T) {
	assert.Equal(t, "/properties/a~0b~1c", pointer("properties", "a~b/c"))
	assert.Equal(t, "/versions/v1/autoScaler/minReplicas", versionPath("v1", "autoScaler", "minReplicas"))
}
