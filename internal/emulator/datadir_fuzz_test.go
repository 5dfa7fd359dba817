package emulator

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDataDirRecord writes one arbitrary document into a data directory, as a damaged
// or hand-edited file of a previous local workspace would be, then starts a server on it
// and reads every collection: starting either fails with an error or serves, and no read
// panics (the restore hooks of every feature decode the stored records).
func FuzzDataDirRecord(f *testing.F) {
	kinds := []string{kindCompute, kindAKSCluster, kindModel, kindModelVersion, kindService, kindServiceTokenKey,
		kindEndpoint, kindOperation, kindWorkspace, kindArtifact, kindAsset, kindBlobKey}
	f.Add(uint8(0), "aks", []byte(`{"name":"aks","state":"Creating","opKind":"create","pending":{"agentCount":1}}`))
	f.Add(uint8(0), "aks", []byte(`{"name":"aks","state":"Deleting","opKind":"delete","resourceId":"/x"}`))
	f.Add(uint8(2), "m:1", []byte(`{"id":"m:1","name":"m","version":1,"created":"2024-01-01T00:00:00Z"}`))
	f.Add(uint8(3), "m", []byte(`"seven"`))
	f.Add(uint8(4), "svc", []byte(`{"name":"svc","state":"Transitioning","busy":true,"spec":{"name":"svc","computeType":"AKS"}}`))
	f.Add(uint8(4), "svc", []byte(`{"name":"svc","state":"Healthy","spec":null,"deployed":{}}`))
	f.Add(uint8(6), "ep", []byte(`{"name":"ep","versions":{"v":null}}`))
	f.Add(uint8(7), "op1", []byte(`{"id":"op1","kind":"mms","state":"Running","target":"Succeeded","log":null}`))
	f.Add(uint8(8), "workspace", []byte(`{"workspaceId":1}`))
	f.Add(uint8(11), "key", []byte(`null`))
	f.Add(uint8(5), "key", []byte(`""`))
	f.Fuzz(func(t *testing.T, which uint8, key string, doc []byte) {
		if key == "" || len(key) > 100 || !json.Valid(doc) {
			return // the store skips what it cannot name, and refuses invalid JSON itself
		}
		kind := kinds[int(which)%len(kinds)]
		dir := t.TempDir()
		if err := os.MkdirAll(filepath.Join(dir, escapeName(kind)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, escapeName(kind), escapeName(key)+".json"), doc, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := New(Options{DataDir: dir, Python: filepath.Join(dir, "no-python3")})
		if err != nil {
			return
		}
		defer s.Close()
		auth := http.Header{"Authorization": {"Bearer fuzz"}}
		for _, p := range []string{
			s.armWorkspacePath() + "?api-version=2022-05-01",
			s.rpPrefix() + "/computes?api-version=2020-02-02",
			s.rpPrefix() + "/computes/" + key + "?api-version=2020-02-02",
			s.mmsPrefix() + "/models",
			s.mmsPrefix() + "/models/" + key,
			s.mmsPrefix() + "/services?expand=true",
			s.mmsPrefix() + "/services/" + key + "?expand=true",
			s.mmsPrefix() + "/operations/" + key,
			s.mmsPrefix() + "/assets/" + key,
			"/discovery",
		} {
			if _, err := http.NewRequest(http.MethodGet, "http://h"+p, nil); err != nil {
				continue // the key does not fit in a URL
			}
			_ = serveFuzz(s, http.MethodGet, p, auth, nil)
		}
	})
}
