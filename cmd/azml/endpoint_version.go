package main

import (
	"context"
	"fmt"

	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// versionFlags are the flags shared by version create and update.
type versionFlags struct {
	name, version, icPath, dcPath string
	models, tags                  []string
	traffic                       optFloat
	isDefault, isControl          optBool
	noWait, dryRun                bool
	settings                      updateFlags
}

func (v *versionFlags) define(f *flagSet, create bool) {
	f.String(&v.name, "n,name", "NAME", "endpoint name").Required()
	f.String(&v.version, "version-name", "NAME", "version name: 3-32 lowercase letters, digits and '-'").Required()
	modelsDef := f.Strings(&v.models, "m,model", "NAME:VERSION", "model the version deploys (NAME alone: latest version)")
	if create {
		modelsDef.Required()
	}
	f.String(&v.icPath, "ic,inference-config-file", "FILE", "inferenceconfig.json: entry script, source directory, environment")
	f.String(&v.dcPath, "dc,deploy-config-file", "FILE", "deploymentconfig.json: the version's settings")
	f.Float(&v.traffic, "traffic-percentile", "PCT", "the version's explicit traffic percentile, 0-100")
	f.OptBool(&v.isDefault, "is-default", "make the version the default (it also receives the unallocated traffic)")
	f.OptBool(&v.isControl, "is-control-version-type", "make the version the control (the others become treatments)")
	f.Strings(&v.tags, "tag", "KEY=VALUE", "version tag")
	f.Bool(&v.noWait, "no-wait", "do not wait for the operation to finish")
	f.Bool(&v.dryRun, "dry-run", "print the traffic change without sending it")
	v.settings.define(f, false)
}

// versionInput is what version create and update send, checked without the network.
type versionInput struct {
	refs     []modelRef
	ic       *model.InferenceConfig
	settings endpoint.VersionSettings
	op       endpoint.VersionOp
}

// check validates the version flags and files, reporting every problem at once.
func (v *versionFlags) check(cmd string, f *flagSet, kind endpoint.OpKind) (*versionInput, []string, error) {
	in := &versionInput{op: endpoint.VersionOp{Kind: kind, Version: v.version, TrafficPercentile: v.traffic.ptr(), IsDefault: v.isDefault.ptr(), IsControl: v.isControl.ptr()}}
	var errs []error
	var warnings []string
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := model.ValidateServiceName(v.name); err != nil {
		add(badInput("flag -n/--name: %s", fieldMessage(err)))
	}
	if err := endpoint.ValidateVersionName(v.version); err != nil {
		add(badInput("flag --version-name: %s", planMessage(err)))
	} else if v.version == v.name {
		add(badInput("flag --version-name: %q is the endpoint's name; name the version differently", v.version))
	}
	if v.traffic.set && (v.traffic.v < 0 || v.traffic.v > 100) {
		add(badInput("flag --traffic-percentile: must be within 0-100, got %g", v.traffic.v))
	}
	refs, err := parseModelRefs("-m/--model", v.models)
	add(err)
	in.refs = refs
	if v.icPath != "" {
		ic, w, err := loadInferenceConfigFile(cmd, v.icPath)
		add(err)
		in.ic, warnings = ic, w
	}
	u := v.settings.config(f)
	if v.dcPath != "" {
		dc, err := loadDeployConfigFile(cmd, v.dcPath)
		add(err)
		if dc != nil {
			mergeDeployConfig(&u, dc)
		}
	}
	tags, err := parseKeyValues("--tag", v.tags)
	add(err)
	in.settings = versionSettings(u, tags)
	// The single-value rules of a deployment configuration apply to a version's
	// settings too.
	add(serviceProblems(cmd, "", serviceFields, versionAsDeployConfig(in.settings).Validate()))
	return in, warnings, joinProblems(cmd, errs...)
}

// versionSettings converts the update flags (and -dc) into a version's settings.
func versionSettings(u webservice.AksUpdateConfig, tags map[string]string) endpoint.VersionSettings {
	s := endpoint.VersionSettings{
		AutoscaleEnabled: u.AutoscaleEnabled, AutoscaleMinReplicas: u.AutoscaleMinReplicas, AutoscaleMaxReplicas: u.AutoscaleMaxReplicas,
		AutoscaleRefreshSeconds: u.AutoscaleRefreshSeconds, AutoscaleTargetUtilization: u.AutoscaleTargetUtilization,
		CollectModelData: u.CollectModelData, CPUCores: u.CPUCores, CPUCoresLimit: u.CPUCoresLimit, MemoryGB: u.MemoryGB,
		MemoryGBLimit: u.MemoryGBLimit, GPUCores: u.GPUCores, ScoringTimeoutMs: u.ScoringTimeoutMs,
		ReplicaMaxConcurrentRequests: u.ReplicaMaxConcurrentRequests, MaxRequestWaitTimeMs: u.MaxRequestWaitTimeMs,
		NumReplicas: u.NumReplicas, PeriodSeconds: u.PeriodSeconds, InitialDelaySeconds: u.InitialDelaySeconds,
		TimeoutSeconds: u.TimeoutSeconds, SuccessThreshold: u.SuccessThreshold, FailureThreshold: u.FailureThreshold,
		Tags: mergeMaps(u.Tags, tags), Description: u.Description,
	}
	return s
}

// versionAsDeployConfig maps a version's settings onto a deployment configuration, to
// check the single-value rules before any request.
func versionAsDeployConfig(s endpoint.VersionSettings) webservice.AksDeployConfig {
	return webservice.AksDeployConfig{
		AutoscaleEnabled: s.AutoscaleEnabled, AutoscaleMinReplicas: s.AutoscaleMinReplicas, AutoscaleMaxReplicas: s.AutoscaleMaxReplicas,
		AutoscaleRefreshSeconds: s.AutoscaleRefreshSeconds, AutoscaleTargetUtilization: s.AutoscaleTargetUtilization,
		CollectModelData: s.CollectModelData, CPUCores: s.CPUCores, CPUCoresLimit: s.CPUCoresLimit, MemoryGB: s.MemoryGB,
		MemoryGBLimit: s.MemoryGBLimit, GPUCores: s.GPUCores, ScoringTimeoutMs: s.ScoringTimeoutMs,
		ReplicaMaxConcurrentRequests: s.ReplicaMaxConcurrentRequests, MaxRequestWaitTimeMs: s.MaxRequestWaitTimeMs,
		NumReplicas: s.NumReplicas, PeriodSeconds: s.PeriodSeconds, InitialDelaySeconds: s.InitialDelaySeconds,
		TimeoutSeconds: s.TimeoutSeconds, SuccessThreshold: s.SuccessThreshold, FailureThreshold: s.FailureThreshold,
	}
}

// runVersionOp runs (or with --dry-run, plans) a version operation and shows the
// traffic change.
func (x *execution) runVersionOp(ctx context.Context, v *versionFlags, in *versionInput, label string,
	send func(*endpoint.AksEndpoint, []*model.Model) (*endpoint.Operation, error)) (any, error) {
	ep, err := x.getEndpoint(ctx, v.name)
	if err != nil {
		return nil, err
	}
	if v.dryRun {
		change, err := ep.PlanVersionChange(ctx, in.op)
		if err != nil {
			fmt.Fprintln(x.app.stderr, change.Explain())
			return nil, planProblems(x.cmd, err)
		}
		return &changeView{Endpoint: v.name, Summary: change.Summary(), Explanation: change.Explain(), DryRun: true}, nil
	}
	var models []*model.Model
	if len(in.refs) > 0 {
		if models, err = x.resolveModels(ctx, in.refs); err != nil {
			return nil, err
		}
	}
	op, err := send(ep, models)
	if err != nil {
		return nil, planProblems(x.cmd, serviceProblems(x.cmd, "", serviceFields, err))
	}
	fmt.Fprintf(x.app.stderr, "Traffic: %s\n", op.Change().Summary())
	if !x.noWait(v.noWait) {
		p := x.progress("%s version %s of endpoint %s", label, v.version, v.name)
		err := op.Wait(ctx, x.serviceWait(p))
		p.finish(err)
		if err != nil {
			return nil, err
		}
	}
	return newEndpointView(ep), nil
}

func endpointVersionCreate() *command {
	return &command{
		path:    "endpoint version create",
		aliases: []string{"endpoint realtime create-version"},
		summary: "add a version to an AKS endpoint",
		usage:   "-n ENDPOINT --version-name NAME -m NAME:VERSION [-ic FILE] [-dc FILE] [--traffic-percentile PCT] [--is-default] [--is-control-version-type] [flags]",
		details: `Deploys a new version behind the endpoint. Before anything is sent, the traffic plan the
endpoint would have is checked: at most 6 versions, exactly one default, at most one
control, percentiles within 0-100 totalling at most 100. --dry-run prints the change only.`,
		examples: []string{
			"azml endpoint version create -n myendpoint --version-name green -m mymodel:2 -ic inferenceconfig.json --traffic-percentile 20",
		},
		setup: func(f *flagSet, g *globals) runFunc {
			var v versionFlags
			v.define(f, true)
			return func(ctx context.Context, x *execution) (any, error) {
				in, warnings, err := v.check(x.cmd, f, endpoint.OpCreate)
				if err != nil {
					return nil, err
				}
				if v.isDefault.set && !v.isDefault.v || v.isControl.set && !v.isControl.v {
					return nil, badInput("%s: --is-default=false and --is-control-version-type=false only make sense for version update", x.cmd)
				}
				x.warn(warnings...)
				return x.runVersionOp(ctx, &v, in, "Creating", func(ep *endpoint.AksEndpoint, models []*model.Model) (*endpoint.Operation, error) {
					return ep.CreateVersion(ctx, v.version, models, in.ic, &endpoint.CreateVersionOptions{
						VersionSettings: in.settings, TrafficPercentile: v.traffic.ptr(), IsDefault: v.isDefault.v, IsControl: v.isControl.v,
					})
				})
			}
		},
	}
}

func endpointVersionUpdate() *command {
	return &command{
		path:    "endpoint version update",
		aliases: []string{"endpoint realtime update-version"},
		summary: "change a version of an AKS endpoint: traffic, default, control, settings or code",
		usage:   "-n ENDPOINT --version-name NAME [--traffic-percentile PCT] [--is-default[=false]] [--is-control-version-type[=false]] [-m ...] [-ic FILE] [-dc FILE] [flags]",
		details: "Changes only what is given. The resulting traffic plan is checked before anything is sent;\n--dry-run prints the change only.",
		examples: []string{
			"azml endpoint version update -n myendpoint --version-name green --traffic-percentile 50",
			"azml endpoint version update -n myendpoint --version-name green --is-default",
		},
		setup: func(f *flagSet, g *globals) runFunc {
			var v versionFlags
			v.define(f, false)
			return func(ctx context.Context, x *execution) (any, error) {
				in, warnings, err := v.check(x.cmd, f, endpoint.OpUpdate)
				if err != nil {
					return nil, err
				}
				if len(in.refs) == 0 && in.ic == nil && in.op.TrafficPercentile == nil && in.op.IsDefault == nil && in.op.IsControl == nil &&
					v.dcPath == "" && len(v.tags) == 0 && !v.settings.anySet(f) {
					return nil, badInput("%s: nothing to update: give --traffic-percentile, --is-default, --is-control-version-type, -m, -ic, -dc or a settings flag", x.cmd)
				}
				x.warn(warnings...)
				return x.runVersionOp(ctx, &v, in, "Updating", func(ep *endpoint.AksEndpoint, models []*model.Model) (*endpoint.Operation, error) {
					return ep.UpdateVersion(ctx, v.version, endpoint.UpdateVersionOptions{
						VersionSettings: in.settings, TrafficPercentile: v.traffic.ptr(), IsDefault: v.isDefault.ptr(), IsControl: v.isControl.ptr(),
						Models: models, InferenceConfig: in.ic,
					})
				})
			}
		},
	}
}

func endpointVersionDelete() *command {
	return &command{
		path:     "endpoint version delete",
		aliases:  []string{"endpoint realtime delete-version"},
		summary:  "remove a version from an AKS endpoint",
		usage:    "-n ENDPOINT --version-name NAME [flags]",
		details:  "Removes the version. The default version cannot be removed: make another version the\ndefault first, or delete the endpoint.",
		examples: []string{"azml endpoint version delete -n myendpoint --version-name blue"},
		setup: func(f *flagSet, g *globals) runFunc {
			var v versionFlags
			f.String(&v.name, "n,name", "NAME", "endpoint name").Required()
			f.String(&v.version, "version-name", "NAME", "version to remove").Required()
			f.Bool(&v.noWait, "no-wait", "do not wait for the operation to finish")
			f.Bool(&v.dryRun, "dry-run", "print the traffic change without sending it")
			return func(ctx context.Context, x *execution) (any, error) {
				var errs []error
				if err := model.ValidateServiceName(v.name); err != nil {
					errs = append(errs, badInput("flag -n/--name: %s", fieldMessage(err)))
				}
				if err := endpoint.ValidateVersionName(v.version); err != nil {
					errs = append(errs, badInput("flag --version-name: %s", planMessage(err)))
				}
				if err := joinProblems(x.cmd, errs...); err != nil {
					return nil, err
				}
				in := &versionInput{op: endpoint.VersionOp{Kind: endpoint.OpDelete, Version: v.version}}
				return x.runVersionOp(ctx, &v, in, "Deleting", func(ep *endpoint.AksEndpoint, _ []*model.Model) (*endpoint.Operation, error) {
					return ep.DeleteVersion(ctx, v.version, nil)
				})
			}
		},
	}
}
