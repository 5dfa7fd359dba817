package emulator

import (
	"fmt"
	"net/http"
)

// handleComputeListKeys returns the cluster's kubeconfigs (AksComputeSecrets).
func (s *Server) handleComputeListKeys(w http.ResponseWriter, r *http.Request) {
	if !checkComputeAPIVersion(w, r) {
		return
	}
	name := r.PathValue("name")
	f := s.compute()
	f.mu.Lock()
	c, ok := s.getCompute(name)
	var cluster *clusterRecord
	if ok {
		cluster, _ = s.getCluster(c.ResourceID)
	}
	f.mu.Unlock()
	switch {
	case !ok:
		s.computeNotFound(w, name)
		return
	case c.State != stateSucceeded || cluster == nil:
		writeARMError(w, http.StatusConflict, "Conflict", fmt.Sprintf("Compute %s is in state %s; its credentials are available once it has succeeded.", name, c.State))
		return
	}
	user, admin := kubeconfig(cluster, "clusterUser", cluster.UserToken), kubeconfig(cluster, "clusterAdmin", cluster.AdminToken)
	s.noteIssued(SecretKubeconfig, user, admin)
	s.noteIssued(SecretKubeconfigToken, cluster.UserToken, cluster.AdminToken)
	writeJSON(w, http.StatusOK, map[string]any{
		"computeType":         "AKS",
		"userKubeConfig":      user,
		"adminKubeConfig":     admin,
		"imagePullSecretName": "amlacr-secret",
	})
}

func kubeconfig(c *clusterRecord, user, token string) string {
	m := clusterIDPattern.FindStringSubmatch(c.ID)
	cluster := c.Fqdn
	if m != nil {
		cluster = m[3]
	}
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://%s:443
  name: %s
contexts:
- context:
    cluster: %s
    user: %s_%s
  name: %s
current-context: %s
users:
- name: %s_%s
  user:
    token: %s
`, c.Fqdn, cluster, cluster, user, cluster, cluster, cluster, user, cluster, token)
}
