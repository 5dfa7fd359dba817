package model

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"

	"github.com/azureml-go/azureml/auth"
)

// fixedHex8 makes newHex8 return 00000001, 00000002, ... for the test.
func fixedHex8(t *testing.T) {
	n := 0
	old := newHex8
	newHex8 = func() string { n++; return fmt.Sprintf("%08x", n) }
	t.Cleanup(func() { newHex8 = old })
}

func TestBuildEnvironmentImageRequestWire(t *testing.T) {
	ws, rec := newWire(t)
	fixedHex8(t)
	_, src := icFixture(t)
	env := NewEnvironment("env")
	env.Docker.BaseImageRegistry = &ContainerRegistry{Address: "r.io", Username: "u", Password: auth.NewSecret("pw")}
	ic := &InferenceConfig{EntryScript: "score.py", SourceDirectory: src, Environment: env}

	// driver: name driver_00000001.py in container 00000002; package 00000003.tar.gz in container 00000004
	gock.New(histHost).Post(histBase + "/artifacts/batch/metadata/LocalUpload/00000002").Reply(200).JSON(artifactReply("00000002", "driver_00000001.py"))
	gock.New(blobHost).Put("/c/00000002/driver_00000001.py").Reply(201)
	gock.New(histHost).Post(histBase + "/artifacts/batch/metadata/LocalUpload/00000004").Reply(200).JSON(artifactReply("00000004", "00000003.tar.gz"))
	gock.New(blobHost).Put("/c/00000004/00000003.tar.gz").Reply(201)

	req, err := BuildEnvironmentImageRequest(context.Background(), ws, ic, []string{"m:1", "n:2"})
	require.NoError(t, err)
	require.True(t, gock.IsDone(), "pending: %v", gock.Pending())

	batches := rec.only("POST", "batch/metadata")
	require.Len(t, batches, 2)
	jsonEq(t, `{"paths":[{"path":"driver_00000001.py"}]}`, batches[0].Body)
	jsonEq(t, `{"paths":[{"path":"00000003.tar.gz"}]}`, batches[1].Body)
	puts := rec.only("PUT", blobHost)
	require.Len(t, puts, 2)
	require.Equal(t, DriverProgram("src/score.py", "src"), string(puts[0].Body))
	require.Equal(t, md5b64(puts[0].Body), puts[0].Header.Get("Content-MD5"))
	require.Equal(t, "BlockBlob", puts[1].Header.Get("x-ms-blob-type"))
	pkg, _ := readTarGz(t, puts[1].Body)
	require.Equal(t, goodScript, pkg["src/score.py"])
	for _, p := range puts {
		require.Empty(t, p.Header.Get("Authorization"))
	}

	b, err := json.Marshal(req)
	require.NoError(t, err)
	require.JSONEq(t, `{
		"driverProgram": "driver_00000001.py",
		"assets": [
			{"id": "driver_00000001.py", "url": "aml://artifact/LocalUpload/00000002/driver_00000001.py", "mimeType": "application/x-python"},
			{"id": "00000003.tar.gz", "url": "aml://artifact/LocalUpload/00000004/00000003.tar.gz", "mimeType": "application/octet-stream", "unpack": true}
		],
		"modelIds": ["m:1", "n:2"],
		"environment": {
			"name": "env", "version": null,
			"environmentVariables": {"AZUREML_ENTRY_SCRIPT": "src/score.py", "AZUREML_SOURCE_DIRECTORY": "src"},
			"python": {"userManagedDependencies": false, "interpreterPath": "python",
				"condaDependencies": {"name": "project_environment", "channels": ["conda-forge"], "dependencies": ["python=3.9", "pip", {"pip": ["azureml-defaults"]}]}},
			"docker": {"baseImage": "`+DefaultCPUImage+`", "baseDockerfile": null, "baseImageRegistry": {"address": "r.io", "username": "u", "password": "pw"}},
			"inferencingStackVersion": null
		}}`, string(b))
	require.Nil(t, env.EnvironmentVariables, "the caller's Environment is not modified")
	require.NotContains(t, req.String(), "pw")
}

func TestBuildEnvironmentImageRequestWithoutSourceDir(t *testing.T) {
	ws, rec := newWire(t)
	fixedHex8(t)
	_, src := icFixture(t)
	ic := &InferenceConfig{EntryScript: filepath.Join(src, "score.py"), Environment: NewEnvironment("env")}
	gock.New(histHost).Post(histBase + "/artifacts/batch/metadata/LocalUpload/00000002").Reply(200).JSON(artifactReply("00000002", "driver_00000001.py"))
	gock.New(blobHost).Put("/c/00000002/driver_00000001.py").Reply(201)
	gock.New(histHost).Post(histBase + "/artifacts/batch/metadata/LocalUpload/00000003").Reply(200).JSON(artifactReply("00000003", "score.py"))
	gock.New(blobHost).Put("/c/00000003/score.py").Reply(201)
	req, err := BuildEnvironmentImageRequest(context.Background(), ws, ic, nil)
	require.NoError(t, err)
	require.Equal(t, []ImageAsset{
		{ID: "driver_00000001.py", URL: "aml://artifact/LocalUpload/00000002/driver_00000001.py", MimeType: "application/x-python"},
		{ID: "score.py", URL: "aml://artifact/LocalUpload/00000003/score.py", MimeType: "application/octet-stream"},
	}, req.Assets)
	require.Equal(t, map[string]string{EnvEntryScript: "score.py"}, req.Environment.EnvironmentVariables)
	require.Equal(t, goodScript, string(rec.only("PUT", "score.py")[0].Body))
	b, err := json.Marshal(req)
	require.NoError(t, err)
	require.NotContains(t, string(b), "modelIds", "no models, no modelIds")
}

func TestBuildEnvironmentImageRequestNoCode(t *testing.T) {
	ws, rec := newWire(t)
	req, err := BuildEnvironmentImageRequest(context.Background(), ws, nil, []string{"m:1"})
	require.NoError(t, err)
	b, err := json.Marshal(req)
	require.NoError(t, err)
	require.JSONEq(t, `{"modelIds":["m:1"]}`, string(b))
	_, err = BuildEnvironmentImageRequest(context.Background(), ws, nil, nil)
	require.ErrorContains(t, err, "needs a model")
	_, err = BuildEnvironmentImageRequest(context.Background(), ws, &InferenceConfig{}, []string{"bad"})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, []string{"modelIDs[0]", "EntryScript", "Environment"}, problemFields(t, err))
	require.Empty(t, rec.requests())
}

func TestUploadDependencyPassThrough(t *testing.T) {
	ws, rec := newWire(t)
	for _, u := range []string{"https://x/y.py", "wasbs://c@a/b"} {
		got, err := UploadDependency(context.Background(), ws, u)
		require.NoError(t, err)
		require.Equal(t, u, got)
	}
	_, err := UploadDependency(context.Background(), ws, filepath.Join(t.TempDir(), "none.py"))
	require.Error(t, err)
	require.Empty(t, rec.requests())
}
