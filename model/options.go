package model

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// RegisterOptions holds the optional parameters of Register, named after the
// parameters of azureml-core's Model.register. A nil *RegisterOptions means
// none of them.
type RegisterOptions struct {
	// Tags are mutable key/value labels (wire field kvTags). Default none.
	Tags map[string]string
	// Properties are immutable key/value pairs: once registered a key can
	// never be changed or removed. Default none.
	Properties map[string]string
	// Description is free text. Default empty.
	Description string
	// Framework is the model's framework. Default unset (the service treats
	// the model as Custom).
	Framework Framework
	// FrameworkVersion is the framework's version; it requires Framework.
	FrameworkVersion string
	// ResourceConfiguration is the CPU, memory and GPU the model needs when
	// served. Default unset.
	ResourceConfiguration *ResourceConfiguration
	// ChildPaths, when the model path is a directory, restricts the upload
	// to these entries, given relative to that directory (directories are
	// taken recursively). Default: every file under the directory.
	ChildPaths []string
	// Datasets associates datasets with the model, each under a scenario name
	// such as "training" or "inferencing". Default none.
	Datasets []DatasetReference
	// SampleInputDatasetID is the id of a dataset holding sample input
	// (sent as "aml://dataset/{id}"). Default unset.
	SampleInputDatasetID string
	// SampleOutputDatasetID is the id of a dataset holding sample output
	// (sent as "aml://dataset/{id}"). Default unset.
	SampleOutputDatasetID string
	// ExperimentName and RunID link the model to the run that produced it.
	// azureml-core sets them only through Run.register_model. Default unset.
	ExperimentName string
	// RunID is the id of the run that produced the model. Default unset.
	RunID string
}

// DatasetReference associates a dataset with a model under a scenario name.
type DatasetReference struct {
	// Name is the scenario, e.g. "training" (wire field name).
	Name string `json:"name"`
	// ID is the dataset id (wire field id).
	ID string `json:"id"`
}

// ResourceConfiguration is the resources a model needs when it is served
// (azureml-core ResourceConfiguration). Nil fields are left to the service.
type ResourceConfiguration struct {
	// CPU is the number of CPU cores; must be > 0 when set.
	CPU *float64 `json:"cpu,omitempty"`
	// MemoryInGB is the memory in GB; must be > 0 when set.
	MemoryInGB *float64 `json:"memoryInGB,omitempty"`
	// GPU is the number of GPUs; must be >= 0 when set.
	GPU *int `json:"gpu,omitempty"`
}

// validate checks the configuration; prefix names the field in messages.
func (rc *ResourceConfiguration) validate(prefix string, p *problems) {
	if rc == nil {
		return
	}
	pos := func(field string, v *float64) {
		if v != nil && (!(*v > 0) || math.IsInf(*v, 0)) {
			p.add(prefix+"."+field, fmt.Sprintf("must be a finite number greater than 0, got %v", *v))
		}
	}
	pos("CPU", rc.CPU)
	pos("MemoryInGB", rc.MemoryInGB)
	if rc.GPU != nil && *rc.GPU < 0 {
		p.add(prefix+".GPU", fmt.Sprintf("must be 0 or more, got %d", *rc.GPU))
	}
}

// validate checks everything Register can check before any I/O, including
// that the model path and child paths exist. It returns every problem.
func (o *RegisterOptions) validate(modelPath, name string) error {
	var p problems
	if err := ValidateName(name); err != nil {
		p.add("name", err.(FieldError).Message)
	}
	info, statErr := os.Stat(modelPath)
	switch {
	case modelPath == "":
		p.add("path", "the model path is required")
	case statErr != nil:
		p.add("path", fmt.Sprintf("model path %q does not exist or cannot be read: %v", modelPath, pathErrText(statErr)))
	case !info.IsDir() && !info.Mode().IsRegular():
		p.add("path", fmt.Sprintf("model path %q is neither a regular file nor a directory", modelPath))
	}
	if o == nil {
		return p.err("Register")
	}
	validateKV("Tags", o.Tags, &p)
	validateKV("Properties", o.Properties, &p)
	if o.FrameworkVersion != "" && o.Framework == "" {
		p.add("FrameworkVersion", "a framework version requires a framework (set Framework)")
	}
	o.ResourceConfiguration.validate("ResourceConfiguration", &p)
	if len(o.ChildPaths) > 0 {
		if statErr == nil && !info.IsDir() {
			p.add("ChildPaths", "child paths need a model path that is a directory")
		}
		for i, c := range o.ChildPaths {
			field := fmt.Sprintf("ChildPaths[%d]", i)
			if err := checkChildPath(c); err != nil {
				p.add(field, err.Error())
				continue
			}
			if statErr == nil && info.IsDir() {
				if _, err := os.Stat(filepath.Join(modelPath, filepath.FromSlash(c))); err != nil {
					p.add(field, fmt.Sprintf("%q does not exist under the model path: %v", c, pathErrText(err)))
				}
			}
		}
	}
	for i, d := range o.Datasets {
		if d.Name == "" {
			p.add(fmt.Sprintf("Datasets[%d].Name", i), "the scenario name is required")
		}
		if d.ID == "" {
			p.add(fmt.Sprintf("Datasets[%d].ID", i), "the dataset id is required")
		}
	}
	if o.RunID != "" && o.ExperimentName == "" {
		p.add("ExperimentName", "a run id requires the experiment name")
	}
	return p.err("Register")
}

// checkChildPath rejects child paths that are absolute or leave the model directory.
func checkChildPath(c string) error {
	s := filepath.ToSlash(c)
	if c == "" {
		return fmt.Errorf("must not be empty")
	}
	if filepath.IsAbs(c) || strings.HasPrefix(s, "/") {
		return fmt.Errorf("%q must be relative to the model path", c)
	}
	if clean := path.Clean(s); clean == ".." || strings.HasPrefix(clean, "../") {
		return fmt.Errorf("%q must stay inside the model path", c)
	}
	return nil
}

// validateKV rejects empty keys, in sorted key order so messages are stable.
func validateKV(field string, m map[string]string, p *problems) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.TrimSpace(k) == "" {
			p.add(field, "keys must not be empty")
		}
	}
}

// pathErrText drops the path that *fs.PathError repeats, keeping the cause.
func pathErrText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
