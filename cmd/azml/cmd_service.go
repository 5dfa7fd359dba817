package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/webservice"
)

func serviceCommands() []*command {
	return []*command{
		serviceShow(),
		serviceList(),
		serviceLogs(),
		serviceKeysList(),
		serviceKeysRegen(),
		serviceToken(),
		serviceRun(),
		serviceUpdate(),
		serviceDelete(),
	}
}

// isServiceBadInput reports the webservice package's validation errors.
func isServiceBadInput(err error) bool {
	var (
		ve *webservice.ValidationError
		fe *webservice.ConfigFileError
	)
	return errors.As(err, &ve) || errors.As(err, &fe)
}

// serviceFields maps the webservice package's configuration fields to azml's flags.
var serviceFields = map[string]string{
	"AutoscaleEnabled":             "--autoscale-enabled",
	"AutoscaleMinReplicas":         "--autoscale-min-replicas",
	"AutoscaleMaxReplicas":         "--autoscale-max-replicas",
	"AutoscaleRefreshSeconds":      "--autoscale-refresh-seconds",
	"AutoscaleTargetUtilization":   "--autoscale-target-utilization",
	"CollectModelData":             "--collect-model-data",
	"EnableAppInsights":            "--enable-app-insights",
	"AuthEnabled":                  "--auth-enabled",
	"TokenAuthEnabled":             "--token-auth-enabled",
	"CPUCores":                     "--cpu-cores",
	"CPUCoresLimit":                "--cpu-cores-limit",
	"MemoryGB":                     "--memory-gb",
	"MemoryGBLimit":                "--memory-gb-limit",
	"GPUCores":                     "--gpu-cores",
	"ScoringTimeoutMs":             "--scoring-timeout-ms",
	"ReplicaMaxConcurrentRequests": "--replica-max-concurrent-requests",
	"MaxRequestWaitTimeMs":         "--max-request-wait-time",
	"NumReplicas":                  "--num-replicas",
	"PeriodSeconds":                "--period-seconds",
	"InitialDelaySeconds":          "--initial-delay-seconds",
	"TimeoutSeconds":               "--timeout-seconds",
	"SuccessThreshold":             "--success-threshold",
	"FailureThreshold":             "--failure-threshold",
	"Namespace":                    "--namespace",
	"Properties":                   "--add-property",
	"Tags":                         "--add-tag",
	"Description":                  "--description",
	"Models":                       "-m/--model",
	"InferenceConfig":              "-ic/--inference-config-file",
}

// serviceProblems rewrites a *webservice.ValidationError so that each problem names
// the flag (or the file), the field and the rule; other errors are returned unchanged.
func serviceProblems(cmd, source string, fields map[string]string, err error) error {
	var ve *webservice.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	lines := make([]string, 0, len(ve.Problems))
	for _, p := range ve.Problems {
		field := p.Field
		if p.Param != "" {
			field += " (" + p.Param + ")"
		}
		if fl, ok := fields[p.Field]; ok && source == "" {
			field = "flag " + fl + " (" + p.Field + ")"
		}
		lines = append(lines, field+": "+p.Rule)
	}
	return fileProblemsError(cmd, "invalid configuration", source, lines, err)
}

// serviceName is the -n flag of the service commands.
func serviceNameFlag(f *flagSet, p *string) {
	f.String(p, "n,name", "NAME", "web service name").Required()
}

// getService reads the service after checking the name.
func (x *execution) getService(ctx context.Context, name string) (*webservice.AksWebservice, error) {
	if err := checkServiceName(x.cmd, name); err != nil {
		return nil, err
	}
	ws, err := x.workspace(ctx)
	if err != nil {
		return nil, err
	}
	return webservice.Get(ctx, ws, name)
}

// serviceWait returns the wait options of a service operation, reporting to p.
func (x *execution) serviceWait(p *progress) *webservice.WaitOptions {
	return &webservice.WaitOptions{
		PollFrequency: x.pollInterval(),
		Progress: func(e webservice.ProgressEvent) {
			switch e.Kind {
			case webservice.ProgressLog:
				p.Log("  " + e.Message)
			default:
				state := e.State
				if e.SubOperationType != "" {
					state += " (" + e.SubOperationType
					if e.SubOperationState != "" {
						state += " " + e.SubOperationState
					}
					state += ")"
				}
				p.State(state)
			}
		},
	}
}

func serviceShow() *command {
	return &command{
		path:     "service show",
		summary:  "show a web service",
		usage:    "-n NAME [flags]",
		examples: []string{"azml service show -n myservice", "azml service show -n myservice -o table"},
		setup: func(f *flagSet, g *globals) runFunc {
			var name string
			serviceNameFlag(f, &name)
			return func(ctx context.Context, x *execution) (any, error) {
				svc, err := x.getService(ctx, name)
				if err != nil {
					return nil, err
				}
				return newServiceView(svc), nil
			}
		},
	}
}

func serviceList() *command {
	return &command{
		path:     "service list",
		summary:  "list web services",
		usage:    "[--compute-type TYPE] [--model-name NAME] [--model-id ID] [--tag KEY[=VALUE]] [flags]",
		examples: []string{"azml service list -o table", "azml service list --model-name mymodel"},
		setup: func(f *flagSet, g *globals) runFunc {
			var opts webservice.ListOptions
			f.String(&opts.ComputeType, "compute-type", "TYPE", "only services of this type: AKS, AKSENDPOINT, ACI, IOT, MIR")
			f.String(&opts.ModelName, "model-name", "NAME", "only services deploying this model")
			f.String(&opts.ModelID, "model-id", "NAME:VERSION", "only services deploying this model version")
			f.String(&opts.ImageName, "image-name", "NAME", "only services built from this image")
			f.Strings(&opts.Tags, "tag", "KEY[=VALUE]", "only services with this tag")
			f.Strings(&opts.Properties, "property", "KEY[=VALUE]", "only services with this property")
			return func(ctx context.Context, x *execution) (any, error) {
				switch strings.ToUpper(opts.ComputeType) {
				case "", "AKS", "AKSENDPOINT", "ACI", "IOT", "MIR":
				default:
					return nil, badInput("%s: flag --compute-type: %q is not AKS, AKSENDPOINT, ACI, IOT or MIR", x.cmd, opts.ComputeType)
				}
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				out := serviceListView{}
				pager := webservice.List(ws, &opts)
				for pager.More() {
					page, err := pager.NextPage(ctx)
					if err != nil {
						return nil, serviceProblems(x.cmd, "", serviceFields, err)
					}
					for _, s := range page.Services {
						out = append(out, newServiceView(s))
					}
					for _, o := range page.Others {
						out = append(out, &serviceView{Name: o.Name, ComputeType: o.ComputeType, State: string(o.State), ScoringURI: o.ScoringURI})
					}
				}
				return out, nil
			}
		},
	}
}

func serviceLogs() *command {
	return &command{
		path:     "service logs",
		aliases:  []string{"service get-logs"},
		summary:  "print the logs of a web service",
		usage:    "-n NAME [-l LINES] [--init] [flags]",
		details:  "Prints the inference server's log (the entry script's output); --init prints the\nmodel-download container's log instead. With -o json the log is the \"content\" field.",
		examples: []string{"azml service logs -n myservice -l 100 -o table"},
		setup: func(f *flagSet, g *globals) runFunc {
			var name string
			var tail optInt
			var initLog bool
			serviceNameFlag(f, &name)
			f.Int(&tail, "l,num-lines,tail", "LINES", fmt.Sprintf("number of lines from the end (default %d)", webservice.DefaultLogTail))
			f.Bool(&initLog, "init", "show the init container's log")
			return func(ctx context.Context, x *execution) (any, error) {
				if tail.set && tail.v < 1 {
					return nil, badInput("%s: flag -l/--num-lines: must be at least 1, got %d", x.cmd, tail.v)
				}
				svc, err := x.getService(ctx, name)
				if err != nil {
					return nil, err
				}
				content, err := svc.GetLogs(ctx, &webservice.LogOptions{Tail: tail.v, Init: initLog})
				if err != nil {
					return nil, err
				}
				return &logsView{Name: name, Content: content}, nil
			}
		},
	}
}

func serviceKeysList() *command {
	return &command{
		path:     "service keys list",
		aliases:  []string{"service get-keys"},
		summary:  "print the scoring keys of a web service",
		usage:    "-n NAME [flags]",
		examples: []string{"azml service keys list -n myservice"},
		setup: func(f *flagSet, g *globals) runFunc {
			var name string
			serviceNameFlag(f, &name)
			return func(ctx context.Context, x *execution) (any, error) {
				svc, err := x.getService(ctx, name)
				if err != nil {
					return nil, err
				}
				keys, err := svc.GetKeys(ctx)
				if err != nil {
					return nil, err
				}
				return newKeysView(name, keys), nil
			}
		},
	}
}

func serviceKeysRegen() *command {
	return &command{
		path:    "service keys regen",
		aliases: []string{"service regen-key"},
		summary: "regenerate a scoring key of a web service",
		usage:   "-n NAME --key Primary|Secondary [--set-key VALUE] [flags]",
		details: "Regenerates one key (or sets it to --set-key), waits for the service to accept it,\nand prints both keys. The old value stops working.",
		examples: []string{
			"azml service keys regen -n myservice --key Primary",
		},
		setup: func(f *flagSet, g *globals) runFunc {
			var name, key, setKey string
			serviceNameFlag(f, &name)
			f.String(&key, "k,key", "KEY", "which key: Primary or Secondary").Required()
			f.String(&setKey, "set-key", "VALUE", "the new key value (default: generated by the service)")
			return func(ctx context.Context, x *execution) (any, error) {
				var kt webservice.KeyType
				switch strings.ToLower(key) {
				case "primary":
					kt = webservice.KeyPrimary
				case "secondary":
					kt = webservice.KeySecondary
				default:
					return nil, badInput("%s: flag -k/--key: %q is not Primary or Secondary", x.cmd, key)
				}
				svc, err := x.getService(ctx, name)
				if err != nil {
					return nil, err
				}
				p := x.progress("Regenerating the %s key of %s", kt, name)
				opts := &webservice.RegenKeyOptions{Wait: x.serviceWait(p)}
				if setKey != "" {
					opts.Value = auth.NewSecret(setKey)
				}
				err = svc.RegenKey(ctx, kt, opts)
				p.finish(err)
				if err != nil {
					return nil, err
				}
				keys, err := svc.GetKeys(ctx)
				if err != nil {
					return nil, err
				}
				return newKeysView(name, keys), nil
			}
		},
	}
}

func serviceToken() *command {
	return &command{
		path:     "service token",
		aliases:  []string{"service get-access-token"},
		summary:  "print a scoring access token of a web service with token auth",
		usage:    "-n NAME [flags]",
		examples: []string{"azml service token -n myservice"},
		setup: func(f *flagSet, g *globals) runFunc {
			var name string
			serviceNameFlag(f, &name)
			return func(ctx context.Context, x *execution) (any, error) {
				svc, err := x.getService(ctx, name)
				if err != nil {
					return nil, err
				}
				tok, err := svc.GetAccessToken(ctx)
				if err != nil {
					return nil, err
				}
				return newTokenView(name, tok), nil
			}
		},
	}
}

func serviceRun() *command {
	return &command{
		path:    "service run",
		summary: "score input with a web service",
		usage:   "-n NAME -d INPUT [flags]",
		details: `Posts the input to the service's scoring URI, with its key or token, and prints the
model's answer. INPUT is JSON text, @FILE for a file's contents, or - for stdin.`,
		examples: []string{
			`azml service run -n myservice -d '{"data": [[5.1, 3.5, 1.4, 0.2]]}'`,
			"azml service run -n myservice -d @sample-input.json",
		},
		setup: func(f *flagSet, g *globals) runFunc {
			var name, input string
			serviceNameFlag(f, &name)
			f.String(&input, "d,input-data", "INPUT", "JSON input, @FILE or -").Required()
			return func(ctx context.Context, x *execution) (any, error) {
				data, err := readInputData("-d/--input-data", input, x.app.stdin)
				if err != nil {
					return nil, joinProblems(x.cmd, err)
				}
				svc, err := x.getService(ctx, name)
				if err != nil {
					return nil, err
				}
				out, err := svc.Run(ctx, data)
				if err != nil {
					return nil, err
				}
				return scoreOutput(out), nil
			}
		},
	}
}

// scoreOutput prints a scoring answer: JSON re-indented, anything else as it came.
type scoreOutput []byte

func (s scoreOutput) MarshalJSON() ([]byte, error) {
	if json.Valid(s) {
		return s, nil
	}
	return json.Marshal(string(s))
}

// text is the -o table form: the answer as it came.
func (s scoreOutput) text() string { return string(s) }

func serviceDelete() *command {
	return &command{
		path:     "service delete",
		summary:  "delete a web service",
		usage:    "-n NAME [flags]",
		details:  "Deletes the service and waits until it is gone. Deleting a service that does not exist\nsucceeds.",
		examples: []string{"azml service delete -n myservice"},
		setup: func(f *flagSet, g *globals) runFunc {
			var name string
			serviceNameFlag(f, &name)
			return func(ctx context.Context, x *execution) (any, error) {
				svc, err := x.getService(ctx, name)
				if errors.Is(err, webservice.ErrNotFound) {
					fmt.Fprintf(x.app.stderr, "azml: no service %s to delete\n", name)
					return &operationResult{Name: name, Operation: "delete", State: "NotFound"}, nil
				}
				if err != nil {
					return nil, err
				}
				p := x.progress("Deleting service %s", name)
				err = svc.Delete(ctx, &webservice.DeleteOptions{Wait: x.serviceWait(p)})
				p.finish(err)
				if err != nil {
					return nil, err
				}
				return &operationResult{Name: name, Operation: "delete", State: "Succeeded"}, nil
			}
		},
	}
}
