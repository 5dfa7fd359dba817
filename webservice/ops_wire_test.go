package webservice

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	"github.com/azureml-go/azureml/auth"
)

// wireService returns a service read through the wire workspace.
func wireService(t *testing.T, over map[string]any) (*AksWebservice, *wRecorder) {
	t.Helper()
	ws, rec := newWireWorkspace(t)
	gock.New(wMMSHost).Get(wMMS + "/services/svc").Reply(200).JSON(serviceJSON("svc", over))
	svc, err := Get(context.Background(), ws, "svc")
	require.NoError(t, err)
	rec.mu.Lock()
	rec.reqs = nil
	rec.mu.Unlock()
	return svc, rec
}

var wireWait = &WaitOptions{PollFrequency: time.Millisecond}

func TestWireWaitSucceeds(t *testing.T) {
	svc, rec := wireService(t, map[string]any{"state": "Transitioning", "operationId": "op-1"})
	gock.New(wMMSHost).Get(wMMS + "/operations/op-1").Reply(200).JSON(map[string]any{"id": "op-1", "state": "Running"})
	gock.New(wMMSHost).Get(wMMS + "/operations/op-1").Reply(200).JSON(map[string]any{"id": "op-1", "state": "Succeeded"})
	gock.New(wMMSHost).Get(wMMS + "/services/svc").Reply(200).JSON(serviceJSON("svc", nil))
	require.NoError(t, svc.WaitForDeployment(context.Background(), wireWait))
	assert.Equal(t, StateHealthy, svc.State())
	polls := rec.find("GET", "/operations/op-1")
	assert.Len(t, polls, 2)
	for _, p := range polls {
		requireMMS(t, p, "")
		assert.NotContains(t, p.URL, "offset=", "no log streaming without a Progress callback")
	}
}

func TestWireWaitFailsFastWithErrorHintAndLogs(t *testing.T) {
	svc, rec := wireService(t, map[string]any{"state": "Transitioning", "operationId": "op-2"})
	gock.New(wMMSHost).Get(wMMS+"/operations/op-2").MatchParam("offset", "0").Reply(200).JSON(map[string]any{
		"id": "op-2", "state": "Running", "operationDetails": map[string]any{"subOperationType": "DeployService", "subOperationState": "Running"},
		"streamingOperationLog": "20240102030405|Starting 1 replica(s).",
	})
	gock.New(wMMSHost).Get(wMMS + "/operations/op-2").Reply(200).JSON(map[string]any{
		"id": "op-2", "state": "Failed", "operationDetails": map[string]any{"subOperationType": "DeployService", "subOperationState": "Failed"},
		"error": map[string]any{"code": "CrashLoopBackOff", "statusCode": 400, "message": "init() failed:\nTraceback (most recent call last):\nValueError: boom", "details": []any{}},
	})
	gock.New(wMMSHost).Get(wMMS + "/services/svc").Reply(200).JSON(serviceJSON("svc", map[string]any{"state": "Failed"}))
	gock.New(wMMSHost).Get(wMMS+"/services/svc/logs").MatchParam("tail", "50").MatchParam("init", "false").Reply(200).
		JSON(map[string]any{"content": "line 1\nValueError: boom\n"})
	var events []ProgressEvent
	err := svc.WaitForDeployment(context.Background(), &WaitOptions{PollFrequency: time.Millisecond, Progress: func(e ProgressEvent) { events = append(events, e) }})
	var de *DeploymentError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "op-2", de.OperationID)
	assert.Equal(t, "Failed", de.State)
	assert.Equal(t, StateFailed, de.ServiceState)
	assert.Equal(t, "DeployService", de.SubOperation)
	assert.Equal(t, "CrashLoopBackOff", de.Err.Code)
	assert.Contains(t, de.Logs, "ValueError: boom")
	assert.Contains(t, err.Error(), "Traceback")
	assert.Contains(t, err.Error(), "GetLogs")
	assert.Len(t, rec.find("GET", "/operations/op-2"), 2)
	var sawLog bool
	for _, e := range events {
		sawLog = sawLog || e.Kind == ProgressLog && e.Message == "Starting 1 replica(s)."
	}
	assert.True(t, sawLog, "%+v", events)
}

func TestWireWaitTimeoutKeepsStateAndLogs(t *testing.T) {
	svc, _ := wireService(t, map[string]any{"state": "Transitioning", "operationId": "op-3"})
	gock.New(wMMSHost).Get(wMMS + "/operations/op-3").Persist().Reply(200).
		JSON(map[string]any{"id": "op-3", "state": "Running"})
	gock.New(wMMSHost).Get(wMMS + "/services/svc/logs").Reply(200).JSON(map[string]any{"content": "still starting\n"})
	gock.New(wMMSHost).Get(wMMS + "/services/svc$").Persist().Reply(200).JSON(serviceJSON("svc", map[string]any{"state": "Transitioning"}))
	err := svc.WaitForDeployment(context.Background(), &WaitOptions{PollFrequency: 5 * time.Millisecond, Timeout: 50 * time.Millisecond})
	var de *DeploymentError
	require.ErrorAs(t, err, &de)
	assert.ErrorIs(t, err, ErrWaitTimeout)
	assert.Equal(t, "Running", de.State)
	assert.Equal(t, "still starting\n", de.Logs)
	assert.Contains(t, err.Error(), "still Running after the wait timeout")
}

func TestWireLogs(t *testing.T) {
	svc, rec := wireService(t, nil)
	gock.New(wMMSHost).Get(wMMS + "/services/svc/logs").Reply(200).JSON(map[string]any{"content": "a\nb\n"})
	logs, err := svc.GetLogs(context.Background(), &LogOptions{Tail: 10, Init: true})
	require.NoError(t, err)
	assert.Equal(t, "a\nb\n", logs)
	r := rec.exact(t, "GET", "/services/svc/logs?init=true&tail=10")
	requireMMS(t, r, "")
	gock.New(wMMSHost).Get(wMMS + "/services/svc/logs").Reply(200).JSON(map[string]any{"other": 1})
	_, err = svc.GetLogs(context.Background(), nil)
	require.ErrorContains(t, err, `missing "content"`)
	_, err = svc.GetLogs(context.Background(), &LogOptions{Tail: -1})
	require.Error(t, err)
}

func TestWireKeysRegenerateAndToken(t *testing.T) {
	svc, rec := wireService(t, nil)
	gock.New(wMMSHost).Post(wMMS + "/services/svc/listkeys").Reply(200).JSON(map[string]any{"primaryKey": "pk", "secondaryKey": "sk"})
	keys, err := svc.GetKeys(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "pk", keys.Primary.Reveal())
	assert.Equal(t, "sk", keys.Secondary.Reveal())
	lk := rec.exact(t, "POST", "/services/svc/listkeys")
	requireMMS(t, lk, "")
	assert.Empty(t, lk.Body, "listkeys has no body")

	gock.New(wMMSHost).Post(wMMS + "/services/svc/listkeys").Reply(200).JSON(map[string]any{"secondaryKey": "sk"})
	_, err = svc.GetKeys(context.Background())
	require.ErrorContains(t, err, "invalid response key: primaryKey")

	gock.New(wMMSHost).Post(wMMS+"/services/svc/regenerateKeys").Reply(202).SetHeader("Operation-Location", "https://x.test/operations/op-r1")
	gock.New(wMMSHost).Get(wMMS + "/operations/op-r1").Reply(200).JSON(map[string]any{"id": "op-r1", "state": "Succeeded"})
	require.NoError(t, svc.RegenKey(context.Background(), KeyPrimary, &RegenKeyOptions{Value: auth.NewSecret("new-pk"), Wait: wireWait}))
	rg := rec.exact(t, "POST", "/services/svc/regenerateKeys")
	requireMMS(t, rg, "application/json")
	assert.JSONEq(t, `{"keyType":"Primary","keyValue":"new-pk"}`, string(rg.Body))

	gock.New(wMMSHost).Post(wMMS+"/services/svc/regenerateKeys").Reply(202).SetHeader("Operation-Location", "/operations/op-r2")
	gock.New(wMMSHost).Get(wMMS + "/operations/op-r2").Reply(200).JSON(map[string]any{"id": "op-r2", "state": "Failed", "error": map[string]any{"code": "Boom", "message": "no"}})
	err = svc.RegenKey(context.Background(), KeySecondary, &RegenKeyOptions{Wait: wireWait})
	var oe *OperationError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "Failed", oe.State)
	assert.Contains(t, err.Error(), `"Boom: no"`)
	bodies := rec.find("POST", "/regenerateKeys")
	assert.JSONEq(t, `{"keyType":"Secondary","keyValue":null}`, string(bodies[1].Body))

	gock.New(wMMSHost).Post(wMMS + "/services/svc/regenerateKeys").Reply(202)
	require.ErrorContains(t, svc.RegenKey(context.Background(), KeyPrimary, nil), "missing operation location")
	var ve *ValidationError
	require.ErrorAs(t, svc.RegenKey(context.Background(), "primary", nil), &ve)
	require.True(t, ve.HasField("key"))
	require.ErrorAs(t, svc.RegenKey(context.Background(), KeyPrimary, &RegenKeyOptions{Value: auth.NewSecret(" \t")}), &ve)
	require.True(t, ve.HasField("RegenKeyOptions.Value"))

	gock.New(wMMSHost).Post(wMMS + "/services/svc/token").Reply(200).
		JSON(map[string]any{"accessToken": "tok-1", "tokenType": "Bearer", "refreshAfter": 1700000000, "expiryOn": 1700003600})
	tok, err := svc.GetAccessToken(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok.Token.Reveal())
	assert.Equal(t, time.Unix(1700000000, 0), tok.RefreshAfter)
	assert.Equal(t, time.Unix(1700003600, 0), tok.ExpiresOn)
	tr := rec.exact(t, "POST", "/services/svc/token")
	requireMMS(t, tr, "")
	assert.Empty(t, tr.Body)

	gock.New(wMMSHost).Post(wMMS + "/services/svc/token").Reply(200).JSON(map[string]any{"accessToken": "t", "tokenType": "Bearer"})
	_, err = svc.GetAccessToken(context.Background())
	require.ErrorContains(t, err, "refreshAfter")
	gock.New(wMMSHost).Post(wMMS + "/services/svc/token").Reply(400).JSON(map[string]any{"code": "BadArgument", "message": "Token authentication is not enabled"})
	_, err = svc.GetAccessToken(context.Background())
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 400, re.StatusCode)
}

func TestWireUpdateSendsJSONPatch(t *testing.T) {
	svc, rec := wireService(t, map[string]any{"properties": map[string]string{"stage": "dev"}})
	gock.New(wMMSHost).Get(wMMS + "/services/svc").Reply(200).JSON(serviceJSON("svc", map[string]any{"properties": map[string]string{"stage": "dev"}}))
	gock.New(wMMSHost).Post(wMMS + "/services/validate").Reply(200).JSON(map[string]any{})
	gock.New(wMMSHost).Patch(wMMS+"/services/svc").Reply(202).SetHeader("Operation-Location", "/operations/op-u")
	op, err := svc.Update(context.Background(), AksUpdateConfig{
		AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(3), CPUCores: to.Ptr(0.25), AuthEnabled: to.Ptr(false),
		TokenAuthEnabled: to.Ptr(true), ScoringTimeoutMs: to.Ptr(1000), TimeoutSeconds: to.Ptr(5),
		Tags: map[string]string{"v": "2"}, Description: to.Ptr("d"), Properties: map[string]string{"owner": "me", "a/b": "c", "stage": "dev"},
	}, nil)
	require.NoError(t, err)
	assert.Equal(t, "op-u", op.ID())
	patch := rec.exact(t, "PATCH", "/services/svc")
	requireMMS(t, patch, "application/json-patch+json")
	assert.JSONEq(t, `[
		{"op":"replace","path":"/autoScaler/autoscaleEnabled","value":false},
		{"op":"replace","path":"/authEnabled","value":false},
		{"op":"replace","path":"/aadAuthEnabled","value":true},
		{"op":"replace","path":"/containerResourceRequirements/cpu","value":0.25},
		{"op":"replace","path":"/scoringTimeoutMs","value":1000},
		{"op":"replace","path":"/numReplicas","value":3},
		{"op":"replace","path":"/livenessProbeRequirements/timeoutSeconds","value":5},
		{"op":"replace","path":"/kvTags","value":{"v":"2"}},
		{"op":"replace","path":"/description","value":"d"},
		{"op":"add","path":"/properties/a~1b","value":"c"},
		{"op":"add","path":"/properties/owner","value":"me"},
		{"op":"add","path":"/properties/stage","value":"dev"}
	]`, string(patch.Body))
	val := rec.exact(t, "POST", "/services/validate")
	var v map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(val.Body, &v))
	assert.JSONEq(t, `"Update"`, string(v["type"]))
	assert.JSONEq(t, `"svc"`, string(v["serviceName"]))
	assert.Equal(t, "null", string(v["createRequest"]))
	assert.JSONEq(t, string(patch.Body), string(v["updateRequest"]))

	// A 200 answer names the operation in its body.
	gock.New(wMMSHost).Get(wMMS + "/services/svc").Reply(200).JSON(serviceJSON("svc", nil))
	gock.New(wMMSHost).Patch(wMMS + "/services/svc").Reply(200).JSON(map[string]any{"operationId": "op-200"})
	op, err = svc.Update(context.Background(), AksUpdateConfig{Description: to.Ptr("x")}, &UpdateOptions{SkipPreflight: true})
	require.NoError(t, err)
	assert.Equal(t, "op-200", op.ID())
	gock.New(wMMSHost).Get(wMMS + "/operations/op-200").Reply(200).JSON(map[string]any{"id": "op-200", "state": "Succeeded"})
	gock.New(wMMSHost).Get(wMMS + "/services/svc").Reply(200).JSON(serviceJSON("svc", map[string]any{"description": "x"}))
	require.NoError(t, op.Wait(context.Background(), wireWait))
	assert.Equal(t, "x", svc.Description())
}

func TestUpdateValidationRules(t *testing.T) {
	cur := AksDeployConfig{
		AutoscaleEnabled: to.Ptr(true), AutoscaleMinReplicas: to.Ptr(1), AutoscaleMaxReplicas: to.Ptr(4),
		CPUCores: to.Ptr(1.0), CPUCoresLimit: to.Ptr(2.0), MemoryGB: to.Ptr(1.0), MemoryGBLimit: to.Ptr(2.0),
		AuthEnabled: to.Ptr(true), TokenAuthEnabled: to.Ptr(false), Properties: map[string]string{"stage": "dev"},
	}
	cases := []struct {
		name  string
		u     AksUpdateConfig
		field string
		text  string
	}{
		{"nothing", AksUpdateConfig{}, "AksUpdateConfig", "No parameters provided to update."},
		{"cpu above current limit", AksUpdateConfig{CPUCores: to.Ptr(3.0)}, "CPUCores", "current CPUCoresLimit (2)"},
		{"cpu limit below current cpu", AksUpdateConfig{CPUCoresLimit: to.Ptr(0.5)}, "CPUCoresLimit", "current CPUCores (1)"},
		{"memory above current limit", AksUpdateConfig{MemoryGB: to.Ptr(3.0)}, "MemoryGB", "current MemoryGBLimit"},
		{"memory limit below current", AksUpdateConfig{MemoryGBLimit: to.Ptr(0.5)}, "MemoryGBLimit", "current MemoryGB"},
		{"new pair inconsistent", AksUpdateConfig{CPUCores: to.Ptr(3.0), CPUCoresLimit: to.Ptr(2.5)}, "CPUCoresLimit", ">= CPUCores"},
		{"replicas while autoscaling", AksUpdateConfig{NumReplicas: to.Ptr(2)}, "NumReplicas", "autoscaling is enabled"},
		{"min above current max", AksUpdateConfig{AutoscaleMinReplicas: to.Ptr(5)}, "AutoscaleMaxReplicas", ">= AutoscaleMinReplicas (5)"},
		{"token while key auth on", AksUpdateConfig{TokenAuthEnabled: to.Ptr(true)}, "TokenAuthEnabled", "AuthEnabled set to false"},
		{"both auth", AksUpdateConfig{TokenAuthEnabled: to.Ptr(true), AuthEnabled: to.Ptr(true)}, "TokenAuthEnabled", "together"},
		{"property change", AksUpdateConfig{Properties: map[string]string{"stage": "prod"}}, "Properties", "immutable"},
		{"negative timeout", AksUpdateConfig{ScoringTimeoutMs: to.Ptr(-1)}, "ScoringTimeoutMs", "> 0"},
		{"bad namespace", AksUpdateConfig{Namespace: to.Ptr("A")}, "Namespace", "Kubernetes"},
		{"disable autoscale without replicas", AksUpdateConfig{AutoscaleEnabled: to.Ptr(false)}, "NumReplicas", "required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.u.validate(cur)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.True(t, ve.HasField(tc.field), "%v", err)
			assert.Contains(t, err.Error(), tc.text)
		})
	}
	ok := []AksUpdateConfig{
		{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(2)},
		{CPUCores: to.Ptr(1.5)},
		{AuthEnabled: to.Ptr(false), TokenAuthEnabled: to.Ptr(true)},
		{Properties: map[string]string{"stage": "dev", "new": "x"}},
		{Tags: map[string]string{}},
	}
	for _, u := range ok {
		assert.NoError(t, u.validate(cur))
	}
	// Validate knows no current settings: it refuses no update that the
	// service's settings could make valid (here: replicas already fixed).
	assert.NoError(t, AksUpdateConfig{AutoscaleEnabled: to.Ptr(false)}.Validate())
	assert.NoError(t, AksUpdateConfig{AutoscaleEnabled: to.Ptr(false)}.validate(AksDeployConfig{NumReplicas: to.Ptr(2)}))
}

func TestWireDelete(t *testing.T) {
	for _, status := range []int{200, 204, 404} {
		svc, rec := wireService(t, nil)
		gock.New(wMMSHost).Post(wMMS + "/services/validate").Reply(200).JSON(map[string]any{})
		gock.New(wMMSHost).Delete(wMMS + "/services/svc").Reply(status)
		require.NoError(t, svc.Delete(context.Background(), nil), "status %d", status)
		val := rec.exact(t, "POST", "/services/validate")
		assert.JSONEq(t, `{"type":"Delete","serviceName":"svc","createRequest":null,"updateRequest":null}`, string(val.Body))
		requireMMS(t, rec.exact(t, "DELETE", "/services/svc"), "")
	}
	svc, _ := wireService(t, nil)
	gock.New(wMMSHost).Post(wMMS + "/services/validate").Reply(500)
	gock.New(wMMSHost).Delete(wMMS+"/services/svc").Reply(202).SetHeader("Operation-Location", "/operations/op-d")
	gock.New(wMMSHost).Get(wMMS + "/operations/op-d").Reply(200).JSON(map[string]any{"id": "op-d", "state": "Succeeded"})
	require.NoError(t, svc.Delete(context.Background(), &DeleteOptions{Wait: wireWait}))
	gock.New(wMMSHost).Post(wMMS + "/services/validate").Reply(200).JSON(map[string]any{})
	gock.New(wMMSHost).Delete(wMMS + "/services/svc").Reply(409).JSON(map[string]any{"code": "Conflict", "message": "busy"})
	err := svc.Delete(context.Background(), nil)
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "Conflict", re.ErrorCode)
}

func TestWireListPagesLazilyWithFilters(t *testing.T) {
	ws, rec := newWireWorkspace(t)
	next := wMMSHost + wMMS + "/services?expand=true&$skipToken=1"
	gock.New(wMMSHost).Get(wMMS+"/services").MatchParam("computeType", "AKS").Reply(200).JSON(map[string]any{
		"value":    []any{serviceJSON("one", nil), map[string]any{"name": "ep", "computeType": "AKSENDPOINT", "state": "Healthy"}},
		"nextLink": next,
	})
	gock.New(wMMSHost).Get(wMMS+"/services").MatchParam("$skipToken", "1").Reply(200).JSON(map[string]any{"value": []any{serviceJSON("two", nil)}, "nextLink": nil})
	pager := List(ws, &ListOptions{ComputeType: "aks", Tags: []string{"team", "env=prod"}, Properties: []string{"a=b"}, ModelName: "m", ModelID: "m:1", ImageName: "i", ImageID: "i:1", ImageDigest: "sha"})
	assert.Empty(t, rec.all(), "nothing is fetched before NextPage")
	require.True(t, pager.More())
	page, err := pager.NextPage(context.Background())
	require.NoError(t, err)
	require.Len(t, page.Services, 1)
	assert.Equal(t, "one", page.Services[0].Name())
	require.Len(t, page.Others, 1)
	assert.Equal(t, "AKSENDPOINT", page.Others[0].ComputeType)
	assert.Len(t, rec.all(), 1)
	first := rec.all()[0]
	requireMMS(t, first, "")
	for _, want := range []string{"expand=true", "computeType=AKS", "tags=team%2Cenv%3Dprod", "properties=a%3Db", "modelName=m", "modelId=m%3A1", "imageName=i", "imageId=i%3A1", "imageDigest=sha"} {
		assert.Contains(t, first.URL, want)
	}
	require.True(t, pager.More())
	page, err = pager.NextPage(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "two", page.Services[0].Name())
	assert.False(t, pager.More())
	assert.Equal(t, next, rec.all()[1].URL)

	_, err = List(ws, &ListOptions{ComputeType: "VM"}).NextPage(context.Background())
	require.ErrorContains(t, err, "invalid compute type")
	_, err = List(ws, &ListOptions{Tags: []string{"a,b"}}).NextPage(context.Background())
	require.ErrorContains(t, err, "without commas")

	gock.New(wMMSHost).Get(wMMS + "/services").Reply(200).JSON(map[string]any{"value": []any{}, "nextLink": "https://evil.test/steal?sig=x"})
	p := List(ws, nil)
	_, err = p.NextPage(context.Background())
	require.NoError(t, err)
	_, err = p.NextPage(context.Background())
	require.ErrorContains(t, err, "another host")
	assert.False(t, strings.Contains(err.Error(), "sig=x"))
}

func TestWireGetNotFound(t *testing.T) {
	ws, _ := newWireWorkspace(t)
	gock.New(wMMSHost).Get(wMMS + "/services/gone").Reply(404).JSON(map[string]any{"code": "WebserviceNotFound", "statusCode": 404, "message": "Webservice with name gone not found"})
	_, err := Get(context.Background(), ws, "gone")
	assert.ErrorIs(t, err, ErrNotFound)
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "WebserviceNotFound", re.ErrorCode)
	_, err = Get(context.Background(), ws, "Bad Name")
	require.Error(t, err)
}

func TestServiceAccessorsAndSettingsReadBack(t *testing.T) {
	svc, _ := wireService(t, map[string]any{
		"description": "desc", "kvTags": map[string]string{"a": "b"}, "numReplicas": 2,
		"autoScaler":       map[string]any{"autoscaleEnabled": false, "minReplicas": 1, "maxReplicas": 10, "refreshPeriodInSeconds": 1, "targetUtilization": 70},
		"deploymentStatus": map[string]any{"desiredReplicas": 2, "updatedReplicas": 2, "availableReplicas": 1},
		"error":            map[string]any{"code": "X", "message": "y"},
	})
	assert.Equal(t, "desc", svc.Description())
	assert.Equal(t, map[string]string{"a": "b"}, svc.Tags())
	assert.Equal(t, ReplicaStatus{Desired: 2, Updated: 2, Available: 1}, svc.ReplicaStatus())
	assert.Equal(t, "X: y", svc.Error().Error())
	assert.Equal(t, time.Date(2024, 1, 2, 3, 4, 5, 678000000, time.UTC), svc.CreatedTime())
	st := svc.Settings()
	assert.Equal(t, 2, *st.NumReplicas)
	assert.False(t, *st.AutoscaleEnabled)
	assert.Equal(t, 0.1, *st.CPUCores)
	assert.Equal(t, 310, *st.InitialDelaySeconds)
	assert.Equal(t, "http://score.test/api/v1/service/svc/swagger.json", svc.SwaggerURI())
	assert.Equal(t, "AksWebservice svc (Healthy)", svc.String())
	assert.Equal(t, []string{"sk:1"}, svc.ModelIDs())
}

func TestUpdateConfigValidateNeedsNoService(t *testing.T) {
	err := AksUpdateConfig{CPUCores: to.Ptr(-1.0), AuthEnabled: to.Ptr(true), TokenAuthEnabled: to.Ptr(true)}.Validate()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.HasField("CPUCores"))
	assert.True(t, ve.HasField("TokenAuthEnabled"))
	assert.NoError(t, AksUpdateConfig{NumReplicas: to.Ptr(2)}.Validate())
	err = AksUpdateConfig{}.Validate()
	require.ErrorAs(t, err, &ve)
	_, err = Get(context.Background(), nil, "Bad Name")
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.HasField("Name"))
}

func TestWireOperationAt(t *testing.T) {
	svc, _ := wireService(t, nil)
	op := svc.OperationAt("https://any.test/x/operations/op-at?api=1")
	assert.Equal(t, "op-at", op.ID())
	gock.New(wMMSHost).Get(wMMS + "/operations/op-at").Reply(200).JSON(map[string]any{"id": "op-at", "state": "Succeeded"})
	gock.New(wMMSHost).Get(wMMS + "/services/svc").Reply(200).JSON(serviceJSON("svc", nil))
	require.NoError(t, op.Wait(context.Background(), wireWait))
}
