package webservice_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

func TestEndToEndDeployScoreOperateDelete(t *testing.T) {
	f := newFixture(t, nil)
	runLifecycle(t, f)
}

// runLifecycle is deploy → wait → score (key, token) → logs → keys/regen →
// update → list → delete.
func runLifecycle(t *testing.T, f *fixture) {
	ctx := context.Background()
	var events []webservice.ProgressEvent
	svc, err := model.Deploy(ctx, f.ws, "e2e-svc", []*model.Model{f.model}, f.ic,
		webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1), Tags: map[string]string{"team": "ml"}}, f.aks, nil)
	require.NoError(t, err)
	assert.Equal(t, "e2e-svc", svc.Name())
	assert.NotEmpty(t, svc.OperationID())
	require.NoError(t, svc.WaitForDeployment(ctx, &webservice.WaitOptions{
		PollFrequency: fastWait.PollFrequency,
		Progress:      func(e webservice.ProgressEvent) { events = append(events, e) },
	}))
	assert.Equal(t, webservice.StateHealthy, svc.State())
	assert.Nil(t, svc.Error())
	assert.True(t, svc.AuthEnabled())
	assert.Equal(t, f.srv.URL()+"/api/v1/service/e2e-svc/score", svc.ScoringURI())
	assert.Equal(t, f.srv.URL()+"/api/v1/service/e2e-svc/swagger.json", svc.SwaggerURI())
	assert.Equal(t, []string{f.model.ID}, svc.ModelIDs())
	assert.Equal(t, "ml", svc.Tags()["team"])
	var sawLog, sawDeploy bool
	for _, e := range events {
		sawLog = sawLog || e.Kind == webservice.ProgressLog && strings.Contains(e.Message, "healthy")
		sawDeploy = sawDeploy || e.SubOperationType == "DeployService"
	}
	assert.True(t, sawLog, "the operation log streams: %+v", events)
	assert.True(t, sawDeploy, "sub-operations are reported: %+v", events)

	// Score with key auth; after the first call no control-plane request.
	out, err := svc.Run(ctx, []byte(sampleInput))
	require.NoError(t, err)
	assert.JSONEq(t, sampleOutput, string(out))
	before := mmsRequests(f.srv)
	for i := 0; i < 5; i++ {
		_, err := svc.Run(ctx, []byte(sampleInput))
		require.NoError(t, err)
	}
	assert.Equal(t, before, mmsRequests(f.srv), "Run made control-plane calls")

	// A bad payload is the model's fault.
	_, err = svc.Run(ctx, []byte(`{"data": [[1, 2]]}`))
	var se *webservice.ScoringError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, webservice.SourceModel, se.Source)
	assert.Contains(t, se.Message, "each row needs 4 numbers")

	// Swagger with the same credential.
	sc, err := svc.ScoringClient(ctx)
	require.NoError(t, err)
	doc, err := sc.Swagger(ctx)
	require.NoError(t, err)
	assert.Contains(t, string(doc), `"swagger"`)

	// Replica output reaches the log asynchronously: poll for the run lines.
	var logs string
	require.Eventually(t, func() bool {
		logs, err = svc.GetLogs(ctx, &webservice.LogOptions{Tail: 100})
		return err == nil && strings.Contains(logs, "run: scored 2 rows")
	}, 10*time.Second, 5*time.Millisecond)
	assert.Contains(t, logs, "init: loaded")
	initLogs, err := svc.GetLogs(ctx, &webservice.LogOptions{Init: true})
	require.NoError(t, err)
	assert.Contains(t, initLogs, "Downloaded model "+f.model.ID)

	// Keys: regenerate the primary; Run recovers from the 401 by itself.
	keys, err := svc.GetKeys(ctx)
	require.NoError(t, err)
	require.False(t, keys.Primary.IsZero())
	assert.NotContains(t, fmtAll(keys), keys.Primary.Reveal())
	require.NoError(t, svc.RegenKey(ctx, webservice.KeyPrimary, &webservice.RegenKeyOptions{Value: auth.NewSecret("chosen-primary-key"), Wait: fastWait}))
	keys2, err := svc.GetKeys(ctx)
	require.NoError(t, err)
	assert.Equal(t, "chosen-primary-key", keys2.Primary.Reveal())
	assert.True(t, keys.Secondary.Equal(keys2.Secondary))
	old, err := webservice.NewScoringClient(svc.ScoringURI(), webservice.KeyCredential(keys.Primary), nil)
	require.NoError(t, err)
	_, err = old.Score(ctx, []byte(sampleInput))
	require.ErrorAs(t, err, &se)
	assert.Equal(t, webservice.SourceAuth, se.Source)
	out, err = svc.Run(ctx, []byte(sampleInput))
	require.NoError(t, err, "Run refreshes the key after a 401")
	assert.JSONEq(t, sampleOutput, string(out))
	require.NoError(t, svc.RegenKey(ctx, webservice.KeySecondary, &webservice.RegenKeyOptions{Wait: fastWait}))

	// Switch to token auth with an update.
	op, err := svc.Update(ctx, webservice.AksUpdateConfig{AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(true)}, nil)
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, fastWait))
	assert.True(t, svc.TokenAuthEnabled())
	tok, err := svc.GetAccessToken(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Bearer", tok.TokenType)
	assert.True(t, tok.RefreshAfter.After(tok.ExpiresOn.Add(-2*time.Hour)) && tok.RefreshAfter.Before(tok.ExpiresOn))
	out, err = svc.Run(ctx, []byte(sampleInput))
	require.NoError(t, err)
	assert.JSONEq(t, sampleOutput, string(out))
	ts := webservice.NewTokenSource(svc.GetAccessToken)
	tc, err := webservice.NewScoringClient(svc.ScoringURI(), ts, nil)
	require.NoError(t, err)
	out, err = tc.Score(ctx, []byte(sampleInput))
	require.NoError(t, err)
	assert.JSONEq(t, sampleOutput, string(out))

	// Scale to two replicas.
	op, err = svc.Update(ctx, webservice.AksUpdateConfig{NumReplicas: to.Ptr(2), Description: to.Ptr("two replicas")}, nil)
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, fastWait))
	assert.Equal(t, 2, svc.ReplicaStatus().Available)
	assert.Equal(t, "two replicas", svc.Description())
	assert.Equal(t, 2, *svc.Settings().NumReplicas)

	// List with filters, lazily.
	pager := webservice.List(f.ws, &webservice.ListOptions{ComputeType: "aks", Tags: []string{"team=ml"}, ModelName: f.model.Name})
	var names []string
	for pager.More() {
		page, err := pager.NextPage(ctx)
		require.NoError(t, err)
		for _, s := range page.Services {
			names = append(names, s.Name())
		}
	}
	assert.Equal(t, []string{"e2e-svc"}, names)

	got, err := webservice.Get(ctx, f.ws, "e2e-svc")
	require.NoError(t, err)
	assert.Equal(t, webservice.StateHealthy, got.State())

	// The model is in use: it cannot be deleted until the service is gone.
	err = model.Delete(ctx, f.ws, f.model.ID)
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 412, re.StatusCode)

	require.NoError(t, svc.Delete(ctx, nil))
	require.NoError(t, svc.Delete(ctx, nil), "Delete is idempotent")
	_, err = webservice.Get(ctx, f.ws, "e2e-svc")
	assert.ErrorIs(t, err, webservice.ErrNotFound)
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 404, re.StatusCode)
	_, err = svc.Run(ctx, []byte(sampleInput))
	assert.Error(t, err)
	require.NoError(t, model.Delete(ctx, f.ws, f.model.ID))
}

func fmtAll(v any) string { return fmt.Sprintf("%v %+v %#v", v, v, v) }

func TestInitFailureFailsFastWithTraceback(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	svc, err := model.Deploy(ctx, f.ws, "crash-svc", []*model.Model{f.model}, crashingSource(t), fixedReplicas, f.aks, nil)
	require.NoError(t, err)
	err = svc.WaitForDeployment(ctx, fastWait)
	var de *webservice.DeploymentError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "Failed", de.State)
	assert.Equal(t, webservice.StateFailed, de.ServiceState)
	assert.Equal(t, "DeployService", de.SubOperation)
	assert.NotEmpty(t, de.OperationID)
	require.NotNil(t, de.Err)
	assert.Equal(t, "CrashLoopBackOff", de.Err.Code)
	assert.Contains(t, de.Err.Message, "Traceback (most recent call last)")
	assert.Contains(t, err.Error(), "FileNotFoundError: weights.bin is missing from the model directory")
	assert.Contains(t, de.Logs, "loading weights")
	assert.Contains(t, de.Hint, "GetLogs")
	assert.Equal(t, webservice.StateFailed, svc.State())
	var se *webservice.ServiceError
	assert.True(t, errors.As(err, &se))
	assert.ErrorIs(t, err, webservice.ErrInitFailed)
	assert.NotErrorIs(t, err, webservice.ErrImageBuild)
}

func TestDeployValidatesEverythingBeforeAnyRequest(t *testing.T) {
	f := newFixture(t, nil)
	f.srv.ClearRequests()
	_, err := model.Deploy(context.Background(), f.ws, "Bad_Name", []*model.Model{f.model}, &model.InferenceConfig{EntryScript: "nope.txt"},
		webservice.AksDeployConfig{CPUCores: to.Ptr(-1.0), AutoscaleEnabled: to.Ptr(true), NumReplicas: to.Ptr(2)}, nil, nil)
	var ve *model.ValidationError
	require.ErrorAs(t, err, &ve)
	fields := map[string]bool{}
	for _, p := range ve.Problems {
		fields[p.Field] = true
	}
	for _, want := range []string{"name", "EntryScript", "DeployConfig.CPUCores", "DeployConfig.NumReplicas", "target"} {
		assert.True(t, fields[want], "no problem for %s in %v", want, err)
	}
	assert.Contains(t, err.Error(), "Invalid configuration")
	assert.Empty(t, f.srv.Requests(), "validation made requests")
}
