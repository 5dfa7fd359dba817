package model

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/internal/pipeline"
	"github.com/azureml-go/azureml/workspace"
)

// modelMimeType is what azureml-core registers every uploaded model as.
const modelMimeType = "application/json"

// Register uploads the file or directory at path and registers it as a model
// named name (azureml-core Model.register). A directory registers every file
// under it (or only opts.ChildPaths), with artifact paths relative to its
// parent directory, so "models/mnist" uploads "mnist/...". Symbolic links to
// files are followed; links to directories are not.
//
// Wire sequence (reference §3.1): artifact batch metadata on the history host
// (at most 50 paths per call) in a container "{yyMMddTHHmmss}-{8 hex}" of
// origin LocalUpload; a PUT of each file to its SAS contentUri as a
// BlockBlob with Content-MD5, streamed from disk (files over 4 MiB in 4 MiB
// blocks); POST {MMS}/assets; POST {MMS}/models.
//
// The input is validated first and every problem is returned in a
// *ValidationError without any request being sent. If a later step fails, no
// model is registered; already uploaded artifacts stay in the workspace,
// unreferenced. HTTP failures are *azcore.ResponseError.
//
// The final POST is never sent twice. When its answer is lost (the
// connection broke after it was sent, RetryOptions.TryTimeout, truncated
// JSON), Register looks for the version that references this registration's
// asset and returns it; when there is none yet, the error matches
// workspace.ErrOutcomeUnknown and says how to check.
func Register(ctx context.Context, ws *workspace.Workspace, path, name string, opts *RegisterOptions) (*Model, error) {
	if err := opts.validate(path, name); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &RegisterOptions{}
	}
	files, err := modelFiles(path, opts.ChildPaths)
	if err != nil {
		return nil, err
	}
	container := registerContainer(time.Now())
	if err := uploadFiles(ctx, ws, originLocalUpload, container, files); err != nil {
		return nil, fmt.Errorf("model: registering %s: %w", name, err)
	}
	base := filepath.Base(filepath.Clean(path))
	assetID, err := createAsset(ctx, ws, name, originLocalUpload+"/"+container+"/"+base)
	if err != nil {
		return nil, fmt.Errorf("model: registering %s: creating the asset: %w", name, err)
	}
	body := registerRequest(name, assetID, opts)
	m, err := postModel(ctx, ws, body)
	if errors.Is(err, workspace.ErrOutcomeUnknown) {
		m, err = adoptRegistered(ctx, ws, name, body.URL, err)
	}
	if err != nil {
		return nil, fmt.Errorf("model: registering %s: %w", name, err)
	}
	return m, nil
}

// adoptRegistered finds the model that a register call whose answer was lost
// created. The asset was created for this call alone, so a model of this
// name whose url names it can only come from it: no second version is
// registered. When there is none the call may not have taken effect, or may
// still be on its way; the error says how to check.
func adoptRegistered(ctx context.Context, ws *workspace.Workspace, name, assetURL string, lost error) (*Model, error) {
	for m, err := range List(ctx, ws, &ListOptions{Name: name}) {
		if err != nil {
			return nil, fmt.Errorf("%w; reading the versions of %s to find out failed too: %v", lost, name, err)
		}
		if m.URL == assetURL {
			return m, nil
		}
	}
	return nil, fmt.Errorf("the answer to the register request was lost and no version of %s referencing %s exists (yet): it was not registered, or the service is still working on it; list the versions of %s (model.List with ListOptions.Name) before registering again: %w",
		name, assetURL, name, lost)
}

// modelFiles lists what Register uploads, sorted by artifact path.
func modelFiles(modelPath string, childPaths []string) ([]localFile, error) {
	clean := filepath.Clean(modelPath)
	parent, base := filepath.Dir(clean), filepath.Base(clean)
	info, err := os.Stat(clean)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	if !info.IsDir() {
		return []localFile{{Path: clean, Artifact: base}}, nil
	}
	roots := []string{clean}
	if len(childPaths) > 0 {
		roots = roots[:0]
		for _, c := range childPaths {
			roots = append(roots, filepath.Join(clean, filepath.FromSlash(c)))
		}
	}
	seen := map[string]bool{}
	var files []localFile
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				st, err := os.Stat(p)
				if err != nil || !st.Mode().IsRegular() {
					return nil // dangling links and links to directories are skipped, as os.walk does
				}
			} else if !d.Type().IsRegular() {
				return nil
			}
			rel, err := filepath.Rel(parent, p)
			if err != nil {
				return err
			}
			name := filepath.ToSlash(rel)
			if !seen[name] {
				seen[name] = true
				files = append(files, localFile{Path: p, Artifact: name})
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("model: listing %s: %w", root, err)
		}
	}
	if len(files) == 0 {
		return nil, &ValidationError{Op: "Register", Problems: []FieldError{{Field: "path", Message: fmt.Sprintf("%q contains no files to register", modelPath)}}}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Artifact < files[j].Artifact })
	return files, nil
}

// Wire types of POST {MMS}/assets.
type assetBody struct {
	Name      string          `json:"name"`
	Artifacts []assetArtifact `json:"artifacts"`
}

type assetArtifact struct {
	Prefix string `json:"prefix"`
}

type assetResult struct {
	ID string `json:"id"`
}

// createAsset creates the asset of a registration. The call is retried like a
// GET: a repeat after a lost answer can only leave an unreferenced asset over
// the same artifacts (as a failed registration leaves its artifacts), never a
// second model.
func createAsset(ctx context.Context, ws *workspace.Workspace, name, prefix string) (string, error) {
	req, err := runtime.NewRequest(pipeline.WithIdempotent(ctx), http.MethodPost, ws.MMSURL("/assets"))
	if err != nil {
		return "", err
	}
	if err := runtime.MarshalAsJSON(req, assetBody{Name: name, Artifacts: []assetArtifact{{Prefix: prefix}}}); err != nil {
		return "", err
	}
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return "", err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return "", runtime.NewResponseError(resp)
	}
	var res assetResult
	if err := runtime.UnmarshalAsJSON(resp, &res); err != nil {
		return "", fmt.Errorf("reading the asset: %w", err)
	}
	if res.ID == "" {
		return "", fmt.Errorf("the service returned an asset without an id")
	}
	return res.ID, nil
}

// registerBody is the body of POST {MMS}/models (msrest Model; unset fields
// are omitted as msrest omits None).
type registerBody struct {
	Name                 string                 `json:"name"`
	KVTags               map[string]string      `json:"kvTags,omitempty"`
	Properties           map[string]string      `json:"properties,omitempty"`
	Description          string                 `json:"description,omitempty"`
	URL                  string                 `json:"url"`
	MimeType             string                 `json:"mimeType"`
	Framework            string                 `json:"framework,omitempty"`
	FrameworkVersion     string                 `json:"frameworkVersion,omitempty"`
	Unpack               bool                   `json:"unpack"`
	ExperimentName       string                 `json:"experimentName,omitempty"`
	RunID                string                 `json:"runId,omitempty"`
	Datasets             []DatasetReference     `json:"datasets,omitempty"`
	SampleInputData      string                 `json:"sampleInputData,omitempty"`
	SampleOutputData     string                 `json:"sampleOutputData,omitempty"`
	ResourceRequirements *ResourceConfiguration `json:"resourceRequirements,omitempty"`
}

func registerRequest(name, assetID string, o *RegisterOptions) registerBody {
	b := registerBody{
		Name: name, KVTags: o.Tags, Properties: o.Properties, Description: o.Description,
		URL: "aml://asset/" + assetID, MimeType: modelMimeType,
		Framework: string(o.Framework), FrameworkVersion: o.FrameworkVersion,
		ExperimentName: o.ExperimentName, RunID: o.RunID, Datasets: o.Datasets,
		ResourceRequirements: o.ResourceConfiguration,
	}
	if o.SampleInputDatasetID != "" {
		b.SampleInputData = "aml://dataset/" + o.SampleInputDatasetID
	}
	if o.SampleOutputDatasetID != "" {
		b.SampleOutputData = "aml://dataset/" + o.SampleOutputDatasetID
	}
	return b
}

func postModel(ctx context.Context, ws *workspace.Workspace, body registerBody) (*Model, error) {
	req, err := runtime.NewRequest(ctx, http.MethodPost, ws.MMSURL("/models"))
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
	return readModel(resp)
}

// readModel decodes a model response body.
func readModel(resp *http.Response) (*Model, error) {
	raw, err := runtime.Payload(resp)
	if err != nil {
		return nil, err
	}
	m, err := decodeModel(raw)
	if err != nil {
		return nil, fmt.Errorf("model: reading the model: %w", err)
	}
	return m, nil
}
