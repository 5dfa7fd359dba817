package faulttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"

	"github.com/azureml-go/azureml/model"
)

// assets are the example model and entry script shared with the examples.
var assets = filepath.Join("..", "..", "examples", "assets")

// modelFlow: register → get → list → update → delete. Faults hit the
// register POST (not safe to repeat), the list, the update PATCH and the
// DELETE.
func modelFlow(e *env) {
	const name = "fx-model"
	var m *model.Model

	e.run([]step{
		{name: "register", target: on(http.MethodPost, `/models$`),
			run: func(ctx context.Context) (err error) {
				m, err = model.Register(ctx, e.ws, filepath.Join(assets, "model.json"), name, &model.RegisterOptions{Tags: map[string]string{"stage": "dev"}})
				return err
			},
			recover: func(ctx context.Context) (err error) {
				m, err = registerIfAbsent(ctx, e, name)
				return err
			}},
		{name: "get", run: func(ctx context.Context) error {
			got, err := model.Get(ctx, e.ws, m.ID)
			if err != nil {
				return err
			}
			if got.URL != m.URL {
				return fmt.Errorf("get: url %s, want %s", got.URL, m.URL)
			}
			return nil
		}},
		{name: "list", target: on(http.MethodGet, `/models$`), run: func(ctx context.Context) error {
			ids, err := listModels(ctx, e, name)
			if err != nil {
				return err
			}
			if len(ids) != 1 || ids[0] != m.ID {
				return fmt.Errorf("list: %q, want only %s", ids, m.ID)
			}
			return nil
		}},
		{name: "update", target: on(http.MethodPatch, `/models/`), run: func(ctx context.Context) error {
			got, err := model.Update(ctx, e.ws, m.ID, model.UpdateOptions{AddTags: map[string]string{"stage": "prod"}})
			if err != nil {
				return err
			}
			if got.Tags["stage"] != "prod" {
				return fmt.Errorf("update: tags %v", got.Tags)
			}
			return nil
		}},
		{name: "delete", target: on(http.MethodDelete, `/models/`), run: func(ctx context.Context) error {
			if err := model.Delete(ctx, e.ws, m.ID); err != nil {
				return err
			}
			if _, err := model.Get(ctx, e.ws, m.ID); !errors.Is(err, model.ErrNotFound) {
				return fmt.Errorf("get after delete: %v", err)
			}
			return nil
		}},
	})
	e.expectInventory("models", e.srv.Inventory().Models, nil)
}

// listModels returns the ids of the models named name.
func listModels(ctx context.Context, e *env, name string) ([]string, error) {
	var ids []string
	for m, err := range model.List(ctx, e.ws, &model.ListOptions{Name: name}) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// registerIfAbsent is what a user does after a register whose outcome is
// unknown: look for the model, and register it only if it is not there.
func registerIfAbsent(ctx context.Context, e *env, name string) (*model.Model, error) {
	ids, err := listModels(ctx, e, name)
	if err != nil {
		return nil, err
	}
	switch len(ids) {
	case 0:
		e.t.Logf("model %s was not registered: registering it again", name)
		return model.Register(ctx, e.ws, filepath.Join(assets, "model.json"), name, &model.RegisterOptions{Tags: map[string]string{"stage": "dev"}})
	case 1:
		e.t.Logf("model %s was registered after all: using %s", name, ids[0])
		return model.Get(ctx, e.ws, ids[0])
	}
	return nil, fmt.Errorf("after an unknown outcome, %d models named %s exist: %q", len(ids), name, ids)
}
