package faulttest

import (
	"context"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/webservice"
)

// scoreFlow: Run with key auth, a ScoringClient with the primary key, a
// token, Run with token auth. Every scoring POST is a fault target (scoring
// is not safe to repeat: the model may act on it), and so is the token POST.
//
// A scoring call whose answer was lost fails with workspace.ErrOutcomeUnknown;
// the flow then decides, as the owner of this model would, that scoring the
// same input again is harmless, and does.
func scoreFlow(e *env) {
	b := newDeployBase(e)
	tokenCfg := fixedReplicas
	tokenCfg.AuthEnabled, tokenCfg.TokenAuthEnabled = to.Ptr(false), to.Ptr(true)
	keySvc, err := b.deploy(e.ctx, e, "fx-key", fixedReplicas)
	if err == nil {
		err = keySvc.WaitForDeployment(e.ctx, fastWait)
	}
	if err != nil {
		e.t.Fatalf("setup: key-auth service: %v", err)
	}
	tokenSvc, err := b.deploy(e.ctx, e, "fx-token", tokenCfg)
	if err == nil {
		err = tokenSvc.WaitForDeployment(e.ctx, fastWait)
	}
	if err != nil {
		e.t.Fatalf("setup: token-auth service: %v", err)
	}
	e.srv.ClearRequests()

	// The slow class's client gives up like the control plane does, after
	// tryTimeout; the others wait as long as the context allows.
	opts := &webservice.ScoringOptions{}
	if e.class.slow {
		opts.HTTPClient = &http.Client{Timeout: tryTimeout}
	}
	var client *webservice.ScoringClient
	scoreWithClient := func(ctx context.Context) error { return scoreOnce(ctx, client.Score) }

	e.run([]step{
		{name: "run with key", target: on(http.MethodPost, `/service/fx-key/score$`),
			run:     func(ctx context.Context) error { return scoreOnce(ctx, keySvc.Run) },
			recover: func(ctx context.Context) error { return scoreOnce(ctx, keySvc.Run) }},
		{name: "scoring client with key", target: on(http.MethodPost, `/service/fx-key/score$`),
			run: func(ctx context.Context) error {
				keys, err := keySvc.GetKeys(ctx)
				if err != nil {
					return err
				}
				if client, err = webservice.NewScoringClient(keySvc.ScoringURI(), webservice.KeyCredential(keys.Primary), opts); err != nil {
					return err
				}
				return scoreWithClient(ctx)
			},
			recover: scoreWithClient},
		{name: "token", target: on(http.MethodPost, `/services/fx-token/token$`), run: func(ctx context.Context) error {
			_, err := tokenSvc.GetAccessToken(ctx)
			return err
		}},
		{name: "run with token", target: on(http.MethodPost, `/service/fx-token/score$`),
			run:     func(ctx context.Context) error { return scoreOnce(ctx, tokenSvc.Run) },
			recover: func(ctx context.Context) error { return scoreOnce(ctx, tokenSvc.Run) }},
	})
	e.expectInventory("services", e.srv.Inventory().Services, []string{"fx-key", "fx-token"})
}
