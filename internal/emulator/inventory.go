package emulator

import (
	"encoding/json"
	"sort"
)

// Inventory lists what the local workspace holds, for tests that check that
// retries and faults left no duplicate behind. Every list is sorted.
type Inventory struct {
	// Computes are the compute names (lower case).
	Computes []string
	// AKSClusters are the ids of the AKS clusters, attached or not.
	AKSClusters []string
	// Models are the model ids ("{name}:{version}").
	Models []string
	// Assets are the asset ids; ModelAssets maps each model id to the asset
	// its url names, so that unreferenced assets can be told apart.
	Assets      []string
	ModelAssets map[string]string
	// Services are the names of the web services (endpoints excluded).
	Services []string
	// Endpoints maps each endpoint name to its version names.
	Endpoints map[string][]string
}

// Inventory returns what the workspace holds now.
func (s *Server) Inventory() Inventory {
	inv := Inventory{
		Computes:    s.store.Keys(kindCompute),
		AKSClusters: s.AKSClusters(),
		Models:      s.store.Keys(kindModel),
		Assets:      s.store.Keys(kindAsset),
		Services:    s.store.Keys(kindService),
		ModelAssets: map[string]string{},
		Endpoints:   map[string][]string{},
	}
	for _, raw := range s.store.List(kindModel) {
		var m struct {
			ID  string `json:"id"`
			URL string `json:"url"`
		}
		if json.Unmarshal(raw, &m) == nil && m.ID != "" {
			inv.ModelAssets[m.ID] = assetIDOfURL(m.URL)
		}
	}
	for _, raw := range s.store.List(kindEndpoint) {
		var e struct {
			Name     string                     `json:"name"`
			Versions map[string]json.RawMessage `json:"versions"`
		}
		if json.Unmarshal(raw, &e) != nil || e.Name == "" {
			continue
		}
		vs := make([]string, 0, len(e.Versions))
		for v := range e.Versions {
			vs = append(vs, v)
		}
		sort.Strings(vs)
		inv.Endpoints[e.Name] = vs
	}
	return inv
}

// assetIDOfURL returns the asset id of "aml://asset/{id}", else "".
func assetIDOfURL(u string) string {
	const prefix = "aml://asset/"
	if len(u) > len(prefix) && u[:len(prefix)] == prefix {
		return u[len(prefix):]
	}
	return ""
}
