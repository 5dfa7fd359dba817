package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
)

// AKS compute routes (reference §2): writes are ARM PUT / DELETE / POST listKeys with
// api-version 2020-02-02 and Azure-AsyncOperation polling; reads are RP GET / list with
// nextLink paging.

// defaultComputePageSize is how many computes one list page holds.
const defaultComputePageSize = 50

// computeFeature is the per-server state of the compute routes: one lock serialises every
// compute change (handlers and operation completions), so the checks a PUT or DELETE makes
// and the writes it does are atomic.
type computeFeature struct {
	mu       sync.Mutex
	pageSize int
}

var (
	computeFeaturesMu sync.Mutex
	computeFeatures   = map[*Server]*computeFeature{}
)

func (s *Server) compute() *computeFeature {
	computeFeaturesMu.Lock()
	defer computeFeaturesMu.Unlock()
	return computeFeatures[s]
}

// SetComputePageSize sets how many computes a list page holds (default 50), so that
// tests can exercise nextLink paging with a few computes. n < 1 restores the default.
func (s *Server) SetComputePageSize(n int) {
	f := s.compute()
	if f == nil {
		return // closed
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if n < 1 {
		n = defaultComputePageSize
	}
	f.pageSize = n
}

// AKSClusters returns the ids of the AKS clusters the local workspace knows, attached or
// not (a detached cluster is kept so it can be attached again), sorted.
func (s *Server) AKSClusters() []string {
	var ids []string
	for _, raw := range s.store.List(kindAKSCluster) {
		var c clusterRecord
		if json.Unmarshal(raw, &c) == nil {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

func init() {
	registerRoutes(func(s *Server, mux *http.ServeMux) {
		computeFeaturesMu.Lock()
		computeFeatures[s] = &computeFeature{pageSize: defaultComputePageSize}
		computeFeaturesMu.Unlock()
		s.onClose(func() {
			computeFeaturesMu.Lock()
			delete(computeFeatures, s)
			computeFeaturesMu.Unlock()
		})
		s.repairComputes()

		arm := s.armWorkspacePath() + "/computes/{name}"
		rp := s.rpPrefix() + "/computes"
		mux.HandleFunc("PUT "+arm, s.requireBearer(s.handleComputePut))
		mux.HandleFunc("DELETE "+arm, s.requireBearer(s.handleComputeDelete))
		mux.HandleFunc("GET "+arm, s.requireBearer(s.handleComputeGet))
		mux.HandleFunc("POST "+arm+"/listKeys", s.requireBearer(s.handleComputeListKeys))
		mux.HandleFunc("GET "+rp+"/{name}", s.requireBearer(s.handleComputeGet))
		mux.HandleFunc("GET "+rp, s.requireBearer(s.handleComputeList))
	})
}

// checkComputeAPIVersion answers 400 unless api-version is 2020-02-02.
func checkComputeAPIVersion(w http.ResponseWriter, r *http.Request) bool {
	if v := r.URL.Query().Get("api-version"); v != computeAPIVersion {
		writeARMError(w, http.StatusBadRequest, "InvalidApiVersionParameter",
			fmt.Sprintf("The api-version %q is invalid for computes; the supported api-version is %s.", v, computeAPIVersion))
		return false
	}
	return true
}

func (s *Server) getCompute(name string) (*computeRecord, bool) {
	var c computeRecord
	if !s.store.Get(kindCompute, computeKey(name), &c) {
		return nil, false
	}
	return &c, true
}

func (s *Server) putCompute(c *computeRecord) {
	if err := s.store.Put(kindCompute, computeKey(c.Name), c); err != nil {
		s.logf("emulator: compute %s: %v", c.Name, err)
	}
}

func (s *Server) getCluster(id string) (*clusterRecord, bool) {
	var c clusterRecord
	if !s.store.Get(kindAKSCluster, clusterKey(id), &c) {
		return nil, false
	}
	return &c, true
}

func (s *Server) putCluster(c *clusterRecord) {
	if err := s.store.Put(kindAKSCluster, clusterKey(c.ID), c); err != nil {
		s.logf("emulator: cluster %s: %v", c.ID, err)
	}
}

func (s *Server) computeNotFound(w http.ResponseWriter, name string) {
	writeARMError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("Compute Target with name %s not found in provided workspace.", name))
}

func (s *Server) handleComputeGet(w http.ResponseWriter, r *http.Request) {
	if !checkComputeAPIVersion(w, r) {
		return
	}
	f := s.compute()
	f.mu.Lock()
	c, ok := s.getCompute(r.PathValue("name"))
	f.mu.Unlock()
	if !ok {
		s.computeNotFound(w, r.PathValue("name"))
		return
	}
	writeJSON(w, http.StatusOK, s.computeResourceOf(c))
}

// handleComputeList serves {"value":[…],"nextLink":…}; $skipToken is the offset of the page.
func (s *Server) handleComputeList(w http.ResponseWriter, r *http.Request) {
	if !checkComputeAPIVersion(w, r) {
		return
	}
	offset := 0
	if tok := r.URL.Query().Get("$skipToken"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 {
			writeARMError(w, http.StatusBadRequest, "InvalidSkipToken", "The $skipToken is not valid.")
			return
		}
		offset = n
	}
	f := s.compute()
	f.mu.Lock()
	raws := s.store.List(kindCompute)
	size := f.pageSize
	f.mu.Unlock()
	page := struct {
		Value    []computeResource `json:"value"`
		NextLink *string           `json:"nextLink,omitempty"`
	}{Value: []computeResource{}}
	for i := offset; i < len(raws) && i < offset+size; i++ {
		var c computeRecord
		if err := json.Unmarshal(raws[i], &c); err != nil {
			continue
		}
		page.Value = append(page.Value, s.computeResourceOf(&c))
	}
	if offset+size < len(raws) {
		next := fmt.Sprintf("%s%s/computes?api-version=%s&$skipToken=%d", s.URL(), s.rpPrefix(), computeAPIVersion, offset+size)
		page.NextLink = &next
	}
	writeJSON(w, http.StatusOK, page)
}
