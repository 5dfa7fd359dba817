package emulator

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Hooks and lookups for feature files that use models (services).

var (
	modelUsersMu  sync.Mutex
	modelUsersFns []func(s *Server, modelID string) []string
)

// registerModelUsers adds fn to the functions asked, before a model is
// deleted, which resources use the model; fn returns their names (e.g. the
// services deploying it). While any name is returned, DELETE {MMS}/models/{id}
// answers 412. Call it from an init function.
func registerModelUsers(fn func(s *Server, modelID string) []string) {
	modelUsersMu.Lock()
	defer modelUsersMu.Unlock()
	modelUsersFns = append(modelUsersFns, fn)
}

// modelUsers returns the sorted, de-duplicated names of what uses modelID.
func modelUsers(s *Server, modelID string) []string {
	modelUsersMu.Lock()
	fns := append([]func(*Server, string) []string(nil), modelUsersFns...)
	modelUsersMu.Unlock()
	seen := map[string]bool{}
	var out []string
	for _, fn := range fns {
		for _, u := range fn(s, modelID) {
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	sort.Strings(out)
	return out
}

// modelFile is one file of a registered model.
type modelFile struct {
	// Path is the name the file was registered under, relative to the model
	// root: "model.json" for a single file, "mydir/sub/weights.bin" for a
	// directory registered as "mydir" (reference §3.1).
	Path string
	// File is the local file holding the content; treat it as read-only.
	File string
}

// modelFiles returns the files of a registered model ("{name}:{version}"),
// sorted by Path, for laying them out under AZUREML_MODEL_DIR.
func modelFiles(s *Server, modelID string) ([]modelFile, error) {
	var rec modelRecord
	if !s.store.Get(kindModel, modelID, &rec) {
		return nil, fmt.Errorf("model %q does not exist", modelID)
	}
	assetID, ok := strings.CutPrefix(rec.URL, "aml://asset/")
	if !ok {
		return nil, fmt.Errorf("model %q has no asset URL", modelID)
	}
	arts, err := assetArtifacts(s, assetID)
	if err != nil {
		return nil, fmt.Errorf("model %q: %w", modelID, err)
	}
	b := blobsOf(s)
	if b.err != nil {
		return nil, fmt.Errorf("model %q: blob storage unavailable: %w", modelID, b.err)
	}
	out := make([]modelFile, 0, len(arts))
	for _, a := range arts {
		out = append(out, modelFile{Path: a.Path, File: b.committedPath(a.ArtifactID)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// modelExists reports whether a model id is registered.
func modelExists(s *Server, modelID string) bool { return s.store.Has(kindModel, modelID) }
