package secretscan

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/endpoint"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/internal/testcerts"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace"
)

// printer collects what a careless program would print: every returned value and
// error in every fmt form.
type printer struct {
	b strings.Builder
}

// show prints v the ways users print values: %v, %+v, %#v and %s.
func (p *printer) show(what string, v any) {
	fmt.Fprintf(&p.b, "%s:\n  %%v  %v\n  %%+v %+v\n  %%#v %#v\n  %%s  %s\n", what, v, v, v, v)
	if err, ok := v.(error); ok && err != nil {
		fmt.Fprintf(&p.b, "  Error() %s\n", err.Error())
	}
}

// captureAzcoreLog installs an azcore log listener for every event and returns what it
// captured so far.
func captureAzcoreLog(t *testing.T) func() string {
	var mu sync.Mutex
	var b strings.Builder
	azlog.SetListener(func(ev azlog.Event, msg string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(&b, "%s: %s\n", ev, msg)
	})
	azlog.SetEvents() // no filter: every event class, ours included
	t.Cleanup(func() { azlog.SetListener(nil) })
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		return b.String()
	}
}

// TestSDKFlowLeaksNoSecret runs, in-process with the azcore log captured at full
// verbosity, every call that handles a secret, and prints every result in every fmt
// form. No secret may appear in the log or the printed text.
func TestSDKFlowLeaksNoSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys services and an endpoint on a local workspace")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	logged := captureAzcoreLog(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	assets := filepath.Join(repoRoot(t), "examples", "assets")
	sample, err := os.ReadFile(filepath.Join(assets, "sample-input.json"))
	require.NoError(t, err)

	chosen := map[string]secret{}
	for _, kind := range []string{"ARM bearer token", "custom primary key", "custom secondary key", "regenerated key value",
		"wrong scoring key", "registry password", "custom endpoint key"} {
		chosen[kind] = randomSecret(kind)
	}
	now := time.Now()
	certPEM, keyPEM := testcerts.SelfSigned(t, "scoring.contoso.com", now.Add(-time.Hour), now.Add(90*24*time.Hour))

	srv, err := emulator.New(emulator.Options{RetryAfter: 20 * time.Millisecond})
	require.NoError(t, err)
	defer srv.Close()
	info := srv.Info()
	cred, err := auth.NewStaticTokenCredential(chosen["ARM bearer token"].value, now.Add(time.Hour))
	require.NoError(t, err)
	var p printer
	p.show("ARM credential", cred)

	ws, err := workspace.Get(ctx, info.SubscriptionID, info.ResourceGroup, info.WorkspaceName, cred,
		&workspace.Options{ARMEndpoint: info.ARMEndpoint, DiscoveryURL: info.DiscoveryURL, Retry: workspace.RetryOptions{RetryDelay: 5 * time.Millisecond}})
	require.NoError(t, err)
	p.show("workspace", ws)
	compWait := &compute.WaitOptions{Frequency: 20 * time.Millisecond}
	wait := &webservice.WaitOptions{PollFrequency: 20 * time.Millisecond, Timeout: 3 * time.Minute}

	// Compute: a custom TLS certificate (its private key is a secret), then the kubeconfigs.
	pc := compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest, AgentCount: 1, VMSize: "Standard_D2_v2",
		SSL: compute.CustomCert{CNAME: "scoring.contoso.com", CertPEM: certPEM, KeyPEM: keyPEM}}
	p.show("provisioning configuration", pc)
	aks, err := compute.Create(ctx, ws, "scan-aks", pc)
	require.NoError(t, err)
	require.NoError(t, aks.WaitForCompletion(ctx, compWait))
	p.show("compute", aks)
	p.show("compute properties", aks.Properties())
	creds, err := aks.GetCredentials(ctx)
	require.NoError(t, err)
	p.show("compute credentials", creds)
	p.show("compute credentials value", *creds)
	uc := compute.UpdateConfiguration{SSL: compute.CustomCert{CNAME: "scoring.contoso.com", CertPEM: certPEM, KeyPEM: keyPEM}}
	p.show("compute update configuration", uc)
	op, err := aks.Update(ctx, uc)
	require.NoError(t, err)
	require.NoError(t, op.Wait(ctx, compWait))
	tok, err := op.ResumeToken()
	require.NoError(t, err)
	p.show("compute resume token", tok)

	// Model: artifact upload through SAS URLs.
	m, err := model.Register(ctx, ws, filepath.Join(assets, "model.json"), "scan-linear", nil)
	require.NoError(t, err)
	p.show("model", m)

	// A service with custom keys and a private registry's password.
	env := model.NewEnvironment("scan-env")
	env.Docker.BaseImageRegistry = &model.ContainerRegistry{Address: "contoso.azurecr.io", Username: "puller",
		Password: auth.NewSecret(chosen["registry password"].value)}
	ic := &model.InferenceConfig{EntryScript: "score.py", SourceDirectory: filepath.Join(assets, "src"), Environment: env}
	p.show("environment", env)
	p.show("inference config", ic)
	cfg := webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1), AuthEnabled: to.Ptr(true),
		PrimaryKey: auth.NewSecret(chosen["custom primary key"].value), SecondaryKey: auth.NewSecret(chosen["custom secondary key"].value)}
	p.show("deploy configuration", cfg)
	eir, err := model.BuildEnvironmentImageRequest(ctx, ws, ic, []string{m.ID})
	require.NoError(t, err)
	p.show("environment image request", eir)
	svc, err := model.Deploy(ctx, ws, "scan-svc", []*model.Model{m}, ic, cfg, aks, nil)
	require.NoError(t, err)
	require.NoError(t, svc.WaitForDeployment(ctx, wait))
	p.show("service", svc)
	p.show("service settings", svc.Settings())
	keys, err := svc.GetKeys(ctx)
	require.NoError(t, err)
	require.True(t, keys.Primary.Equal(cfg.PrimaryKey), "the custom primary key was not applied")
	p.show("service keys", keys)
	out, err := svc.Run(ctx, sample)
	require.NoError(t, err)
	p.show("scoring answer", string(out))
	sc, err := svc.ScoringClient(ctx)
	require.NoError(t, err)
	p.show("scoring client", sc)
	p.show("scoring credential", svc.ScoringCredential())

	regen := &webservice.RegenKeyOptions{Value: auth.NewSecret(chosen["regenerated key value"].value)}
	p.show("regen options", regen)
	require.NoError(t, svc.RegenKey(ctx, webservice.KeyPrimary, regen))
	_, err = svc.Run(ctx, sample)
	require.NoError(t, err, "scoring after the key changed")

	wrong, err := webservice.NewScoringClient(svc.ScoringURI(), webservice.KeyCredential(auth.NewSecret(chosen["wrong scoring key"].value)), nil)
	require.NoError(t, err)
	_, err = wrong.Score(ctx, sample)
	require.Error(t, err)
	p.show("scoring error (wrong key)", err)

	// Token auth.
	upd, err := svc.Update(ctx, webservice.AksUpdateConfig{AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(true)}, nil)
	require.NoError(t, err)
	require.NoError(t, upd.Wait(ctx, wait))
	at, err := svc.GetAccessToken(ctx)
	require.NoError(t, err)
	p.show("access token", at)
	p.show("access token value", at.Token)
	_, err = svc.Run(ctx, sample)
	require.NoError(t, err, "scoring with a token")
	ts := webservice.NewTokenSource(svc.GetAccessToken)
	_, err = ts.ScoringCredential(ctx, false)
	require.NoError(t, err)
	p.show("token source", ts)
	logs, err := svc.GetLogs(ctx, nil)
	require.NoError(t, err)
	p.show("service logs", logs)

	// Errors that carry configurations or responses.
	bad := cfg
	bad.PrimaryKey = auth.Secret{}
	_, err = model.Deploy(ctx, ws, "scan-bad", []*model.Model{m}, ic, bad, aks, nil)
	require.Error(t, err)
	p.show("validation error", err)
	_, err = webservice.Get(ctx, ws, "scan-missing")
	require.Error(t, err)
	p.show("not found error", err)

	// A deployment whose init() fails: the error carries the service logs.
	broken := filepath.Join(t.TempDir(), "src")
	require.NoError(t, os.MkdirAll(broken, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(broken, "score.py"), []byte("def init():\n    raise RuntimeError('init failed on purpose')\n\ndef run(data):\n    return data\n"), 0o644))
	failing, err := model.Deploy(ctx, ws, "scan-broken", []*model.Model{m},
		&model.InferenceConfig{EntryScript: "score.py", SourceDirectory: broken, Environment: env}, cfg, aks, nil)
	require.NoError(t, err)
	err = failing.WaitForDeployment(ctx, wait)
	require.Error(t, err)
	p.show("deployment error", err)

	// An endpoint with a custom key.
	epCfg := endpoint.AksEndpointDeployConfig{VersionName: "blue", AksDeployConfig: webservice.AksDeployConfig{
		AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1), PrimaryKey: auth.NewSecret(chosen["custom endpoint key"].value)}}
	p.show("endpoint configuration", epCfg)
	ep, err := model.Deploy(ctx, ws, "scan-ep", []*model.Model{m}, ic, epCfg, aks, nil)
	require.NoError(t, err)
	require.NoError(t, ep.WaitForDeployment(ctx, wait))
	p.show("endpoint", ep)
	epKeys, err := ep.GetKeys(ctx)
	require.NoError(t, err)
	p.show("endpoint keys", epKeys)
	_, err = ep.Run(ctx, sample)
	require.NoError(t, err)
	require.NoError(t, ep.RegenKey(ctx, webservice.KeySecondary, nil))
	epKeys, err = ep.GetKeys(ctx)
	require.NoError(t, err)
	p.show("endpoint keys after regeneration", epKeys)

	// The endpoint's keys are read from its record (the local workspace does not note
	// them as it hands them out), so before the endpoint is deleted.
	secrets := issued(srv)
	require.NoError(t, svc.Delete(ctx, nil))
	require.NoError(t, ep.Delete(ctx, nil))
	secrets = append(secrets, issued(srv)...)
	have := kinds(secrets)
	for _, k := range []string{emulator.SecretServiceKey, emulator.SecretEndpointKey, emulator.SecretAccessToken,
		emulator.SecretKubeconfig, emulator.SecretKubeconfigToken, emulator.SecretSASSignature} {
		require.NotZero(t, have[k], "the flow produced no %s to look for", k)
	}
	for _, s := range chosen {
		secrets = append(secrets, s)
	}
	secrets = append(secrets, pemSecrets("TLS private key", keyPEM)...)
	log := logged()
	requireVerboseLog(t, log)
	requireNoLeak(t, []output{{"azcore log", log}, {"printed values and errors", p.b.String()}}, secrets)
	if d := os.Getenv("SECRETSCAN_DUMP"); d != "" { // to read what was scanned (it holds no secret)
		_ = os.WriteFile(d, []byte(p.b.String()), 0o600)
	}
	t.Logf("scanned %d bytes of azcore log and %d bytes of printed values for %d secrets", len(log), p.b.Len(), len(secrets))
}

// pemSecrets returns the whole PEM text and each base64 line of its body: a leak of any
// part of a private key is a leak.
func pemSecrets(kind string, pem []byte) []secret {
	out := []secret{{kind: kind, value: string(pem)}}
	for _, line := range strings.Split(string(pem), "\n") {
		if line != "" && !strings.HasPrefix(line, "-----") {
			out = append(out, secret{kind: kind, value: line})
		}
	}
	return out
}
