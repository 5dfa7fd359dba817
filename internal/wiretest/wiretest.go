// Package wiretest binds a workspace to gock-mocked hosts for the SDK's wire tests: the
// ARM workspace GET and discovery are answered, so that a test registers mocks only for
// the calls it asserts.
package wiretest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	"github.com/azureml-go/azureml/workspace"
)

// Token is the ARM token that Credential hands out.
const Token = "wire-test-token"

// Credential is a fixed ARM credential for wire tests.
type Credential struct{}

// GetToken implements azcore.TokenCredential.
func (Credential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: Token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// Workspace describes the mocked workspace.
type Workspace struct {
	SubscriptionID, ARMHost, DiscoveryHost string
	// Hosts is the discovery answer.
	Hosts map[string]any
	// Credential defaults to Credential{}.
	Credential azcore.TokenCredential
}

// Connect mocks the workspace GET and discovery, connects a workspace through a client
// that gock intercepts (retries off), and checks both mocks were used.
func Connect(t *testing.T, w Workspace) *workspace.Workspace {
	t.Helper()
	scope := "/subscriptions/" + w.SubscriptionID + "/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"
	gock.New(w.ARMHost).Get(scope).MatchParam("api-version", workspace.APIVersion).Reply(200).
		JSON(map[string]any{"id": scope, "name": "ws", "location": "eastus",
			"properties": map[string]any{"workspaceId": "guid", "discoveryUrl": w.DiscoveryHost + "/discovery"}})
	gock.New(w.DiscoveryHost).Get("/discovery").Reply(200).JSON(w.Hosts)
	client := &http.Client{Transport: &http.Transport{}}
	gock.InterceptClient(client)
	cred := w.Credential
	if cred == nil {
		cred = Credential{}
	}
	ws, err := workspace.Get(context.Background(), w.SubscriptionID, "rg", "ws", cred, &workspace.Options{
		ARMEndpoint: w.ARMHost, HTTPClient: client, Retry: workspace.RetryOptions{MaxRetries: -1},
	})
	require.NoError(t, err)
	require.True(t, gock.IsDone())
	return ws
}
