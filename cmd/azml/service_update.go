package main

import (
	"context"

	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

// updateFlags are the settings flags of service update (and endpoint version create /
// update), named as in az ml.
type updateFlags struct {
	autoscale, collect, appInsights, auth, tokenAuth               optBool
	minReplicas, maxReplicas, refresh, target                      optInt
	cpu, cpuLimit, mem, memLimit                                   optFloat
	gpu, timeoutMs, concurrent, queueWait, replicas                optInt
	period, initialDelay, probeTimeout, successThres, failureThres optInt
	namespace, description                                         string
	namespaceDef, descriptionDef                                   *flagDef
	// defs are every settings flag, to tell whether any was given.
	defs []*flagDef
}

func (u *updateFlags) define(f *flagSet, withAuth bool) {
	before := len(f.defs)
	defer func() { u.defs = append(u.defs, f.defs[before:]...) }()
	f.OptBool(&u.autoscale, "ae,autoscale-enabled", "turn autoscaling on or off (true|false)")
	f.Int(&u.minReplicas, "autoscale-min-replicas", "N", "fewest replicas the autoscaler keeps")
	f.Int(&u.maxReplicas, "ma,autoscale-max-replicas", "N", "most replicas the autoscaler runs")
	f.Int(&u.refresh, "autoscale-refresh-seconds", "S", "how often the autoscaler acts")
	f.Int(&u.target, "autoscale-target-utilization", "PCT", "utilisation the autoscaler aims for, 1-100")
	f.OptBool(&u.collect, "collect-model-data", "collect model data (true|false)")
	f.Float(&u.cpu, "cc,cpu-cores", "N", "CPU cores per replica")
	f.Float(&u.cpuLimit, "ccl,cpu-cores-limit", "N", "CPU limit per replica")
	f.Float(&u.mem, "gb,memory-gb", "GB", "memory per replica")
	f.Float(&u.memLimit, "gbl,memory-gb-limit", "GB", "memory limit per replica")
	f.Int(&u.gpu, "gc,gpu-cores", "N", "GPUs per replica")
	f.Int(&u.timeoutMs, "scoring-timeout-ms", "MS", "bound of one scoring call")
	f.Int(&u.concurrent, "replica-max-concurrent-requests", "N", "requests one replica serves at once")
	f.Int(&u.queueWait, "max-request-wait-time", "MS", "how long a request may queue")
	f.Int(&u.replicas, "nr,num-replicas", "N", "fixed number of replicas (turns autoscaling off)")
	f.Int(&u.period, "period-seconds", "S", "liveness probe interval")
	f.Int(&u.initialDelay, "initial-delay-seconds", "S", "delay before the first liveness probe")
	f.Int(&u.probeTimeout, "timeout-seconds", "S", "bound of one liveness probe")
	f.Int(&u.successThres, "st,success-threshold", "N", "liveness successes after a failure")
	f.Int(&u.failureThres, "ft,failure-threshold", "N", "liveness failures before a restart")
	u.descriptionDef = f.String(&u.description, "description", "TEXT", "new description")
	if withAuth {
		f.OptBool(&u.appInsights, "ai,enable-app-insights", "Application Insights logging (true|false)")
		f.OptBool(&u.auth, "key-auth-enabled,auth-enabled", "key authentication (true|false)")
		f.OptBool(&u.tokenAuth, "token-auth-enabled", "token authentication (true|false)")
		u.namespaceDef = f.String(&u.namespace, "namespace", "NS", "Kubernetes namespace")
	}
}

// anySet reports whether a settings flag was given.
func (u *updateFlags) anySet(f *flagSet) bool {
	for _, d := range u.defs {
		if f.isSet(d) {
			return true
		}
	}
	return false
}

// config returns the update the flags describe.
func (u *updateFlags) config(f *flagSet) webservice.AksUpdateConfig {
	c := webservice.AksUpdateConfig{
		AutoscaleEnabled: u.autoscale.ptr(), AutoscaleMinReplicas: u.minReplicas.ptr(), AutoscaleMaxReplicas: u.maxReplicas.ptr(),
		AutoscaleRefreshSeconds: u.refresh.ptr(), AutoscaleTargetUtilization: u.target.ptr(),
		CollectModelData: u.collect.ptr(), EnableAppInsights: u.appInsights.ptr(), AuthEnabled: u.auth.ptr(), TokenAuthEnabled: u.tokenAuth.ptr(),
		CPUCores: u.cpu.ptr(), CPUCoresLimit: u.cpuLimit.ptr(), MemoryGB: u.mem.ptr(), MemoryGBLimit: u.memLimit.ptr(), GPUCores: u.gpu.ptr(),
		ScoringTimeoutMs: u.timeoutMs.ptr(), ReplicaMaxConcurrentRequests: u.concurrent.ptr(), MaxRequestWaitTimeMs: u.queueWait.ptr(),
		NumReplicas: u.replicas.ptr(), PeriodSeconds: u.period.ptr(), InitialDelaySeconds: u.initialDelay.ptr(),
		TimeoutSeconds: u.probeTimeout.ptr(), SuccessThreshold: u.successThres.ptr(), FailureThreshold: u.failureThres.ptr(),
	}
	if u.namespaceDef != nil && f.isSet(u.namespaceDef) {
		c.Namespace = &u.namespace
	}
	if f.isSet(u.descriptionDef) {
		c.Description = &u.description
	}
	return c
}

// mergeDeployConfig fills the update from a deploymentconfig.json; flags win.
func mergeDeployConfig(u *webservice.AksUpdateConfig, d *webservice.AksDeployConfig) {
	pick := func(dst **int, src *int) {
		if *dst == nil {
			*dst = src
		}
	}
	pickF := func(dst **float64, src *float64) {
		if *dst == nil {
			*dst = src
		}
	}
	pickB := func(dst **bool, src *bool) {
		if *dst == nil {
			*dst = src
		}
	}
	pickB(&u.AutoscaleEnabled, d.AutoscaleEnabled)
	pick(&u.AutoscaleMinReplicas, d.AutoscaleMinReplicas)
	pick(&u.AutoscaleMaxReplicas, d.AutoscaleMaxReplicas)
	pick(&u.AutoscaleRefreshSeconds, d.AutoscaleRefreshSeconds)
	pick(&u.AutoscaleTargetUtilization, d.AutoscaleTargetUtilization)
	pickB(&u.CollectModelData, d.CollectModelData)
	pickB(&u.EnableAppInsights, d.EnableAppInsights)
	pickB(&u.AuthEnabled, d.AuthEnabled)
	pickB(&u.TokenAuthEnabled, d.TokenAuthEnabled)
	pickF(&u.CPUCores, d.CPUCores)
	pickF(&u.CPUCoresLimit, d.CPUCoresLimit)
	pickF(&u.MemoryGB, d.MemoryGB)
	pickF(&u.MemoryGBLimit, d.MemoryGBLimit)
	pick(&u.GPUCores, d.GPUCores)
	pick(&u.ScoringTimeoutMs, d.ScoringTimeoutMs)
	pick(&u.ReplicaMaxConcurrentRequests, d.ReplicaMaxConcurrentRequests)
	pick(&u.MaxRequestWaitTimeMs, d.MaxRequestWaitTimeMs)
	pick(&u.NumReplicas, d.NumReplicas)
	pick(&u.PeriodSeconds, d.PeriodSeconds)
	pick(&u.InitialDelaySeconds, d.InitialDelaySeconds)
	pick(&u.TimeoutSeconds, d.TimeoutSeconds)
	pick(&u.SuccessThreshold, d.SuccessThreshold)
	pick(&u.FailureThreshold, d.FailureThreshold)
	if u.Namespace == nil {
		u.Namespace = d.Namespace
	}
	if u.Description == nil {
		u.Description = d.Description
	}
	if u.Tags == nil {
		u.Tags = d.Tags
	}
	if u.Properties == nil {
		u.Properties = d.Properties
	}
}

func serviceUpdate() *command {
	return &command{
		path:    "service update",
		summary: "change the settings, models or code of a web service",
		usage:   "-n NAME [-m NAME:VERSION]... [-ic FILE] [-dc FILE] [settings flags] [flags]",
		details: `Changes only what is given: settings from the flags and from a deploymentconfig.json
(-dc; flags win), tags, properties (add-only), and with -m / -ic the models and the entry
script, which redeploys the service. Waits for the update unless --no-wait.`,
		examples: []string{
			"azml service update -n myservice --num-replicas 2",
			"azml service update -n myservice -ic inferenceconfig.json",
			"azml service update -n myservice -dc deploymentconfig.json --add-tag stage=prod",
		},
		setup: func(f *flagSet, g *globals) runFunc {
			var name, icPath, dcPath string
			var models, addTags, removeTags, addProps []string
			var noWait bool
			var u updateFlags
			serviceNameFlag(f, &name)
			f.Strings(&models, "m,model", "NAME:VERSION", "model to deploy instead of the current ones (NAME alone: latest version)")
			f.String(&icPath, "ic,inference-config-file", "FILE", "inferenceconfig.json: new entry script, source directory and environment")
			f.String(&dcPath, "dc,deploy-config-file", "FILE", "deploymentconfig.json: settings to change")
			f.Strings(&addTags, "add-tag", "KEY=VALUE", "tag to add or change")
			f.Strings(&removeTags, "remove-tag", "KEY", "tag to remove")
			f.Strings(&addProps, "add-property", "KEY=VALUE", "property to add")
			f.Bool(&noWait, "no-wait", "do not wait for the update to finish")
			u.define(f, true)
			return func(ctx context.Context, x *execution) (any, error) {
				cfg := u.config(f)
				refs, errM := parseModelRefs("-m/--model", models)
				tags, errT := parseKeyValues("--add-tag", addTags)
				props, errP := parseKeyValues("--add-property", addProps)
				var dc *webservice.AksDeployConfig
				var errDC, errIC error
				var warnings []string
				if dcPath != "" {
					dc, errDC = loadDeployConfigFile(x.cmd, dcPath)
				}
				if icPath != "" {
					cfg.InferenceConfig, warnings, errIC = loadInferenceConfigFile(x.cmd, icPath)
				}
				var errN error
				if err := model.ValidateServiceName(name); err != nil {
					errN = badInput("flag -n/--name: %s", fieldMessage(err))
				}
				if err := joinProblems(x.cmd, errN, errM, errT, errP, errDC, errIC); err != nil {
					return nil, err
				}
				if dc != nil {
					mergeDeployConfig(&cfg, dc)
				}
				cfg.Properties = mergeMaps(cfg.Properties, props)
				x.warn(warnings...)
				if len(refs) == 0 && cfg.InferenceConfig == nil && dc == nil && len(tags) == 0 && len(removeTags) == 0 &&
					len(props) == 0 && !u.anySet(f) {
					return nil, badInput("%s: nothing to update: give -m, -ic, -dc or a settings flag (see 'azml %s --help')", x.cmd, x.cmd)
				}
				svc, err := x.getService(ctx, name)
				if err != nil {
					return nil, err
				}
				if len(tags) > 0 || len(removeTags) > 0 {
					cur := svc.Tags()
					if cfg.Tags != nil {
						cur = cfg.Tags
					}
					cfg.Tags = editTags(cur, tags, removeTags)
				}
				if len(refs) > 0 {
					if cfg.Models, err = x.resolveModels(ctx, refs); err != nil {
						return nil, err
					}
				}
				op, err := svc.Update(ctx, cfg, nil)
				if err != nil {
					return nil, serviceProblems(x.cmd, "", serviceFields, err)
				}
				if !x.noWait(noWait) {
					p := x.progress("Updating service %s", name)
					err := op.Wait(ctx, x.serviceWait(p))
					p.finish(err)
					if err != nil {
						return nil, err
					}
				}
				if err := svc.Refresh(ctx); err != nil {
					return nil, err
				}
				return newServiceView(svc), nil
			}
		},
	}
}

// mergeMaps returns a with b's entries added (b wins); nil when both are empty.
func mergeMaps(a, b map[string]string) map[string]string {
	if len(a) == 0 && len(b) == 0 {
		return a
	}
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// editTags returns cur with add applied and remove deleted.
func editTags(cur, add map[string]string, remove []string) map[string]string {
	out := mergeMaps(cur, add)
	if out == nil {
		out = map[string]string{}
	}
	for _, k := range remove {
		delete(out, k)
	}
	return out
}
