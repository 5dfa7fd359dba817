package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Defaults applied to a zero Spec field; they are the service defaults of an
// AKS web service.
const (
	DefaultScoringTimeout          = 60 * time.Second
	DefaultMaxConcurrentPerReplica = 1
	DefaultMaxQueueWait            = 500 * time.Millisecond
	DefaultPython                  = "python3"
	DefaultLogLines                = 5000
)

// Spec describes a service to run.
type Spec struct {
	// Dir is the application root: the unpacked source package. Replicas run
	// with it as working directory and on sys.path.
	Dir string
	// Driver is the entry script, absolute or relative to Dir.
	Driver string
	// ModelDir is exported to the script as AZUREML_MODEL_DIR.
	ModelDir string
	// Env holds extra environment variables for the replicas (for example
	// the environment's environmentVariables).
	Env map[string]string
	// Replicas is the number of processes; 0 means 1.
	Replicas int
	// ScoringTimeout bounds one run() call as seen by the caller; 0 means
	// DefaultScoringTimeout.
	ScoringTimeout time.Duration
	// MaxConcurrentPerReplica is how many requests one replica serves at
	// once; 0 means DefaultMaxConcurrentPerReplica.
	MaxConcurrentPerReplica int
	// MaxQueueWait is how long a request may wait for a free replica; 0
	// means DefaultMaxQueueWait.
	MaxQueueWait time.Duration
	// Python is the interpreter, a path or a name looked up on PATH; ""
	// means DefaultPython.
	Python string
	// LogLines bounds the log kept per replica; 0 means DefaultLogLines.
	LogLines int
}

// withDefaults fills zero fields and checks the rest.
func (s Spec) withDefaults() (Spec, error) {
	var errs []error
	if s.Dir == "" {
		errs = append(errs, errors.New("runtime: Spec.Dir is required"))
	} else if abs, err := filepath.Abs(s.Dir); err == nil {
		s.Dir = abs
	}
	if s.Driver == "" {
		errs = append(errs, errors.New("runtime: Spec.Driver is required"))
	} else if !filepath.IsAbs(s.Driver) {
		s.Driver = filepath.Join(s.Dir, s.Driver)
	}
	if s.Driver != "" {
		if fi, err := os.Stat(s.Driver); err != nil || fi.IsDir() {
			errs = append(errs, fmt.Errorf("runtime: entry script %s not found", filepath.Base(s.Driver)))
		}
	}
	if s.Replicas < 0 || s.MaxConcurrentPerReplica < 0 || s.ScoringTimeout < 0 || s.MaxQueueWait < 0 || s.LogLines < 0 {
		errs = append(errs, errors.New("runtime: negative Spec values are not allowed"))
	}
	if s.Replicas == 0 {
		s.Replicas = 1
	}
	if s.ScoringTimeout == 0 {
		s.ScoringTimeout = DefaultScoringTimeout
	}
	if s.MaxConcurrentPerReplica == 0 {
		s.MaxConcurrentPerReplica = DefaultMaxConcurrentPerReplica
	}
	if s.MaxQueueWait == 0 {
		s.MaxQueueWait = DefaultMaxQueueWait
	}
	if s.Python == "" {
		s.Python = DefaultPython
	}
	if s.LogLines == 0 {
		s.LogLines = DefaultLogLines
	}
	return s, errors.Join(errs...)
}
