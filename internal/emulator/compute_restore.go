package emulator

import (
	"encoding/json"
	"time"
)

// repairComputes finishes the compute operations that a previous server with the same
// DataDir left in progress: the core marks their operations Succeeded, so the computes
// take the state those operations would have produced.
func (s *Server) repairComputes() {
	for _, raw := range s.store.List(kindCompute) {
		var c computeRecord
		if json.Unmarshal(raw, &c) != nil || !c.inProgress() {
			continue
		}
		switch c.OpKind {
		case computeOpDelete, computeOpDetach:
			s.store.Delete(kindCompute, computeKey(c.Name))
			if c.OpKind == computeOpDelete {
				s.store.Delete(kindAKSCluster, clusterKey(c.ResourceID))
			}
			continue
		case computeOpCreate:
			if c.Pending != nil {
				s.provisionCluster(&c)
				s.putCompute(&c)
				continue
			}
		}
		if c.Pending != nil {
			c.Props, c.Pending = c.Pending, nil
		}
		c.State = stateSucceeded
		c.ModifiedOn = time.Now().UTC()
		s.putCompute(&c)
	}
}
