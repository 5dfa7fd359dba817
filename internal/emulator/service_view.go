package emulator

import (
	"encoding/json"
	"time"
)

// serviceView renders a record as the service GET body (reference §5.4).
func (s *Server) serviceView(rec *serviceRecord, expand bool) serviceJSON {
	st := rec.Spec.settings(s.opts.WorkspaceName)
	scoring := s.URL() + "/api/v1/service/" + rec.Name + "/score"
	v := serviceJSON{
		ID: rec.Name, Name: rec.Name,
		Description: rec.Spec.Description,
		KvTags:      nonNilMap(rec.Spec.KvTags),
		Properties:  nonNilMap(rec.Spec.Properties),
		ComputeType: "AKS", ComputeName: rec.Spec.ComputeName,
		CreatedTime: rec.Created.Format(time.RFC3339Nano), UpdatedTime: rec.Updated.Format(time.RFC3339Nano),
		State: rec.State, Error: rec.Error, OperationID: rec.OperationID,
		ImageDetails:            json.RawMessage("null"),
		EnvironmentImageRequest: rec.Spec.EnvironmentImageRequest,
		ModelConfigMap:          map[string]any{},
		ScoringURI:              scoring,
		SwaggerURI:              s.URL() + "/api/v1/service/" + rec.Name + "/swagger.json",
		DeploymentType:          "HttpRealtimeEndpoint",
		AppInsightsEnabled:      st.AppInsights,
		AuthEnabled:             st.AuthEnabled,
		AadAuthEnabled:          st.AadAuthEnabled,
		AutoScaler: serviceAutoScaler{
			AutoscaleEnabled: &st.Autoscale, MinReplicas: &st.MinReplicas, MaxReplicas: &st.MaxReplicas,
			RefreshPeriodInSeconds: &st.RefreshSeconds, TargetUtilization: &st.TargetUtilization,
		},
		ContainerResourceRequirements: serviceResources{
			CPU: &st.CPU, CPULimit: st.CPULimit, MemoryInGB: &st.MemoryGB, MemoryInGBLimit: st.MemoryGBLimit, GPU: &st.GPU,
		},
		DataCollection:                    serviceDataCollect{StorageEnabled: &st.DataCollection, EventHubEnabled: new(bool)},
		MaxConcurrentRequestsPerContainer: st.MaxConcurrent,
		MaxQueueWaitMs:                    st.MaxQueueWaitMs,
		NumReplicas:                       st.NumReplicas,
		ScoringTimeoutMs:                  st.ScoringTimeoutMs,
		LivenessProbeRequirements: serviceLivenessProbe{
			PeriodSeconds: &st.ProbePeriod, InitialDelaySeconds: &st.ProbeInitialDelay, TimeoutSeconds: &st.ProbeTimeout,
			SuccessThreshold: &st.ProbeSuccess, FailureThreshold: &st.ProbeFail,
		},
		Namespace: st.Namespace,
		Models:    []modelJSON{},
	}
	if rec.Spec.EnvironmentImageRequest != nil {
		for _, id := range rec.Spec.EnvironmentImageRequest.ModelIDs {
			var mr modelRecord
			if expand && s.store.Get(kindModel, id, &mr) {
				v.Models = append(v.Models, mr.modelJSON)
			} else {
				v.Models = append(v.Models, modelJSON{ID: id})
			}
		}
	}
	desired := st.replicasToRun()
	available := 0
	if m := servicesOf(s); m != nil {
		m.mu.Lock()
		if l := m.live[rec.Name]; l != nil {
			available = l.rt.Replicas()
		}
		m.mu.Unlock()
	}
	v.DeploymentStatus = &serviceReplicaStatus{DesiredReplicas: desired, UpdatedReplicas: available, AvailableReplicas: available, Error: rec.Error}
	return v
}
