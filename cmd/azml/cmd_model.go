package main

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/azureml-go/azureml/model"
)

func modelCommands() []*command {
	return []*command{
		modelRegister(),
		modelShow(),
		modelList(),
		modelDelete(),
		modelDeploy(),
	}
}

// modelFields maps the model package's field names to azml's flags.
var modelFields = map[string]string{
	"name":                             "-n/--name",
	"path":                             "-p/--model-path",
	"FrameworkVersion":                 "--model-framework-version",
	"Framework":                        "--model-framework",
	"ChildPaths":                       "--child-path",
	"ExperimentName":                   "--experiment-name",
	"RunID":                            "--run-id",
	"Tags":                             "--tag",
	"Properties":                       "--property",
	"Description":                      "-d/--description",
	"ResourceConfiguration.CPU":        "--cc/--cpu-cores",
	"ResourceConfiguration.MemoryInGB": "--gb/--memory-gb",
	"ResourceConfiguration.GPU":        "--gc/--gpu-cores",
	"PageCount":                        "--page-count",
	"version":                          "--version",
}

// modelProblems rewrites a *model.ValidationError so that each problem names the flag;
// other errors are returned unchanged.
func modelProblems(cmd string, err error) error {
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	lines := make([]string, 0, len(ve.Problems))
	for _, p := range ve.Problems {
		field := p.Field
		if strings.HasPrefix(field, "ChildPaths[") {
			field = "ChildPaths"
		}
		lines = append(lines, problemLine(modelFields, field, "", p.Message))
	}
	return problemsError(cmd, "invalid "+ve.Op+" input", lines, err)
}

func modelRegister() *command {
	return &command{
		path:    "model register",
		summary: "register a model file or directory",
		usage:   "-n NAME -p PATH [flags]",
		details: `Uploads the file or directory at -p and registers it as a new version of model -n. The
first version of a name is 1; each registration adds one.`,
		examples: []string{
			"azml model register -n mymodel -p examples/assets/model.json",
			"azml model register -n mymodel -p ./outputs --tag stage=dev --model-framework ScikitLearn",
		},
		setup: func(f *flagSet, g *globals) runFunc {
			var name, path, description, framework, frameworkVersion, experiment, runID string
			var tags, props, children []string
			var cpu, mem optFloat
			var gpu optInt
			f.String(&name, "n,name", "NAME", "model name: letters, digits, '-', '.', '_', starting with a letter or digit").Required()
			f.String(&path, "p,model-path", "PATH", "local file or directory to upload").Required()
			f.String(&description, "d,description", "TEXT", "description of the model")
			f.Strings(&tags, "tag", "KEY=VALUE", "tag to add")
			f.Strings(&props, "property", "KEY=VALUE", "property to add (properties cannot change later)")
			f.String(&framework, "model-framework", "FRAMEWORK", "framework: Custom, TensorFlow, ScikitLearn, Onnx, TfKeras, PyTorch, Multi")
			f.String(&frameworkVersion, "model-framework-version", "VERSION", "framework version (needs --model-framework)")
			f.Strings(&children, "child-path", "PATH", "upload only this entry of a -p directory")
			f.String(&experiment, "experiment-name", "NAME", "experiment of the run that produced the model")
			f.String(&runID, "r,run-id", "ID", "run that produced the model (needs --experiment-name)")
			f.Float(&cpu, "cc,cpu-cores", "N", "CPU cores the model needs when served")
			f.Float(&mem, "gb,memory-gb", "GB", "memory the model needs when served")
			f.Int(&gpu, "gc,gpu-cores", "N", "GPUs the model needs when served")
			return func(ctx context.Context, x *execution) (any, error) {
				tagMap, err1 := parseKeyValues("--tag", tags)
				propMap, err2 := parseKeyValues("--property", props)
				var err3 error
				if err := model.ValidateName(name); err != nil {
					err3 = badInput("flag -n/--name: %s", fieldMessage(err))
				}
				// Register validates too; checking the path here keeps a typo from
				// causing any request (the workspace is not even resolved).
				if err := joinProblems(x.cmd, err1, err2, err3, requireModelPath(path)); err != nil {
					return nil, err
				}
				opts := &model.RegisterOptions{
					Tags: tagMap, Properties: propMap, Description: description,
					Framework: model.Framework(framework), FrameworkVersion: frameworkVersion,
					ChildPaths: children, ExperimentName: experiment, RunID: runID,
				}
				if cpu.set || mem.set || gpu.set {
					opts.ResourceConfiguration = &model.ResourceConfiguration{CPU: cpu.ptr(), MemoryInGB: mem.ptr(), GPU: gpu.ptr()}
				}
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				p := x.progress("Registering model %s from %s", name, path)
				m, err := model.Register(ctx, ws, path, name, opts)
				p.finish(err)
				if err != nil {
					return nil, modelProblems(x.cmd, err)
				}
				return newModelView(m), nil
			}
		},
	}
}

// modelSelector is -i ID or -n NAME [--version N], shared by show and delete.
type modelSelector struct {
	id, name    string
	version     optInt
	needVersion bool
}

func (s *modelSelector) define(f *flagSet) {
	f.String(&s.id, "i,model-id", "NAME:VERSION", "model id")
	f.String(&s.name, "n,name,model-name", "NAME", "model name (instead of -i)")
	f.Int(&s.version, "version", "N", "model version with -n")
}

// resolve checks the selection without the network.
func (s *modelSelector) resolve(cmd string) (modelRef, error) {
	switch {
	case s.id != "" && s.name != "":
		return modelRef{}, badInput("%s: give either -i/--model-id or -n/--name, not both", cmd)
	case s.id != "":
		if s.version.set {
			return modelRef{}, badInput("%s: flag --version goes with -n/--name, not with -i/--model-id (the id has the version)", cmd)
		}
		r, err := parseModelRef("-i/--model-id", s.id, false)
		if err != nil {
			return modelRef{}, badInput("%s: %v", cmd, err)
		}
		return r, nil
	case s.name != "":
		if err := model.ValidateName(s.name); err != nil {
			return modelRef{}, badInput("%s: flag -n/--name: %s", cmd, fieldMessage(err))
		}
		if s.version.set && s.version.v < 1 {
			return modelRef{}, badInput("%s: flag --version: must be a positive integer, got %d", cmd, s.version.v)
		}
		if s.needVersion && !s.version.set {
			return modelRef{}, badInput("%s: flag --version is required with -n/--name", cmd)
		}
		return modelRef{Name: s.name, Version: s.version.v}, nil
	}
	return modelRef{}, badInput("%s: missing required flag -i/--model-id (or -n/--name) (see 'azml %s --help')", cmd, cmd)
}

func modelShow() *command {
	return &command{
		path:     "model show",
		summary:  "show a model",
		usage:    "-i NAME:VERSION | -n NAME [--version N] [flags]",
		details:  "Shows a model version; with -n and no --version, the latest version.",
		examples: []string{"azml model show -i mymodel:1", "azml model show -n mymodel"},
		setup: func(f *flagSet, g *globals) runFunc {
			var s modelSelector
			s.define(f)
			return func(ctx context.Context, x *execution) (any, error) {
				ref, err := s.resolve(x.cmd)
				if err != nil {
					return nil, err
				}
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				m, err := model.GetByName(ctx, ws, ref.Name, ref.Version)
				if err != nil {
					return nil, err
				}
				return newModelView(m), nil
			}
		},
	}
}

func modelList() *command {
	return &command{
		path:     "model list",
		summary:  "list models",
		usage:    "[-n NAME] [--tag KEY[=VALUE]] [--property KEY[=VALUE]] [-l] [flags]",
		examples: []string{"azml model list -o table", "azml model list -n mymodel --latest"},
		setup: func(f *flagSet, g *globals) runFunc {
			var opts model.ListOptions
			var framework string
			f.String(&opts.Name, "n,name,model-name", "NAME", "only models of this name")
			f.Strings(&opts.Tags, "tag", "KEY[=VALUE]", "only models with this tag")
			f.Strings(&opts.Properties, "property", "KEY[=VALUE]", "only models with this property")
			f.String(&framework, "model-framework", "FRAMEWORK", "only models of this framework")
			f.String(&opts.RunID, "r,run-id", "ID", "only models produced by this run")
			f.String(&opts.DatasetID, "dataset-id", "ID", "only models that reference this dataset")
			f.Bool(&opts.LatestVersionOnly, "l,latest", "only the latest version of each name")
			return func(ctx context.Context, x *execution) (any, error) {
				opts.Framework = model.Framework(framework)
				for _, kv := range [][]string{opts.Tags, opts.Properties} {
					for _, it := range kv {
						if strings.Contains(it, ",") || strings.HasPrefix(it, "=") || it == "" {
							return nil, badInput("%s: flag --tag/--property: %q must be KEY or KEY=VALUE without commas", x.cmd, it)
						}
					}
				}
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				out := modelListView{}
				for m, err := range model.List(ctx, ws, &opts) {
					if err != nil {
						return nil, modelProblems(x.cmd, err)
					}
					out = append(out, newModelView(m))
				}
				return out, nil
			}
		},
	}
}

func modelDelete() *command {
	return &command{
		path:     "model delete",
		summary:  "delete a model version",
		usage:    "-i NAME:VERSION | -n NAME --version N [flags]",
		details:  "Deletes one model version. The service refuses while web services use it.",
		examples: []string{"azml model delete -i mymodel:1"},
		setup: func(f *flagSet, g *globals) runFunc {
			s := modelSelector{needVersion: true}
			s.define(f)
			return func(ctx context.Context, x *execution) (any, error) {
				ref, err := s.resolve(x.cmd)
				if err != nil {
					return nil, err
				}
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				if err := model.Delete(ctx, ws, ref.ID()); err != nil {
					return nil, err
				}
				return &operationResult{Name: ref.ID(), Operation: "delete", State: "Succeeded"}, nil
			}
		},
	}
}

// requireModelPath checks that -p exists, so that a typo is refused before any request.
func requireModelPath(path string) error {
	if _, err := os.Stat(path); err != nil {
		return badInput("flag -p/--model-path: %s does not exist or cannot be read: %v", path, unwrapPathError(err))
	}
	return nil
}

// fieldMessage returns the message of a model.FieldError without its field prefix.
func fieldMessage(err error) string {
	var fe model.FieldError
	if errors.As(err, &fe) {
		return fe.Message
	}
	return err.Error()
}
