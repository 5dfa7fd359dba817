package model_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// modelTree writes a model directory with a small and a multi-block file.
func modelTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "regressor")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "weights"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "model.json"), []byte(`{"w":[1,2]}`), 0o644))
	big := make([]byte, 9<<20+123) // three blocks
	for i := range big {
		big[i] = byte(i * 31)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "weights", "layer0.bin"), big, 0o644))
	return dir
}

// lifecycle runs register → get → list → update → delete on ws.
func lifecycle(t *testing.T, ws *workspace.Workspace) {
	ctx := context.Background()
	dir := modelTree(t)
	m1, err := model.Register(ctx, ws, dir, "regressor", &model.RegisterOptions{
		Tags: map[string]string{"stage": "dev"}, Properties: map[string]string{"trainer": "ci"},
		Description: "first", Framework: model.FrameworkScikitLearn, FrameworkVersion: "1.3",
	})
	require.NoError(t, err)
	require.Equal(t, "regressor:1", m1.ID)
	require.Equal(t, model.FrameworkScikitLearn, m1.Framework)
	require.False(t, m1.CreatedTime.IsZero())

	m2, err := model.Register(ctx, ws, filepath.Join(dir, "model.json"), "regressor", nil)
	require.NoError(t, err)
	require.Equal(t, 2, m2.Version, "versions count up per name")
	_, err = model.Register(ctx, ws, filepath.Join(dir, "model.json"), "other", &model.RegisterOptions{Tags: map[string]string{"stage": "prod"}})
	require.NoError(t, err)

	got, err := model.Get(ctx, ws, "regressor:1")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"stage": "dev"}, got.Tags)
	require.Equal(t, "first", got.Description)
	latest, err := model.GetByName(ctx, ws, "regressor", 0)
	require.NoError(t, err)
	require.Equal(t, 2, latest.Version)
	v1, err := model.GetByName(ctx, ws, "regressor", 1)
	require.NoError(t, err)
	require.Equal(t, m1.URL, v1.URL)
	_, err = model.GetByName(ctx, ws, "nope", 0)
	require.ErrorIs(t, err, model.ErrNotFound)

	ids := func(opts *model.ListOptions) []string {
		var out []string
		for m, err := range model.List(ctx, ws, opts) {
			require.NoError(t, err)
			out = append(out, m.ID)
		}
		return out
	}
	require.ElementsMatch(t, []string{"regressor:1", "regressor:2", "other:1"}, ids(nil))
	require.ElementsMatch(t, []string{"regressor:1", "regressor:2"}, ids(&model.ListOptions{Name: "regressor"}))
	require.ElementsMatch(t, []string{"regressor:2", "other:1"}, ids(&model.ListOptions{LatestVersionOnly: true}))
	require.Equal(t, []string{"regressor:1"}, ids(&model.ListOptions{Tags: []string{"stage=dev"}}))
	require.Equal(t, []string{"regressor:1"}, ids(&model.ListOptions{Properties: []string{"trainer"}, Framework: model.FrameworkScikitLearn}))
	require.Empty(t, ids(&model.ListOptions{Tags: []string{"stage=qa"}}))

	desc := "updated"
	up, err := model.Update(ctx, ws, "regressor:1", model.UpdateOptions{
		AddTags: map[string]string{"owner": "me"}, RemoveTags: []string{"stage"}, AddProperties: map[string]string{"score": "0.9"}, Description: &desc,
	})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"owner": "me"}, up.Tags)
	require.Equal(t, map[string]string{"trainer": "ci", "score": "0.9"}, up.Properties)
	require.Equal(t, "updated", up.Description)
	_, err = model.Update(ctx, ws, "regressor:1", model.UpdateOptions{AddProperties: map[string]string{"trainer": "other"}})
	require.ErrorContains(t, err, "immutable")

	require.NoError(t, model.Delete(ctx, ws, "regressor:1"))
	_, err = model.Get(ctx, ws, "regressor:1")
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	require.Equal(t, http.StatusNotFound, re.StatusCode)
	require.Equal(t, "ModelNotFound", re.ErrorCode)
	m3, err := model.Register(ctx, ws, filepath.Join(dir, "model.json"), "regressor", nil)
	require.NoError(t, err)
	require.Equal(t, 3, m3.Version, "a deleted version is not reused")
}

func TestLifecycleOnLocalWorkspace(t *testing.T) {
	_, ws := workspacetest.NewServer(t, nil)
	lifecycle(t, ws)
}

func TestLifecycleWithFaults(t *testing.T) {
	// The four blob faults can all land on one file (uploads run in
	// parallel), which then needs five attempts.
	srv, ws := workspacetest.NewServer(t, &workspacetest.Options{Workspace: workspace.Options{Retry: workspace.RetryOptions{MaxRetries: 6}}})
	on := func(method, pathPart string) func(*http.Request) bool {
		return func(r *http.Request) bool { return r.Method == method && strings.Contains(r.URL.Path, pathPart) }
	}
	for _, f := range []emulator.Fault{
		{Match: on("POST", "/artifacts/batch/metadata/"), DropAfterHandle: true},
		{Match: on("PUT", "/blob/"), Status: 503, RetryAfterMs: 5, Count: 2},
		{Match: on("PUT", "/blob/"), DropAfterHandle: true},
		{Match: on("PUT", "/blob/"), DropBeforeRead: true},
		{Match: on("POST", "/assets"), Status: 429, RetryAfterMs: 5},
		{Match: on("POST", "/models"), Status: 503, RetryAfterMs: 5},
		{Match: on("GET", "/models"), Status: 500},
		{Match: on("PATCH", "/models/"), DropAfterHandle: true},
		{Match: on("DELETE", "/models/"), DropAfterHandle: true},
	} {
		srv.InjectFault(f)
	}
	lifecycle(t, ws)
	faulted := map[string]int{}
	for _, r := range srv.Requests() {
		if r.Faulted {
			faulted[r.Method]++
		}
	}
	require.Equal(t, map[string]int{"POST": 3, "PUT": 4, "GET": 1, "PATCH": 1, "DELETE": 1}, faulted, "every fault was hit")
}

func TestRegisterUploadErrorCarriesNoSAS(t *testing.T) {
	srv, ws := workspacetest.NewServer(t, nil)
	srv.InjectFault(emulator.Fault{Match: func(r *http.Request) bool { return r.Method == "PUT" }, Status: 400})
	_, err := model.Register(context.Background(), ws, filepath.Join(modelTree(t), "model.json"), "m", nil)
	var re *azcore.ResponseError
	require.True(t, errors.As(err, &re), "%v", err)
	require.NotContains(t, err.Error(), "sig=", "no SAS signature in error texts")
}

// A register POST whose answer is lost is not sent again: the version it
// created is found by its asset and returned, and no second version appears.
func TestRegisterAdoptsTheModelWhenTheAnswerIsLost(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault emulator.Fault
	}{
		{"reset after handling", emulator.Fault{DropAfterHandle: true}},
		{"truncated JSON", emulator.Fault{TruncateBody: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, ws := workspacetest.NewServer(t, nil)
			f := tc.fault
			f.Match = emulator.MatchRequest(http.MethodPost, "/models")
			srv.InjectFault(f)
			m, err := model.Register(context.Background(), ws, filepath.Join(modelTree(t), "model.json"), "lost", nil)
			require.NoError(t, err)
			require.Equal(t, "lost:1", m.ID)
			require.Equal(t, []string{"lost:1"}, srv.Inventory().Models, "no second version")
			posts := 0
			for _, r := range srv.Requests() {
				if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/models") {
					posts++
				}
			}
			require.Equal(t, 1, posts, "the register POST is not repeated")
		})
	}
}

// When the lost request did not take effect, the error says so and how to
// check. (The server drops the connection without reading the request; when
// the client notices while still writing, it knows the request did not leave
// and sends it again, so success is a correct outcome too.)
func TestRegisterOutcomeUnknown(t *testing.T) {
	srv, ws := workspacetest.NewServer(t, nil)
	srv.InjectFault(emulator.Fault{Match: emulator.MatchRequest(http.MethodPost, "/models"), DropBeforeRead: true})
	m, err := model.Register(context.Background(), ws, filepath.Join(modelTree(t), "model.json"), "lost", nil)
	if err == nil {
		require.Equal(t, []string{m.ID}, srv.Inventory().Models)
		t.Skip("the client saw its write fail and sent the request again")
	}
	require.ErrorIs(t, err, workspace.ErrOutcomeUnknown)
	require.ErrorContains(t, err, "list the versions of lost")
	require.Empty(t, srv.Inventory().Models)
}
