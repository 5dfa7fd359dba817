// Command register-model registers the example model file of examples/assets
// and prints its id and version. The workspace is resolved as every example
// does (environment, then config.json, then an embedded local workspace).
//
//	go run ./examples/register-model
//	go run ./examples/register-model -model path/to/model.json -name my-model
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/azureml-go/azureml/internal/backend"
	"github.com/azureml-go/azureml/model"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	modelPath := flag.String("model", "", "model file or directory to register (default: examples/assets/model.json)")
	name := flag.String("name", "example-linear", "model name")
	flag.Parse()
	if err := run(ctx, os.Stdout, *modelPath, *name); err != nil {
		fmt.Fprintln(os.Stderr, "register-model:", err)
		os.Exit(1)
	}
}

// defaultModelPath finds examples/assets/model.json from the repository root
// or from this example's directory.
func defaultModelPath() (string, error) {
	for _, p := range []string{"examples/assets/model.json", "../assets/model.json"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("examples/assets/model.json not found: run from the repository root or pass -model: %w", fs.ErrNotExist)
}

func run(ctx context.Context, out io.Writer, modelPath, name string) error {
	if modelPath == "" {
		var err error
		if modelPath, err = defaultModelPath(); err != nil {
			return err
		}
	}
	b, err := backend.Resolve(ctx, &backend.Options{Out: out})
	if err != nil {
		return err
	}
	defer b.Close()

	m, err := model.Register(ctx, b.Workspace, modelPath, name, &model.RegisterOptions{
		Description: "Linear model of the azureml-go examples",
		Tags:        map[string]string{"example": "register-model"},
		Properties:  map[string]string{"format": "azureml-go-linear-v1"},
		Framework:   model.FrameworkCustom,
	})
	var ve *model.ValidationError
	if errors.As(err, &ve) {
		return fmt.Errorf("check the input: %w", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "registered:  %s\n", filepath.ToSlash(modelPath))
	fmt.Fprintf(out, "id:          %s\n", m.ID)
	fmt.Fprintf(out, "version:     %d\n", m.Version)
	fmt.Fprintf(out, "url:         %s\n", m.URL)
	return nil
}
