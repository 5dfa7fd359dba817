package emulator

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/azureml-go/azureml/internal/emulator/runtime"
)

// Sub-operation types of a deployment (reference §5.3).
const (
	subBuildEnvironment = "BuildEnvironment"
	subDeployService    = "DeployService"
)

// defaultInitTimeout bounds how long replicas may take to pass init().
const defaultInitTimeout = 5 * time.Minute

// maxSourcePackage bounds the unpacked size of a source package.
const maxSourcePackage = 2 << 30

// deployFailure is a failed deployment: the operation error and what the
// service record keeps.
type deployFailure struct {
	code, message string
	log           string
}

func (f *deployFailure) asError() error { return newOpError(f.code, f.message) }

// runDeploy is the body of a Deploy operation for generation gen of a
// service: build the application directory, lay out the models, start the
// replicas, and swap them in.
func (m *serviceManager) runDeploy(ctx context.Context, name string, gen int, log func(string), setSub func(string, string)) error {
	var rec serviceRecord
	if !m.s.store.Get(kindService, name, &rec) || rec.Generation != gen {
		return errOpCanceled
	}
	dir := m.generationDir(name, gen)
	_ = os.RemoveAll(dir)

	setSub(subBuildEnvironment, "Running")
	log(fmt.Sprintf("Building the environment of service %s.", name))
	d, fail := m.buildApp(&rec, dir, log)
	if fail != nil {
		setSub(subBuildEnvironment, "Failed")
		return m.fail(name, gen, dir, fail, "")
	}
	setSub(subBuildEnvironment, "Succeeded")
	log("Environment ready.")

	setSub(subDeployService, "Running")
	var initLog strings.Builder
	if fail := m.layoutModels(&rec, dir, d, &initLog, log); fail != nil {
		setSub(subDeployService, "Failed")
		return m.fail(name, gen, dir, fail, initLog.String())
	}
	st := rec.Spec.settings(m.s.opts.WorkspaceName)
	log(fmt.Sprintf("Starting %d replica(s) of service %s.", st.replicasToRun(), name))
	sctx, cancel := context.WithTimeout(ctx, defaultInitTimeout)
	rt, err := m.startRuntime(sctx, &rec, d)
	cancel()
	if err != nil {
		setSub(subDeployService, "Failed")
		return m.fail(name, gen, dir, startFailure(err, ctx), initLog.String())
	}
	committed := false
	_ = updateRecord(m.s.store, kindService, name, func(r *serviceRecord, exists bool) (bool, error) {
		if !exists || r.Generation != gen {
			return false, nil
		}
		r.State, r.Error, r.Busy = serviceHealthy, nil, false
		r.Deployed, r.Log, r.InitLog = d, "", initLog.String()
		r.Updated = time.Now().UTC()
		committed = true
		return true, nil
	})
	if !committed {
		_ = rt.Stop()
		_ = os.RemoveAll(dir)
		return errOpCanceled
	}
	m.swap(name, gen, rt)
	m.removeOtherGenerations(name, gen)
	setSub(subDeployService, "Succeeded")
	log(fmt.Sprintf("Service %s is healthy.", name))
	return nil
}

// startFailure classifies an error of runtime.Start.
func startFailure(err error, opCtx context.Context) *deployFailure {
	var ie *runtime.InitError
	switch {
	case errors.As(err, &ie):
		msg := "Your container application crashed: the entry script's init() failed, so the replicas never became ready."
		if ie.Traceback != "" {
			msg += "\n" + ie.Traceback
		}
		msg += "\nCall get_logs() / GetLogs for the full log."
		return &deployFailure{code: "CrashLoopBackOff", message: msg, log: ie.Log}
	case errors.Is(err, runtime.ErrPythonNotFound):
		return &deployFailure{code: "EnvironmentBuildFailed", message: err.Error()}
	case opCtx.Err() == nil && errors.Is(err, context.DeadlineExceeded):
		return &deployFailure{code: "DeploymentTimedOut", message: fmt.Sprintf("The replicas did not finish init() within %s.", defaultInitTimeout)}
	default:
		return &deployFailure{code: "DeploymentFailed", message: err.Error()}
	}
}

// fail records a failed deployment and returns the operation error.
func (m *serviceManager) fail(name string, gen int, dir string, f *deployFailure, initLog string) error {
	_ = updateRecord(m.s.store, kindService, name, func(r *serviceRecord, exists bool) (bool, error) {
		if !exists || r.Generation != gen {
			return false, nil
		}
		r.State, r.Busy = serviceFailed, false
		r.Error = &mmsError{Code: f.code, StatusCode: http.StatusBadRequest, Message: f.message, Details: []mmsErrorDetail{}}
		r.Log = truncateServiceLog(f.log)
		r.InitLog = truncateServiceLog(initLog)
		r.Updated = time.Now().UTC()
		return true, nil
	})
	_ = os.RemoveAll(dir)
	return newOpError(f.code, f.message)
}

func truncateServiceLog(s string) string {
	if len(s) <= maxStoredLog {
		return s
	}
	return s[len(s)-maxStoredLog:]
}

// buildApp is the BuildEnvironment step: fetch the assets into dir/app,
// unpacking archives, and check the interpreter.
func (m *serviceManager) buildApp(rec *serviceRecord, dir string, log func(string)) (*serviceDeployment, *deployFailure) {
	eir := rec.Spec.EnvironmentImageRequest
	buildFail := func(format string, args ...any) *deployFailure {
		return &deployFailure{code: "EnvironmentBuildFailed", message: fmt.Sprintf(format, args...)}
	}
	if m.root == "" {
		return nil, buildFail("the local workspace has no directory for deployed services")
	}
	app := filepath.Join(dir, "app")
	if err := os.MkdirAll(app, 0o700); err != nil {
		return nil, buildFail("cannot create the application directory: %v", err)
	}
	for _, a := range eir.Assets {
		file, err := artifactFile(m.s, a.URL)
		if err != nil {
			return nil, buildFail("asset %s: %v", a.ID, err)
		}
		if a.Unpack {
			log(fmt.Sprintf("Unpacking asset %s.", a.ID))
			if err := extractTarGz(file, app); err != nil {
				return nil, buildFail("asset %s: cannot unpack: %v", a.ID, err)
			}
			continue
		}
		target, err := assetTarget(app, a.ID)
		if err != nil {
			return nil, buildFail("asset %s: %v", a.ID, err)
		}
		log(fmt.Sprintf("Fetching asset %s.", a.ID))
		if err := copyServiceFile(file, target); err != nil {
			return nil, buildFail("asset %s: %v", a.ID, err)
		}
	}
	driver, err := assetTarget(app, eir.DriverProgram)
	if err != nil {
		return nil, buildFail("driverProgram: %v", err)
	}
	if fi, err := os.Stat(driver); err != nil || fi.IsDir() {
		return nil, buildFail("the driver program %s is not among the fetched assets", eir.DriverProgram)
	}
	python := m.s.opts.Python
	if python == "" {
		python = runtime.DefaultPython
	}
	if _, err := exec.LookPath(python); err != nil {
		return nil, buildFail("%v (looked for %q)", runtime.ErrPythonNotFound, python)
	}
	env := map[string]string{}
	if e := eir.Environment; e != nil {
		for k, v := range e.EnvironmentVariables {
			env[k] = v
		}
		if e.Python != nil && len(e.Python.CondaDependencies) > 0 && string(e.Python.CondaDependencies) != "null" {
			log(fmt.Sprintf("The local workspace does not install conda dependencies: environment %s runs with %s and the packages already installed for it.", e.Name, python))
		}
	}
	return &serviceDeployment{Generation: rec.Generation, Dir: dir, AppDir: app, Driver: driver, Env: env}, nil
}

// layoutModels is the storage-initializer step: copy every model's files to
// dir/azureml-models/{name}/{version}/ and point AZUREML_MODEL_DIR at the
// single model's directory, or at azureml-models when there are several.
func (m *serviceManager) layoutModels(rec *serviceRecord, dir string, d *serviceDeployment, initLog io.Writer, log func(string)) *deployFailure {
	root := filepath.Join(dir, "azureml-models")
	if err := os.MkdirAll(root, 0o700); err != nil {
		return &deployFailure{code: "ModelDownloadFailed", message: err.Error()}
	}
	ids := rec.Spec.EnvironmentImageRequest.ModelIDs
	d.ModelDir = root
	for _, id := range ids {
		name, version, ok := strings.Cut(id, ":")
		if !ok || name == "" || version == "" || strings.ContainsAny(name+version, `/\`) || name == ".." || version == ".." {
			return &deployFailure{code: "ModelDownloadFailed", message: fmt.Sprintf("model id %q is not name:version", id)}
		}
		files, err := modelFiles(m.s, id)
		if err != nil {
			return &deployFailure{code: "ModelDownloadFailed", message: err.Error()}
		}
		mdir := filepath.Join(root, name, version)
		for _, f := range files {
			target, err := joinInside(mdir, f.Path)
			if err == nil {
				err = copyServiceFile(f.File, target)
			}
			if err != nil {
				return &deployFailure{code: "ModelDownloadFailed", message: fmt.Sprintf("model %s file %s: %v", id, f.Path, err)}
			}
		}
		fmt.Fprintf(initLog, "%s Downloaded model %s (%d file(s)) to azureml-models/%s/%s\n", time.Now().UTC().Format(time.RFC3339), id, len(files), name, version)
		log(fmt.Sprintf("Model %s ready.", id))
		if len(ids) == 1 {
			d.ModelDir = mdir
		}
	}
	if len(ids) == 0 {
		fmt.Fprintf(initLog, "%s No models to download.\n", time.Now().UTC().Format(time.RFC3339))
	}
	return nil
}

// assetTarget is where a non-archive asset goes: its id must be a plain
// relative path inside the application directory.
func assetTarget(app, id string) (string, error) {
	return joinInside(app, id)
}

// joinInside joins a slash-separated relative path to dir, refusing anything
// that would leave dir.
func joinInside(dir, rel string) (string, error) {
	clean := path.Clean("/" + strings.ReplaceAll(rel, `\`, "/"))
	if rel == "" || clean == "/" || strings.HasPrefix(rel, "/") || strings.Contains("/"+rel+"/", "/../") {
		return "", fmt.Errorf("path %q is not a relative path inside the package", rel)
	}
	return filepath.Join(dir, filepath.FromSlash(clean[1:])), nil
}

func copyServiceFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// extractTarGz unpacks a .tar.gz into dir. Absolute paths, ".." and links
// are refused, and the total size is bounded.
func extractTarGz(file, dir string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	var total int64
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(h.Name, "./")
		if name == "" || name == "." {
			continue
		}
		target, err := joinInside(dir, strings.TrimSuffix(name, "/"))
		if err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o700); err != nil {
				return err
			}
		case tar.TypeReg:
			total += h.Size
			if total > maxSourcePackage {
				return fmt.Errorf("the package unpacks to more than %d bytes", int64(maxSourcePackage))
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
				return err
			}
			out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, io.LimitReader(tr, h.Size)); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("entry %q: only files and directories are allowed (type %q)", h.Name, string(h.Typeflag))
		}
	}
}

// removeFiles deletes every generation of a service.
func (m *serviceManager) removeFiles(name string) {
	if m.root != "" && validateServiceName(name) == "" {
		_ = os.RemoveAll(filepath.Join(m.root, name))
	}
}

// removeOtherGenerations deletes the files of generations other than keep.
func (m *serviceManager) removeOtherGenerations(name string, keep int) {
	entries, err := os.ReadDir(filepath.Join(m.root, name))
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Name() != strconv.Itoa(keep) {
			_ = os.RemoveAll(filepath.Join(m.root, name, e.Name()))
		}
	}
}
