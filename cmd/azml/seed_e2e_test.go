package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// deploymentConfig is the deploymentconfig.json of the seed: one replica, key auth.
const deploymentConfig = `{
  "computeType": "aks",
  "autoScaler": {"autoscaleEnabled": false},
  "numReplicas": 1,
  "containerResourceRequirements": {"cpu": 0.5, "memoryInGB": 1.0}
}`

// prediction is the example model's answer.
type prediction struct {
	Predictions []float64 `json:"predictions"`
}

// TestSeedCommands runs the three commands of the seed, with azml in place of az ml, on
// the embedded local workspace (each a fresh process, the state kept in the data
// directory), and then every service command on the deployed service.
func TestSeedCommands(t *testing.T) {
	t.Parallel()
	c := newLocalCLI(t)
	c.copyAssets()
	c.write("deploymentconfig.json", deploymentConfig)

	// The seed's three commands.
	c.ok("computetarget", "create", "aks", "-n", "myaks")
	c.ok("computetarget", "attach", "aks", "-n", "myaks2", "-i", aksResourceID, "-g", "local-rg", "-w", "local-ws")
	c.ok("model", "register", "-n", "mymodel", "-p", "model.json")
	var svc serviceView
	r := c.okJSON(&svc, "model", "deploy", "-ct", "myaks", "-m", "mymodel:1", "-n", "myservice", "-ic", "inferenceconfig.json", "-dc", "deploymentconfig.json")
	if svc.Name != "myservice" || svc.State != "Healthy" || svc.ComputeName != "myaks" || !svc.AuthEnabled ||
		len(svc.Models) != 1 || svc.Models[0] != "mymodel:1" || svc.ScoringURI == "" {
		t.Fatalf("deployed service: %+v", svc)
	}
	if svc.Settings == nil || svc.Settings.NumReplicas == nil || *svc.Settings.NumReplicas != 1 || *svc.Settings.CPUCores != 0.5 {
		t.Errorf("the deployment configuration was not applied: %+v", svc.Settings)
	}
	for _, want := range []string{"Deploying service myservice", "Running", "healthy", "Succeeded"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("deploy progress lacks %q:\n%s", want, r.stderr)
		}
	}

	// Deploying again under the same name needs --overwrite.
	c.fails(exitFailure, []string{"model", "deploy", "-ct", "myaks", "-m", "mymodel:1", "-n", "myservice", "-ic", "inferenceconfig.json"}, "myservice")
	c.okJSON(&svc, "model", "deploy", "-ct", "myaks", "-m", "mymodel", "-n", "myservice", "-ic", "inferenceconfig.json", "-dc", "deploymentconfig.json", "--overwrite")

	// show / list
	c.okJSON(&svc, "service", "show", "-n", "myservice")
	if svc.State != "Healthy" {
		t.Errorf("show: %+v", svc)
	}
	var list []serviceView
	c.okJSON(&list, "service", "list")
	if len(list) != 1 || list[0].Name != "myservice" {
		t.Errorf("list: %+v", list)
	}
	list = nil
	c.okJSON(&list, "service", "list", "--model-name", "othermodel")
	if len(list) != 0 {
		t.Errorf("list --model-name othermodel: %+v", list)
	}
	if tbl := c.ok("service", "list", "-o", "table").stdout; !strings.Contains(tbl, "myservice") || !strings.Contains(tbl, "Healthy") {
		t.Errorf("list table:\n%s", tbl)
	}

	// run: inline JSON, @file and stdin
	var pred prediction
	c.okJSON(&pred, "service", "run", "-n", "myservice", "-d", "@sample-input.json")
	if len(pred.Predictions) != 2 || pred.Predictions[0] != 2.475 || pred.Predictions[1] != 8.68 {
		t.Errorf("run @file: %+v", pred)
	}
	c.okJSON(&pred, "service", "run", "-n", "myservice", "--input-data", `{"data": [[5.1, 3.5, 1.4, 0.2]]}`)
	if len(pred.Predictions) != 1 || pred.Predictions[0] != 2.475 {
		t.Errorf("run inline: %+v", pred)
	}
	in := c.runInput(strings.NewReader(`{"data": [[6.7, 3.0, 5.2, 2.3]]}`), "service", "run", "-n", "myservice", "-d", "-")
	if in.code != 0 || json.Unmarshal([]byte(in.stdout), &pred) != nil || len(pred.Predictions) != 1 || pred.Predictions[0] != 8.68 {
		t.Errorf("run stdin:\n%s", in)
	}
	// A model error (run() raised) is a service failure.
	c.fails(exitFailure, []string{"service", "run", "-n", "myservice", "-d", `{"data": "nope"}`})

	// logs
	var logs logsView
	c.okJSON(&logs, "service", "logs", "-n", "myservice", "--init")
	if !strings.Contains(logs.Content, "mymodel") {
		t.Errorf("init logs: %q", logs.Content)
	}
	// The replica's log, read by a new process of the embedded local workspace.
	c.okJSON(&logs, "service", "get-logs", "-n", "myservice", "-l", "10")
	if !strings.Contains(logs.Content, "ValueError") { // from the failed run above
		t.Errorf("logs: %q", logs.Content)
	}
	if text := c.ok("service", "logs", "-n", "myservice", "-o", "table").stdout; !strings.Contains(text, "init") || strings.HasPrefix(text, "{") {
		t.Errorf("logs -o table is not the log text:\n%s", text)
	}

	// keys: list, regenerate, and scoring keeps working with the new key
	var keys, regen keysView
	c.okJSON(&keys, "service", "keys", "list", "-n", "myservice")
	if keys.PrimaryKey == "" || keys.SecondaryKey == "" || keys.PrimaryKey == keys.SecondaryKey {
		t.Fatalf("keys: %+v", keys)
	}
	c.okJSON(&regen, "service", "keys", "regen", "-n", "myservice", "--key", "Primary")
	if regen.PrimaryKey == keys.PrimaryKey || regen.SecondaryKey != keys.SecondaryKey {
		t.Errorf("regen Primary: before %+v after %+v", keys, regen)
	}
	c.okJSON(&regen, "service", "regen-key", "-n", "myservice", "--key", "secondary", "--set-key", "my-own-secondary-key-0123456789")
	if regen.SecondaryKey != "my-own-secondary-key-0123456789" {
		t.Errorf("regen --set-key: %+v", regen)
	}
	c.okJSON(&pred, "service", "run", "-n", "myservice", "-d", "@sample-input.json")
	// Keys reach stdout only: never the -v request log on stderr.
	for _, args := range [][]string{{"service", "keys", "list", "-n", "myservice", "-v"}, {"service", "run", "-n", "myservice", "-d", "@sample-input.json", "-v"}} {
		r := c.ok(args...)
		if !strings.Contains(r.stderr, "Authorization: REDACTED") {
			t.Errorf("no request log:\n%s", r)
		}
		for _, k := range []string{regen.PrimaryKey, regen.SecondaryKey} {
			if strings.Contains(r.stderr, k) {
				t.Errorf("a key leaked to stderr:\n%s", r)
			}
		}
	}

	// token: refused for a key-auth service
	c.fails(exitFailure, []string{"service", "token", "-n", "myservice"}, "oken")

	// update: settings, tags, then the code
	c.okJSON(&svc, "service", "update", "-n", "myservice", "--num-replicas", "2", "--add-tag", "stage=test", "--description", "updated")
	if svc.Settings == nil || *svc.Settings.NumReplicas != 2 || svc.Tags["stage"] != "test" || svc.Description != "updated" {
		t.Errorf("update: %+v %+v", svc, svc.Settings)
	}
	c.okJSON(&svc, "service", "update", "-n", "myservice", "--remove-tag", "stage", "--add-tag", "owner=me", "-ic", "inferenceconfig.json")
	if _, ok := svc.Tags["stage"]; ok || svc.Tags["owner"] != "me" || svc.State != "Healthy" {
		t.Errorf("update -ic: %+v", svc)
	}
	c.okJSON(&pred, "service", "run", "-n", "myservice", "-d", "@sample-input.json")

	// delete, twice: the second finds nothing to delete
	var del operationResult
	c.okJSON(&del, "service", "delete", "-n", "myservice")
	if del.State != "Succeeded" {
		t.Errorf("delete: %+v", del)
	}
	c.okJSON(&del, "service", "delete", "-n", "myservice")
	if del.State != "NotFound" {
		t.Errorf("second delete: %+v", del)
	}
	c.fails(exitFailure, []string{"service", "show", "-n", "myservice"}, "not found")
}

// TestTokenAuthService deploys a service with token authentication: token prints an
// access token and run uses one.
func TestTokenAuthService(t *testing.T) {
	t.Parallel()
	c := newServerCLI(t)
	c.copyAssets()
	c.write("dc-token.json", `{"computeType": "AKS", "authEnabled": false, "tokenAuthEnabled": true, "numReplicas": 1, "autoScaler": {"autoscaleEnabled": false}}`)
	c.ok("computetarget", "create", "aks", "-n", "tokaks", "--cluster-purpose", "DevTest")
	c.ok("model", "register", "-n", "tokmodel", "-p", "model.json")
	var svc serviceView
	c.okJSON(&svc, "model", "deploy", "-ct", "tokaks", "-m", "tokmodel:1", "-n", "toksvc", "-ic", "inferenceconfig.json", "-dc", "dc-token.json")
	if !svc.TokenAuthEnabled || svc.AuthEnabled {
		t.Fatalf("auth modes: %+v", svc)
	}
	var tok tokenView
	c.okJSON(&tok, "service", "token", "-n", "toksvc")
	if tok.AccessToken == "" || tok.TokenType != "Bearer" || !tok.RefreshAfter.Before(tok.ExpiresOn) {
		t.Errorf("token: %+v", tok)
	}
	c.okJSON(&tok, "service", "get-access-token", "-n", "toksvc")
	var pred prediction
	c.okJSON(&pred, "service", "run", "-n", "toksvc", "-d", "@sample-input.json")
	if len(pred.Predictions) != 2 {
		t.Errorf("run with a token: %+v", pred)
	}
}
