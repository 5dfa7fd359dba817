package model_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// Register a model file, read it back by name and list the latest versions.
func Example() {
	ctx := context.Background()
	srv, err := emulator.New(emulator.Options{}) // a local workspace; use workspace.Get for Azure
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ws, err := workspacetest.Connect(ctx, srv, nil)
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.json")
	_ = os.WriteFile(path, []byte(`{"weights":[0.5,1.5]}`), 0o644)

	m, err := model.Register(ctx, ws, path, "linear", &model.RegisterOptions{
		Tags:      map[string]string{"stage": "dev"},
		Framework: model.FrameworkCustom,
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("registered", m.ID)

	latest, err := model.GetByName(ctx, ws, "linear", 0)
	if err != nil {
		panic(err)
	}
	fmt.Println("latest version", latest.Version)

	for m, err := range model.List(ctx, ws, &model.ListOptions{LatestVersionOnly: true}) {
		if err != nil {
			panic(err)
		}
		fmt.Println("listed", m.ID, m.Tags["stage"])
	}
	// Output:
	// registered linear:1
	// latest version 1
	// listed linear:1 dev
}

// Validation happens before any request and reports every problem.
func ExampleRegister_validation() {
	_, err := model.Register(context.Background(), nil, "no/such/file", "-bad name", &model.RegisterOptions{FrameworkVersion: "1.0"})
	fmt.Println(err)
	// Output:
	// model: invalid Register input: name: model name "-bad name" is invalid: model names must only include letters, numbers, dashes, periods, or underscores, start with a letter or number, and be between 1 and 255 characters long; path: model path "no/such/file" does not exist or cannot be read: no such file or directory; FrameworkVersion: a framework version requires a framework (set Framework)
}

// Load an az ml v1 inferenceconfig.json and check it.
func ExampleLoadInferenceConfig() {
	ic, err := model.LoadInferenceConfig(filepath.Join("..", "examples", "assets", "inferenceconfig.json"))
	if err != nil {
		panic(err)
	}
	fmt.Println(ic.Validate(), ic.EntryScriptEnv(), ic.Environment.Name)
	// Output:
	// <nil> src/score.py example-linear-env
}
