package model

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Fuzz targets for every parser of outside input in this package. The seed
// corpus runs as part of the normal tests; run one with, e.g.,
// go test -run=^$ -fuzz=^FuzzParseCondaYAML$ -fuzztime=30s ./model

func FuzzParseCondaYAML(f *testing.F) {
	for _, s := range []string{
		"name: e\nchannels: [conda-forge]\ndependencies:\n  - python=3.9\n  - pip:\n    - azureml-defaults\n",
		"dependencies:\n  - pip: [a, b]\n  - x\n", "prefix: /x\n", "", "{}", "[]", "a: &a [*a, *a]\nb: *a\n",
		"dependencies:\n  - {pip: [a], conda: [b]}\n", "name: !!binary aGVsbG8=\n", "dependencies:\n  - ~\n",
	} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile(filepath.Join("..", "examples", "assets", "environment.yml")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cd, err := ParseCondaYAML(data)
		if err != nil {
			return
		}
		// what parses must survive the JSON form unchanged
		b, err := json.Marshal(cd)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back CondaDependencies
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("round trip of %s: %v", b, err)
		}
		if len(back.CondaPackages) != len(cd.CondaPackages) || len(back.PipPackages) != len(cd.PipPackages) {
			t.Fatalf("round trip changed the packages: %+v -> %+v", cd, back)
		}
	})
}

func FuzzParseInferenceConfig(f *testing.F) {
	for _, s := range []string{
		`{"entryScript":"score.py","sourceDirectory":"src","environment":{"name":"e","python":{"condaDependencies":{"dependencies":["python"]}},"docker":{"baseImage":"i"}}}`,
		`{"entryScript":"score.py","runtime":"python","condaFile":"env.yml","baseImageRegistry":{"address":"a","username":"u","password":"p"}}`,
		`{"environment":{"spark":{"precachePackages":false},"r":null,"databricks":{"mavenLibraries":[]}}}`,
		`{"environment":{"docker":{"baseImageRegistry":{"registryIdentity":{}}}}}`,
		`{}`, `null`, `[]`, `{"a":1}{}`, `{"entryScript":null}`, `{"environment":[]}`,
	} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile(filepath.Join("..", "examples", "assets", "inferenceconfig.json")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ic, err := ParseInferenceConfig(data, "")
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("error is not a ValidationError with problems: %v", err)
			}
			return
		}
		// validation of any parsed config must not panic either
		_ = ic.Validate()
		_ = ic.Warnings()
	})
}

func FuzzParseEnvironmentJSON(f *testing.F) {
	for _, s := range []string{
		`{"name":"e","version":"1","environmentVariables":{"A":"b"},"python":{"userManagedDependencies":true,"interpreterPath":"/py"},"docker":{"baseDockerfile":"FROM x"},"inferencingStackVersion":"latest"}`,
		`{"python":{"condaDependencies":{"name":"x","channels":[],"dependencies":[{"pip":[]}]}}}`, `{"docker":null}`, `1`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := ParseEnvironmentJSON(data, "")
		if err != nil {
			return
		}
		_ = env.Validate()
		if _, err := json.Marshal(env.wire()); err != nil {
			t.Fatalf("wire: %v", err)
		}
	})
}

func FuzzIgnoreRules(f *testing.F) {
	f.Add("*.pyc\n!keep.pyc\n/build/\na/**/b\n[!x]y\n\\#c\n", "a/x/b", true)
	f.Add("**/**/**\n", "a/b/c/d", false)
	f.Add("[", "[", false)
	f.Fuzz(func(t *testing.T, rules, path string, dir bool) {
		rs := parseIgnore(rules)
		_ = rs.ignored(path, dir)
	})
}

func FuzzCheckPythonSource(f *testing.F) {
	f.Add([]byte(goodScript))
	f.Add([]byte("s = '''\n"))
	f.Add([]byte("if x:\n  a\n b\n"))
	f.Add([]byte("x = \\"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_ = checkPythonSource(src)
		_ = definesFunction(src, "run")
	})
}
