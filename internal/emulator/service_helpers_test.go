package emulator

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Test fixtures of the web-service feature: they seed the store directly
// with what the model and compute routes would have created.

func svcNeedPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
}

func svcJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// svcSeedArtifact stores an uploaded artifact with content.
func svcSeedArtifact(t *testing.T, s *Server, id string, content []byte) {
	t.Helper()
	b := blobsOf(s)
	p := b.committedPath(id)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	parts := strings.SplitN(id, "/", 3)
	if err := s.store.Put(kindArtifact, id, artifactRecord{ArtifactID: id, Origin: parts[0], Container: parts[1], Path: parts[2],
		Uploaded: true, Size: int64(len(content)), CreatedTime: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// svcSeedModel registers model name:version with the given files.
func svcSeedModel(t *testing.T, s *Server, name string, version int, files map[string]string) string {
	t.Helper()
	container := "m" + newSecret(4)
	for p, c := range files {
		svcSeedArtifact(t, s, "LocalUpload/"+container+"/"+p, []byte(c))
	}
	assetID := newSecret(8)
	if err := s.store.Put(kindAsset, assetID, assetRecord{ID: assetID, Name: name, Artifacts: []assetArtifact{{Prefix: "LocalUpload/" + container}}}); err != nil {
		t.Fatal(err)
	}
	id := name + ":" + strconv.Itoa(version)
	rec := modelRecord{modelJSON: modelJSON{ID: id, Name: name, Version: version, URL: "aml://asset/" + assetID, MimeType: "application/json"}, Created: time.Now()}
	if err := s.store.Put(kindModel, id, rec); err != nil {
		t.Fatal(err)
	}
	return id
}

func svcSeedCompute(t *testing.T, s *Server, name, state string) {
	t.Helper()
	if err := s.store.Put(kindCompute, computeKey(name), computeRecord{Name: name, State: state}); err != nil {
		t.Fatal(err)
	}
}

// svcTarGz builds a source package whose entries are under base/.
func svcTarGz(t *testing.T, base string, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: base + "/", Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		if err := tw.WriteHeader(&tar.Header{Name: base + "/" + name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(content))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// svcDriver loads the entry script named by AZUREML_ENTRY_SCRIPT, like the
// SDK's driver program does.
const svcDriver = `
import importlib.util, os, sys
_path = os.path.join(os.environ["AML_APP_ROOT"], os.environ["AZUREML_ENTRY_SCRIPT"])
_spec = importlib.util.spec_from_file_location("entry", _path)
_entry = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_entry)
def init():
    _entry.init()
def run(raw_data):
    return _entry.run(raw_data)
`

const svcScoreScript = `
import json, os
def init():
    global weight
    with open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "w.txt")) as f:
        weight = float(f.read())
    print("model loaded")
def run(raw):
    data = json.loads(raw)["data"]
    return {"predictions": [x * weight for x in data]}
`

// svcUploadApp seeds a driver and a source package and returns the
// environmentImageRequest that deploys them with modelIDs.
func svcUploadApp(t *testing.T, s *Server, score string, modelIDs []string) map[string]any {
	t.Helper()
	c := newSecret(4)
	svcSeedArtifact(t, s, "LocalUpload/"+c+"/driver.py", []byte(svcDriver))
	svcSeedArtifact(t, s, "LocalUpload/"+c+"/src.tar.gz", svcTarGz(t, "src", map[string]string{"score.py": score}))
	return map[string]any{
		"driverProgram": "driver.py",
		"assets": []map[string]any{
			{"id": "driver.py", "url": "aml://artifact/LocalUpload/" + c + "/driver.py", "mimeType": "application/x-python"},
			{"id": "src.tar.gz", "url": "aml://artifact/LocalUpload/" + c + "/src.tar.gz", "mimeType": "application/octet-stream", "unpack": true},
		},
		"modelIds": modelIDs,
		"environment": map[string]any{
			"name": "env", "version": nil,
			"environmentVariables":    map[string]string{"AZUREML_ENTRY_SCRIPT": "src/score.py", "AZUREML_SOURCE_DIRECTORY": "src"},
			"python":                  map[string]any{"userManagedDependencies": false, "interpreterPath": "python", "condaDependencies": map[string]any{"dependencies": []string{"python=3.9"}}},
			"docker":                  map[string]any{"baseImage": "mcr.microsoft.com/azureml/base", "baseDockerfile": nil, "baseImageRegistry": map[string]any{"address": nil, "username": nil, "password": "hunter2"}},
			"inferencingStackVersion": nil,
		},
	}
}

// svcCreateBody is the §4 create body with overrides.
func svcCreateBody(name, compute string, eir map[string]any, extra map[string]any) map[string]any {
	b := map[string]any{
		"name": name, "description": nil, "kvTags": nil, "properties": map[string]string{},
		"keys":        map[string]any{"primaryKey": nil, "secondaryKey": nil},
		"computeType": "AKS", "computeName": compute, "location": nil,
		"environmentImageRequest": eir, "numReplicas": nil,
		"containerResourceRequirements":     map[string]any{"cpu": nil, "cpuLimit": nil, "memoryInGB": nil, "memoryInGBLimit": nil, "gpu": nil},
		"maxConcurrentRequestsPerContainer": nil, "maxQueueWaitMs": nil, "namespace": nil, "scoringTimeoutMs": nil,
		"livenessProbeRequirements": map[string]any{"initialDelaySeconds": nil, "periodSeconds": nil, "failureThreshold": nil, "successThreshold": nil, "timeoutSeconds": nil},
	}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

func svcURL(s *Server, suffix string) string { return s.URL() + s.mmsPrefix() + suffix }

// svcWaitOp polls an MMS operation until it is terminal.
func svcWaitOp(t *testing.T, s *Server, opLocation string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := mustDo(t, http.MethodGet, opLocation, "tok", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("operation poll: %d %s", r.Status, r.Body)
		}
		op := r.json(t)
		switch op["state"] {
		case "Succeeded", "Failed", "Cancelled", "TimedOut":
			return op
		}
		if time.Now().After(deadline) {
			t.Fatalf("operation did not finish: %v", op)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// svcDeploy creates a service and waits for its operation.
func svcDeploy(t *testing.T, s *Server, body map[string]any) map[string]any {
	t.Helper()
	r := mustDo(t, http.MethodPost, svcURL(s, "/services"), "tok", svcJSON(t, body))
	if r.Status != http.StatusAccepted {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	return svcWaitOp(t, s, r.Header.Get("Operation-Location"))
}

// svcScore posts to the scoring URI with an optional bearer credential.
func svcScore(t *testing.T, s *Server, name, cred, body string) testResponse {
	t.Helper()
	return mustDo(t, http.MethodPost, s.URL()+"/api/v1/service/"+name+"/score", cred, []byte(body))
}

func readAll(resp *http.Response) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(resp.Body)
	return buf.Bytes(), err
}
