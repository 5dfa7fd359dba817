package model

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"
)

func md5b64(b []byte) string {
	s := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(s[:])
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

// pattern returns bytes of n with a repeating, position-dependent pattern.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/4096)
	}
	return b
}

var containerRule = regexp.MustCompile(`^\d{6}T\d{6}-[0-9a-f]{8}$`)

func TestRegisterWire(t *testing.T) {
	ws, rec := newWire(t)
	dir := filepath.Join(t.TempDir(), "mdl")
	small := []byte(`{"weights":[1,2,3]}`)
	big := pattern(blobBlockSize + 1000) // two blocks
	writeFile(t, filepath.Join(dir, "a.json"), small)
	writeFile(t, filepath.Join(dir, "sub", "b.bin"), big)

	gock.New(histHost).Post(histBase + "/artifacts/batch/metadata/LocalUpload/.+").Reply(200).
		JSON(artifactReply("ctr", "mdl/a.json", "mdl/sub/b.bin"))
	gock.New(blobHost).Put("/c/ctr/mdl/a.json").Reply(201)
	gock.New(blobHost).Put("/c/ctr/mdl/sub/b.bin").MatchParam("comp", "^block$").Times(2).Reply(201)
	gock.New(blobHost).Put("/c/ctr/mdl/sub/b.bin").MatchParam("comp", "blocklist").Reply(201)
	gock.New(mmsHost).Post(mmsBase + "/assets").Reply(200).JSON(map[string]any{"id": "asset123", "name": "mymodel"})
	gock.New(mmsHost).Post(mmsBase + "/models").Reply(200).JSON(map[string]any{
		"id": "mymodel:3", "name": "mymodel", "version": 3, "url": "aml://asset/asset123", "mimeType": "application/json",
		"kvTags": map[string]string{"team": "ml"}, "properties": map[string]string{"origin": "test"}, "framework": "ScikitLearn",
		"frameworkVersion": "1.2", "createdTime": "2024-01-02T03:04:05.123+00:00", "createdBy": map[string]string{"userName": "me"},
	})

	cpu, mem, gpu := 1.5, 2.0, 0
	m, err := Register(context.Background(), ws, dir, "mymodel", &RegisterOptions{
		Tags: map[string]string{"team": "ml"}, Properties: map[string]string{"origin": "test"}, Description: "a model",
		Framework: FrameworkScikitLearn, FrameworkVersion: "1.2",
		ResourceConfiguration: &ResourceConfiguration{CPU: &cpu, MemoryInGB: &mem, GPU: &gpu},
		Datasets:              []DatasetReference{{Name: "training", ID: "ds-1"}},
		SampleInputDatasetID:  "in-1", SampleOutputDatasetID: "out-1",
	})
	require.NoError(t, err)
	require.True(t, gock.IsDone(), "pending mocks: %v", gock.Pending())
	require.Equal(t, "mymodel:3", m.ID)
	require.Equal(t, 3, m.Version)
	require.Equal(t, "asset123", m.AssetID())
	require.Equal(t, "me", m.CreatedBy.Name)
	require.Equal(t, 2024, m.CreatedTime.Year())

	// 1. artifact batch metadata
	batches := rec.only("POST", "/artifacts/batch/metadata/")
	require.Len(t, batches, 1)
	container := regexp.MustCompile(`/LocalUpload/([^/?]+)$`).FindStringSubmatch(batches[0].URL)[1]
	require.Regexp(t, containerRule, container)
	jsonEq(t, `{"paths":[{"path":"mdl/a.json"},{"path":"mdl/sub/b.bin"}]}`, batches[0].Body)
	requireMMSHeaders(t, batches[0])

	// 2. blob PUTs: no bearer, BlockBlob with MD5, blocks then block list
	puts := rec.only("PUT", blobHost)
	require.Len(t, puts, 4)
	for _, p := range puts {
		require.Empty(t, p.Header.Get("Authorization"), "blob PUT must not carry the ARM token")
		require.Equal(t, blobAPIVersion, p.Header.Get("x-ms-version"))
		require.Contains(t, p.URL, "sig=SECRETSIG")
	}
	single := rec.only("PUT", "/c/ctr/mdl/a.json")
	require.Len(t, single, 1)
	require.Equal(t, "BlockBlob", single[0].Header.Get("x-ms-blob-type"))
	require.Equal(t, md5b64(small), single[0].Header.Get("Content-MD5"))
	require.Equal(t, small, single[0].Body)

	blocks := rec.only("PUT", "comp=block&")
	require.Len(t, blocks, 2)
	var joined []byte
	for i, want := range [][]byte{big[:blobBlockSize], big[blobBlockSize:]} {
		require.Contains(t, blocks[i].URL, "blockid="+urlQueryEscape(blockID(i)))
		require.Equal(t, md5b64(want), blocks[i].Header.Get("Content-MD5"))
		require.Equal(t, want, blocks[i].Body)
		joined = append(joined, blocks[i].Body...)
	}
	require.Equal(t, big, joined)
	list := rec.only("PUT", "comp=blocklist")
	require.Len(t, list, 1)
	require.Equal(t, `<?xml version="1.0" encoding="utf-8"?>`+"\n<BlockList><Latest>"+blockID(0)+"</Latest><Latest>"+blockID(1)+"</Latest></BlockList>", string(list[0].Body))
	require.Equal(t, md5b64(big), list[0].Header.Get("x-ms-blob-content-md5"))

	// 3. asset, then model
	assets := rec.only("POST", mmsBase+"/assets")
	require.Len(t, assets, 1)
	requireMMSHeaders(t, assets[0])
	jsonEq(t, fmt.Sprintf(`{"name":"mymodel","artifacts":[{"prefix":"LocalUpload/%s/mdl"}]}`, container), assets[0].Body)
	models := rec.only("POST", mmsBase+"/models")
	require.Len(t, models, 1)
	requireMMSHeaders(t, models[0])
	require.Contains(t, models[0].Header.Get("Content-Type"), "application/json")
	jsonEq(t, `{
		"name": "mymodel", "kvTags": {"team": "ml"}, "properties": {"origin": "test"}, "description": "a model",
		"url": "aml://asset/asset123", "mimeType": "application/json", "framework": "ScikitLearn",
		"frameworkVersion": "1.2", "unpack": false, "datasets": [{"name": "training", "id": "ds-1"}],
		"sampleInputData": "aml://dataset/in-1", "sampleOutputData": "aml://dataset/out-1",
		"resourceRequirements": {"cpu": 1.5, "memoryInGB": 2, "gpu": 0}}`, models[0].Body)

	// order: batch before PUTs before asset before model
	var order []string
	for _, r := range rec.requests() {
		order = append(order, r.Method+" "+r.URL)
	}
	require.Regexp(t, `^POST .*batch/metadata`, order[0])
	require.Regexp(t, `^POST .*/assets$`, order[len(order)-2])
	require.Regexp(t, `^POST .*/models$`, order[len(order)-1])
}

func TestRegisterSingleFileMinimalBody(t *testing.T) {
	ws, rec := newWire(t)
	file := filepath.Join(t.TempDir(), "model.pkl")
	writeFile(t, file, []byte("pickle"))
	gock.New(histHost).Post(histBase + "/artifacts/batch/metadata/LocalUpload/.+").Reply(200).JSON(artifactReply("ctr", "model.pkl"))
	gock.New(blobHost).Put("/c/ctr/model.pkl").Reply(201)
	gock.New(mmsHost).Post(mmsBase + "/assets").Reply(200).JSON(map[string]any{"id": "a1"})
	gock.New(mmsHost).Post(mmsBase + "/models").Reply(200).JSON(map[string]any{"id": "m:1", "name": "m", "version": 1})

	_, err := Register(context.Background(), ws, file, "m", nil)
	require.NoError(t, err)
	jsonEq(t, `{"paths":[{"path":"model.pkl"}]}`, rec.only("POST", "batch/metadata")[0].Body)
	container := regexp.MustCompile(`/LocalUpload/([^/?]+)$`).FindStringSubmatch(rec.only("POST", "batch/metadata")[0].URL)[1]
	jsonEq(t, `{"name":"m","artifacts":[{"prefix":"LocalUpload/`+container+`/model.pkl"}]}`, rec.only("POST", "/assets")[0].Body)
	jsonEq(t, `{"name":"m","url":"aml://asset/a1","mimeType":"application/json","unpack":false}`, rec.only("POST", "/models")[0].Body)
}

func TestRegisterBatchesOf50(t *testing.T) {
	ws, rec := newWire(t)
	dir := filepath.Join(t.TempDir(), "many")
	var first, second []string
	for i := 0; i < 51; i++ {
		name := fmt.Sprintf("f%02d.txt", i)
		writeFile(t, filepath.Join(dir, name), []byte(name))
		if i < 50 {
			first = append(first, "many/"+name)
		} else {
			second = append(second, "many/"+name)
		}
	}
	gock.New(histHost).Post(histBase + "/artifacts/batch/metadata/LocalUpload/.+").Reply(200).JSON(artifactReply("ctr", first...))
	gock.New(histHost).Post(histBase + "/artifacts/batch/metadata/LocalUpload/.+").Reply(200).JSON(artifactReply("ctr", second...))
	gock.New(blobHost).Put("/c/ctr/many/.+").Times(51).Reply(201)
	gock.New(mmsHost).Post(mmsBase + "/assets").Reply(200).JSON(map[string]any{"id": "a1"})
	gock.New(mmsHost).Post(mmsBase + "/models").Reply(200).JSON(map[string]any{"id": "many:1", "name": "many", "version": 1})

	_, err := Register(context.Background(), ws, dir, "many", nil)
	require.NoError(t, err)
	require.True(t, gock.IsDone())
	batches := rec.only("POST", "batch/metadata")
	require.Len(t, batches, 2)
	var b1, b2 artifactBatchBody
	require.NoError(t, jsonUnmarshal(batches[0].Body, &b1))
	require.NoError(t, jsonUnmarshal(batches[1].Body, &b2))
	require.Len(t, b1.Paths, 50)
	require.Len(t, b2.Paths, 1)
	require.Equal(t, "many/f50.txt", b2.Paths[0].Path)
	require.Equal(t, batches[0].URL, batches[1].URL, "both batches go to the same container")
}

func TestRegisterChildPaths(t *testing.T) {
	ws, rec := newWire(t)
	dir := filepath.Join(t.TempDir(), "m")
	writeFile(t, filepath.Join(dir, "keep", "w.bin"), []byte("w"))
	writeFile(t, filepath.Join(dir, "top.txt"), []byte("t"))
	writeFile(t, filepath.Join(dir, "skip", "x.bin"), []byte("x"))
	gock.New(histHost).Post(histBase + "/artifacts/batch/metadata/LocalUpload/.+").Reply(200).JSON(artifactReply("ctr", "m/keep/w.bin", "m/top.txt"))
	gock.New(blobHost).Put("/c/ctr/m/.+").Times(2).Reply(201)
	gock.New(mmsHost).Post(mmsBase + "/assets").Reply(200).JSON(map[string]any{"id": "a1"})
	gock.New(mmsHost).Post(mmsBase + "/models").Reply(200).JSON(map[string]any{"id": "m:1", "name": "m", "version": 1})
	_, err := Register(context.Background(), ws, dir, "m", &RegisterOptions{ChildPaths: []string{"keep", "top.txt"}})
	require.NoError(t, err)
	jsonEq(t, `{"paths":[{"path":"m/keep/w.bin"},{"path":"m/top.txt"}]}`, rec.only("POST", "batch/metadata")[0].Body)
}

func TestRegisterFailuresAreResponseErrors(t *testing.T) {
	ws, _ := newWire(t)
	file := filepath.Join(t.TempDir(), "model.pkl")
	writeFile(t, file, []byte("pickle"))
	gock.New(histHost).Post(histBase + "/artifacts/batch/metadata/LocalUpload/.+").Reply(200).JSON(artifactReply("ctr", "model.pkl"))
	gock.New(blobHost).Put("/c/ctr/model.pkl").Reply(400).SetHeader("x-ms-error-code", "Md5Mismatch").
		BodyString(`<?xml version="1.0"?><Error><Code>Md5Mismatch</Code><Message>bad</Message></Error>`)
	_, err := Register(context.Background(), ws, file, "m", nil)
	re := requireResponseError(t, err, 400)
	require.Equal(t, "Md5Mismatch", re.ErrorCode)
	require.NotContains(t, err.Error(), "SECRETSIG", "the SAS signature must not reach error texts")
	require.Contains(t, err.Error(), "model.pkl")
}

func TestRegisterArtifactErrorsMapIsAnError(t *testing.T) {
	ws, _ := newWire(t)
	file := filepath.Join(t.TempDir(), "model.pkl")
	writeFile(t, file, []byte("pickle"))
	reply := artifactReply("ctr")
	reply["errors"] = map[string]any{"model.pkl": map[string]any{"code": "Conflict", "message": "exists"}}
	gock.New(histHost).Post(histBase + "/artifacts/batch/metadata/LocalUpload/.+").Reply(200).JSON(reply)
	_, err := Register(context.Background(), ws, file, "m", nil)
	require.ErrorContains(t, err, "refused model.pkl")
	require.ErrorContains(t, err, "Conflict")
}

func TestRegisterValidatesBeforeIO(t *testing.T) {
	ws, rec := newWire(t)
	_, err := Register(context.Background(), ws, filepath.Join(t.TempDir(), "missing"), "-bad", &RegisterOptions{FrameworkVersion: "1"})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Problems, 3)
	require.Empty(t, rec.requests())
}

// helpers shared by the wire tests

func urlQueryEscape(s string) string {
	r := bytes.NewBuffer(nil)
	for _, c := range []byte(s) {
		switch c {
		case '=':
			r.WriteString("%3D")
		case '+':
			r.WriteString("%2B")
		case '/':
			r.WriteString("%2F")
		default:
			r.WriteByte(c)
		}
	}
	return r.String()
}
