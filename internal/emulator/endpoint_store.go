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

// kindEndpoint is the store kind of AKS endpoints.
const kindEndpoint = "endpoint"

// endpointManager holds the running replicas of every endpoint version of
// one server. Versions run like web services (same build, model layout and
// runtime), keyed "{endpoint}/{version}".
type endpointManager struct {
	s *Server

	liveRuntimes // by liveKey(endpoint, version)
}

var endpointManagers sync.Map // *Server -> *endpointManager

func endpointsOf(s *Server) *endpointManager {
	if m, ok := endpointManagers.Load(s); ok {
		return m.(*endpointManager)
	}
	return nil
}

func init() {
	registerRoutes(func(s *Server, mux *http.ServeMux) {
		m := &endpointManager{s: s, liveRuntimes: newLiveRuntimes()}
		endpointManagers.Store(s, m)
		m.repair()
		s.onClose(m.close)
		registerEndpointRoutes(s, mux)
	})
	registerModelUsers(func(s *Server, modelID string) []string {
		var users []string
		for _, raw := range s.store.List(kindEndpoint) {
			var rec endpointRecord
			if json.Unmarshal(raw, &rec) != nil {
				continue
			}
			for _, name := range sortedVersionNames(rec.Versions) {
				if eir := rec.Versions[name].Spec.EnvironmentImageRequest; eir != nil && containsString(eir.ModelIDs, modelID) {
					users = append(users, rec.Name+"/"+name)
				}
			}
		}
		return users
	})
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// registerEndpointRoutes adds the routes only endpoints have: scoring one
// version directly. Everything else shares the web-service routes, which
// hand endpoints to this feature (see endpoint_hooks.go).
func registerEndpointRoutes(s *Server, mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/service/{name}/versions/{version}/score", s.handleEndpointVersionScore)
	mux.HandleFunc("GET /api/v1/service/{name}/versions/{version}/swagger.json", s.handleEndpointVersionSwagger)
}

func liveKey(endpoint, version string) string { return endpoint + "/" + version }

// repair fixes records left by a server that stopped mid-operation: the core
// finished their operations; versions that had a deployment are healthy
// (their replicas restart on the first request), the others failed.
func (m *endpointManager) repair() {
	for _, name := range m.s.store.Keys(kindEndpoint) {
		_ = updateRecord(m.s.store, kindEndpoint, name, func(rec *endpointRecord, exists bool) (bool, error) {
			if !exists {
				return false, nil
			}
			// A damaged file can hold "version": null; every reader expects a record.
			dropped := false
			for vname, v := range rec.Versions {
				if v == nil {
					delete(rec.Versions, vname)
					dropped = true
				}
			}
			if !rec.Busy && rec.State != serviceTransitioning {
				return dropped, nil
			}
			rec.Busy = false
			for _, v := range rec.Versions {
				if v.State != serviceTransitioning {
					continue
				}
				if v.Deployed != nil {
					v.State = serviceHealthy
				} else {
					v.State = serviceFailed
					v.Error = &mmsError{Code: "DeploymentInterrupted", StatusCode: http.StatusInternalServerError,
						Message: "The local workspace stopped while this version was being deployed; update it again.", Details: []mmsErrorDetail{}}
				}
			}
			rec.State, rec.Error = endpointState(rec)
			return true, nil
		})
	}
}

func (m *endpointManager) close() {
	m.mu.Lock()
	live := m.live
	m.live = map[string]*liveService{}
	m.mu.Unlock()
	var wg sync.WaitGroup
	for _, l := range live {
		wg.Add(1)
		go func() { defer wg.Done(); _ = l.rt.Stop() }()
	}
	wg.Wait()
	endpointManagers.Delete(m.s)
}

// root is the directory of an endpoint's deployed files.
func (m *endpointManager) root(endpoint string) string {
	sm := servicesOf(m.s)
	if sm == nil || sm.root == "" {
		return ""
	}
	return filepath.Join(sm.root, "endpoints", endpoint)
}

// versionDir is where generation gen of a version keeps its files.
func (m *endpointManager) versionDir(endpoint, version string, gen int) string {
	return filepath.Join(m.root(endpoint), version, strconv.Itoa(gen))
}

// removeFiles deletes the files of a version ("" = the whole endpoint).
func (m *endpointManager) removeFiles(endpoint, version string) {
	root := m.root(endpoint)
	if root == "" || validateServiceName(endpoint) != "" {
		return
	}
	if version != "" {
		if validateServiceName(version) != "" {
			return
		}
		root = filepath.Join(root, version)
	}
	_ = os.RemoveAll(root)
}

// swap installs rt as the running generation of a version and stops the
// one it replaces.
func (m *endpointManager) swap(endpoint, version string, gen int, rt *runtime.Service) {
	k := liveKey(endpoint, version)
	m.mu.Lock()
	old := m.live[k]
	m.live[k] = &liveService{gen: gen, rt: rt}
	m.mu.Unlock()
	if old != nil && old.rt != rt {
		_ = old.rt.Stop()
	}
}

// stop stops a version's replicas.
func (m *endpointManager) stop(endpoint, version string) {
	k := liveKey(endpoint, version)
	m.mu.Lock()
	old := m.live[k]
	delete(m.live, k)
	m.mu.Unlock()
	if old != nil {
		_ = old.rt.Stop()
	}
}

// stopAll stops every version of an endpoint.
func (m *endpointManager) stopAll(endpoint string, versions []string) {
	for _, v := range versions {
		m.stop(endpoint, v)
	}
}

// liveReplicas returns a version's running replica count.
func (m *endpointManager) liveReplicas(endpoint, version string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l := m.live[liveKey(endpoint, version)]; l != nil {
		return l.rt.Replicas()
	}
	return 0
}

// isLive reports whether a version has running replicas.
func (m *endpointManager) isLive(endpoint, version string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.live[liveKey(endpoint, version)] != nil
}

// running returns the replicas of a version, restarting a healthy version's
// recorded deployment when it has none (after a restart of the local
// workspace). nil when the version cannot serve.
func (m *endpointManager) running(ctx context.Context, endpoint, version string) *runtime.Service {
	return m.runningOr(liveKey(endpoint, version), func() *runtime.Service {
		var rec endpointRecord
		if !m.s.store.Get(kindEndpoint, endpoint, &rec) {
			return nil
		}
		v := rec.Versions[version]
		if v == nil || v.Deployed == nil || v.State != serviceHealthy {
			return nil
		}
		sm := servicesOf(m.s)
		if sm == nil {
			return nil
		}
		rt, err := sm.startRuntime(ctx, versionServiceRecord(&rec, version, v), v.Deployed)
		if err != nil {
			m.s.logf("emulator: endpoint %s version %s: restart failed: %v", endpoint, version, err)
			return nil
		}
		m.swap(endpoint, version, v.Deployed.Generation, rt)
		return rt
	})
}

// versionServiceRecord presents a version as a web-service record, so that
// the web-service deployment steps (build, model layout, runtime start) and
// views serve versions too.
func versionServiceRecord(ep *endpointRecord, name string, v *endpointVersionRecord) *serviceRecord {
	return &serviceRecord{
		Name: name, Spec: v.Spec, State: v.State, Error: v.Error,
		Created: v.Created, Updated: v.Updated, OperationID: ep.OperationID,
		Generation: v.Generation, Deployed: v.Deployed, Log: v.Log, InitLog: v.InitLog,
	}
}

// authRecord presents the endpoint's scoring credentials as a web-service
// record, for the shared key and token checks.
func (ep *endpointRecord) authRecord() *serviceRecord {
	return &serviceRecord{
		Name: ep.Name, PrimaryKey: ep.PrimaryKey, SecondaryKey: ep.SecondaryKey, Incarnation: ep.Incarnation,
		Spec: serviceCreateRequest{AuthEnabled: ep.Spec.AuthEnabled, AadAuthEnabled: ep.Spec.AadAuthEnabled},
	}
}

// endpointState derives the endpoint's state from its versions: Healthy when
// every version is, Transitioning while one is being deployed, Failed when
// none can serve, else Unhealthy; the error is the first version error.
func endpointState(rec *endpointRecord) (string, *mmsError) {
	if len(rec.Versions) == 0 {
		return serviceUnhealthy, nil
	}
	healthy, transitioning := 0, 0
	var firstErr *mmsError
	for _, name := range sortedVersionNames(rec.Versions) {
		v := rec.Versions[name]
		switch v.State {
		case serviceHealthy:
			healthy++
		case serviceTransitioning:
			transitioning++
		}
		if v.Error != nil && firstErr == nil {
			e := *v.Error
			e.Message = "Version " + name + ": " + e.Message
			firstErr = &e
		}
	}
	switch {
	case transitioning > 0:
		return serviceTransitioning, nil
	case healthy == len(rec.Versions):
		return serviceHealthy, nil
	case healthy == 0:
		return serviceFailed, firstErr
	default:
		return serviceUnhealthy, firstErr
	}
}

func nowUTC() time.Time { return time.Now().UTC() }
