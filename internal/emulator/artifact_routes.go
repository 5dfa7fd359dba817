package emulator

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// Store kind of artifact records; the key is the artifact id
// "{origin}/{container}/{path}".
const kindArtifact = "artifact"

// maxArtifactBatch is the most paths one batch-metadata call may create; the
// SDK sends at most 50 (reference §3.1).
const maxArtifactBatch = 50

// artifactRecord is one artifact: created empty by batch metadata, filled by a
// blob upload.
type artifactRecord struct {
	ArtifactID  string    `json:"artifactId"`
	Origin      string    `json:"origin"`
	Container   string    `json:"container"`
	Path        string    `json:"path"`
	Etag        string    `json:"etag"`
	CreatedTime time.Time `json:"createdTime"`
	// Uploaded is set once the blob content is committed.
	Uploaded bool `json:"uploaded"`
	// Size and MD5 (base64) of the committed content.
	Size int64  `json:"size"`
	MD5  string `json:"md5,omitempty"`
}

// Wire types of POST .../artifacts/batch/metadata/{origin}/{container}.
type artifactBatchRequest struct {
	Paths []artifactPathRequest `json:"paths"`
}

type artifactPathRequest struct {
	Path string `json:"path"`
}

type artifactBatchResponse struct {
	Artifacts                  map[string]artifactJSON            `json:"artifacts"`
	ArtifactContentInformation map[string]artifactContentInfoJSON `json:"artifactContentInformation"`
	Errors                     map[string]historyRootError        `json:"errors"`
}

type artifactJSON struct {
	ArtifactID  string `json:"artifactId"`
	Origin      string `json:"origin"`
	Container   string `json:"container"`
	Path        string `json:"path"`
	Etag        string `json:"etag"`
	CreatedTime string `json:"createdTime"`
}

type artifactContentInfoJSON struct {
	ContentURI string `json:"contentUri"`
	Origin     string `json:"origin"`
	Container  string `json:"container"`
	Path       string `json:"path"`
}

func init() {
	registerRoutes(func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("POST "+s.historyPrefix()+"/artifacts/batch/metadata/{origin}/{container}",
			s.requireBearer(s.handleArtifactBatch))
	})
}

// handleArtifactBatch creates empty artifacts and answers, for each, a SAS-like
// contentUri on this server's blob route. Creating an artifact that already
// exists returns it again (idempotent), so a client may retry the call.
func (s *Server) handleArtifactBatch(w http.ResponseWriter, r *http.Request) {
	origin, container := r.PathValue("origin"), r.PathValue("container")
	var req artifactBatchRequest
	if !decodeHistory(w, r, &req) {
		return
	}
	var problems []string
	if err := checkArtifactSegment("origin", origin); err != nil {
		problems = append(problems, err.Error())
	}
	if err := checkArtifactSegment("container", container); err != nil {
		problems = append(problems, err.Error())
	}
	if len(req.Paths) == 0 {
		problems = append(problems, "paths must list at least one artifact path")
	}
	if len(req.Paths) > maxArtifactBatch {
		problems = append(problems, fmt.Sprintf("at most %d paths may be created per batch, got %d", maxArtifactBatch, len(req.Paths)))
	}
	for i, p := range req.Paths {
		if err := checkArtifactPath(p.Path); err != nil {
			problems = append(problems, fmt.Sprintf("paths[%d]: %v", i, err))
		}
	}
	if len(problems) > 0 {
		writeHistoryError(w, http.StatusBadRequest, "UserError", strings.Join(problems, "; "))
		return
	}
	resp := artifactBatchResponse{
		Artifacts:                  map[string]artifactJSON{},
		ArtifactContentInformation: map[string]artifactContentInfoJSON{},
		Errors:                     map[string]historyRootError{},
	}
	blobs := blobsOf(s)
	for _, p := range req.Paths {
		id := origin + "/" + container + "/" + p.Path
		var rec artifactRecord
		err := updateRecord(s.store, kindArtifact, id, func(cur *artifactRecord, exists bool) (bool, error) {
			if exists {
				rec = *cur
				return false, nil
			}
			*cur = artifactRecord{ArtifactID: id, Origin: origin, Container: container, Path: p.Path,
				Etag: newUUID(), CreatedTime: time.Now().UTC()}
			rec = *cur
			return true, nil
		})
		if err != nil {
			resp.Errors[p.Path] = historyRootError{Code: "ServiceError", Message: err.Error()}
			continue
		}
		resp.Artifacts[p.Path] = artifactJSON{ArtifactID: rec.ArtifactID, Origin: rec.Origin, Container: rec.Container,
			Path: rec.Path, Etag: rec.Etag, CreatedTime: rec.CreatedTime.Format(time.RFC3339Nano)}
		resp.ArtifactContentInformation[p.Path] = artifactContentInfoJSON{ContentURI: blobs.contentURI(s, id),
			Origin: rec.Origin, Container: rec.Container, Path: rec.Path}
	}
	writeJSON(w, http.StatusOK, resp)
}

// checkArtifactSegment rejects an origin or container that could not be one
// path segment of an artifact id.
func checkArtifactSegment(field, v string) error {
	if v == "" || v == "." || v == ".." || strings.ContainsAny(v, "/\\") {
		return fmt.Errorf("%s %q is not a valid name", field, v)
	}
	return nil
}

// checkArtifactPath accepts relative slash-separated paths without "." or ".."
// segments.
func checkArtifactPath(p string) error {
	switch {
	case p == "":
		return errors.New("path must not be empty")
	case strings.HasPrefix(p, "/") || strings.Contains(p, "\\"):
		return fmt.Errorf("path %q must be relative and use forward slashes", p)
	case path.Clean(p) != p:
		return fmt.Errorf("path %q must be clean (no empty, '.' or '..' segments)", p)
	case p == ".." || strings.HasPrefix(p, "../"):
		return fmt.Errorf("path %q must not leave its container", p)
	}
	return nil
}

// artifactIDFromURL returns the artifact id of "aml://artifact/{origin}/{container}/{path}".
func artifactIDFromURL(amlURL string) (string, error) {
	id, ok := strings.CutPrefix(amlURL, "aml://artifact/")
	if !ok {
		return "", fmt.Errorf("%q is not an aml://artifact/ URL", amlURL)
	}
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	return id, nil
}

// artifactFile returns the local file that holds the uploaded content of an
// artifact, given its URL "aml://artifact/{origin}/{container}/{path}" (as in
// an environmentImageRequest asset) or its bare id. The file must be treated
// as read-only. It fails when the artifact does not exist or was never uploaded.
func artifactFile(s *Server, amlURLOrID string) (string, error) {
	id := amlURLOrID
	if strings.HasPrefix(id, "aml://") {
		var err error
		if id, err = artifactIDFromURL(id); err != nil {
			return "", err
		}
	}
	var rec artifactRecord
	if !s.store.Get(kindArtifact, id, &rec) {
		return "", fmt.Errorf("artifact %q does not exist", id)
	}
	if !rec.Uploaded {
		return "", fmt.Errorf("artifact %q has no uploaded content", id)
	}
	return blobsOf(s).committedPath(id), nil
}

// artifactsWithPrefix returns the uploaded artifacts whose id equals prefix
// or lies under it ("prefix/..."), sorted by id.
func artifactsWithPrefix(s *Server, prefix string) []artifactRecord {
	var out []artifactRecord
	for _, key := range s.store.Keys(kindArtifact) {
		if key != prefix && !strings.HasPrefix(key, prefix+"/") {
			continue
		}
		var rec artifactRecord
		if s.store.Get(kindArtifact, key, &rec) && rec.Uploaded {
			out = append(out, rec)
		}
	}
	return out
}
