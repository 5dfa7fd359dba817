package badinput

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// modelCases: model.Register (name, path, RegisterOptions), the model id of Get, Update
// and Delete, ListOptions, and the arguments of model.Deploy.
func modelCases(t *testing.T, f *fixture) []badInput {
	modelFile := filepath.Join(f.assets, "model.json")
	modelDir := filepath.Dir(f.file(t, "models/linear/model.json", `{"w": [1, 2]}`))

	register := func(path, name string, o *model.RegisterOptions) func(context.Context) error {
		return func(ctx context.Context) error { _, err := model.Register(ctx, f.ws, path, name, o); return err }
	}
	list := func(o *model.ListOptions) func(context.Context) error {
		return func(ctx context.Context) error {
			for _, err := range model.List(ctx, f.ws, o) {
				return err
			}
			return nil
		}
	}
	one := webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1)}
	deploy := func(name string, models []*model.Model, ic *model.InferenceConfig, target model.DeploymentTarget) func(context.Context) error {
		return func(ctx context.Context) error {
			_, err := model.Deploy(ctx, f.ws, name, models, ic, one, target, nil)
			return err
		}
	}
	many := make([]*model.Model, model.MaxModelsPerDeployment+1)
	for i := range many {
		many[i] = f.model
	}
	custom := *f.model
	custom.Framework = model.FrameworkCustom
	sklearn := *f.model
	sklearn.Framework = model.FrameworkScikitLearn
	models := []*model.Model{f.model}
	zero, minus := 0.0, -1

	return []badInput{
		{"model name with a space", modelVE, "name", "model names must only include letters, numbers, dashes, periods, or underscores", register(modelFile, "my model", nil)},
		{"model name starting with a dash", modelVE, "name", "start with a letter or number", register(modelFile, "-linear", nil)},
		{"model name of 256 characters", modelVE, "name", "between 1 and 255 characters long", register(modelFile, strings.Repeat("m", 256), nil)},
		{"empty model name", modelVE, "name", "between 1 and 255 characters long", register(modelFile, "", nil)},
		{"model path missing", modelVE, "path", "does not exist or cannot be read", register(filepath.Join(f.dir, "nope.onnx"), "linear", nil)},
		{"model path empty", modelVE, "path", "the model path is required", register("", "linear", nil)},
		{"framework version without framework", modelVE, "FrameworkVersion", "requires a framework", register(modelFile, "linear", &model.RegisterOptions{FrameworkVersion: "1.2"})},
		{"resource configuration with zero CPU", modelVE, "ResourceConfiguration.CPU", "must be a finite number greater than 0", register(modelFile, "linear", &model.RegisterOptions{ResourceConfiguration: &model.ResourceConfiguration{CPU: &zero}})},
		{"resource configuration with negative GPU", modelVE, "ResourceConfiguration.GPU", "must be 0 or more", register(modelFile, "linear", &model.RegisterOptions{ResourceConfiguration: &model.ResourceConfiguration{GPU: &minus}})},
		{"child path escaping the model directory", modelVE, "ChildPaths[0]", "must stay inside the model path", register(modelDir, "linear", &model.RegisterOptions{ChildPaths: []string{"../secrets"}})},
		{"child paths of a single-file model", modelVE, "ChildPaths", "need a model path that is a directory", register(modelFile, "linear", &model.RegisterOptions{ChildPaths: []string{"model.json"}})},
		{"dataset without scenario name", modelVE, "Datasets[0].Name", "the scenario name is required", register(modelFile, "linear", &model.RegisterOptions{Datasets: []model.DatasetReference{{ID: "d1"}}})},
		{"run id without experiment", modelVE, "ExperimentName", "a run id requires the experiment name", register(modelFile, "linear", &model.RegisterOptions{RunID: "run-1"})},
		{"tag with an empty key", modelVE, "Tags", "keys must not be empty", register(modelFile, "linear", &model.RegisterOptions{Tags: map[string]string{"": "x"}})},

		{"model id without version", modelVE, "id", `must be "{name}:{version}"`, func(ctx context.Context) error { _, err := model.Get(ctx, f.ws, "linear"); return err }},
		{"model id with version 0", modelVE, "id", "a version of 1 or more", func(ctx context.Context) error { return model.Delete(ctx, f.ws, "linear:0") }},
		{"model update that changes nothing", modelVE, "AddTags", "nothing to update", func(ctx context.Context) error {
			_, err := model.Update(ctx, f.ws, f.model.ID, model.UpdateOptions{})
			return err
		}},
		{"model update adding and removing one tag", modelVE, "RemoveTags", "is both added and removed", func(ctx context.Context) error {
			_, err := model.Update(ctx, f.ws, f.model.ID, model.UpdateOptions{AddTags: map[string]string{"stage": "prod"}, RemoveTags: []string{"stage"}})
			return err
		}},
		{"model version below 0", modelVE, "version", "must be 0 (latest) or a version of 1 or more", func(ctx context.Context) error { _, err := model.GetByName(ctx, f.ws, "linear", -1); return err }},
		{"list page count below 20", modelVE, "PageCount", "must be from 20 to 255", list(&model.ListOptions{PageCount: 5})},
		{"list tag filter with a comma", modelVE, "Tags[0]", "no comma", list(&model.ListOptions{Tags: []string{"a=1,b=2"}})},

		{"deploy 1,001 models", modelVE, "models", "limited to 1000 per deployment", deploy("svc-many", many, f.ic, f.aks)},
		{"deploy a nil model", modelVE, "models[1]", "a registered model (with an id) is required", deploy("svc-nil", []*model.Model{f.model, nil}, f.ic, f.aks)},
		{"deploy without compute", modelVE, "target", "needs a deployment target or a compute name", deploy("svc-nocompute", models, f.ic, nil)},
		{"no-code deploy of a Custom model", modelVE, "inferenceConfig", "cannot be deployed without an InferenceConfig", deploy("svc-nocode", []*model.Model{&custom}, nil, f.aks)},
		{"no-code deploy of two models", modelVE, "inferenceConfig", "needs exactly one model; got 2", deploy("svc-nocode2", []*model.Model{&sklearn, &sklearn}, nil, f.aks)},
		{"service name with capitals", modelVE, "name", "lowercase letters", deploy("MyService", models, f.ic, f.aks)},
		{"service name of 2 characters", modelVE, "name", "between 3 and 32 characters", deploy("ab", models, f.ic, f.aks)},
		{"service name ending with a dash", modelVE, "name", "end with a letter or number", deploy("scoring-", models, f.ic, f.aks)},
	}
}
