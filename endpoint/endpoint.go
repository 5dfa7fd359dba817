package endpoint

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
)

// ErrNotFound is wrapped by the error of Get when the endpoint does not
// exist; the error also unwraps to the *azcore.ResponseError of the 404.
var ErrNotFound = errors.New("endpoint: not found")

// ErrNotEndpoint is wrapped by the error of Get when the service exists but
// is not an AKS endpoint (its computeType is not AKSENDPOINT).
var ErrNotEndpoint = errors.New("endpoint: not an AKS endpoint")

// AksEndpoint is an AKS endpoint (azureml-core AksEndpoint): one scoring URI
// in front of up to six versions. Get one from model.Deploy with an
// AksEndpointDeployConfig, or from Get. Its methods are safe for concurrent
// use; the accessors return what the last call that read the endpoint saw
// (Refresh updates it).
//
// Keys, tokens, logs, scoring, waiting and deletion are those of a web
// service: the endpoint delegates them to a webservice.AksWebservice of the
// same name (see Service).
type AksEndpoint struct {
	ws   *workspace.Workspace
	name string

	mu   sync.RWMutex
	snap endpointWire
	raw  json.RawMessage
	svc  *webservice.AksWebservice

	scoreMu sync.Mutex
	scorers map[string]*webservice.ScoringClient // per version scoring URI
}

// Get reads the endpoint named name (GET {MMS}/services/{name}?expand=true).
// A missing endpoint is an error matching ErrNotFound; a web service that is
// not an endpoint, ErrNotEndpoint.
func Get(ctx context.Context, ws *workspace.Workspace, name string) (*AksEndpoint, error) {
	if ws == nil {
		return nil, errors.New("endpoint: a workspace is required")
	}
	if err := model.ValidateServiceName(name); err != nil {
		return nil, err
	}
	ep := &AksEndpoint{ws: ws, name: name}
	if err := ep.Refresh(ctx); err != nil {
		return nil, err
	}
	return ep, nil
}

// Refresh re-reads the endpoint.
func (e *AksEndpoint) Refresh(ctx context.Context) error {
	req, err := runtime.NewRequest(ctx, http.MethodGet, e.ws.MMSURL("/services/"+url.PathEscape(e.name)+"?expand=true"))
	if err != nil {
		return err
	}
	resp, err := e.ws.Pipeline().Do(req)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusNotFound {
		return fmt.Errorf("%w: %s: %w", ErrNotFound, e.name, runtime.NewResponseError(resp))
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return runtime.NewResponseError(resp)
	}
	raw, err := runtime.Payload(resp)
	if err != nil {
		return err
	}
	return e.setSnapshot(raw)
}

func (e *AksEndpoint) setSnapshot(raw json.RawMessage) error {
	var w endpointWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return fmt.Errorf("endpoint: reading endpoint %s: %w", e.name, err)
	}
	if w.ComputeType != "" && w.ComputeType != ComputeTypeAKSEndpoint {
		return fmt.Errorf("%w: service %s has computeType %q", ErrNotEndpoint, e.name, w.ComputeType)
	}
	e.mu.Lock()
	e.snap, e.raw = w, slices.Clone(raw)
	e.mu.Unlock()
	return nil
}

func (e *AksEndpoint) get() endpointWire {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.snap
}

// setService installs the web-service view used for keys, tokens, logs,
// scoring and waits.
func (e *AksEndpoint) setService(svc *webservice.AksWebservice) {
	e.mu.Lock()
	e.svc = svc
	e.mu.Unlock()
	e.scoreMu.Lock()
	for _, c := range e.scorers {
		c.CloseIdleConnections()
	}
	e.scorers = nil
	e.scoreMu.Unlock()
}

// Service returns the endpoint seen as a web service, which carries the
// keys, tokens, logs, scoring and deletion calls (created on first use).
func (e *AksEndpoint) Service(ctx context.Context) (*webservice.AksWebservice, error) {
	e.mu.RLock()
	svc := e.svc
	e.mu.RUnlock()
	if svc != nil {
		return svc, nil
	}
	svc, err := webservice.Get(ctx, e.ws, e.name)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.svc == nil {
		e.svc = svc
	}
	return e.svc, nil
}

// Workspace returns the workspace the endpoint belongs to.
func (e *AksEndpoint) Workspace() *workspace.Workspace { return e.ws }

// Name returns the endpoint name.
func (e *AksEndpoint) Name() string { return e.name }

// State returns the endpoint state.
func (e *AksEndpoint) State() webservice.State { return webservice.State(e.get().State) }

// Error returns the error the service reports for the endpoint, nil when none.
func (e *AksEndpoint) Error() *webservice.ServiceError { return decodeServiceError(e.get().Error) }

// ScoringURI returns the endpoint's scoring URI, which routes each request
// to a version by the traffic plan ("" until the endpoint has one).
func (e *AksEndpoint) ScoringURI() string { return deref(e.get().ScoringURI) }

// SwaggerURI returns the endpoint's swagger.json URI.
func (e *AksEndpoint) SwaggerURI() string { return deref(e.get().SwaggerURI) }

// ComputeName returns the AKS compute the endpoint runs on.
func (e *AksEndpoint) ComputeName() string { return e.get().ComputeName }

// Description returns the endpoint description.
func (e *AksEndpoint) Description() string { return deref(e.get().Description) }

// Tags returns a copy of the endpoint's tags.
func (e *AksEndpoint) Tags() map[string]string { return maps.Clone(e.get().KvTags) }

// Properties returns a copy of the endpoint's properties.
func (e *AksEndpoint) Properties() map[string]string { return maps.Clone(e.get().Properties) }

// AuthEnabled reports whether scoring needs a key.
func (e *AksEndpoint) AuthEnabled() bool { return isTrue(e.get().AuthEnabled) }

// TokenAuthEnabled reports whether scoring needs an access token.
func (e *AksEndpoint) TokenAuthEnabled() bool { return isTrue(e.get().AadAuthEnabled) }

// AppInsightsEnabled reports whether Application Insights is on.
func (e *AksEndpoint) AppInsightsEnabled() bool { return isTrue(e.get().AppInsightsEnabled) }

// CreatedTime returns when the endpoint was created (zero if unknown).
func (e *AksEndpoint) CreatedTime() time.Time { return parseTime(e.get().CreatedTime) }

// UpdatedTime returns when the endpoint last changed (zero if unknown).
func (e *AksEndpoint) UpdatedTime() time.Time { return parseTime(e.get().UpdatedTime) }

// Raw returns the endpoint JSON of the last read.
func (e *AksEndpoint) Raw() json.RawMessage {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return slices.Clone(e.raw)
}

// String describes the endpoint without secrets.
func (e *AksEndpoint) String() string {
	s := string(e.State())
	if s == "" {
		s = "unknown"
	}
	return "AksEndpoint " + e.name + " (" + s + ")"
}

// GoString is String, so that %#v prints the summary rather than the
// endpoint's internals (its web-service view and scoring clients reach the
// keys and tokens).
func (e *AksEndpoint) GoString() string {
	if e == nil {
		return "(*endpoint.AksEndpoint)(nil)"
	}
	return e.String()
}

// Versions returns the endpoint's versions, sorted by name, each with its
// state, traffic percentile, effective share, isDefault and type.
func (e *AksEndpoint) Versions() []Version {
	w := e.get()
	out := make([]Version, 0, len(w.Versions))
	for _, name := range sortedKeys(w.Versions) {
		out = append(out, newVersion(name, w.Versions[name]))
	}
	plan := planOf(out)
	for i := range out {
		out[i].EffectivePercent, _ = plan.Share(out[i].Name)
	}
	return out
}

// Version returns the named version.
func (e *AksEndpoint) Version(name string) (Version, bool) {
	for _, v := range e.Versions() {
		if v.Name == name {
			return v, true
		}
	}
	return Version{}, false
}

// TrafficPlan returns the endpoint's current traffic plan (versions sorted
// by name).
func (e *AksEndpoint) TrafficPlan() TrafficPlan { return planOf(e.Versions()) }

func planOf(vs []Version) TrafficPlan {
	p := TrafficPlan{Versions: make([]VersionTraffic, len(vs))}
	for i, v := range vs {
		p.Versions[i] = v.traffic()
	}
	return p
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func isTrue(b *bool) bool { return b != nil && *b }
