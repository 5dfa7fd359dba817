package badinput

import (
	"context"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// webserviceCases: AksDeployConfig (through model.Deploy), deploymentconfig.json
// (webservice.LoadDeployConfig), AksUpdateConfig (AksWebservice.Update), service names
// (webservice.Get) and keys (AksWebservice.RegenKey).
func webserviceCases(t *testing.T, f *fixture) []badInput {
	deploy := func(c webservice.AksDeployConfig) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := model.Deploy(ctx, f.ws, "svc-cfg", []*model.Model{f.model}, f.ic, c, f.aks, nil)
			return err
		}
	}
	fixed := func(c webservice.AksDeployConfig) webservice.AksDeployConfig {
		c.AutoscaleEnabled, c.NumReplicas = to.Ptr(false), to.Ptr(1)
		return c
	}
	loadFile := func(content string) func(context.Context) error {
		path := f.file(t, "deploymentconfig.json", content)
		return func(context.Context) error { _, err := webservice.LoadDeployConfig(path); return err }
	}
	update := func(u webservice.AksUpdateConfig) func(context.Context) error {
		return func(ctx context.Context) error { _, err := f.svc.Update(ctx, u, nil); return err }
	}
	regen := func(k webservice.KeyType, o *webservice.RegenKeyOptions) func(context.Context) error {
		return func(ctx context.Context) error { return f.svc.RegenKey(ctx, k, o) }
	}

	return []badInput{
		{"CPU request of zero", modelVE, "DeployConfig.CPUCores", "must be > 0, got 0", deploy(fixed(webservice.AksDeployConfig{CPUCores: to.Ptr(0.0)}))},
		{"CPU limit below the request", modelVE, "DeployConfig.CPUCoresLimit", "must be >= CPUCores (1), got 0.5", deploy(fixed(webservice.AksDeployConfig{CPUCores: to.Ptr(1.0), CPUCoresLimit: to.Ptr(0.5)}))},
		{"negative memory", modelVE, "DeployConfig.MemoryGB", "must be > 0", deploy(fixed(webservice.AksDeployConfig{MemoryGB: to.Ptr(-1.0)}))},
		{"memory limit below the request", modelVE, "DeployConfig.MemoryGBLimit", "must be >= MemoryGB (2), got 1", deploy(fixed(webservice.AksDeployConfig{MemoryGB: to.Ptr(2.0), MemoryGBLimit: to.Ptr(1.0)}))},
		{"negative GPU count", modelVE, "DeployConfig.GPUCores", "must be >= 0", deploy(fixed(webservice.AksDeployConfig{GPUCores: to.Ptr(-1)}))},
		{"autoscale minimum above maximum", modelVE, "DeployConfig.AutoscaleMaxReplicas", "must be >= AutoscaleMinReplicas (5), got 2", deploy(webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(true), AutoscaleMinReplicas: to.Ptr(5), AutoscaleMaxReplicas: to.Ptr(2)})},
		{"autoscale target above 100 percent", modelVE, "DeployConfig.AutoscaleTargetUtilization", "must be <= 100", deploy(webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(true), AutoscaleTargetUtilization: to.Ptr(150)})},
		{"autoscale bound without autoscaling", modelVE, "DeployConfig.AutoscaleMaxReplicas", "without enabling autoscaling", deploy(fixed(webservice.AksDeployConfig{AutoscaleMaxReplicas: to.Ptr(4)}))},
		{"replica count with autoscaling on", modelVE, "DeployConfig.NumReplicas", "cannot be set when autoscaling is enabled", deploy(webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(true), NumReplicas: to.Ptr(2)})},
		{"autoscaling off without replica count", modelVE, "DeployConfig.NumReplicas", "is required when autoscaling is disabled", deploy(webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false)})},
		{"scoring timeout above the service cap", modelVE, "DeployConfig.ScoringTimeoutMs", "must be <= 300000", deploy(fixed(webservice.AksDeployConfig{ScoringTimeoutMs: to.Ptr(600000)}))},
		{"liveness period of zero", modelVE, "DeployConfig.PeriodSeconds", "must be > 0", deploy(fixed(webservice.AksDeployConfig{PeriodSeconds: to.Ptr(0)}))},
		{"key and token auth together", modelVE, "DeployConfig.TokenAuthEnabled", "cannot be true together with AuthEnabled", deploy(fixed(webservice.AksDeployConfig{AuthEnabled: to.Ptr(true), TokenAuthEnabled: to.Ptr(true)}))},
		{"secondary key without primary key", modelVE, "DeployConfig.SecondaryKey", "requires PrimaryKey", deploy(fixed(webservice.AksDeployConfig{SecondaryKey: auth.NewSecret("custom-secondary-key-0001")}))},
		{"namespace not a Kubernetes name", modelVE, "DeployConfig.Namespace", "must be a valid Kubernetes namespace", deploy(fixed(webservice.AksDeployConfig{Namespace: to.Ptr("Team_A")}))},

		{"deploymentconfig.json not JSON", serviceFile, "deploymentconfig.json: at byte offset", "invalid JSON", loadFile(`{"computeType": "aks",`)},
		{"deploymentconfig.json misspelt key", serviceFile, "cpuCores", "unknown", loadFile(`{"computeType": "aks", "cpuCores": 1}`)},
		{"deploymentconfig.json for ACI", serviceFile, "computeType", `this configuration needs "aks"`, loadFile(`{"computeType": "ACI"}`)},
		{"deploymentconfig.json without computeType", serviceFile, "computeType", "is required", loadFile(`{"numReplicas": 1}`)},
		{"deploymentconfig.json CPU as text", serviceFile, "containerResourceRequirements.cpu", "number", loadFile(`{"computeType": "aks", "containerResourceRequirements": {"cpu": "one"}}`)},
		{"deploymentconfig.json GPU given twice", serviceFile, "gpuCores", "give one", loadFile(`{"computeType": "aks", "gpuCores": 1, "containerResourceRequirements": {"gpu": 2}}`)},
		{"deploymentconfig.json minimum replicas of zero", serviceVE, "AutoscaleMinReplicas (autoscale_min_replicas)", "must be > 0", loadFile(`{"computeType": "aks", "autoScaler": {"autoscaleEnabled": true, "minReplicas": 0}}`)},

		{"service update that changes nothing", serviceVE, "AksUpdateConfig", "No parameters provided to update", update(webservice.AksUpdateConfig{})},
		{"update to a negative CPU request", serviceVE, "CPUCores (cpu_cores)", "must be > 0", update(webservice.AksUpdateConfig{CPUCores: to.Ptr(-1.0)})},
		{"update to key and token auth", serviceVE, "TokenAuthEnabled (token_auth_enabled)", "cannot be true together with AuthEnabled", update(webservice.AksUpdateConfig{AuthEnabled: to.Ptr(true), TokenAuthEnabled: to.Ptr(true)})},
		{"update to an invalid namespace", serviceVE, "Namespace (namespace)", "must be a valid Kubernetes namespace", update(webservice.AksUpdateConfig{Namespace: to.Ptr("-ns")})},
		{"update to a scoring timeout above the cap", serviceVE, "ScoringTimeoutMs (scoring_timeout_ms)", "must be <= 300000", update(webservice.AksUpdateConfig{ScoringTimeoutMs: to.Ptr(300001)})},
		{"update to two models without inference config", serviceVE, "Models (models)", "one model of a no-code framework", update(webservice.AksUpdateConfig{Models: []*model.Model{f.model, f.model}})},

		{"get a service by an invalid name", serviceVE, "name", "web service names must only consist of lowercase letters", func(ctx context.Context) error { _, err := webservice.Get(ctx, f.ws, "Scoring_Service"); return err }},
		{"regenerate a third key", serviceVE, "key (key_type)", `must be "Primary" or "Secondary"`, regen("Tertiary", nil)},
		{"regenerate a key to a blank value", serviceVE, "RegenKeyOptions.Value", "must not be blank", regen(webservice.KeyPrimary, &webservice.RegenKeyOptions{Value: auth.NewSecret("   ")})},
	}
}
