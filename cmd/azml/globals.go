package main

import (
	"fmt"
	"time"
)

// globals are the flags every command accepts.
type globals struct {
	subscription  string
	resourceGroup string
	workspaceName string
	configPath    string
	output        string
	verbose       bool
	help          bool
	localData     string
	pollInterval  optDuration
	timeout       optDuration
}

// define declares the global flags on f.
func (g *globals) define(f *flagSet) {
	defs := []*flagDef{
		f.String(&g.subscription, "s,subscription,subscription-id", "ID", "subscription of the workspace (default: "+envSubscription+", then config.json)"),
		f.String(&g.resourceGroup, "g,resource-group", "NAME", "resource group of the workspace (default: "+envResourceGroup+", then config.json)"),
		f.String(&g.workspaceName, "w,workspace-name", "NAME", "workspace name (default: "+envWorkspaceName+", then config.json)"),
		f.String(&g.configPath, "path", "DIR", "directory where the config.json search starts (default: the current directory)"),
		f.String(&g.output, "o,output", "FORMAT", "output format: json (default) or table"),
		f.String(&g.localData, "local-data", "DIR", "state directory of the embedded local workspace (default: "+envLocalDataDir+", then a per-user directory)"),
		f.define(&g.pollInterval, "poll-interval", "DURATION", "time between operation polls when the service gives no hint (default 5s, at least 1s; the embedded local workspace hints 100ms)"),
		f.define(&g.timeout, "timeout", "DURATION", "give up waiting after this long (default: no limit; the operation continues on the service)"),
		f.Bool(&g.verbose, "v,verbose", "log every HTTP request to stderr (secrets are never logged)"),
		f.Bool(&g.help, "h,help", "show help for the command"),
	}
	for _, d := range defs {
		d.global = true
	}
}

// check validates the global flags' values.
func (g *globals) check() error {
	switch g.output {
	case "", "json", "table":
	default:
		return badInput("flag -o/--output: %q is not json or table", g.output)
	}
	if g.pollInterval.set && g.pollInterval.v <= 0 {
		return badInput("flag --poll-interval: must be greater than 0, got %s", g.pollInterval.v)
	}
	if g.timeout.set && g.timeout.v <= 0 {
		return badInput("flag --timeout: must be greater than 0, got %s", g.timeout.v)
	}
	return nil
}

// optDuration is a duration flag that remembers whether it was given.
type optDuration struct {
	v   time.Duration
	set bool
}

func (o *optDuration) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return &valueError{fmt.Sprintf("%q is not a duration such as 500ms, 5s or 2m", v)}
	}
	o.v, o.set = d, true
	return nil
}

func (o *optDuration) String() string {
	if o == nil || !o.set {
		return ""
	}
	return o.v.String()
}
