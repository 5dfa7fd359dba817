package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// badInputFiles are the files the bad-input cases name.
var badInputFiles = map[string]string{
	"dc.json":             deploymentConfig,
	"dc-badjson.json":     `{"computeType": "aks", "numReplicas": 1,,}`,
	"dc-unknown.json":     `{"computeType": "aks", "numReplica": 1}`,
	"dc-wrongtype.json":   `{"computeType": "aks", "numReplicas": "one"}`,
	"dc-aci.json":         `{"computeType": "ACI"}`,
	"dc-invalid.json":     `{"computeType": "aks", "autoScaler": {"autoscaleEnabled": true, "minReplicas": 5, "maxReplicas": 2}, "numReplicas": 3, "containerResourceRequirements": {"cpu": -1}}`,
	"ic-badjson.json":     `{"entryScript": "score.py"`,
	"ic-unknown.json":     `{"entryScript": "score.py", "sourceDirectory": "src", "entryscript": "x.py"}`,
	"ic-noscript.json":    `{"entryScript": "missing.py", "sourceDirectory": "src", "environment": {"name": "e"}}`,
	"ic-notpython.json":   `{"entryScript": "score.txt", "sourceDirectory": "src", "environment": {"name": "e"}}`,
	"input-bad.json":      `{"data": [1, 2`,
	"sample-input.json":   `{"data": [[1, 2, 3, 4]]}`,
	"a-directory/keep.md": "x",
}

// TestBadInput runs every kind of bad input: azml must exit 2, name the flag or file,
// the field and the rule on stderr, print nothing on stdout, and send no request at all.
func TestBadInput(t *testing.T) {
	t.Parallel()
	srvCLI := newServerCLI(t)
	srvCLI.copyAssets()
	for name, content := range badInputFiles {
		srvCLI.write(name, content)
	}
	model := filepath.Join(repoRoot(t), "examples", "assets", "model.json")
	cases := []struct {
		name string
		args []string
		want []string
	}{
		// the command line
		{"no command", []string{}, []string{"Usage:"}},
		{"unknown group", []string{"frobnicate"}, []string{`unknown command "frobnicate"`}},
		{"unknown command", []string{"model", "frob"}, []string{`unknown command "model frob"`, "azml model --help"}},
		{"group without command", []string{"computetarget"}, []string{"missing command", "computetarget create aks"}},
		{"incomplete command", []string{"computetarget", "create"}, []string{"missing command", "create aks"}},
		{"flag before command", []string{"-n", "x"}, []string{"expected a command"}},
		{"unknown flag", []string{"computetarget", "create", "aks", "-n", "myaks", "--bogus"}, []string{"unknown flag -bogus", "azml computetarget create aks --help"}},
		{"unknown short flag", []string{"model", "list", "-x"}, []string{"unknown flag -x"}},
		{"missing required flag", []string{"computetarget", "create", "aks"}, []string{"missing required flag -n/--name"}},
		{"missing required flags", []string{"model", "register"}, []string{"missing required flags -n/--name, -p/--model-path"}},
		{"missing flag value", []string{"computetarget", "show", "-n"}, []string{"flag -n/--name needs a value"}},
		{"positional argument", []string{"computetarget", "show", "-n", "myaks", "extra"}, []string{`unexpected argument "extra"`}},
		{"not an integer", []string{"computetarget", "create", "aks", "-n", "myaks", "-a", "many"}, []string{"flag -a/--agent-count", `"many" is not an integer`}},
		{"not a number", []string{"model", "register", "-n", "m", "-p", model, "--cc", "lots"}, []string{"--cc/--cpu-cores", "not a number"}},
		{"not a boolean", []string{"service", "update", "-n", "svc", "--autoscale-enabled=maybe"}, []string{"--autoscale-enabled", "not true or false"}},
		{"bad output format", []string{"model", "list", "-o", "yaml"}, []string{"-o/--output", `"yaml" is not json or table`}},
		{"bad poll interval", []string{"model", "list", "--poll-interval", "soon"}, []string{"--poll-interval", "not a duration"}},
		{"negative timeout", []string{"model", "list", "--timeout", "-1s"}, []string{"--timeout", "greater than 0"}},

		// computetarget
		{"compute name rules", []string{"computetarget", "create", "aks", "-n", "1x"}, []string{"flag -n/--name", "name-format", "3 to 24", "start with a letter"}},
		{"compute name reserved", []string{"computetarget", "show", "-n", "local"}, []string{"name-reserved"}},
		{"compute configuration, all problems", []string{"computetarget", "create", "aks", "-n", "myaks", "-a", "-3", "--cluster-purpose", "Cheap", "--service-cidr", "10.0.0.0/16"},
			[]string{"problems", "flag -a/--agent-count (AgentCount) [positive]", "flag --cluster-purpose (ClusterPurpose) [enum]", "vnet-incomplete"}},
		{"zero agents", []string{"computetarget", "create", "aks", "-n", "myaks", "-a", "0"}, []string{"-a/--agent-count", "greater than 0"}},
		{"FastProd too small", []string{"computetarget", "create", "aks", "-n", "myaks", "-a", "1", "--cluster-purpose", "FastProd"}, []string{"fastprod-nodes"}},
		{"subnet needs internal LB", []string{"computetarget", "create", "aks", "-n", "myaks", "--load-balancer-subnet", "s"}, []string{"--load-balancer-subnet", "subnet-needs-internal-lb"}},
		{"ssl mixed", []string{"computetarget", "create", "aks", "-n", "myaks", "--ssl-cname", "a.example.com", "--ssl-leaf-domain-label", "x"}, []string{"cannot be combined"}},
		{"ssl cert file unreadable", []string{"computetarget", "create", "aks", "-n", "myaks", "--ssl-cname", "a.example.com", "--ssl-cert-file", "nope.pem", "--ssl-key-file", "nope.key"}, []string{"--ssl-cert-file", "nope.pem"}},
		{"attach bad resource id", []string{"computetarget", "attach", "aks", "-n", "myaks", "-i", "/subscriptions/s/resourceGroups/rg"}, []string{"-i/--compute-resource-id", "resource-id"}},
		{"update nothing", []string{"computetarget", "update", "aks", "-n", "myaks"}, []string{"flag --ssl-* (SSL) [required]", "nothing to update"}},
		{"update two TLS changes", []string{"computetarget", "update", "aks", "-n", "myaks", "--ssl-disable", "--ssl-renew"}, []string{"choose one TLS change"}},
		{"update certificate and disable", []string{"computetarget", "update", "-n", "myaks", "--ssl-leaf-domain-label", "x", "--ssl-disable"}, []string{"choose one TLS change"}},
		{"update, all problems", []string{"computetarget", "update", "aks", "-n", "1x", "--load-balancer-type", "Private", "--ssl-cname", "a.example.com"},
			[]string{"problems", "flag -n/--name", "flag --load-balancer-type (LoadBalancerType) [enum]", "--ssl-cert-file"}},
		{"update subnet with public IP", []string{"computetarget", "update", "aks", "-n", "myaks", "--load-balancer-type", "PublicIp", "--load-balancer-subnet", "s"}, []string{"subnet-needs-internal-lb"}},
		{"attach without id", []string{"computetarget", "attach", "aks", "-n", "myaks"}, []string{"missing required flag -i/--compute-resource-id/--resource-id"}},

		// model
		{"model register, all problems", []string{"model", "register", "-n", "bad name", "-p", "nope.pkl", "--tag", "novalue"},
			[]string{"3 problems", "flag --tag", `"novalue" is not KEY=VALUE`, "flag -n/--name", "model names must only include", "flag -p/--model-path", "nope.pkl"}},
		{"model show without selector", []string{"model", "show"}, []string{"missing required flag -i/--model-id"}},
		{"model show both selectors", []string{"model", "show", "-i", "m:1", "-n", "m"}, []string{"not both"}},
		{"model id without version", []string{"model", "show", "-i", "mymodel"}, []string{"-i/--model-id", "NAME:VERSION"}},
		{"model id bad version", []string{"model", "show", "-i", "mymodel:zero"}, []string{"-i/--model-id", `version "zero" is not a positive integer`}},
		{"model delete needs version", []string{"model", "delete", "-n", "mymodel"}, []string{"--version is required"}},
		{"model list bad tag", []string{"model", "list", "--tag", "a,b"}, []string{"--tag", "without commas"}},

		// model deploy
		{"deploy, all problems", []string{"model", "deploy", "-n", "My_Service", "-m", "bad model", "-m", "m:x", "-ic", "missing.json", "-dc", "dc-badjson.json"},
			[]string{"problems", "flag -n/--name", "service name", "-m/--model", `"bad model"`, `version "x"`, "-ic/--inference-config-file", "missing.json", "-dc/--deploy-config-file", "dc-badjson.json"}},
		{"deploy without compute", []string{"model", "deploy", "-n", "svc", "-m", "m:1", "-ic", "inferenceconfig.json", "-dc", "dc.json"}, []string{"-ct/--compute-target is required"}},
		{"deploy duplicate model", []string{"model", "deploy", "-n", "svc", "-ct", "aks", "-m", "m:1", "-m", "m:1"}, []string{`"m:1" is given twice`}},
		{"deploy dc unknown field", []string{"model", "deploy", "-n", "svc", "-ct", "aks", "-m", "m:1", "-dc", "dc-unknown.json"}, []string{"dc-unknown.json", "numReplica"}},
		{"deploy dc wrong type", []string{"model", "deploy", "-n", "svc", "-ct", "aks", "-m", "m:1", "-dc", "dc-wrongtype.json"}, []string{"dc-wrongtype.json", "numReplicas"}},
		{"deploy dc not aks", []string{"model", "deploy", "-n", "svc", "-ct", "aks", "-m", "m:1", "-dc", "dc-aci.json"}, []string{"dc-aci.json", "computeType"}},
		{"deploy dc invalid values", []string{"model", "deploy", "-n", "svc", "-ct", "aks", "-m", "m:1", "-dc", "dc-invalid.json"},
			[]string{"dc-invalid.json", "AutoscaleMaxReplicas", "CPUCores"}},
		{"deploy dc is a directory", []string{"model", "deploy", "-n", "svc", "-ct", "aks", "-m", "m:1", "-dc", "a-directory"}, []string{"a-directory is a directory"}},
		{"deploy ic invalid JSON", []string{"model", "deploy", "-n", "svc", "-ct", "aks", "-m", "m:1", "-ic", "ic-badjson.json"}, []string{"-ic/--inference-config-file", "ic-badjson.json"}},
		{"deploy ic unknown field", []string{"model", "deploy", "-n", "svc", "-ct", "aks", "-m", "m:1", "-ic", "ic-unknown.json"}, []string{"ic-unknown.json", "entryscript"}},
		{"deploy ic missing script", []string{"model", "deploy", "-n", "svc", "-ct", "aks", "-m", "m:1", "-ic", "ic-noscript.json"}, []string{"ic-noscript.json", "missing.py"}},
		{"deploy ic not python", []string{"model", "deploy", "-n", "svc", "-ct", "aks", "-m", "m:1", "-ic", "ic-notpython.json"}, []string{"ic-notpython.json", ".py"}},
		{"deploy bad compute name", []string{"model", "deploy", "-n", "svc", "-ct", "x", "-m", "m:1"}, []string{"name-format"}},

		// service
		{"service run invalid JSON", []string{"service", "run", "-n", "svc", "-d", `{"data": [1,`}, []string{"-d/--input-data", "not valid JSON", "offset"}},
		{"service run invalid JSON file", []string{"service", "run", "-n", "svc", "-d", "@input-bad.json"}, []string{"-d/--input-data", "file input-bad.json is not valid JSON"}},
		{"service run unreadable file", []string{"service", "run", "-n", "svc", "-d", "@nope.json"}, []string{"-d/--input-data", "nope.json is unreadable"}},
		{"service run without input", []string{"service", "run", "-n", "svc"}, []string{"missing required flag -d/--input-data"}},
		{"service regen bad key", []string{"service", "keys", "regen", "-n", "svc", "--key", "Tertiary"}, []string{"-k/--key", "not Primary or Secondary"}},
		{"service logs bad tail", []string{"service", "logs", "-n", "svc", "-l", "0"}, []string{"-l/--num-lines", "at least 1"}},
		{"service list bad compute type", []string{"service", "list", "--compute-type", "VM"}, []string{"--compute-type", "not AKS"}},
		{"service run trailing bracket", []string{"service", "run", "-n", "svc", "-d", `{"data": [1]}}`}, []string{"-d/--input-data", "offset 13: data after the JSON value"}},
		{"service run two values", []string{"service", "run", "-n", "svc", "-d", `[1] [2]`}, []string{"-d/--input-data", "data after the JSON value"}},
		{"service update nothing", []string{"service", "update", "-n", "svc"}, []string{"nothing to update"}},
		{"service update bad files", []string{"service", "update", "-n", "svc", "-dc", "dc-invalid.json", "-ic", "ic-badjson.json", "--add-tag", "x"},
			[]string{"problems", "dc-invalid.json", "ic-badjson.json", "--add-tag"}},

		// endpoint
		{"endpoint update nothing", []string{"endpoint", "update", "-n", "myep"}, []string{"nothing to update", "--add-tag"}},
		{"endpoint update, all problems", []string{"endpoint", "update", "-n", "My_Ep", "--auth-enabled", "--token-auth-enabled", "--add-tag", "novalue", "--add-property", "=x"},
			[]string{"problems", "flag -n/--name", "flag --auth-enabled/--token-auth-enabled (AuthEnabled/TokenAuthEnabled): cannot both be true", `"novalue" is not KEY=VALUE`, `"=x" is not KEY=VALUE`}},
		{"endpoint update bad boolean", []string{"endpoint", "update", "-n", "myep", "--enable-app-insights=sometimes"}, []string{"--enable-app-insights", "not true or false"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(srvCLI.requests())
			c := *srvCLI
			c.t = t
			r := c.run(tc.args...)
			if r.code != exitBadInput {
				t.Fatalf("expected exit 2:\n%s", r)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r)
				}
			}
			if r.stdout != "" {
				t.Errorf("stdout is not empty:\n%s", r)
			}
			if n := len(srvCLI.requests()) - before; n != 0 {
				t.Errorf("%d request(s) sent for bad input:\n%s", n, r)
			}
		})
	}
}

// TestBrokenConfigFileIsBadInput resolves the workspace from a config.json that lacks
// fields: exit 2, naming the file and the missing fields.
func TestBrokenConfigFileIsBadInput(t *testing.T) {
	t.Parallel()
	c := newLocalCLI(t)
	c.write("config.json", `{"subscription_id": "00000000-0000-0000-0000-000000000000"}`)
	r := c.fails(exitBadInput, []string{"model", "list"}, "config.json", "resource_group", "workspace_name")
	if _, err := os.Stat(c.data); !os.IsNotExist(err) {
		t.Errorf("the embedded local workspace was started:\n%s", r)
	}
	c.fails(exitBadInput, []string{"model", "list", "--path", "."}, "config.json")
}

// TestBadLocalWorkspaceNames refuses workspace names that cannot name a directory.
func TestBadLocalWorkspaceNames(t *testing.T) {
	t.Parallel()
	c := newLocalCLI(t)
	c.fails(exitBadInput, []string{"model", "list", "-w", "../escape"}, "-w/--workspace-name", "cannot name a workspace")
	c.env[envLocalOperationDelay] = "soon"
	c.fails(exitBadInput, []string{"model", "list"}, envLocalOperationDelay)
}
