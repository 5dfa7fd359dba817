package model

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/azureml-go/azureml/workspace"
)

// MIME types of environmentImageRequest assets (reference §3.4).
const (
	mimePython      = "application/x-python"
	mimeOctetStream = "application/octet-stream"
)

// ImageAsset is one file the service places in the container: the driver
// program, the source package (unpacked) or the bare entry script.
type ImageAsset struct {
	// ID is the file name in the container (and the asset id).
	ID string `json:"id"`
	// URL is "aml://artifact/{origin}/{container}/{path}".
	URL string `json:"url"`
	// MimeType is application/x-python for the driver, else application/octet-stream.
	MimeType string `json:"mimeType"`
	// Unpack is set for the source package, which the service untars.
	Unpack bool `json:"unpack,omitempty"`
}

// EnvironmentImageRequest is the environmentImageRequest of a deployment
// (reference §3.4): the driver program, the uploaded assets, the model ids
// and the Environment. Its JSON form (MarshalJSON) is the wire body and
// reveals the registry password; do not log it.
type EnvironmentImageRequest struct {
	// DriverProgram is the asset id of the driver program; "" for a no-code
	// deployment.
	DriverProgram string
	// Assets lists the driver and the source package (or entry script).
	Assets []ImageAsset
	// ModelIDs are the deployed models, "{name}:{version}".
	ModelIDs []string
	// Environment is the resolved environment, with AZUREML_SOURCE_DIRECTORY
	// and AZUREML_ENTRY_SCRIPT set; nil for a no-code deployment.
	Environment *Environment
}

// MarshalJSON writes the wire form: driverProgram, assets, modelIds and
// environment, each omitted when empty.
func (r *EnvironmentImageRequest) MarshalJSON() ([]byte, error) {
	type wire struct {
		DriverProgram string           `json:"driverProgram,omitempty"`
		Assets        []ImageAsset     `json:"assets,omitempty"`
		ModelIDs      []string         `json:"modelIds,omitempty"`
		Environment   *environmentWire `json:"environment,omitempty"`
	}
	w := wire{DriverProgram: r.DriverProgram, Assets: r.Assets, ModelIDs: r.ModelIDs}
	if r.Environment != nil {
		ew := r.Environment.wire()
		w.Environment = &ew
	}
	return json.Marshal(w)
}

// String describes the request without the environment's secrets.
func (r *EnvironmentImageRequest) String() string {
	ids := make([]string, len(r.Assets))
	for i, a := range r.Assets {
		ids[i] = a.ID
	}
	env := "none"
	if r.Environment != nil {
		env = r.Environment.Name
	}
	return fmt.Sprintf("environmentImageRequest{driver %s, assets [%s], models [%s], environment %s}",
		r.DriverProgram, strings.Join(ids, " "), strings.Join(r.ModelIDs, " "), env)
}

// LogValue implements slog.LogValuer with String: a JSON log handler would
// otherwise write the wire form, registry password included.
func (r *EnvironmentImageRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// BuildEnvironmentImageRequest validates ic, uploads what the deployment needs
// and returns the environmentImageRequest for a deployment of modelIDs:
//
//   - the driver program (DriverProgram) as its own artifact;
//   - the source directory as a streamed tar.gz ("<8 hex>.tar.gz", unpack
//     true), or without a source directory the entry script itself;
//   - the resolved Environment with AZUREML_SOURCE_DIRECTORY (with a source
//     directory) and AZUREML_ENTRY_SCRIPT added.
//
// With ic == nil it returns the no-code request {"modelIds": [...]} and
// uploads nothing. Each upload uses UploadDependency's flow.
func BuildEnvironmentImageRequest(ctx context.Context, ws *workspace.Workspace, ic *InferenceConfig, modelIDs []string) (*EnvironmentImageRequest, error) {
	var p problems
	for i, id := range modelIDs {
		if fe := validateID(fmt.Sprintf("modelIDs[%d]", i), id); fe != nil {
			p = append(p, *fe)
		}
	}
	if ic == nil {
		if len(modelIDs) == 0 {
			p.add("modelIDs", "a deployment without an InferenceConfig needs a model")
		}
		if err := p.err("BuildEnvironmentImageRequest"); err != nil {
			return nil, err
		}
		return &EnvironmentImageRequest{ModelIDs: append([]string(nil), modelIDs...)}, nil
	}
	p.merge(ic.Validate())
	if err := p.err("BuildEnvironmentImageRequest"); err != nil {
		return nil, err
	}
	env, err := ic.ResolvedEnvironment()
	if err != nil {
		return nil, err
	}
	if env.EnvironmentVariables == nil {
		env.EnvironmentVariables = map[string]string{}
	}
	entry := ic.EntryScriptEnv()
	env.EnvironmentVariables[EnvEntryScript] = entry
	srcBase := ic.sourceBase()
	if srcBase != "" {
		env.EnvironmentVariables[EnvSourceDirectory] = srcBase
	}

	req := &EnvironmentImageRequest{ModelIDs: append([]string(nil), modelIDs...), Environment: env}
	driverName := "driver_" + newHex8() + ".py"
	driverURL, err := uploadStream(ctx, ws, driverName, strings.NewReader(DriverProgram(entry, srcBase)))
	if err != nil {
		return nil, fmt.Errorf("model: uploading the driver program: %w", err)
	}
	req.DriverProgram = driverName
	req.Assets = append(req.Assets, ImageAsset{ID: driverName, URL: driverURL, MimeType: mimePython})

	if ic.SourceDirectory != "" {
		pkgName := newHex8() + ".tar.gz"
		pkgURL, err := uploadSourcePackage(ctx, ws, pkgName, ic.SourceDirectory)
		if err != nil {
			return nil, fmt.Errorf("model: uploading source directory %s: %w", ic.SourceDirectory, err)
		}
		req.Assets = append(req.Assets, ImageAsset{ID: pkgName, URL: pkgURL, MimeType: mimeOctetStream, Unpack: true})
	} else {
		scriptURL, err := UploadDependency(ctx, ws, ic.EntryScript)
		if err != nil {
			return nil, fmt.Errorf("model: uploading entry script %s: %w", ic.EntryScript, err)
		}
		req.Assets = append(req.Assets, ImageAsset{ID: filepath.Base(ic.EntryScript), URL: scriptURL, MimeType: mimeOctetStream})
	}
	return req, nil
}

// UploadDependency uploads a local file as its own artifact, as azureml-core's
// upload_dependency: origin LocalUpload, a container of 8 random hex
// characters, one artifact named after the file, streamed from disk. It
// returns "aml://artifact/LocalUpload/{container}/{file name}". A path that
// already starts with http or wasb is returned unchanged.
func UploadDependency(ctx context.Context, ws *workspace.Workspace, path string) (string, error) {
	if strings.HasPrefix(path, "http") || strings.HasPrefix(path, "wasb") {
		return path, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("model: dependency: %w", err)
	}
	if !info.Mode().IsRegular() {
		return "", fmt.Errorf("model: dependency %s is not a regular file", path)
	}
	container := newHex8()
	name := filepath.Base(path)
	if err := uploadFiles(ctx, ws, originLocalUpload, container, []localFile{{Path: path, Artifact: name}}); err != nil {
		return "", err
	}
	return artifactURL(container, name), nil
}

func artifactURL(container, name string) string {
	return "aml://artifact/" + originLocalUpload + "/" + container + "/" + name
}

// uploadStream uploads r as the one artifact name of a fresh container.
func uploadStream(ctx context.Context, ws *workspace.Workspace, name string, r io.Reader) (string, error) {
	container := newHex8()
	uris, err := createArtifacts(ctx, ws, originLocalUpload, container, []string{name})
	if err != nil {
		return "", fmt.Errorf("creating the artifact: %w", err)
	}
	if err := (blobUploader{pl: ws.Pipeline()}).putStream(ctx, uris[name], r); err != nil {
		return "", fmt.Errorf("uploading %s: %w", name, err)
	}
	return artifactURL(container, name), nil
}

// uploadSourcePackage streams the tar.gz of dir into the upload through a
// pipe: packaging and upload run together and at most one 4 MiB block is in
// memory.
func uploadSourcePackage(ctx context.Context, ws *workspace.Workspace, name, dir string) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := WriteSourcePackage(ctx, pw, dir)
		_ = pw.CloseWithError(err)
		done <- err
	}()
	url, err := uploadStream(ctx, ws, name, pr)
	_ = pr.CloseWithError(io.ErrClosedPipe) // stops the packager if the upload gave up
	cancel()
	perr := <-done
	if err != nil {
		return "", err
	}
	if perr != nil {
		return "", perr
	}
	return url, nil
}
