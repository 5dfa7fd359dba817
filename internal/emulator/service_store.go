package emulator

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/azureml-go/azureml/internal/emulator/runtime"
)

// Store kinds of the web-service feature.
const (
	kindService         = "service"
	kindServiceTokenKey = "servicetokenkey"
	serviceTokenKeyKey  = "hmac"
)

// Web-service states (reference §5.4).
const (
	serviceTransitioning = "Transitioning"
	serviceHealthy       = "Healthy"
	serviceUnhealthy     = "Unhealthy"
	serviceFailed        = "Failed"
)

// maxStoredLog bounds the log text kept in a service record.
const maxStoredLog = 256 << 10

// serviceRecord is the persisted state of one web service.
type serviceRecord struct {
	Name string `json:"name"`
	// Spec is the create request with every update applied. Keys and the
	// registry password are never kept in it.
	Spec         serviceCreateRequest `json:"spec"`
	State        string               `json:"state"`
	Error        *mmsError            `json:"error,omitempty"`
	Created      time.Time            `json:"created"`
	Updated      time.Time            `json:"updated"`
	PrimaryKey   string               `json:"primaryKey"`
	SecondaryKey string               `json:"secondaryKey"`
	// Incarnation changes when the service is created (not on update), so
	// tokens of a deleted service never work for a new one of the same name.
	Incarnation string `json:"incarnation"`
	OperationID string `json:"operationId"`
	// Busy is set while an operation changes the service.
	Busy bool `json:"busy"`
	// Generation counts deployments; an operation only commits when the
	// generation it started from is still current.
	Generation int `json:"generation"`
	// Deployed is the layout of the running generation (empty before the
	// first successful deployment).
	Deployed *serviceDeployment `json:"deployed,omitempty"`
	// Log is the output of replicas that no longer run: a failed start, or
	// the replicas of a previous process of a persistent local workspace.
	// InitLog is the model download ("storage initializer") log of the last
	// deployment.
	Log     string `json:"log,omitempty"`
	InitLog string `json:"initLog,omitempty"`
}

// serviceDeployment says where a generation's files are and how to run them.
type serviceDeployment struct {
	Generation int               `json:"generation"`
	Dir        string            `json:"dir"`
	AppDir     string            `json:"appDir"`
	Driver     string            `json:"driver"`
	ModelDir   string            `json:"modelDir"`
	Env        map[string]string `json:"env"`
}

// serviceManager holds the running replicas of one server's services.
type serviceManager struct {
	s    *Server
	root string // directory of deployed files
	// tokenTTL is the lifetime of scoring tokens; refreshAfter is half of it.
	tokenTTL time.Duration
	tokenKey []byte

	liveRuntimes // by service name
}

// liveService is a running generation.
type liveService struct {
	gen int
	rt  *runtime.Service
}

var serviceManagers sync.Map // *Server -> *serviceManager

func servicesOf(s *Server) *serviceManager {
	if m, ok := serviceManagers.Load(s); ok {
		return m.(*serviceManager)
	}
	return nil
}

func init() {
	registerRoutes(func(s *Server, mux *http.ServeMux) {
		m := newServiceManager(s)
		serviceManagers.Store(s, m)
		m.repair()
		s.onClose(m.close)
		registerServiceRoutes(s, mux)
	})
	registerModelUsers(func(s *Server, modelID string) []string {
		var users []string
		for _, raw := range s.store.List(kindService) {
			var rec serviceRecord
			if json.Unmarshal(raw, &rec) == nil && rec.Spec.EnvironmentImageRequest != nil {
				for _, id := range rec.Spec.EnvironmentImageRequest.ModelIDs {
					if id == modelID {
						users = append(users, rec.Name)
						break
					}
				}
			}
		}
		return users
	})
}

func newServiceManager(s *Server) *serviceManager {
	m := &serviceManager{s: s, tokenTTL: time.Hour, liveRuntimes: newLiveRuntimes()}
	if s.opts.DataDir != "" {
		m.root = filepath.Join(s.opts.DataDir, "services")
	} else if dir, err := os.MkdirTemp("", "azureml-emulator-services-"); err == nil {
		m.root = dir
	}
	var key string
	_ = updateRecord(s.store, kindServiceTokenKey, serviceTokenKeyKey, func(cur *string, exists bool) (bool, error) {
		if exists && *cur != "" {
			key = *cur
			return false, nil
		}
		*cur = newSecret(32)
		key = *cur
		return true, nil
	})
	m.tokenKey = []byte(key)
	return m
}

// repair fixes records left by a server that stopped mid-operation: their
// operations were finished by the core, their processes are gone. Healthy
// services restart lazily on their first scoring request.
func (m *serviceManager) repair() {
	for _, name := range m.s.store.Keys(kindService) {
		_ = updateRecord(m.s.store, kindService, name, func(rec *serviceRecord, exists bool) (bool, error) {
			if !exists || !rec.Busy && rec.State != serviceTransitioning {
				return false, nil
			}
			rec.Busy = false
			if rec.Deployed != nil {
				rec.State = serviceHealthy
			} else {
				rec.State = serviceFailed
				rec.Error = &mmsError{Code: "DeploymentInterrupted", StatusCode: http.StatusInternalServerError,
					Message: "The local workspace stopped while this service was being deployed; deploy it again.", Details: []mmsErrorDetail{}}
			}
			return true, nil
		})
	}
}

func (m *serviceManager) close() {
	m.mu.Lock()
	live := m.live
	m.live = map[string]*liveService{}
	m.mu.Unlock()
	var wg sync.WaitGroup
	for name, l := range live {
		// Keep what the replicas printed: the next server (another process
		// with the same data directory) serves it before its own lines.
		m.keepLog(name, l.rt.Logs(0))
		wg.Add(1)
		go func() { defer wg.Done(); _ = l.rt.Stop() }()
	}
	wg.Wait()
	serviceManagers.Delete(m.s)
	if m.s.opts.DataDir == "" && m.root != "" {
		_ = os.RemoveAll(m.root)
	}
}

// keepLog appends the output of stopped replicas to the service's stored log.
func (m *serviceManager) keepLog(name, logs string) {
	if logs == "" {
		return
	}
	_ = updateRecord(m.s.store, kindService, name, func(rec *serviceRecord, exists bool) (bool, error) {
		if !exists {
			return false, nil
		}
		rec.Log = truncateServiceLog(rec.Log + logs)
		return true, nil
	})
}

// generationDir is where generation gen of a service keeps its files.
func (m *serviceManager) generationDir(name string, gen int) string {
	return filepath.Join(m.root, name, strconv.Itoa(gen))
}

// swap installs rt as the running generation of name and stops the one it
// replaces.
func (m *serviceManager) swap(name string, gen int, rt *runtime.Service) {
	m.mu.Lock()
	old := m.live[name]
	m.live[name] = &liveService{gen: gen, rt: rt}
	m.mu.Unlock()
	if old != nil && old.rt != rt {
		_ = old.rt.Stop()
	}
}

// stop stops and forgets the running generation of name.
func (m *serviceManager) stop(name string) {
	m.mu.Lock()
	old := m.live[name]
	delete(m.live, name)
	m.mu.Unlock()
	if old != nil {
		_ = old.rt.Stop()
	}
}

// running returns the live runtime of name, starting the recorded deployment
// if the service is healthy but has no processes (after a restart of the
// local workspace). It returns nil when the service cannot serve.
func (m *serviceManager) running(ctx context.Context, name string) *runtime.Service {
	return m.runningOr(name, func() *runtime.Service {
		var rec serviceRecord
		if !m.s.store.Get(kindService, name, &rec) || rec.Deployed == nil || rec.State != serviceHealthy {
			return nil
		}
		rt, err := m.startRuntime(ctx, &rec, rec.Deployed)
		if err != nil {
			m.s.logf("emulator: service %s: restart failed: %v", name, err)
			return nil
		}
		m.swap(name, rec.Deployed.Generation, rt)
		return rt
	})
}

// startRuntime starts the replicas of a deployment.
func (m *serviceManager) startRuntime(ctx context.Context, rec *serviceRecord, d *serviceDeployment) (*runtime.Service, error) {
	st := rec.Spec.settings(m.s.opts.WorkspaceName)
	return runtime.Start(ctx, runtime.Spec{
		Dir: d.AppDir, Driver: d.Driver, ModelDir: d.ModelDir, Env: d.Env,
		Replicas:                st.replicasToRun(),
		ScoringTimeout:          st.scoringTimeout(),
		MaxConcurrentPerReplica: st.MaxConcurrent,
		MaxQueueWait:            st.queueWait(),
		Python:                  m.s.opts.Python,
	})
}
