package model

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/internal/pipeline"
	"github.com/azureml-go/azureml/workspace"
)

// Artifact upload parameters (reference §3.1).
const (
	originLocalUpload = "LocalUpload"
	maxArtifactBatch  = 50
	uploadParallelism = 4
)

// localFile is one file to upload and the artifact path it gets.
type localFile struct {
	Path     string // on disk
	Artifact string // slash-separated artifact path inside the container
}

// newHex8 returns the first 8 hex characters of a random value, as
// azureml-core takes the first 8 characters of a uuid4. Tests replace it.
var newHex8 = randomHex8

func randomHex8() string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("model: crypto/rand: %v", err)) // never happens on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// registerContainer is the artifact container of a model registration,
// "{yyMMddTHHmmss}-{8 hex}" (the time in UTC).
func registerContainer(now time.Time) string {
	return now.UTC().Format("060102T150405") + "-" + newHex8()
}

// Wire types of the artifact batch metadata call.
type artifactBatchBody struct {
	Paths []artifactPath `json:"paths"`
}

type artifactPath struct {
	Path string `json:"path"`
}

type artifactBatchResult struct {
	Artifacts map[string]struct {
		ArtifactID string `json:"artifactId"`
	} `json:"artifacts"`
	ArtifactContentInformation map[string]struct {
		ContentURI string `json:"contentUri"`
	} `json:"artifactContentInformation"`
	Errors map[string]json.RawMessage `json:"errors"`
}

// createArtifacts creates empty artifacts for up to 50 paths and returns
// path → contentUri. The call is retried like a GET: creating the same empty
// artifacts in a fresh container again does no harm.
func createArtifacts(ctx context.Context, ws *workspace.Workspace, origin, container string, paths []string) (map[string]string, error) {
	body := artifactBatchBody{Paths: make([]artifactPath, len(paths))}
	for i, p := range paths {
		body.Paths[i] = artifactPath{Path: p}
	}
	target := ws.HistoryURL("/artifacts/batch/metadata/" + origin + "/" + container)
	req, err := runtime.NewRequest(pipeline.WithIdempotent(ctx), http.MethodPost, target)
	if err != nil {
		return nil, err
	}
	if err := runtime.MarshalAsJSON(req, body); err != nil {
		return nil, err
	}
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, runtime.NewResponseError(resp)
	}
	var res artifactBatchResult
	if err := runtime.UnmarshalAsJSON(resp, &res); err != nil {
		return nil, fmt.Errorf("reading the artifact service's answer: %w", err)
	}
	if len(res.Errors) > 0 {
		names := make([]string, 0, len(res.Errors))
		for k := range res.Errors {
			names = append(names, k)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("the artifact service refused %s: %s", strings.Join(names, ", "), compactJSON(res.Errors[names[0]]))
	}
	out := make(map[string]string, len(paths))
	for _, p := range paths {
		ci, ok := res.ArtifactContentInformation[p]
		if !ok || ci.ContentURI == "" {
			return nil, fmt.Errorf("the artifact service returned no content URI for %q", p)
		}
		out[p] = ci.ContentURI
	}
	return out, nil
}

// compactJSON renders a small JSON value for an error message.
func compactJSON(raw json.RawMessage) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// uploadFiles creates the artifacts of files in batches of at most 50 and
// uploads each batch's files, a few at a time, before the next batch.
func uploadFiles(ctx context.Context, ws *workspace.Workspace, origin, container string, files []localFile) error {
	up := blobUploader{pl: ws.Pipeline()}
	for start := 0; start < len(files); start += maxArtifactBatch {
		batch := files[start:min(start+maxArtifactBatch, len(files))]
		paths := make([]string, len(batch))
		for i, f := range batch {
			paths[i] = f.Artifact
		}
		uris, err := createArtifacts(ctx, ws, origin, container, paths)
		if err != nil {
			return fmt.Errorf("creating artifacts: %w", err)
		}
		if err := forEachLimit(ctx, len(batch), uploadParallelism, func(ctx context.Context, i int) error {
			if err := up.putFile(ctx, uris[batch[i].Artifact], batch[i].Path); err != nil {
				return fmt.Errorf("uploading %s: %w", batch[i].Artifact, err)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// forEachLimit runs fn(0..n-1) with at most limit in flight; the first error
// cancels the others and is returned.
func forEachLimit(ctx context.Context, n, limit int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	sem := make(chan struct{}, limit)
	for i := 0; i < n; i++ {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, i); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				cancel()
			}
		}(i)
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}
