package webservice_test

import (
	"context"
	"encoding/base64"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

func TestResumeDeploymentFromToken(t *testing.T) {
	f := newFixture(t, &workspacetest.Options{Emulator: emulator.Options{OperationDelay: 300 * time.Millisecond}})
	ctx := context.Background()
	svc, err := model.Deploy(ctx, f.ws, "resumed", []*model.Model{f.model}, f.ic, fixedReplicas, f.aks, nil)
	require.NoError(t, err)
	token, err := svc.OperationResumeToken()
	require.NoError(t, err)
	assert.NotContains(t, token, "resumed", "the token is opaque")

	again, err := webservice.ResumeDeployment(ctx, f.ws, token)
	require.NoError(t, err)
	assert.Equal(t, svc.OperationID(), again.OperationID())
	assert.NotEqual(t, webservice.StateHealthy, again.State(), "resumed while the deployment runs")
	require.NoError(t, again.WaitForDeployment(ctx, fastWait))
	assert.Equal(t, webservice.StateHealthy, again.State())

	// An update's operation resumes the same way.
	op, err := again.Update(ctx, webservice.AksUpdateConfig{Description: to.Ptr("v2")}, nil)
	require.NoError(t, err)
	token, err = op.ResumeToken()
	require.NoError(t, err)
	third, err := webservice.ResumeDeployment(ctx, f.ws, token)
	require.NoError(t, err)
	assert.Equal(t, op.ID(), third.OperationID())
	require.NoError(t, third.WaitForDeployment(ctx, fastWait))
	assert.Equal(t, "v2", third.Description())

	require.NoError(t, third.Delete(ctx, &webservice.DeleteOptions{Wait: fastWait}))
	_, err = webservice.ResumeDeployment(ctx, f.ws, token)
	assert.ErrorIs(t, err, webservice.ErrNotFound)
}

func TestResumeDeploymentRejectsBadTokens(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, tok := range []string{
		"", "!!!", enc(`{}`), enc(`{"v":2,"service":"svc","operation":"op"}`),
		enc(`{"v":1,"service":"Bad_Name","operation":"op"}`), enc(`{"v":1,"service":"svc","operation":"../x"}`),
		enc(`{"v":1,"service":"svc","operation":""}`), enc(`{"v":1,"service":"svc","operation":"op","key":"x"}`),
	} {
		_, err := webservice.ResumeDeployment(context.Background(), nil, tok)
		assert.ErrorIs(t, err, webservice.ErrInvalidResumeToken, "token %q", tok)
	}
}
