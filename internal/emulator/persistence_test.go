package emulator

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPersistenceAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	wsID := s1.ws.WorkspaceID
	if err := s1.store.Put("model", "m:1", storeItem{Name: "m", N: 1}); err != nil {
		t.Fatal(err)
	}
	doneURL := s1.ops.StartARM(func(context.Context) error { return nil })
	doneID := strings.TrimPrefix(strings.Split(doneURL, "?")[0], s1.URL()+"/operations/arm/")
	waitFor(t, "first op", func() bool { r, _ := s1.ops.get(doneID); return r.terminal() })
	failedID := s1.ops.StartMMS("Deploy", func(context.Context, func(string), func(string, string)) error {
		return newOpError("DeploymentFailed", "bad script")
	})
	waitFor(t, "failed op", func() bool { r, _ := s1.ops.get(failedID); return r.terminal() })

	// Operations still running at shutdown.
	running := make(chan struct{})
	pendingMMS := s1.ops.StartMMS("Deploy", func(ctx context.Context, log func(string), _ func(string, string)) error {
		log("started")
		close(running)
		<-ctx.Done()
		return ctx.Err()
	})
	pendingARMURL := s1.ops.StartARM(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	pendingARM := strings.TrimPrefix(strings.Split(pendingARMURL, "?")[0], s1.URL()+"/operations/arm/")
	<-running
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if r, _ := s1.ops.get(pendingMMS); r.State != "Running" {
		t.Fatalf("op interrupted by Close must stay in progress on disk, got %s", r.State)
	}

	s2 := newTestServer(t, Options{DataDir: dir})
	if s2.ws.WorkspaceID != wsID {
		t.Errorf("workspaceId changed: %s -> %s", wsID, s2.ws.WorkspaceID)
	}
	r := mustDo(t, "GET", s2.URL()+s2.armWorkspacePath()+"?api-version=2022-05-01", "t", nil)
	if p, _ := r.json(t)["properties"].(map[string]any); p["workspaceId"] != wsID || p["discoveryUrl"] != s2.URL()+"/discovery" {
		t.Errorf("workspace after restart: %v", p)
	}
	var it storeItem
	if !s2.store.Get("model", "m:1", &it) || it.N != 1 {
		t.Errorf("store after restart: %+v", it)
	}
	// Finished operations keep their outcome; the new server serves them on its own URL.
	if p, _ := pollARM(t, s2.URL()+"/operations/arm/"+doneID+"?api-version=2020-02-02"); p.Status != "Succeeded" {
		t.Errorf("done op: %+v", p)
	}
	if p, _ := pollMMS(t, s2, failedID, ""); p.State != "Failed" || p.Error == nil || p.Error.Code != "DeploymentFailed" {
		t.Errorf("failed op: %+v", p)
	}
	// In-progress operations come back finished as their target (Succeeded).
	p, _ := pollMMS(t, s2, pendingMMS, "")
	if p.State != "Succeeded" || p.EndTime == "" || !strings.Contains(p.StreamingOperationLog, "|started#") ||
		!strings.Contains(p.StreamingOperationLog, "restarted while this operation was in progress") {
		t.Errorf("pending MMS op after restart: %+v", p)
	}
	if p, _ := pollARM(t, s2.URL()+"/operations/arm/"+pendingARM+"?api-version=2020-02-02"); p.Status != "Succeeded" || p.EndTime == "" {
		t.Errorf("pending ARM op after restart: %+v", p)
	}
}

func TestRegisteredRoutesSeeLoadedStore(t *testing.T) {
	dir := t.TempDir()
	s1, err := New(Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	_ = s1.store.Put("test", "count", 41)
	_ = s1.Close()
	s2 := newTestServer(t, Options{DataDir: dir})
	r := mustDo(t, "POST", s2.URL()+testCountPath, "", []byte(`{}`))
	if r.Status != http.StatusOK || r.json(t)["count"] != float64(42) {
		t.Errorf("count after restart: %s", r.Body)
	}
}

func TestDifferentWorkspaceInSameDataDir(t *testing.T) {
	dir := t.TempDir()
	s1 := newTestServer(t, Options{DataDir: dir, WorkspaceName: "one"})
	s2 := newTestServer(t, Options{DataDir: t.TempDir(), WorkspaceName: "one"})
	if s1.ws.WorkspaceID == s2.ws.WorkspaceID {
		t.Error("two data directories share a workspaceId")
	}
	_ = s1.Close()
	s3 := newTestServer(t, Options{DataDir: dir, WorkspaceName: "two", OperationDelay: time.Millisecond})
	if s3.ws.WorkspaceID == s1.ws.WorkspaceID {
		t.Error("a different workspace name must get its own identity")
	}
}
