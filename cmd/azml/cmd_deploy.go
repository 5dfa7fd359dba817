package main

import (
	"context"

	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// deployFlags are the flags of model deploy.
type deployFlags struct {
	name, computeTarget, icPath, dcPath, description string
	models, tags, props                              []string
	overwrite, noWait                                bool
	descriptionDef                                   *flagDef
	endpoint                                         endpointDeployFlags
}

// deployment is model deploy's input, checked without the network.
type deployment struct {
	refs     []modelRef
	ic       *model.InferenceConfig
	dc       webservice.AksDeployConfig
	warnings []string
}

func modelDeploy() *command {
	return &command{
		path:    "model deploy",
		summary: "deploy models as a web service on an AKS compute target",
		usage:   "-n NAME -m NAME:VERSION [-m ...] -ct COMPUTE [-ic inferenceconfig.json] [-dc deploymentconfig.json] [--overwrite] [flags]",
		details: `Deploys the models (-m, repeatable; NAME alone means the latest version) as web service -n
on AKS compute -ct, with the entry script, source directory and environment of -ic and the
settings of -dc (an 'az ml' v1 deploymentconfig.json, computeType "aks"), and waits until
the service is healthy, showing the deployment log (unless --no-wait). Without -ic, one
model of a no-code framework (Onnx, ScikitLearn, TensorFlow) is deployed as it is.

With --version-name, or a -dc file whose computeType is "AKSENDPOINT" (with keys
versionName and trafficPercentile besides the AKS ones), the deployment is an AKS endpoint
whose first version is named so (see 'azml endpoint').

Everything is checked before anything is sent: the service name, the -m references, both
files and every setting; all problems are reported at once.`,
		examples: []string{
			"azml model deploy -ct myaks -m mymodel:1 -n myservice -ic inferenceconfig.json -dc deploymentconfig.json",
			"azml model deploy -ct myaks -m mymodel:2 -n myservice -ic inferenceconfig.json --overwrite",
			"azml model deploy -ct myaks -m mymodel:1 -n myendpoint -ic inferenceconfig.json --version-name blue",
		},
		setup: func(f *flagSet, g *globals) runFunc {
			var d deployFlags
			f.String(&d.name, "n,name", "NAME", "service name: 3-32 lowercase letters, digits and '-', starting with a letter").Required()
			f.Strings(&d.models, "m,model", "NAME:VERSION", "model to deploy").Required()
			f.String(&d.computeTarget, "ct,compute-target", "COMPUTE", "AKS compute target to deploy to (or computeTargetName in -dc)")
			f.String(&d.icPath, "ic,inference-config-file", "FILE", "inferenceconfig.json: entry script, source directory, environment")
			f.String(&d.dcPath, "dc,deploy-config-file", "FILE", "deploymentconfig.json: resources, scaling, auth, probes")
			f.Bool(&d.overwrite, "overwrite", "replace a service of the same name")
			f.Bool(&d.noWait, "no-wait", "do not wait for the deployment to finish")
			d.descriptionDef = f.String(&d.description, "description", "TEXT", "service description")
			f.Strings(&d.tags, "tag", "KEY=VALUE", "service tag")
			f.Strings(&d.props, "property", "KEY=VALUE", "service property")
			d.endpoint.define(f)
			return func(ctx context.Context, x *execution) (any, error) {
				in, err := d.check(x.cmd, f)
				if err != nil {
					return nil, err
				}
				x.warn(in.warnings...)
				ws, err := x.workspace(ctx)
				if err != nil {
					return nil, err
				}
				var target model.DeploymentTarget
				if d.computeTarget != "" {
					aks, err := compute.Get(ctx, ws, d.computeTarget)
					if err != nil {
						return nil, err
					}
					target = aks
				}
				models, err := x.resolveModels(ctx, in.refs)
				if err != nil {
					return nil, err
				}
				opts := &model.DeployOptions{Overwrite: d.overwrite}
				if d.endpoint.enabled() {
					return x.deployEndpoint(ctx, &d, in, models, target, opts)
				}
				p := x.progress("Deploying service %s", d.name)
				svc, err := model.Deploy(ctx, ws, d.name, models, in.ic, in.dc, target, opts)
				if err != nil {
					p.Stop("Failed")
					return nil, deployProblems(x.cmd, err)
				}
				if !x.noWait(d.noWait) {
					err = svc.WaitForDeployment(ctx, x.serviceWait(p))
					p.finish(err)
					if err != nil {
						return nil, err
					}
					if err := svc.Refresh(ctx); err != nil {
						return nil, err
					}
				} else {
					p.Stop("Accepted")
				}
				return newServiceView(svc), nil
			}
		},
	}
}

// check validates every input of model deploy without the network and reports all
// problems at once.
func (d *deployFlags) check(cmd string, f *flagSet) (*deployment, error) {
	in := &deployment{}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := model.ValidateServiceName(d.name); err != nil {
		add(badInput("flag -n/--name: %s", fieldMessage(err)))
	}
	refs, err := parseModelRefs("-m/--model", d.models)
	add(err)
	in.refs = refs
	if d.icPath != "" {
		ic, warnings, err := loadInferenceConfigFile(cmd, d.icPath)
		add(err)
		in.ic, in.warnings = ic, warnings
	}
	if d.dcPath != "" {
		file, err := loadDeployFile(cmd, d.dcPath, true)
		add(err)
		if file != nil {
			in.dc = *file.dc
			d.endpoint.fromFile(f, d.dcPath, file)
		}
	}
	tags, err := parseKeyValues("--tag", d.tags)
	add(err)
	props, err := parseKeyValues("--property", d.props)
	add(err)
	if len(errs) == 0 {
		in.dc.Tags = mergeMaps(in.dc.Tags, tags)
		in.dc.Properties = mergeMaps(in.dc.Properties, props)
		if f.isSet(d.descriptionDef) {
			in.dc.Description = &d.description
		}
		if d.computeTarget == "" && in.dc.ComputeTargetName == "" {
			add(badInput("flag -ct/--compute-target is required (or computeTargetName in -dc/--deploy-config-file)"))
		}
		if d.computeTarget != "" {
			add(computeProblems(cmd, compute.ValidateName(d.computeTarget)))
		}
		add(d.endpoint.check(d.name, in))
	}
	return in, joinProblems(cmd, errs...)
}

// deployProblems rewrites Deploy's *model.ValidationError with flag names.
func deployProblems(cmd string, err error) error {
	return modelProblems(cmd, err)
}
