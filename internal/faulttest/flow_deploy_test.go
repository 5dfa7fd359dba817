package faulttest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
)

const (
	sampleInput  = `{"data": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}`
	sampleOutput = `{"predictions": [2.475, 8.68]}`
)

var fastWait = &webservice.WaitOptions{PollFrequency: pollEvery, Timeout: time.Minute}

// deployBase is what a deployment needs, made before any fault is armed: an
// AKS compute, the example model and its inference configuration.
type deployBase struct {
	aks   *compute.AksCompute
	model *model.Model
	ic    *model.InferenceConfig
}

func newDeployBase(e *env) *deployBase {
	e.t.Helper()
	ctx := e.ctx
	aks, err := compute.Create(ctx, e.ws, "fx-aks", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest})
	if err == nil {
		err = aks.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: pollEvery})
	}
	if err != nil {
		e.t.Fatalf("setup: compute: %v", err)
	}
	m, err := model.Register(ctx, e.ws, filepath.Join(assets, "model.json"), "fx-model", nil)
	if err != nil {
		e.t.Fatalf("setup: model: %v", err)
	}
	ic, err := model.LoadInferenceConfig(filepath.Join(assets, "inferenceconfig.json"))
	if err != nil {
		e.t.Fatalf("setup: inference config: %v", err)
	}
	e.srv.ClearRequests()
	return &deployBase{aks: aks, model: m, ic: ic}
}

func (b *deployBase) deploy(ctx context.Context, e *env, name string, cfg webservice.AksDeployConfig) (*webservice.AksWebservice, error) {
	return model.Deploy(ctx, e.ws, name, []*model.Model{b.model}, b.ic, cfg, b.aks, nil)
}

// deployIfAbsent is what a user does after a deployment whose outcome is
// unknown: look for the service, and deploy only if it is not there.
func (b *deployBase) deployIfAbsent(ctx context.Context, e *env, name string, cfg webservice.AksDeployConfig) (*webservice.AksWebservice, error) {
	svc, err := webservice.Get(ctx, e.ws, name)
	switch {
	case err == nil:
		e.t.Logf("service %s was created after all: waiting for it", name)
		return svc, nil
	case errors.Is(err, webservice.ErrNotFound):
		e.t.Logf("service %s was not created: deploying again", name)
		return b.deploy(ctx, e, name, cfg)
	}
	return nil, err
}

var fixedReplicas = webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1)}

// deployFlow: deploy → wait → get → logs → keys → regenerate → update (to
// token auth) → token → delete. Faults hit the create POST, a poll of its
// operation, the regenerateKeys POST and the update PATCH, none of which but
// the poll is safe to repeat.
func deployFlow(e *env) {
	const name = "fx-svc"
	const chosenKey = "fx-chosen-primary-key"
	b := newDeployBase(e)
	var svc *webservice.AksWebservice

	e.run([]step{
		{name: "deploy", target: on(http.MethodPost, `/services$`),
			run: func(ctx context.Context) (err error) {
				svc, err = b.deploy(ctx, e, name, fixedReplicas)
				return err
			},
			recover: func(ctx context.Context) (err error) {
				svc, err = b.deployIfAbsent(ctx, e, name, fixedReplicas)
				return err
			}},
		{name: "wait", target: on(http.MethodGet, `/operations/`), run: func(ctx context.Context) error {
			if err := svc.WaitForDeployment(ctx, e.serviceWait()); err != nil {
				return err
			}
			if svc.State() != webservice.StateHealthy {
				return fmt.Errorf("state %s after the wait", svc.State())
			}
			return nil
		}},
		{name: "get", run: func(ctx context.Context) error {
			got, err := webservice.Get(ctx, e.ws, name)
			if err != nil {
				return err
			}
			if got.State() != webservice.StateHealthy || got.ScoringURI() == "" {
				return fmt.Errorf("get: state %s, scoring URI %q", got.State(), got.ScoringURI())
			}
			return nil
		}},
		{name: "logs", run: func(ctx context.Context) error {
			logs, err := svc.GetLogs(ctx, &webservice.LogOptions{Init: true})
			if err != nil {
				return err
			}
			if !strings.Contains(logs, b.model.ID) {
				return fmt.Errorf("init logs do not mention the model: %q", logs)
			}
			return nil
		}},
		{name: "keys", run: func(ctx context.Context) error {
			keys, err := svc.GetKeys(ctx)
			if err == nil && keys.Primary.IsZero() {
				err = errors.New("no primary key")
			}
			return err
		}},
		{name: "regenerate", target: on(http.MethodPost, `/regenerateKeys$`),
			run: func(ctx context.Context) error {
				return svc.RegenKey(ctx, webservice.KeyPrimary, &webservice.RegenKeyOptions{Value: auth.NewSecret(chosenKey), Wait: fastWait})
			},
			recover: func(ctx context.Context) error {
				return regenIfNeeded(ctx, e, svc, chosenKey)
			}},
		{name: "score after regenerate", run: func(ctx context.Context) error {
			keys, err := svc.GetKeys(ctx)
			if err != nil {
				return err
			}
			if keys.Primary.Reveal() != chosenKey {
				return errors.New("the primary key is not the chosen one")
			}
			return scoreOnce(ctx, svc.Run)
		}},
		{name: "update", target: on(http.MethodPatch, `/services/`+name+`$`),
			run: func(ctx context.Context) error {
				return updateToTokenAuth(ctx, svc)
			},
			recover: func(ctx context.Context) error {
				return updateIfNeeded(ctx, e, svc)
			}},
		{name: "token", run: func(ctx context.Context) error {
			if !svc.TokenAuthEnabled() {
				return errors.New("token auth is not enabled after the update")
			}
			tok, err := svc.GetAccessToken(ctx)
			if err == nil && tok.Token.IsZero() {
				err = errors.New("empty token")
			}
			return err
		}},
		{name: "delete", run: func(ctx context.Context) error {
			if err := svc.Delete(ctx, &webservice.DeleteOptions{Wait: fastWait}); err != nil {
				return err
			}
			if _, err := webservice.Get(ctx, e.ws, name); !errors.Is(err, webservice.ErrNotFound) {
				return fmt.Errorf("get after delete: %v", err)
			}
			return nil
		}},
	})
	inv := e.srv.Inventory()
	e.expectInventory("services", inv.Services, nil)
	e.expectInventory("models", inv.Models, []string{b.model.ID})
	e.expectInventory("computes", inv.Computes, []string{"fx-aks"})
}

var tokenAuth = webservice.AksUpdateConfig{AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(true), Description: to.Ptr("token auth")}

func updateToTokenAuth(ctx context.Context, svc *webservice.AksWebservice) error {
	op, err := svc.Update(ctx, tokenAuth, nil)
	if err != nil {
		return err
	}
	return op.Wait(ctx, fastWait)
}

// updateIfNeeded is what a user does after an update whose outcome is
// unknown: read the service; if the change is there, wait for the
// service's operation, else update again.
func updateIfNeeded(ctx context.Context, e *env, svc *webservice.AksWebservice) error {
	if err := svc.Refresh(ctx); err != nil {
		return err
	}
	if svc.Description() == *tokenAuth.Description {
		e.t.Logf("the update was applied after all: waiting for the service")
		return svc.WaitForDeployment(ctx, fastWait)
	}
	e.t.Logf("the update was not applied: updating again")
	return updateToTokenAuth(ctx, svc)
}

// regenIfNeeded is what a user does after a key regeneration whose outcome
// is unknown: read the keys (the regeneration may still be running) and
// regenerate only if the key did not change.
func regenIfNeeded(ctx context.Context, e *env, svc *webservice.AksWebservice, want string) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		keys, err := svc.GetKeys(ctx)
		if err != nil {
			return err
		}
		if keys.Primary.Reveal() == want {
			e.t.Logf("the key was regenerated after all")
			return nil
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	e.t.Logf("the key was not regenerated: regenerating again")
	return svc.RegenKey(ctx, webservice.KeyPrimary, &webservice.RegenKeyOptions{Value: auth.NewSecret(want), Wait: fastWait})
}

// scoreOnce scores the sample input and checks the answer.
func scoreOnce(ctx context.Context, score func(context.Context, []byte) ([]byte, error)) error {
	out, err := score(ctx, []byte(sampleInput))
	if err != nil {
		return err
	}
	if strings.Join(strings.Fields(string(out)), "") != strings.Join(strings.Fields(sampleOutput), "") {
		return fmt.Errorf("scored %q, want %q", out, sampleOutput)
	}
	return nil
}
