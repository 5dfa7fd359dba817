package emulator

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Store kinds of models: kindModel keyed by model id "{name}:{version}";
// kindModelVersion keyed by name, holding the last version handed out, so
// versions count up per name and are never reused after a delete.
const (
	kindModel        = "model"
	kindModelVersion = "modelversion"
)

// modelNameRule is the model-name rule of reference §3.1.
var modelNameRule = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9\-._]{0,254}$`)

// modelDataset is one dataset reference of a model.
type modelDataset struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// modelResources is resourceRequirements (azureml-core ResourceConfiguration).
type modelResources struct {
	CPU        *float64 `json:"cpu,omitempty"`
	MemoryInGB *float64 `json:"memoryInGB,omitempty"`
	GPU        *int     `json:"gpu,omitempty"`
}

// modelCreateRequest is the body of POST {MMS}/models (msrest Model fields the
// SDK sends, reference §3.1).
type modelCreateRequest struct {
	Name                 string            `json:"name"`
	KVTags               map[string]string `json:"kvTags"`
	Properties           map[string]string `json:"properties"`
	Description          *string           `json:"description"`
	URL                  string            `json:"url"`
	MimeType             string            `json:"mimeType"`
	Framework            *string           `json:"framework"`
	FrameworkVersion     *string           `json:"frameworkVersion"`
	Unpack               *bool             `json:"unpack"`
	ExperimentName       *string           `json:"experimentName"`
	RunID                *string           `json:"runId"`
	Datasets             []modelDataset    `json:"datasets"`
	SampleInputData      *string           `json:"sampleInputData"`
	SampleOutputData     *string           `json:"sampleOutputData"`
	ResourceRequirements *modelResources   `json:"resourceRequirements"`
}

// modelUser is createdBy.
type modelUser struct {
	UserObjectID string `json:"userObjectId"`
	UserTenantID string `json:"userTenantId"`
	UserName     string `json:"userName"`
}

// modelJSON is a model on the wire.
type modelJSON struct {
	ID                   string            `json:"id"`
	Name                 string            `json:"name"`
	Version              int               `json:"version"`
	Description          *string           `json:"description"`
	KVTags               map[string]string `json:"kvTags"`
	Properties           map[string]string `json:"properties"`
	URL                  string            `json:"url"`
	MimeType             string            `json:"mimeType"`
	Framework            string            `json:"framework"`
	FrameworkVersion     *string           `json:"frameworkVersion"`
	Unpack               bool              `json:"unpack"`
	ExperimentName       *string           `json:"experimentName"`
	RunID                *string           `json:"runId"`
	Datasets             []modelDataset    `json:"datasets"`
	SampleInputData      *string           `json:"sampleInputData"`
	SampleOutputData     *string           `json:"sampleOutputData"`
	ResourceRequirements *modelResources   `json:"resourceRequirements"`
	CreatedTime          string            `json:"createdTime"`
	ModifiedTime         string            `json:"modifiedTime"`
	CreatedBy            modelUser         `json:"createdBy"`
}

// modelRecord is a stored model: its wire JSON plus the creation instant used
// for ordering.
type modelRecord struct {
	modelJSON
	Created time.Time `json:"created"`
}

func init() {
	registerRoutes(func(s *Server, mux *http.ServeMux) {
		p := s.mmsPrefix()
		mux.HandleFunc("POST "+p+"/models", s.requireBearer(s.handleModelCreate))
		mux.HandleFunc("GET "+p+"/models", s.requireBearer(s.handleModelList))
		mux.HandleFunc("GET "+p+"/models/{id}", s.requireBearer(s.handleModelGet))
		mux.HandleFunc("PATCH "+p+"/models/{id}", s.requireBearer(s.handleModelPatch))
		mux.HandleFunc("DELETE "+p+"/models/{id}", s.requireBearer(s.handleModelDelete))
	})
}

// validateModelCreate returns every problem of a register body.
func (s *Server) validateModelCreate(req *modelCreateRequest) []string {
	var problems []string
	if !modelNameRule.MatchString(req.Name) {
		problems = append(problems, fmt.Sprintf("Model name %q is invalid: it must only include letters, numbers, dashes, periods, or underscores, start with a letter or number, and be between 1 and 255 characters long.", req.Name))
	}
	if assetID, ok := strings.CutPrefix(req.URL, "aml://asset/"); !ok || assetID == "" {
		problems = append(problems, fmt.Sprintf("url %q must be aml://asset/{assetId}", req.URL))
	} else if !s.store.Has(kindAsset, assetID) {
		problems = append(problems, fmt.Sprintf("url %q: asset %s does not exist", req.URL, assetID))
	}
	if req.MimeType == "" {
		problems = append(problems, "mimeType is required")
	}
	if req.FrameworkVersion != nil && *req.FrameworkVersion != "" && (req.Framework == nil || *req.Framework == "") {
		problems = append(problems, "frameworkVersion requires framework")
	}
	problems = append(problems, checkKeys("kvTags", req.KVTags)...)
	problems = append(problems, checkKeys("properties", req.Properties)...)
	problems = append(problems, checkDatasets(req.Datasets)...)
	problems = append(problems, checkDatasetRef("sampleInputData", req.SampleInputData)...)
	problems = append(problems, checkDatasetRef("sampleOutputData", req.SampleOutputData)...)
	problems = append(problems, checkResources(req.ResourceRequirements)...)
	return problems
}

func checkKeys(field string, m map[string]string) []string {
	for k := range m {
		if strings.TrimSpace(k) == "" {
			return []string{field + " keys must not be empty"}
		}
	}
	return nil
}

func checkDatasets(ds []modelDataset) []string {
	var problems []string
	for i, d := range ds {
		if d.Name == "" || d.ID == "" {
			problems = append(problems, fmt.Sprintf("datasets[%d] needs a name and an id", i))
		}
	}
	return problems
}

func checkDatasetRef(field string, v *string) []string {
	if v != nil && *v != "" && !strings.HasPrefix(*v, "aml://dataset/") {
		return []string{fmt.Sprintf("%s %q must be aml://dataset/{id}", field, *v)}
	}
	return nil
}

func checkResources(r *modelResources) []string {
	if r == nil {
		return nil
	}
	var problems []string
	for _, f := range []struct {
		name string
		v    *float64
	}{{"cpu", r.CPU}, {"memoryInGB", r.MemoryInGB}} {
		if f.v != nil && (!(*f.v > 0) || math.IsInf(*f.v, 0)) {
			problems = append(problems, fmt.Sprintf("resourceRequirements.%s must be greater than 0", f.name))
		}
	}
	if r.GPU != nil && *r.GPU < 0 {
		problems = append(problems, "resourceRequirements.gpu must not be negative")
	}
	return problems
}

func (s *Server) handleModelCreate(w http.ResponseWriter, r *http.Request) {
	var req modelCreateRequest
	if !decodeMMS(w, r, &req) {
		return
	}
	if problems := s.validateModelCreate(&req); len(problems) > 0 {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", strings.Join(problems, "; "))
		return
	}
	var version int
	err := updateRecord(s.store, kindModelVersion, req.Name, func(last *int, _ bool) (bool, error) {
		*last++
		version = *last
		return true, nil
	})
	if err != nil {
		writeMMSError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	now := time.Now().UTC()
	framework := "Custom"
	if req.Framework != nil && *req.Framework != "" {
		framework = *req.Framework
	}
	rec := modelRecord{Created: now, modelJSON: modelJSON{
		ID: req.Name + ":" + strconv.Itoa(version), Name: req.Name, Version: version,
		Description: req.Description, KVTags: nonNilMap(req.KVTags), Properties: nonNilMap(req.Properties),
		URL: req.URL, MimeType: req.MimeType, Framework: framework, FrameworkVersion: req.FrameworkVersion,
		Unpack: req.Unpack != nil && *req.Unpack, ExperimentName: req.ExperimentName, RunID: req.RunID,
		Datasets: req.Datasets, SampleInputData: req.SampleInputData, SampleOutputData: req.SampleOutputData,
		ResourceRequirements: req.ResourceRequirements,
		CreatedTime:          now.Format(time.RFC3339Nano), ModifiedTime: now.Format(time.RFC3339Nano),
		CreatedBy: modelUser{UserObjectID: s.ws.PrincipalID, UserTenantID: s.ws.TenantID, UserName: "local-user"},
	}}
	if rec.Datasets == nil {
		rec.Datasets = []modelDataset{}
	}
	if err := s.store.Put(kindModel, rec.ID, rec); err != nil {
		writeMMSError(w, http.StatusInternalServerError, "InternalServerError", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, rec.modelJSON)
}

func modelNotFound(w http.ResponseWriter, id string) {
	writeMMSError(w, http.StatusNotFound, "ModelNotFound", fmt.Sprintf("Model with id %s not found in provided workspace.", id))
}

func (s *Server) handleModelGet(w http.ResponseWriter, r *http.Request) {
	var rec modelRecord
	if !s.store.Get(kindModel, r.PathValue("id"), &rec) {
		modelNotFound(w, r.PathValue("id"))
		return
	}
	writeJSON(w, http.StatusOK, rec.modelJSON)
}

// handleModelPatch applies a JSON Patch (Content-Type application/json-patch+json)
// atomically: either every operation applies or none does.
func (s *Server) handleModelPatch(w http.ResponseWriter, r *http.Request) {
	if ct := strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]); !strings.EqualFold(ct, "application/json-patch+json") {
		writeMMSError(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType",
			fmt.Sprintf("Content-Type must be application/json-patch+json, got %q.", r.Header.Get("Content-Type")))
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", err.Error())
		return
	}
	ops, err := decodeModelPatch(body)
	if err != nil {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", err.Error())
		return
	}
	id := r.PathValue("id")
	var out modelJSON
	found := true
	err = updateRecord(s.store, kindModel, id, func(rec *modelRecord, exists bool) (bool, error) {
		if !exists {
			found = false
			return false, nil
		}
		if err := applyModelPatch(&rec.modelJSON, ops); err != nil {
			return false, err
		}
		rec.ModifiedTime = time.Now().UTC().Format(time.RFC3339Nano)
		out = rec.modelJSON
		return true, nil
	})
	switch {
	case !found:
		modelNotFound(w, id)
	case err != nil:
		writeMMSError(w, http.StatusBadRequest, "BadArgument", err.Error())
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

// handleModelDelete deletes a model unless a service uses it (412 naming the
// services, in the MMS error shape with one detail per service).
func (s *Server) handleModelDelete(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !s.store.Has(kindModel, id) {
		modelNotFound(w, id)
		return
	}
	if users := modelUsers(s, id); len(users) > 0 {
		details := make([]mmsErrorDetail, 0, len(users))
		for _, u := range users {
			details = append(details, mmsErrorDetail{Code: "ModelInUse", Message: fmt.Sprintf("Service %s uses model %s.", u, id), Target: u})
		}
		writeJSON(w, http.StatusPreconditionFailed, mmsError{
			Code: "DeletionRequired", StatusCode: http.StatusPreconditionFailed,
			Message: fmt.Sprintf("Model %s cannot be deleted because it is used by the following services: %s. Delete or update them first.", id, strings.Join(users, ", ")),
			Details: details,
		})
		return
	}
	if !s.store.Delete(kindModel, id) {
		modelNotFound(w, id)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// sortModels orders newest first (the order "latest" relies on), then by name
// and version for equal instants.
func sortModels(ms []modelRecord) {
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if !a.Created.Equal(b.Created) {
			return a.Created.After(b.Created)
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version > b.Version
	})
}
