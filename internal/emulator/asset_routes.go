package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Store kind of assets; the key is the asset id.
const kindAsset = "asset"

// assetArtifact is one artifact reference of an asset (msrest ArtifactDetails):
// a prefix covering uploaded artifacts, "{origin}/{container}/{path}".
type assetArtifact struct {
	ID     string `json:"id,omitempty"`
	Prefix string `json:"prefix"`
}

// assetCreateRequest is the body of POST {MMS}/assets (msrest Asset, reference §3.1).
type assetCreateRequest struct {
	Name        string            `json:"name"`
	Artifacts   []assetArtifact   `json:"artifacts"`
	KVTags      map[string]string `json:"kvTags"`
	Properties  map[string]string `json:"properties"`
	RunID       *string           `json:"runid"`
	Meta        map[string]string `json:"meta"`
	Type        *string           `json:"type"`
	Description *string           `json:"description"`
}

// assetRecord is a stored asset and its JSON on the wire.
type assetRecord struct {
	ID          string            `json:"id"`
	Name        string            `json:"name"`
	Artifacts   []assetArtifact   `json:"artifacts"`
	KVTags      map[string]string `json:"kvTags"`
	Properties  map[string]string `json:"properties"`
	RunID       *string           `json:"runid"`
	Meta        map[string]string `json:"meta"`
	Type        *string           `json:"type"`
	Description *string           `json:"description"`
	CreatedTime string            `json:"createdTime"`
}

func init() {
	registerRoutes(func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("POST "+s.mmsPrefix()+"/assets", s.requireBearer(s.handleAssetCreate))
		mux.HandleFunc("GET "+s.mmsPrefix()+"/assets/{id}", s.requireBearer(s.handleAssetGet))
	})
}

// handleAssetCreate stores an asset. Every artifact prefix must cover at least
// one uploaded artifact, so a model can never point at nothing.
func (s *Server) handleAssetCreate(w http.ResponseWriter, r *http.Request) {
	var req assetCreateRequest
	if !decodeMMS(w, r, &req) {
		return
	}
	var problems []string
	if strings.TrimSpace(req.Name) == "" {
		problems = append(problems, "name is required")
	}
	if len(req.Artifacts) == 0 {
		problems = append(problems, "artifacts must list at least one artifact prefix")
	}
	for i, a := range req.Artifacts {
		if a.Prefix == "" {
			problems = append(problems, fmt.Sprintf("artifacts[%d].prefix is required", i))
			continue
		}
		if len(artifactsWithPrefix(s, a.Prefix)) == 0 {
			problems = append(problems, fmt.Sprintf("artifacts[%d].prefix %q matches no uploaded artifact", i, a.Prefix))
		}
	}
	if len(problems) > 0 {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", strings.Join(problems, "; "))
		return
	}
	rec := assetRecord{
		ID: strings.ReplaceAll(newUUID(), "-", ""), Name: req.Name, Artifacts: req.Artifacts,
		KVTags: nonNilMap(req.KVTags), Properties: nonNilMap(req.Properties), RunID: req.RunID,
		Meta: nonNilMap(req.Meta), Type: req.Type, Description: req.Description,
		CreatedTime: time.Now().UTC().Format(time.RFC3339Nano),
	}
	if err := s.store.Put(kindAsset, rec.ID, rec); err != nil {
		writeMMSError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

func (s *Server) handleAssetGet(w http.ResponseWriter, r *http.Request) {
	var rec assetRecord
	if !s.store.Get(kindAsset, r.PathValue("id"), &rec) {
		writeMMSError(w, http.StatusNotFound, "AssetNotFound", fmt.Sprintf("Asset with id %s not found in provided workspace.", r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

// assetArtifacts returns the uploaded artifacts an asset covers, sorted by id.
func assetArtifacts(s *Server, assetID string) ([]artifactRecord, error) {
	var rec assetRecord
	if !s.store.Get(kindAsset, assetID, &rec) {
		return nil, fmt.Errorf("asset %q does not exist", assetID)
	}
	var out []artifactRecord
	seen := map[string]bool{}
	for _, a := range rec.Artifacts {
		for _, art := range artifactsWithPrefix(s, a.Prefix) {
			if !seen[art.ArtifactID] {
				seen[art.ArtifactID] = true
				out = append(out, art)
			}
		}
	}
	return out, nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
