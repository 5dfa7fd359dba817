package model

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"
)

func modelJSON(name string, version int, extra map[string]any) map[string]any {
	m := map[string]any{"id": name + ":" + itoa(version), "name": name, "version": version, "url": "aml://asset/x", "mimeType": "application/json"}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestGetWire(t *testing.T) {
	ws, rec := newWire(t)
	gock.New(mmsHost).Get(mmsBase + "/models/m:2").Reply(200).JSON(modelJSON("m", 2, map[string]any{"kvTags": map[string]string{"a": "b"}, "unknownNewField": 1}))
	m, err := Get(context.Background(), ws, "m:2")
	require.NoError(t, err)
	require.Equal(t, "m", m.Name)
	require.Equal(t, map[string]string{"a": "b"}, m.Tags)
	require.Contains(t, string(m.Raw), "unknownNewField")
	r := rec.requests()
	require.Len(t, r, 1)
	require.Equal(t, "GET", r[0].Method)
	require.Equal(t, mmsHost+mmsBase+"/models/m:2", r[0].URL)
	require.Empty(t, r[0].Body)
	requireMMSHeaders(t, r[0])
}

func TestGetNotFoundIsResponseError(t *testing.T) {
	ws, _ := newWire(t)
	gock.New(mmsHost).Get(mmsBase + "/models/m:9").Reply(404).JSON(map[string]any{"code": "ModelNotFound", "statusCode": 404, "message": "Model with id m:9 not found in provided workspace", "details": []any{}})
	_, err := Get(context.Background(), ws, "m:9")
	re := requireResponseError(t, err, 404)
	require.Equal(t, "ModelNotFound", re.ErrorCode)
	require.ErrorIs(t, err, ErrNotFound, "a missing model matches ErrNotFound, as compute and webservice do")
}

func TestGetValidatesID(t *testing.T) {
	ws, rec := newWire(t)
	for _, id := range []string{"", "m", "m:", "m:0", "m:x", "-m:1", "m:1:2"} {
		_, err := Get(context.Background(), ws, id)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, id)
	}
	require.Empty(t, rec.requests())
}

func TestGetByNameWire(t *testing.T) {
	ws, rec := newWire(t)
	gock.New(mmsHost).Get(mmsBase + "/models/m:4").Reply(200).JSON(modelJSON("m", 4, nil))
	m, err := GetByName(context.Background(), ws, "m", 4)
	require.NoError(t, err)
	require.Equal(t, 4, m.Version)

	// latest: latestVersionOnly, highest exact-name match wins
	gock.New(mmsHost).Get(mmsBase + "/models").Reply(200).JSON(map[string]any{"value": []any{
		modelJSON("m-other", 9, nil), modelJSON("m", 3, nil), modelJSON("m", 5, nil)}})
	m, err = GetByName(context.Background(), ws, "m", 0)
	require.NoError(t, err)
	require.Equal(t, "m:5", m.ID)
	r := rec.requests()
	require.Equal(t, mmsHost+mmsBase+"/models/m:4", r[0].URL)
	u, _ := url.Parse(r[1].URL)
	require.Equal(t, url.Values{"name": {"m"}, "latestVersionOnly": {"true"}, "count": {"255"}}, u.Query())

	gock.New(mmsHost).Get(mmsBase + "/models").Reply(200).JSON(map[string]any{"value": []any{}})
	_, err = GetByName(context.Background(), ws, "nothing", 0)
	require.True(t, errors.Is(err, ErrNotFound), "%v", err)
}

func TestListPagerWire(t *testing.T) {
	ws, rec := newWire(t)
	next := mmsHost + mmsBase + "/models?count=20&%24skipToken=TOKEN2&name=m"
	gock.New(mmsHost).Get(mmsBase+"/models").MatchParam("count", "20").Reply(200).JSON(map[string]any{
		"value": []any{modelJSON("m", 1, nil)}, "nextLink": next})
	gock.New(mmsHost).Get(mmsBase+"/models").MatchParam("$skipToken", "TOKEN2").Reply(200).JSON(map[string]any{
		"value": []any{modelJSON("m", 2, nil)}})

	pager := NewListPager(ws, &ListOptions{Name: "m", Tags: []string{"team=ml", "prod"}, Properties: []string{"p=1"},
		Framework: FrameworkOnnx, RunID: "run-1", DatasetID: "ds-1", LatestVersionOnly: true, PageCount: 20})
	require.Empty(t, rec.requests(), "the pager is lazy")
	require.True(t, pager.More())
	p1, err := pager.NextPage(context.Background())
	require.NoError(t, err)
	require.Len(t, rec.requests(), 1, "one page fetched")
	require.Equal(t, "m:1", p1.Models[0].ID)
	require.True(t, pager.More())
	p2, err := pager.NextPage(context.Background())
	require.NoError(t, err)
	require.Equal(t, "m:2", p2.Models[0].ID)
	require.False(t, pager.More())

	r := rec.requests()
	require.Len(t, r, 2)
	want := url.Values{"name": {"m"}, "tags": {"team=ml,prod"}, "properties": {"p=1"}, "runId": {"run-1"},
		"datasetId": {"ds-1"}, "latestVersionOnly": {"true"}, "count": {"20"}, "framework": {"Onnx"}}
	u1, _ := url.Parse(r[0].URL)
	require.Equal(t, want, u1.Query())
	u2, _ := url.Parse(r[1].URL)
	want.Set("$skipToken", "TOKEN2")
	require.Equal(t, want, u2.Query(), "the second page re-issues our query with the token from nextLink")
	requireMMSHeaders(t, r[1])
}

func TestListIteratorIsLazy(t *testing.T) {
	ws, rec := newWire(t)
	gock.New(mmsHost).Get(mmsBase + "/models").Reply(200).JSON(map[string]any{
		"value": []any{modelJSON("a", 1, nil), modelJSON("b", 1, nil)}, "nextLink": mmsHost + "/x?$skipToken=T"})
	var names []string
	for m, err := range List(context.Background(), ws, nil) {
		require.NoError(t, err)
		names = append(names, m.Name)
		if len(names) == 2 {
			break
		}
	}
	require.Equal(t, []string{"a", "b"}, names)
	require.Len(t, rec.requests(), 1, "breaking out early fetches no further page")
}

func TestListValidation(t *testing.T) {
	ws, rec := newWire(t)
	for _, o := range []*ListOptions{{PageCount: 19}, {PageCount: 256}, {Tags: []string{"a,b"}}, {Properties: []string{"=v"}}, {Name: "-x"}} {
		_, err := NewListPager(ws, o).NextPage(context.Background())
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, "%+v", o)
	}
	require.Empty(t, rec.requests())
}

func TestUpdateWire(t *testing.T) {
	ws, rec := newWire(t)
	cur := modelJSON("m", 1, map[string]any{"kvTags": map[string]string{"keep": "1", "drop": "2"}, "properties": map[string]string{"p": "x"}})
	gock.New(mmsHost).Get(mmsBase + "/models/m:1").Reply(200).JSON(cur)
	gock.New(mmsHost).Patch(mmsBase + "/models/m:1").Reply(200).JSON(modelJSON("m", 1, map[string]any{"description": "new"}))
	desc := "new"
	m, err := Update(context.Background(), ws, "m:1", UpdateOptions{
		AddTags: map[string]string{"add": "3", "keep": "1b"}, RemoveTags: []string{"drop", "absent"},
		AddProperties: map[string]string{"q": "y"}, Description: &desc,
	})
	require.NoError(t, err)
	require.Equal(t, "new", m.Description)
	patches := rec.only("PATCH", "/models/m:1")
	require.Len(t, patches, 1)
	require.Equal(t, "application/json-patch+json; charset=utf-8", patches[0].Header.Get("Content-Type"))
	requireMMSHeaders(t, patches[0])
	jsonEq(t, `[
		{"op":"replace","path":"/description","value":"new"},
		{"op":"replace","path":"/kvTags","value":{"keep":"1b","add":"3"}},
		{"op":"add","path":"/properties","value":{"p":"x","q":"y"}}]`, patches[0].Body)
}

func TestUpdateRefusesExistingPropertyBeforePatch(t *testing.T) {
	ws, rec := newWire(t)
	gock.New(mmsHost).Get(mmsBase + "/models/m:1").Reply(200).JSON(modelJSON("m", 1, map[string]any{"properties": map[string]string{"p": "x"}}))
	_, err := Update(context.Background(), ws, "m:1", UpdateOptions{AddProperties: map[string]string{"p": "x"}})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorContains(t, err, "properties are immutable")
	require.Empty(t, rec.only("PATCH", ""))
}

func TestUpdateValidation(t *testing.T) {
	ws, rec := newWire(t)
	_, err := Update(context.Background(), ws, "m:1", UpdateOptions{})
	require.ErrorContains(t, err, "nothing to update")
	_, err = Update(context.Background(), ws, "bad", UpdateOptions{AddTags: map[string]string{"": "v", "x": "1"}, RemoveTags: []string{"x"}})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Problems, 3)
	require.Empty(t, rec.requests())
}

func TestDeleteWire(t *testing.T) {
	ws, rec := newWire(t)
	gock.New(mmsHost).Delete(mmsBase + "/models/m:1").Reply(200)
	require.NoError(t, Delete(context.Background(), ws, "m:1"))
	gock.New(mmsHost).Delete(mmsBase + "/models/m:2").Reply(204)
	require.NoError(t, Delete(context.Background(), ws, "m:2"))
	r := rec.requests()
	require.Len(t, r, 2)
	require.Equal(t, "DELETE", r[0].Method)
	require.Equal(t, mmsHost+mmsBase+"/models/m:1", r[0].URL)
	require.Empty(t, r[0].Body)
	requireMMSHeaders(t, r[0])
}

func TestDeleteInUse(t *testing.T) {
	ws, _ := newWire(t)
	gock.New(mmsHost).Delete(mmsBase + "/models/m:1").Reply(412).JSON(map[string]any{
		"code": "DeletionRequired", "statusCode": 412, "message": "Model m:1 is used by svc-a, svc-b",
		"details": []any{map[string]any{"code": "ModelInUse", "message": "x", "target": "svc-a"}, map[string]any{"code": "ModelInUse", "message": "y", "target": "svc-b"}},
	})
	err := Delete(context.Background(), ws, "m:1")
	var inUse *InUseError
	require.ErrorAs(t, err, &inUse)
	require.Equal(t, []string{"svc-a", "svc-b"}, inUse.Services)
	require.ErrorContains(t, err, "services svc-a, svc-b")
	re := requireResponseError(t, err, 412)
	require.Equal(t, "DeletionRequired", re.ErrorCode)

	gock.New(mmsHost).Delete(mmsBase + "/models/m:3").Reply(404).JSON(map[string]any{"code": "ModelNotFound"})
	requireResponseError(t, Delete(context.Background(), ws, "m:3"), 404)
}
