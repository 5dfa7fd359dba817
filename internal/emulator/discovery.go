package emulator

import "net/http"

// discoveryKeys are the service keys of a discovery response (reference §1.4);
// every one maps to the emulator's single base URL.
var discoveryKeys = []string{
	"api", "catalog", "experimentation", "gallery", "history", "hyperdrive",
	"labeling", "modelmanagement", "pipelines", "studiocoreservices", "studio",
}

// handleDiscovery serves GET {base}/discovery. Like the real service it needs
// no Authorization (reference §1.4, §9.12).
func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	m := make(map[string]string, len(discoveryKeys))
	for _, k := range discoveryKeys {
		m[k] = s.base
	}
	writeJSON(w, http.StatusOK, m)
}
