package main

import (
	"strings"
	"testing"
)

// TestEndpointVersionsAndTraffic creates an AKS endpoint with model deploy
// --version-name, adds, updates and removes versions, and reads the traffic plan.
func TestEndpointVersionsAndTraffic(t *testing.T) {
	t.Parallel()
	c := newServerCLI(t)
	c.copyAssets()
	c.write("deploymentconfig.json", deploymentConfig)
	c.ok("computetarget", "create", "aks", "-n", "epaks", "--cluster-purpose", "DevTest")
	c.ok("model", "register", "-n", "epmodel", "-p", "model.json")

	var ep endpointView
	c.okJSON(&ep, "model", "deploy", "-ct", "epaks", "-m", "epmodel:1", "-n", "myendpoint", "-ic", "inferenceconfig.json",
		"-dc", "deploymentconfig.json", "--version-name", "blue")
	if ep.Name != "myendpoint" || ep.ComputeType != "AKSENDPOINT" || len(ep.Versions) != 1 || ep.Versions[0].Name != "blue" || !ep.Versions[0].IsDefault {
		t.Fatalf("endpoint: %+v", ep)
	}

	// A dry run changes nothing.
	var change changeView
	c.okJSON(&change, "endpoint", "version", "create", "-n", "myendpoint", "--version-name", "green", "-m", "epmodel:1", "--traffic-percentile", "20", "--dry-run")
	if !change.DryRun || !strings.Contains(change.Summary, "green") {
		t.Errorf("dry run: %+v", change)
	}

	r := c.okJSON(&ep, "endpoint", "version", "create", "-n", "myendpoint", "--version-name", "green", "-m", "epmodel:1",
		"-ic", "inferenceconfig.json", "-dc", "deploymentconfig.json", "--traffic-percentile", "20", "--is-control-version-type")
	if len(ep.Versions) != 2 || !strings.Contains(r.stderr, "Traffic:") {
		t.Fatalf("after create: %+v\n%s", ep, r)
	}

	var traffic trafficView
	c.okJSON(&traffic, "endpoint", "traffic", "show", "-n", "myendpoint")
	if traffic.Default != "blue" || traffic.Control != "green" || traffic.Allocated != 20 || traffic.Remainder != 80 || len(traffic.Versions) != 2 {
		t.Errorf("traffic: %+v", traffic)
	}
	if !strings.Contains(traffic.Explanation, "80") {
		t.Errorf("explanation: %q", traffic.Explanation)
	}
	text := c.ok("endpoint", "traffic", "show", "-n", "myendpoint", "-o", "table").stdout
	if text != traffic.Explanation+"\n" && text != traffic.Explanation {
		t.Errorf("table form is not the explanation:\n%q\n%q", text, traffic.Explanation)
	}

	// An invalid plan is refused before any change: 20 + 90 > 100.
	c.fails(exitBadInput, []string{"endpoint", "version", "update", "-n", "myendpoint", "--version-name", "blue", "--traffic-percentile", "90"}, "total")
	// The default version cannot be removed.
	c.fails(exitBadInput, []string{"endpoint", "version", "delete", "-n", "myendpoint", "--version-name", "blue"}, "default")

	c.okJSON(&ep, "endpoint", "version", "update", "-n", "myendpoint", "--version-name", "green", "--traffic-percentile", "50", "--is-default")
	c.okJSON(&traffic, "endpoint", "traffic", "show", "-n", "myendpoint")
	if traffic.Default != "green" || traffic.Allocated != 50 {
		t.Errorf("after update: %+v", traffic)
	}

	// Scoring through the endpoint reaches a version.
	var pred prediction
	c.okJSON(&pred, "service", "run", "-n", "myendpoint", "-d", "@sample-input.json")
	if len(pred.Predictions) != 2 {
		t.Errorf("endpoint run: %+v", pred)
	}
	var keys keysView
	c.okJSON(&keys, "service", "keys", "list", "-n", "myendpoint")
	if keys.PrimaryKey == "" {
		t.Errorf("endpoint keys: %+v", keys)
	}

	c.okJSON(&ep, "endpoint", "version", "delete", "-n", "myendpoint", "--version-name", "blue")
	if len(ep.Versions) != 1 || ep.Versions[0].Name != "green" {
		t.Errorf("after delete: %+v", ep)
	}
	c.okJSON(&ep, "endpoint", "show", "-n", "myendpoint")
	var del operationResult
	c.okJSON(&del, "endpoint", "delete", "-n", "myendpoint")
	if del.State != "Succeeded" {
		t.Errorf("delete: %+v", del)
	}
	c.fails(exitFailure, []string{"endpoint", "traffic", "show", "-n", "myendpoint"}, "not found")

	// An az ml style endpoint deploymentconfig.json selects an endpoint by itself.
	c.write("endpointconfig.json", `{"computeType": "AKSENDPOINT", "versionName": "first", "trafficPercentile": 30,
	  "numReplicas": 1, "autoScaler": {"autoscaleEnabled": false}}`)
	c.okJSON(&ep, "model", "deploy", "-ct", "epaks", "-m", "epmodel:1", "-n", "fileendpoint", "-ic", "inferenceconfig.json", "-dc", "endpointconfig.json")
	if ep.ComputeType != "AKSENDPOINT" || len(ep.Versions) != 1 || ep.Versions[0].Name != "first" ||
		ep.Versions[0].TrafficPercentile == nil || *ep.Versions[0].TrafficPercentile != 30 || ep.Versions[0].EffectivePercent != 100 {
		t.Errorf("endpoint from a file: %+v %+v", ep, ep.Versions)
	}
}

// TestEndpointBadInput covers the endpoint commands' bad input: exit 2, no request.
func TestEndpointBadInput(t *testing.T) {
	t.Parallel()
	c := newServerCLI(t)
	c.write("dc-invalid.json", badInputFiles["dc-invalid.json"])
	c.write("ep-unknown.json", `{"computeType": "AKSENDPOINT", "versionName": "ver1", "cpu": 1}`)
	c.write("ep-invalid.json", `{"computeType": "AKSENDPOINT", "trafficPercentile": 130}`)
	c.write("ep-types.json", `{"computeType": "AKSENDPOINT", "versionName": 5, "trafficPercentile": "x"}`)
	c.write("aks-with-version.json", `{"computeType": "aks", "versionName": "ver1"}`)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"endpoint", "version", "create", "-n", "myep", "--version-name", "ver2"}, []string{"missing required flag -m/--model"}},
		{[]string{"endpoint", "version", "create", "-n", "myep", "--version-name", "Ver_2", "-m", "m:1", "--traffic-percentile", "120"},
			[]string{"problems", "--version-name", "--traffic-percentile", "0-100"}},
		{[]string{"endpoint", "version", "create", "-n", "myep", "--version-name", "myep", "-m", "m:1"}, []string{"endpoint's name"}},
		{[]string{"endpoint", "version", "create", "-n", "myep", "--version-name", "ver2", "-m", "m:1", "--cpu-cores", "-1", "-dc", "dc-invalid.json"},
			[]string{"problems", "CPUCores", "dc-invalid.json"}},
		{[]string{"endpoint", "version", "create", "-n", "myep", "--version-name", "ver2", "-m", "m:1", "--is-default=false"}, []string{"only make sense for version update"}},
		{[]string{"endpoint", "version", "update", "-n", "myep", "--version-name", "ver2"}, []string{"nothing to update"}},
		{[]string{"endpoint", "version", "delete", "-n", "EP", "--version-name", "x"}, []string{"problems", "-n/--name", "--version-name"}},
		{[]string{"endpoint", "traffic", "show", "-n", "x"}, []string{"-n/--name", "service name"}},
		{[]string{"endpoint", "traffic", "show"}, []string{"missing required flag -n/--name"}},
		{[]string{"model", "deploy", "-n", "myep", "-ct", "aks", "-m", "m:1", "--traffic-percentile", "10"}, []string{"--traffic-percentile needs --version-name"}},
		{[]string{"model", "deploy", "-n", "myep", "-ct", "aks", "-m", "m:1", "--version-name", "myep"}, []string{"endpoint's name"}},
		{[]string{"model", "deploy", "-n", "myep", "-ct", "aks", "-m", "m:1", "-dc", "ep-unknown.json"}, []string{"ep-unknown.json", `"cpu"`, "unknown field"}},
		{[]string{"model", "deploy", "-n", "myep", "-ct", "aks", "-m", "m:1", "-dc", "ep-invalid.json"},
			[]string{"invalid endpoint configuration in -dc/--deploy-config-file ep-invalid.json", "VersionName", "is required", "TrafficPercentile"}},
		{[]string{"model", "deploy", "-n", "myep", "-ct", "aks", "-m", "m:1", "-dc", "ep-types.json"}, []string{"ep-types.json", `"versionName": must be a string`, `"trafficPercentile": must be a number`}},
		{[]string{"model", "deploy", "-n", "myep", "-ct", "aks", "-m", "m:1", "-dc", "aks-with-version.json"}, []string{"aks-with-version.json", "need computeType"}},
		{[]string{"service", "update", "-n", "myep", "-dc", "ep-invalid.json"}, []string{"ep-invalid.json", "computeType"}},
	} {
		before := len(c.requests())
		r := c.run(tc.args...)
		if r.code != exitBadInput {
			t.Errorf("expected exit 2:\n%s", r)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("stderr lacks %q:\n%s", w, r)
			}
		}
		if n := len(c.requests()) - before; n != 0 {
			t.Errorf("%d request(s) sent:\n%s", n, r)
		}
	}
}

// TestEndpointUpdate changes an endpoint's authentication, tags, description and
// properties with endpoint update.
func TestEndpointUpdate(t *testing.T) {
	t.Parallel()
	c := newServerCLI(t)
	c.copyAssets()
	c.write("deploymentconfig.json", deploymentConfig)
	c.ok("computetarget", "create", "aks", "-n", "upaks", "--cluster-purpose", "DevTest")
	c.ok("model", "register", "-n", "upmodel", "-p", "model.json")
	var ep endpointView
	c.okJSON(&ep, "model", "deploy", "-ct", "upaks", "-m", "upmodel:1", "-n", "upendpoint", "-ic", "inferenceconfig.json",
		"-dc", "deploymentconfig.json", "--version-name", "blue")
	if !ep.AuthEnabled || ep.TokenAuthEnabled {
		t.Fatalf("deployed: %+v", ep)
	}

	// Token auth on while key auth stays on: refused once the endpoint is read.
	c.fails(exitBadInput, []string{"endpoint", "update", "-n", "upendpoint", "--token-auth-enabled=true"}, "cannot both be true", "set it to false in the same update")

	r := c.okJSON(&ep, "endpoint", "update", "-n", "upendpoint", "--token-auth-enabled", "--auth-enabled=false")
	if ep.AuthEnabled || !ep.TokenAuthEnabled {
		t.Fatalf("after the auth switch: %+v\n%s", ep, r)
	}
	if !strings.Contains(r.stderr, "Updating endpoint upendpoint") {
		t.Errorf("no progress on stderr:\n%s", r)
	}
	var tok tokenView
	c.okJSON(&tok, "service", "token", "-n", "upendpoint")
	var pred prediction
	c.okJSON(&pred, "service", "run", "-n", "upendpoint", "-d", "@sample-input.json")
	if len(pred.Predictions) != 2 {
		t.Errorf("scoring with a token: %+v", pred)
	}

	c.okJSON(&ep, "endpoint", "update", "-n", "upendpoint", "--add-tag", "stage=prod", "--add-tag", "team=ml",
		"--description", "blue/green", "--add-property", "owner=me", "--enable-app-insights=false")
	if ep.Tags["stage"] != "prod" || ep.Tags["team"] != "ml" || ep.Description != "blue/green" {
		t.Errorf("after the tags: %+v", ep)
	}
	c.fails(exitBadInput, []string{"endpoint", "update", "-n", "upendpoint", "--add-property", "owner=you"}, "flag --add-property (Properties)", `"owner" is already set`)
	c.okJSON(&ep, "endpoint", "update", "-n", "upendpoint", "--remove-tag", "stage")
	if _, ok := ep.Tags["stage"]; ok || ep.Tags["team"] != "ml" {
		t.Errorf("after removing a tag: %+v", ep.Tags)
	}
	c.fails(exitFailure, []string{"endpoint", "update", "-n", "nosuchendpoint", "--description", "x"}, "not found")
}
