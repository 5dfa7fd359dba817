package pipeline

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"
)

func TestResponseErrorCarriesTheServiceErrorCode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
		header string
		want   string
	}{
		{name: "ARM", status: 404, body: `{"error":{"code":"ResourceNotFound","message":"The Resource was not found."}}`, want: "ResourceNotFound"},
		{name: "ARM double nested", status: 400, body: `{"error":{"error":{"code":"BadArgument","message":"m"}}}`, want: "BadArgument"},
		{name: "model management", status: 400,
			body: `{"code":"BadRequest","statusCode":400,"message":"Invalid","details":[{"code":"InvalidName","message":"x"}],"correlation":{"RequestId":"r"}}`,
			want: "BadRequest"},
		{name: "model management with a string error member", status: 409,
			body: `{"code":"Conflict","statusCode":409,"message":"exists","error":"service already exists"}`, want: "Conflict"},
		{name: "header wins", status: 400, header: "FromHeader", body: `{"code":"Other"}`, want: "FromHeader"},
		{name: "not JSON", status: 502, body: `<html>bad gateway</html>`, want: ""},
		{name: "no body", status: 404, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := mockClient(t)
			r := gock.New(testHost).Post("/x").Reply(tc.status).BodyString(tc.body).SetHeader("Content-Type", "application/json")
			if tc.header != "" {
				r.SetHeader("x-ms-error-code", tc.header)
			}
			pl := newPipeline(t, nil, fastOptions(c))

			resp, err := send(context.Background(), pl, http.MethodPost, testHost+"/x", `{}`)
			require.NoError(t, err)
			err = runtime.NewResponseError(resp)
			var respErr *azcore.ResponseError
			require.True(t, errors.As(err, &respErr))
			assert.Equal(t, tc.status, respErr.StatusCode)
			assert.Equal(t, tc.want, respErr.ErrorCode)
			if tc.body != "" {
				b, _ := io.ReadAll(respErr.RawResponse.Body)
				assert.Equal(t, tc.body, string(b), "the body stays readable for callers")
			}
		})
	}
}

// Documents what azcore does on its own, so a change in azcore shows up here:
// it reads a top-level "code" but not the double-nested form.
func TestAzcoreAloneOnErrorShapes(t *testing.T) {
	respFor := func(body string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, testHost, nil)
		return &http.Response{StatusCode: 400, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body)), Request: req}
	}
	var respErr *azcore.ResponseError
	require.ErrorAs(t, runtime.NewResponseError(respFor(`{"code":"MMSCode","statusCode":400}`)), &respErr)
	assert.Equal(t, "MMSCode", respErr.ErrorCode)
	require.ErrorAs(t, runtime.NewResponseError(respFor(`{"error":{"error":{"code":"Inner"}}}`)), &respErr)
	assert.Empty(t, respErr.ErrorCode)
}

func TestSuccessResponsesAreNotTouched(t *testing.T) {
	c, _ := mockClient(t)
	gock.New(testHost).Get("/x").Reply(200).JSON(map[string]any{"code": "NotAnError"})
	pl := newPipeline(t, nil, fastOptions(c))
	resp, err := send(context.Background(), pl, http.MethodGet, testHost+"/x", "")
	require.NoError(t, err)
	assert.Empty(t, resp.Header.Get("x-ms-error-code"))
}

func TestErrorCode(t *testing.T) {
	for body, want := range map[string]string{
		`{"error":{"code":"A"}}`:                              "A",
		`  {"error":{"code":"A","message":"m"}}`:              "A",
		`{"error":{"error":{"code":"B"}}}`:                    "B",
		`{"error":{"code":"Outer","error":{"code":"Inner"}}}`: "Inner",
		`{"code":"C","statusCode":404}`:                       "C",
		`{"code":"C","error":"text"}`:                         "C",
		`{"code":404}`:                                        "",
		`{"error":{"code":5}}`:                                "",
		`{"error":null,"code":"D"}`:                           "D",
		`{"message":"no code"}`:                               "",
		`[{"code":"E"}]`:                                      "",
		`not json`:                                            "",
		``:                                                    "",
		`{"error":{"error":{"error":{"error":{"error":{"code":"deep"}}}}}}`: "",
	} {
		assert.Equal(t, want, ErrorCode([]byte(body)), body)
	}
}

func FuzzErrorCode(f *testing.F) {
	for _, seed := range []string{`{"error":{"code":"A"}}`, `{"code":"C"}`, `{"error":{"error":{"code":"B"}}}`, `{`, `null`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		_ = ErrorCode(body) // must not panic
	})
}
