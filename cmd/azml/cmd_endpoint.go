package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

func endpointCommands() []*command {
	return []*command{
		endpointShow(),
		endpointUpdate(),
		endpointVersionCreate(),
		endpointVersionUpdate(),
		endpointVersionDelete(),
		endpointTrafficShow(),
		endpointDelete(),
	}
}

// isEndpointBadInput reports the endpoint package's validation errors.
func isEndpointBadInput(err error) bool {
	var pe *endpoint.PlanError
	return errors.As(err, &pe) || endpoint.IsNoUpdate(err)
}

// planProblems rewrites an *endpoint.PlanError so that each problem names its rule.
func planProblems(cmd string, err error) error {
	var pe *endpoint.PlanError
	if !errors.As(err, &pe) {
		return err
	}
	lines := make([]string, len(pe.Problems))
	for i, p := range pe.Problems {
		lines[i] = fmt.Sprintf("[%s] %s", p.Rule, p.Message)
	}
	return problemsError(cmd, "invalid traffic plan", lines, err)
}

// endpointDeployFlags turn model deploy into the creation of an AKS endpoint.
type endpointDeployFlags struct {
	versionName    string
	traffic        optFloat
	versionNameDef *flagDef
	trafficDef     *flagDef
	// file is set when -dc is an AKSENDPOINT deploymentconfig.json; source names it.
	file   bool
	source string
}

func (e *endpointDeployFlags) define(f *flagSet) {
	e.versionNameDef = f.String(&e.versionName, "version-name", "NAME", "deploy an AKS endpoint whose first version is named so (not the endpoint's name)")
	e.trafficDef = f.Float(&e.traffic, "traffic-percentile", "PCT", "explicit traffic percentile of the first version, 0-100 (with --version-name)")
}

// fromFile takes the first version's name and percentile from an AKSENDPOINT -dc file;
// the flags win.
func (e *endpointDeployFlags) fromFile(f *flagSet, path string, file *deployFile) {
	if !file.endpoint {
		return
	}
	e.file, e.source = true, "-dc/--deploy-config-file "+path
	if !f.isSet(e.versionNameDef) {
		e.versionName = file.versionName
	}
	if !f.isSet(e.trafficDef) && file.traffic != nil {
		e.traffic = optFloat{v: *file.traffic, set: true}
	}
}

// enabled reports whether model deploy creates an AKS endpoint.
func (e *endpointDeployFlags) enabled() bool { return e.versionName != "" || e.file }

// check validates the endpoint settings without the network.
func (e *endpointDeployFlags) check(name string, in *deployment) error {
	if !e.enabled() {
		if e.traffic.set {
			return badInput("flag --traffic-percentile needs --version-name (an AKS endpoint)")
		}
		return nil
	}
	err := e.config(in).Validate()
	var ve *webservice.ValidationError
	if errors.As(err, &ve) {
		lines := make([]string, len(ve.Problems))
		for i, p := range ve.Problems {
			lines[i] = p.Field + " (" + p.Param + "): " + p.Rule
		}
		return fileProblemsError("", "invalid endpoint configuration", e.source, lines, err)
	}
	if err != nil {
		return err
	}
	if e.versionName == name {
		return badInput("flag --version-name: %q is the endpoint's name; name the version differently (endpoint-level updates of such an endpoint fail on the service)", name)
	}
	return nil
}

// config is the endpoint deployment configuration.
func (e *endpointDeployFlags) config(in *deployment) endpoint.AksEndpointDeployConfig {
	return endpoint.AksEndpointDeployConfig{AksDeployConfig: in.dc, VersionName: e.versionName, TrafficPercentile: e.traffic.ptr()}
}

// deployEndpoint is model deploy with --version-name.
func (x *execution) deployEndpoint(ctx context.Context, d *deployFlags, in *deployment, models []*model.Model, target model.DeploymentTarget, opts *model.DeployOptions) (any, error) {
	ws, err := x.workspace(ctx)
	if err != nil {
		return nil, err
	}
	p := x.progress("Deploying endpoint %s (version %s)", d.name, d.endpoint.versionName)
	ep, err := model.Deploy(ctx, ws, d.name, models, in.ic, d.endpoint.config(in), target, opts)
	if err != nil {
		p.Stop("Failed")
		return nil, deployProblems(x.cmd, err)
	}
	if x.noWait(d.noWait) {
		p.Stop("Accepted")
		return newEndpointView(ep), nil
	}
	err = ep.WaitForDeployment(ctx, x.serviceWait(p))
	p.finish(err)
	if err != nil {
		return nil, err
	}
	return newEndpointView(ep), nil
}

// getEndpoint reads the endpoint after checking its name.
func (x *execution) getEndpoint(ctx context.Context, name string) (*endpoint.AksEndpoint, error) {
	ws, err := x.workspace(ctx)
	if err != nil {
		return nil, err
	}
	return endpoint.Get(ctx, ws, name)
}

// checkServiceName refuses a malformed service or endpoint name before any request.
func checkServiceName(cmd, name string) error {
	if err := model.ValidateServiceName(name); err != nil {
		return badInput("%s: flag -n/--name: %s", cmd, fieldMessage(err))
	}
	return nil
}

func endpointShow() *command {
	return &command{
		path:     "endpoint show",
		summary:  "show an AKS endpoint and its versions",
		usage:    "-n NAME [flags]",
		examples: []string{"azml endpoint show -n myendpoint -o table"},
		setup: func(f *flagSet, g *globals) runFunc {
			var name string
			f.String(&name, "n,name", "NAME", "endpoint name").Required()
			return func(ctx context.Context, x *execution) (any, error) {
				if err := checkServiceName(x.cmd, name); err != nil {
					return nil, err
				}
				ep, err := x.getEndpoint(ctx, name)
				if err != nil {
					return nil, err
				}
				return newEndpointView(ep), nil
			}
		},
	}
}

func endpointDelete() *command {
	return &command{
		path:     "endpoint delete",
		summary:  "delete an AKS endpoint and all its versions",
		usage:    "-n NAME [flags]",
		examples: []string{"azml endpoint delete -n myendpoint"},
		setup: func(f *flagSet, g *globals) runFunc {
			var name string
			f.String(&name, "n,name", "NAME", "endpoint name").Required()
			return func(ctx context.Context, x *execution) (any, error) {
				if err := checkServiceName(x.cmd, name); err != nil {
					return nil, err
				}
				ep, err := x.getEndpoint(ctx, name)
				if errors.Is(err, endpoint.ErrNotFound) {
					fmt.Fprintf(x.app.stderr, "azml: no endpoint %s to delete\n", name)
					return &operationResult{Name: name, Operation: "delete", State: "NotFound"}, nil
				}
				if err != nil {
					return nil, err
				}
				p := x.progress("Deleting endpoint %s", name)
				err = ep.Delete(ctx, &webservice.DeleteOptions{Wait: x.serviceWait(p)})
				p.finish(err)
				if err != nil {
					return nil, err
				}
				return &operationResult{Name: name, Operation: "delete", State: "Succeeded"}, nil
			}
		},
	}
}

func endpointTrafficShow() *command {
	return &command{
		path:    "endpoint traffic show",
		summary: "show how an AKS endpoint splits traffic between its versions",
		usage:   "-n ENDPOINT [flags]",
		details: `Prints the traffic plan: each version's explicit percentile and effective share, the
default version (which also receives the unallocated traffic) and the control. With -o table
the plan is explained in words.`,
		examples: []string{"azml endpoint traffic show -n myendpoint -o table"},
		setup: func(f *flagSet, g *globals) runFunc {
			var name string
			f.String(&name, "n,name", "NAME", "endpoint name").Required()
			return func(ctx context.Context, x *execution) (any, error) {
				if err := checkServiceName(x.cmd, name); err != nil {
					return nil, err
				}
				ep, err := x.getEndpoint(ctx, name)
				if err != nil {
					return nil, err
				}
				return newTrafficView(ep), nil
			}
		},
	}
}

// planMessage returns the problems of a *endpoint.PlanError without its prefix.
func planMessage(err error) string {
	var pe *endpoint.PlanError
	if !errors.As(err, &pe) || len(pe.Problems) == 0 {
		return err.Error()
	}
	msgs := make([]string, len(pe.Problems))
	for i, p := range pe.Problems {
		msgs[i] = p.Message
	}
	return strings.Join(msgs, "; ")
}
