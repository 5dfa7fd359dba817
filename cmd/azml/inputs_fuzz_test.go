package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/azureml-go/azureml/model"
)

// fuzzItems splits one fuzz string into the values of a repeated flag.
func fuzzItems(items string) []string {
	if items == "" {
		return nil
	}
	return strings.Split(items, "\x00")
}

// FuzzReadInputData: -d text is accepted only when it is one JSON value (FINDINGS
// §1: a stray closing bracket used to pass).
func FuzzReadInputData(f *testing.F) {
	for _, s := range []string{`{"data":[[1,2]]}`, `{}]`, `[1]]`, `{"data":[1]}}`, `1 2`, ``, `-`, `@`, ` [1] `, `"x"`, `{"a":1e400}`, "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if strings.HasPrefix(v, "@") || v == "-" {
			return // files and stdin: not fuzzed
		}
		data, err := readInputData("-d", v, strings.NewReader(""))
		if err != nil {
			if exitCode(err) != exitBadInput || !strings.Contains(err.Error(), "flag -d") {
				t.Fatalf("%q: error is not bad input naming the flag: %v", v, err)
			}
			if json.Valid([]byte(v)) {
				t.Fatalf("refused valid JSON %q: %v", v, err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("accepted non-JSON %q", v)
		}
	})
}

// FuzzParseKeyValues: repeated KEY=VALUE flags (items separated by NUL).
func FuzzParseKeyValues(f *testing.F) {
	for _, s := range []string{"a=b", "=b", "a=", "a==b", " =x", "a=b\x00c=d", "a=1\x00a=2", "", "\x00", "k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, items string) {
		list := fuzzItems(items)
		m, err := parseKeyValues("--tag", list)
		if err != nil {
			if exitCode(err) != exitBadInput || !strings.Contains(err.Error(), "flag --tag") {
				t.Fatalf("%q: error is not bad input naming the flag: %v", list, err)
			}
			return
		}
		if len(m) > len(list) {
			t.Fatalf("%q: %d entries from %d items", list, len(m), len(list))
		}
		for k := range m {
			if strings.TrimSpace(k) == "" {
				t.Fatalf("%q: blank key accepted", list)
			}
		}
		for _, it := range list { // the last value of a key wins, as it was typed
			k, _, _ := strings.Cut(it, "=")
			last := ""
			for _, o := range list {
				if ok, ov, _ := strings.Cut(o, "="); ok == k {
					last = ov
				}
			}
			if m[k] != last {
				t.Fatalf("%q: %q=%q, want %q", list, k, m[k], last)
			}
		}
	})
}

// FuzzParseModelRefs: repeated -m NAME[:VERSION] flags (items separated by NUL).
func FuzzParseModelRefs(f *testing.F) {
	for _, s := range []string{"m:1", "m", "m:0", "m:1:2", ":1", "m:-1", "m:99999999999999999999", "m:1\x00m:01", "m\x00m", "m:+1", "my-model:3\x00other"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, items string) {
		list := fuzzItems(items)
		refs, err := parseModelRefs("-m/--model", list)
		if err != nil {
			if exitCode(err) != exitBadInput || !strings.Contains(err.Error(), "-m/--model") {
				t.Fatalf("%q: error is not bad input naming the flag: %v", list, err)
			}
			return
		}
		if len(refs) != len(list) {
			t.Fatalf("%q: %d refs", list, len(refs))
		}
		seen := map[modelRef]bool{}
		for _, r := range refs {
			if err := model.ValidateName(r.Name); err != nil {
				t.Fatalf("%q: accepted invalid name %q: %v", list, r.Name, err)
			}
			if r.Version < 0 {
				t.Fatalf("%q: negative version %d", list, r.Version)
			}
			if seen[r] {
				t.Fatalf("%q: %s given twice but accepted", list, r.label())
			}
			seen[r] = true
		}
	})
}

// FuzzLoadDeployFile: any deploymentconfig.json gives an AKS service or endpoint
// configuration, or bad input naming the flag and the file, never a panic.
func FuzzLoadDeployFile(f *testing.F) {
	for _, p := range []string{
		"../../webservice/testdata/deploymentconfig_full.json",
		"../../webservice/testdata/deploymentconfig_docs.json",
		"../../webservice/testdata/deploymentconfig_invalid_values.json",
		"../../webservice/testdata/deploymentconfig_wrong_type.json",
		"../../endpoint/testdata/deploymentconfig_endpoint.json",
	} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"computeType":"AKSENDPOINT"}`,
		`{"computeType":"AKSENDPOINT","versionName":"v1","trafficPercentile":1e400}`,
		`{"computeType":"aksendpoint","trafficPercentile":"50"}`,
		`{"computeType":"aks","versionName":"x"}`,
		`{"computeType":"AKSENDPOINT","versionName":null,"trafficPercentile":null}`,
		`{}]`, ``, `null`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "deploymentconfig.json")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := loadDeployFile("model deploy", path, true)
		if err != nil {
			if exitCode(err) != exitBadInput {
				t.Fatalf("error is not bad input: %v", err)
			}
			if msg := err.Error(); !strings.Contains(msg, "-dc/--deploy-config-file") || !strings.Contains(msg, path) {
				t.Fatalf("error does not name the flag and the file: %v", err)
			}
			return
		}
		if out.dc == nil {
			t.Fatal("no configuration and no error")
		}
		if !out.endpoint {
			if out.versionName != "" || out.traffic != nil {
				t.Fatalf("a web service file gave endpoint settings: %+v", out)
			}
			if err := out.dc.Validate(); err != nil {
				t.Fatalf("accepted an invalid service configuration: %v", err)
			}
		}
		var head struct{ ComputeType string }
		if json.Unmarshal(data, &head) != nil {
			t.Fatalf("accepted a file that is not a JSON object: %q", data)
		}
		if out.traffic != nil && (math.IsNaN(*out.traffic) || math.IsInf(*out.traffic, 0)) {
			t.Fatalf("accepted a traffic percentile that is not a number: %v", *out.traffic)
		}
	})
}
