package emulator

import (
	"encoding/json"
	"net/url"
	"time"
)

// endpointView renders an endpoint as its GET body (reference §6.3): the
// endpoint-level keys and every version as an AKS service object with
// isDefault, trafficPercentile and type.
func (s *Server) endpointView(rec *endpointRecord, expand bool) endpointJSON {
	spec := serviceCreateRequest{AuthEnabled: rec.Spec.AuthEnabled, AadAuthEnabled: rec.Spec.AadAuthEnabled,
		AppInsightsEnabled: rec.Spec.AppInsightsEnabled, Namespace: rec.Spec.Namespace}
	st := spec.settings(s.opts.WorkspaceName)
	base := s.URL() + "/api/v1/service/" + url.PathEscape(rec.Name)
	m := endpointsOf(s)
	v := endpointJSON{
		ID: rec.Name, Name: rec.Name, Description: rec.Spec.Description,
		KvTags: nonNilMap(rec.Spec.KvTags), Properties: nonNilMap(rec.Spec.Properties),
		State: rec.State, Error: rec.Error,
		CreatedTime: rec.Created.Format(time.RFC3339Nano), UpdatedTime: rec.Updated.Format(time.RFC3339Nano),
		OperationID: rec.OperationID, ComputeType: computeTypeAKSEndpoint, ComputeName: rec.Spec.ComputeName,
		Namespace: st.Namespace, AppInsightsEnabled: st.AppInsights, AuthEnabled: st.AuthEnabled, AadAuthEnabled: st.AadAuthEnabled,
		ScoringURI: base + "/score", SwaggerURI: base + "/swagger.json",
		Versions: map[string]serviceJSON{}, CreatedBy: json.RawMessage("null"), DeploymentType: "HttpRealtimeEndpoint",
	}
	status := &serviceReplicaStatus{Error: rec.Error}
	for _, name := range sortedVersionNames(rec.Versions) {
		ver := rec.Versions[name]
		sv := s.serviceView(versionServiceRecord(rec, name, ver), expand)
		sv.ID = name
		sv.ComputeType = "AKS"
		sv.ComputeName = rec.Spec.ComputeName
		sv.ScoringURI = base + "/versions/" + url.PathEscape(name) + "/score"
		sv.SwaggerURI = base + "/versions/" + url.PathEscape(name) + "/swagger.json"
		sv.AuthEnabled, sv.AadAuthEnabled = st.AuthEnabled, st.AadAuthEnabled
		sv.IsDefault = &ver.IsDefault
		sv.TrafficPercentile = ver.TrafficPercentile
		sv.Type = ver.Type
		vst := ver.Spec.settings(s.opts.WorkspaceName)
		available := 0
		if m != nil {
			available = m.liveReplicas(rec.Name, name)
		}
		sv.DeploymentStatus = &serviceReplicaStatus{DesiredReplicas: vst.replicasToRun(), UpdatedReplicas: available, AvailableReplicas: available, Error: ver.Error}
		status.DesiredReplicas += vst.replicasToRun()
		status.UpdatedReplicas += available
		status.AvailableReplicas += available
		v.Versions[name] = sv
	}
	v.DeploymentStatus = status
	return v
}
