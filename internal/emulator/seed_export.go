package emulator

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SeedModel describes one model inserted by Server.SeedModels.
type SeedModel struct {
	// Name of the model; it must follow the model-name rule of the service.
	Name string
	// Description, Tags, Properties and Framework are stored as a register call
	// would store them. An empty Framework is "Custom".
	Description string
	Tags        map[string]string
	Properties  map[string]string
	Framework   string
}

// SeedModels inserts model records straight into the workspace store, without
// artifacts, blobs or assets, and returns their ids ("{name}:{version}"). Each
// model gets the next version of its name, as a register call would.
//
// It exists for tests and benchmarks that need many models quickly (listing and
// paging over thousands): the register flow uploads files and is orders of
// magnitude slower. A seeded model's url names an asset that does not exist, so
// it cannot be deployed or downloaded; everything else (get, list, filters,
// update, delete) treats it like a registered model. Do not use it to build
// state that the SDK's register tests should produce.
func (s *Server) SeedModels(models []SeedModel) ([]string, error) {
	var problems []string
	for i, m := range models {
		if !modelNameRule.MatchString(m.Name) {
			problems = append(problems, fmt.Sprintf("models[%d]: name %q breaks the model-name rule", i, m.Name))
		}
	}
	if len(problems) > 0 {
		return nil, errors.New("emulator: SeedModels: " + strings.Join(problems, "; "))
	}
	ids := make([]string, 0, len(models))
	now := time.Now().UTC()
	for i, m := range models {
		var version int
		if err := updateRecord(s.store, kindModelVersion, m.Name, func(last *int, _ bool) (bool, error) {
			*last++
			version = *last
			return true, nil
		}); err != nil {
			return ids, err
		}
		framework := m.Framework
		if framework == "" {
			framework = "Custom"
		}
		// Distinct instants keep the list order (newest first) the insertion order
		// reversed, as registering one after the other would.
		created := now.Add(time.Duration(i) * time.Microsecond)
		stamp := created.Format(time.RFC3339Nano)
		rec := modelRecord{Created: created, modelJSON: modelJSON{
			ID: m.Name + ":" + strconv.Itoa(version), Name: m.Name, Version: version,
			KVTags: nonNilMap(m.Tags), Properties: nonNilMap(m.Properties),
			URL: "aml://asset/seeded-" + m.Name, MimeType: "application/json", Framework: framework,
			Datasets: []modelDataset{}, CreatedTime: stamp, ModifiedTime: stamp,
			CreatedBy: modelUser{UserObjectID: s.ws.PrincipalID, UserTenantID: s.ws.TenantID, UserName: "local-user"},
		}}
		if m.Description != "" {
			d := m.Description
			rec.Description = &d
		}
		if err := s.store.Put(kindModel, rec.ID, rec); err != nil {
			return ids, err
		}
		ids = append(ids, rec.ID)
	}
	return ids, nil
}
