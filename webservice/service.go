package webservice

import (
	"encoding/json"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/azureml-go/azureml/internal/lro"
	"github.com/azureml-go/azureml/workspace"
)

// State is a web service state (reference §5.4).
type State string

// Web service states.
const (
	StateTransitioning State = "Transitioning"
	StateHealthy       State = "Healthy"
	StateUnhealthy     State = "Unhealthy"
	StateFailed        State = "Failed"
	StateUnschedulable State = "Unschedulable"
)

// ComputeTypeAKS is the computeType of an AKS web service.
const ComputeTypeAKS = computeTypeAKS

// AksWebservice is a web service deployed to AKS (azureml-core
// AksWebservice). Get one from model.Deploy, Get or List. Its methods are
// safe for concurrent use; the accessors return the state read by the last
// call that fetched the service (Refresh updates it).
type AksWebservice struct {
	ws   *workspace.Workspace
	name string

	mu                sync.RWMutex
	snap              snapshot
	operationLocation string // of the last create or update

	scoreMu sync.Mutex
	scorer  *ScoringClient
	cred    *serviceCredential
}

// snapshot is what one GET returned.
type snapshot struct {
	wire serviceWire
	err  *ServiceError
	raw  json.RawMessage
}

// newService builds a service from a GET body.
func newService(ws *workspace.Workspace, raw json.RawMessage) (*AksWebservice, error) {
	var w serviceWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	s := &AksWebservice{ws: ws, name: w.Name}
	s.setSnapshot(w, raw)
	return s, nil
}

func (s *AksWebservice) setSnapshot(w serviceWire, raw json.RawMessage) {
	s.mu.Lock()
	s.snap = snapshot{wire: w, err: decodeServiceError(w.Error), raw: raw}
	// A read that shows a newer operation than the one this handle started
	// (an update whose answer was lost, a change made elsewhere) makes that
	// operation the one WaitForDeployment waits for.
	if s.operationLocation != "" && w.OperationID != "" {
		if id, err := lro.OperationIDFromLocation(s.operationLocation); err != nil || id != w.OperationID {
			s.operationLocation = ""
		}
	}
	s.mu.Unlock()
}

func (s *AksWebservice) get() serviceWire {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snap.wire
}

// Workspace returns the workspace the service belongs to.
func (s *AksWebservice) Workspace() *workspace.Workspace { return s.ws }

// Name returns the service name.
func (s *AksWebservice) Name() string { return s.name }

// State returns the service state.
func (s *AksWebservice) State() State { return State(s.get().State) }

// Error returns the error the service reports, nil when none.
func (s *AksWebservice) Error() *ServiceError {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snap.err
}

// ScoringURI returns the URI to POST scoring requests to ("" until the
// service has one).
func (s *AksWebservice) ScoringURI() string {
	if u := s.get().ScoringURI; u != nil {
		return *u
	}
	return ""
}

// SwaggerURI returns the swagger.json URI beside the scoring URI: the last
// path segment of ScoringURI replaced by swagger.json, as azureml-core
// computes it.
func (s *AksWebservice) SwaggerURI() string {
	return swaggerURIFor(s.ScoringURI())
}

func swaggerURIFor(scoring string) string {
	if scoring == "" {
		return ""
	}
	q := ""
	if i := strings.IndexAny(scoring, "?#"); i >= 0 {
		scoring, q = scoring[:i], scoring[i:]
	}
	i := strings.LastIndexByte(strings.TrimRight(scoring, "/"), '/')
	if i < 0 {
		return ""
	}
	return scoring[:i] + "/swagger.json" + q
}

// ComputeType returns the service's computeType ("AKS").
func (s *AksWebservice) ComputeType() string { return s.get().ComputeType }

// ComputeName returns the AKS compute the service runs on.
func (s *AksWebservice) ComputeName() string { return s.get().ComputeName }

// Description returns the service description.
func (s *AksWebservice) Description() string {
	if d := s.get().Description; d != nil {
		return *d
	}
	return ""
}

// Tags returns a copy of the service's tags.
func (s *AksWebservice) Tags() map[string]string { return maps.Clone(s.get().KvTags) }

// Properties returns a copy of the service's properties.
func (s *AksWebservice) Properties() map[string]string { return maps.Clone(s.get().Properties) }

// CreatedTime returns when the service was created (zero if unknown).
func (s *AksWebservice) CreatedTime() time.Time { return parseTime(s.get().CreatedTime) }

// UpdatedTime returns when the service last changed (zero if unknown).
func (s *AksWebservice) UpdatedTime() time.Time { return parseTime(s.get().UpdatedTime) }

// AuthEnabled reports whether scoring needs a service key.
func (s *AksWebservice) AuthEnabled() bool { return isTrue(s.get().AuthEnabled) }

// TokenAuthEnabled reports whether scoring needs an access token.
func (s *AksWebservice) TokenAuthEnabled() bool { return isTrue(s.get().AadAuthEnabled) }

// ModelIDs returns the ids of the deployed models.
func (s *AksWebservice) ModelIDs() []string {
	var ids []string
	for _, m := range s.get().Models {
		ids = append(ids, m.ID)
	}
	return ids
}

// ReplicaStatus is the service's deploymentStatus.
type ReplicaStatus struct {
	Desired, Updated, Available int
}

// ReplicaStatus returns the replica counts the service reports.
func (s *AksWebservice) ReplicaStatus() ReplicaStatus {
	d := s.get().DeploymentStatus
	if d == nil {
		return ReplicaStatus{}
	}
	return ReplicaStatus{Desired: d.DesiredReplicas, Updated: d.UpdatedReplicas, Available: d.AvailableReplicas}
}

// Settings returns the service's effective deployment settings, as the
// service reports them (with its defaults filled in). Keys are not included.
// Compare them with the configuration you deployed to see what the service
// applied.
func (s *AksWebservice) Settings() AksDeployConfig {
	w := s.get()
	c := AksDeployConfig{
		AuthEnabled: w.AuthEnabled, TokenAuthEnabled: w.AadAuthEnabled, EnableAppInsights: w.AppInsightsEnabled,
		ScoringTimeoutMs: w.ScoringTimeoutMs, ReplicaMaxConcurrentRequests: w.MaxConcurrentRequestsPerContainer,
		MaxRequestWaitTimeMs: w.MaxQueueWaitMs, NumReplicas: w.NumReplicas, Namespace: w.Namespace,
		Tags: maps.Clone(w.KvTags), Properties: maps.Clone(w.Properties), Description: w.Description,
		ComputeTargetName: w.ComputeName,
	}
	if a := w.AutoScaler; a != nil {
		c.AutoscaleEnabled, c.AutoscaleMinReplicas, c.AutoscaleMaxReplicas = a.AutoscaleEnabled, a.MinReplicas, a.MaxReplicas
		c.AutoscaleRefreshSeconds, c.AutoscaleTargetUtilization = a.RefreshPeriodInSeconds, a.TargetUtilization
	}
	if r := w.ContainerResourceRequirements; r != nil {
		c.CPUCores, c.CPUCoresLimit, c.MemoryGB, c.MemoryGBLimit, c.GPUCores = r.CPU, r.CPULimit, r.MemoryInGB, r.MemoryInGBLimit, r.GPU
	}
	if d := w.DataCollection; d != nil {
		c.CollectModelData = d.StorageEnabled
	}
	if p := w.LivenessProbeRequirements; p != nil {
		c.PeriodSeconds, c.InitialDelaySeconds, c.TimeoutSeconds = p.PeriodSeconds, p.InitialDelaySeconds, p.TimeoutSeconds
		c.SuccessThreshold, c.FailureThreshold = p.SuccessThreshold, p.FailureThreshold
	}
	return c
}

// OperationID returns the id of the last create or update operation this
// handle knows of ("" if none).
func (s *AksWebservice) OperationID() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.operationLocation != "" {
		if id, err := lro.OperationIDFromLocation(s.operationLocation); err == nil {
			return id
		}
	}
	return s.snap.wire.OperationID
}

// Raw returns the service JSON of the last fetch.
func (s *AksWebservice) Raw() json.RawMessage {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append(json.RawMessage(nil), s.snap.raw...)
}

// String describes the service without secrets.
func (s *AksWebservice) String() string {
	return "AksWebservice " + s.name + " (" + orUnknown(string(s.State())) + ")"
}
