package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestModelLifecycle(t *testing.T) {
	t.Parallel()
	c := newServerCLI(t)
	path := filepath.Join(repoRoot(t), "examples", "assets", "model.json")

	var m1, m2 modelView
	c.okJSON(&m1, "model", "register", "-n", "mymodel", "-p", path, "--tag", "stage=dev", "--property", "owner=me", "-d", "first")
	if m1.ID != "mymodel:1" || m1.Version != 1 || m1.Tags["stage"] != "dev" || m1.Properties["owner"] != "me" || m1.Description != "first" {
		t.Fatalf("first registration: %+v", m1)
	}
	c.okJSON(&m2, "model", "register", "--name", "mymodel", "--model-path", path, "--model-framework", "ScikitLearn", "--model-framework-version", "1.2")
	if m2.ID != "mymodel:2" || m2.Framework != "ScikitLearn" {
		t.Fatalf("second registration: %+v", m2)
	}

	var shown modelView
	c.okJSON(&shown, "model", "show", "-n", "mymodel")
	if shown.Version != 2 {
		t.Errorf("latest = %d", shown.Version)
	}
	c.okJSON(&shown, "model", "show", "-i", "mymodel:1")
	if shown.Description != "first" {
		t.Errorf("show -i: %+v", shown)
	}
	c.okJSON(&shown, "model", "show", "-n", "mymodel", "--version", "1")
	if shown.Version != 1 {
		t.Errorf("show --version: %+v", shown)
	}

	var list []modelView
	c.okJSON(&list, "model", "list")
	if len(list) != 2 {
		t.Errorf("list: %+v", list)
	}
	list = nil
	c.okJSON(&list, "model", "list", "-n", "mymodel", "--latest")
	if len(list) != 1 || list[0].Version != 2 {
		t.Errorf("list --latest: %+v", list)
	}
	list = nil
	c.okJSON(&list, "model", "list", "--tag", "stage=dev")
	if len(list) != 1 || list[0].Version != 1 {
		t.Errorf("list --tag: %+v", list)
	}
	tbl := c.ok("model", "list", "-o", "table").stdout
	if !strings.Contains(tbl, "mymodel") || !strings.Contains(tbl, "stage=dev") || strings.Count(tbl, "\n") != 4 {
		t.Errorf("table:\n%s", tbl)
	}

	var del operationResult
	c.okJSON(&del, "model", "delete", "-i", "mymodel:1")
	if del.Name != "mymodel:1" || del.State != "Succeeded" {
		t.Errorf("delete: %+v", del)
	}
	c.fails(exitFailure, []string{"model", "show", "-i", "mymodel:1"}, "404", "ModelNotFound")
	c.okJSON(&del, "model", "delete", "-n", "mymodel", "--version", "2")
	c.fails(exitFailure, []string{"model", "show", "-n", "mymodel"}, "not found")
}

func TestModelStatePersistsPerDataDirectory(t *testing.T) {
	t.Parallel()
	c := newLocalCLI(t)
	path := filepath.Join(repoRoot(t), "examples", "assets", "model.json")
	r := c.ok("model", "register", "-n", "kept", "-p", path)
	if !strings.Contains(r.stderr, "embedded local workspace local-ws") || !strings.Contains(r.stderr, c.data) {
		t.Errorf("no line naming the embedded local workspace and its state:\n%s", r)
	}
	var m modelView
	c.okJSON(&m, "model", "show", "-i", "kept:1")

	other := newLocalCLI(t)
	var list []modelView
	other.okJSON(&list, "model", "list")
	if len(list) != 0 {
		t.Errorf("another data directory sees %+v", list)
	}
	// Another workspace name in the same data directory is another workspace.
	list = nil
	c.okJSON(&list, "model", "list", "-g", "rg2", "-w", "ws2")
	if len(list) != 0 {
		t.Errorf("workspace ws2 sees %+v", list)
	}
}
