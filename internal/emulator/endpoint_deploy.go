package emulator

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/azureml-go/azureml/internal/emulator/runtime"
)

// versionAction is what an operation does to one version's replicas.
type versionAction int

const (
	actionNone     versionAction = iota
	actionDeploy                 // build and start a new generation
	actionReconfig               // scale / change limits of the running replicas
	actionStop                   // the version was removed
)

// endpointWork is the runtime side of an endpoint operation: the versions to
// (re)deploy, reconfigure or stop, each at the version generation it was
// recorded with.
type endpointWork struct {
	endpoint string
	gen      int // endpoint generation the operation belongs to
	actions  map[string]versionAction
	vgen     map[string]int
}

// run carries out the work in version-name order and commits the endpoint's
// state. It returns the first version failure as the operation error.
func (m *endpointManager) run(ctx context.Context, w endpointWork, log func(string), setSub func(string, string)) error {
	var firstErr error
	names := make([]string, 0, len(w.actions))
	for n := range w.actions {
		names = append(names, n)
	}
	sortStrings(names)
	for _, name := range names {
		var err error
		switch w.actions[name] {
		case actionDeploy:
			err = m.deployVersion(ctx, w, name, log, setSub)
		case actionReconfig:
			err = m.reconfigVersion(ctx, w, name, log)
		case actionStop:
			m.stop(w.endpoint, name)
			m.removeFiles(w.endpoint, name)
			log(fmt.Sprintf("Version %s removed.", name))
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	committed := m.finish(w)
	if !committed {
		return errOpCanceled
	}
	if firstErr == nil {
		log(fmt.Sprintf("Endpoint %s is ready.", w.endpoint))
	}
	return firstErr
}

// finish clears Busy and derives the endpoint state, if the operation's
// generation is still current.
func (m *endpointManager) finish(w endpointWork) bool {
	committed := false
	_ = updateRecord(m.s.store, kindEndpoint, w.endpoint, func(rec *endpointRecord, exists bool) (bool, error) {
		if !exists || rec.Generation != w.gen {
			return false, nil
		}
		rec.Busy = false
		rec.State, rec.Error = endpointState(rec)
		rec.Updated = nowUTC()
		committed = true
		return true, nil
	})
	return committed
}

// deployVersion builds and starts a version's new generation and swaps it in.
func (m *endpointManager) deployVersion(ctx context.Context, w endpointWork, name string, log func(string), setSub func(string, string)) error {
	sm := servicesOf(m.s)
	var ep endpointRecord
	if sm == nil || !m.s.store.Get(kindEndpoint, w.endpoint, &ep) || ep.Generation != w.gen {
		return errOpCanceled
	}
	v := ep.Versions[name]
	if v == nil || v.Generation != w.vgen[name] {
		return errOpCanceled
	}
	rec := versionServiceRecord(&ep, name, v)
	dir := m.versionDir(w.endpoint, name, v.Generation)
	_ = os.RemoveAll(dir)

	setSub(subBuildEnvironment, "Running")
	log(fmt.Sprintf("Building the environment of version %s.", name))
	d, fail := sm.buildApp(rec, dir, log)
	if fail != nil {
		setSub(subBuildEnvironment, "Failed")
		return m.failVersion(w, name, dir, fail, "")
	}
	setSub(subBuildEnvironment, "Succeeded")
	setSub(subDeployService, "Running")
	var initLog strings.Builder
	if fail := sm.layoutModels(rec, dir, d, &initLog, log); fail != nil {
		setSub(subDeployService, "Failed")
		return m.failVersion(w, name, dir, fail, initLog.String())
	}
	st := rec.Spec.settings(m.s.opts.WorkspaceName)
	log(fmt.Sprintf("Starting %d replica(s) of version %s.", st.replicasToRun(), name))
	sctx, cancel := context.WithTimeout(ctx, defaultInitTimeout)
	rt, err := sm.startRuntime(sctx, rec, d)
	cancel()
	if err != nil {
		setSub(subDeployService, "Failed")
		return m.failVersion(w, name, dir, startFailure(err, ctx), initLog.String())
	}
	committed := false
	_ = updateRecord(m.s.store, kindEndpoint, w.endpoint, func(r *endpointRecord, exists bool) (bool, error) {
		cur := r.Versions[name]
		if !exists || r.Generation != w.gen || cur == nil || cur.Generation != w.vgen[name] {
			return false, nil
		}
		cur.State, cur.Error = serviceHealthy, nil
		cur.Deployed, cur.Log, cur.InitLog = d, "", initLog.String()
		cur.Updated = nowUTC()
		committed = true
		return true, nil
	})
	if !committed {
		_ = rt.Stop()
		_ = os.RemoveAll(dir)
		return errOpCanceled
	}
	m.swap(w.endpoint, name, v.Generation, rt)
	m.removeOtherVersionGenerations(w.endpoint, name, v.Generation)
	setSub(subDeployService, "Succeeded")
	log(fmt.Sprintf("Version %s is healthy.", name))
	return nil
}

// failVersion records a failed version deployment and returns the operation error.
func (m *endpointManager) failVersion(w endpointWork, name, dir string, f *deployFailure, initLog string) error {
	_ = updateRecord(m.s.store, kindEndpoint, w.endpoint, func(r *endpointRecord, exists bool) (bool, error) {
		cur := r.Versions[name]
		if !exists || r.Generation != w.gen || cur == nil || cur.Generation != w.vgen[name] {
			return false, nil
		}
		cur.State = serviceFailed
		cur.Error = &mmsError{Code: f.code, StatusCode: http.StatusBadRequest, Message: f.message, Details: []mmsErrorDetail{}}
		cur.Log = truncateServiceLog(f.log)
		cur.InitLog = truncateServiceLog(initLog)
		cur.Updated = nowUTC()
		return true, nil
	})
	_ = os.RemoveAll(dir)
	m.stop(w.endpoint, name)
	return newOpError(f.code, "Version "+name+": "+f.message)
}

// reconfigVersion applies settings that keep the deployment: replica count
// and request limits.
func (m *endpointManager) reconfigVersion(ctx context.Context, w endpointWork, name string, log func(string)) error {
	var ep endpointRecord
	if !m.s.store.Get(kindEndpoint, w.endpoint, &ep) || ep.Versions[name] == nil {
		return nil
	}
	v := ep.Versions[name]
	st := v.Spec.settings(m.s.opts.WorkspaceName)
	rt := m.running(ctx, w.endpoint, name)
	if rt == nil {
		return nil
	}
	rt.SetLimits(runtime.Limits{ScoringTimeout: st.scoringTimeout(), MaxConcurrentPerReplica: st.MaxConcurrent, MaxQueueWait: st.queueWait()})
	if n := st.replicasToRun(); n != rt.Replicas() {
		log(fmt.Sprintf("Scaling version %s to %d replica(s).", name, n))
		if err := rt.Scale(ctx, n); err != nil {
			f := startFailure(err, ctx)
			_ = updateRecord(m.s.store, kindEndpoint, w.endpoint, func(r *endpointRecord, exists bool) (bool, error) {
				if cur := r.Versions[name]; exists && cur != nil {
					cur.State = serviceUnhealthy
					cur.Error = &mmsError{Code: f.code, StatusCode: http.StatusBadRequest, Message: f.message, Details: []mmsErrorDetail{}}
					return true, nil
				}
				return false, nil
			})
			return newOpError(f.code, "Version "+name+": "+f.message)
		}
	}
	return nil
}

// removeOtherVersionGenerations deletes the files of a version's other generations.
func (m *endpointManager) removeOtherVersionGenerations(endpoint, version string, keep int) {
	dir := filepath.Join(m.root(endpoint), version)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Name() != strconv.Itoa(keep) {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}
