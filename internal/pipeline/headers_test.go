package pipeline

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/h2non/gock.v1"
)

func TestRequestIDStableAcrossRetriesAndNewPerCall(t *testing.T) {
	c, rec := mockClient(t)
	gock.New(testHost).Get("/a").Times(2).Reply(503)
	gock.New(testHost).Get("/a").Reply(200)
	gock.New(testHost).Get("/b").Reply(500)
	gock.New(testHost).Get("/b").Reply(200)
	pl := newPipeline(t, nil, fastOptions(c))

	for _, p := range []string{"/a", "/b"} {
		_, err := send(context.Background(), pl, http.MethodGet, testHost+p, "")
		require.NoError(t, err)
	}
	got := rec.all()
	require.Len(t, got, 5)

	ids := map[string][]string{}
	for _, a := range got {
		id := a.header.Get(HeaderClientRequestID)
		_, err := uuid.Parse(id)
		require.NoError(t, err, "request id %q", id)
		path := strings.TrimPrefix(a.url, testHost)
		ids[path] = append(ids[path], id)
	}
	require.Len(t, ids["/a"], 3)
	require.Len(t, ids["/b"], 2)
	for _, id := range ids["/a"] {
		assert.Equal(t, ids["/a"][0], id, "every attempt of a call carries the same request id")
	}
	for _, id := range ids["/b"] {
		assert.Equal(t, ids["/b"][0], id)
	}
	assert.NotEqual(t, ids["/a"][0], ids["/b"][0], "each call gets a new request id")
}

func TestCallerRequestIDIsKept(t *testing.T) {
	c, rec := mockClient(t)
	gock.New(testHost).Get("/a").Reply(200)
	pl := newPipeline(t, nil, fastOptions(c))

	ctx := policy.WithHTTPHeader(context.Background(), http.Header{HeaderClientRequestID: {"my-id"}})
	_, err := send(ctx, pl, http.MethodGet, testHost+"/a", "")
	require.NoError(t, err)
	assert.Equal(t, "my-id", rec.all()[0].header.Get(HeaderClientRequestID))
}

func TestSessionIDIsOnePerProcess(t *testing.T) {
	c, rec := mockClient(t)
	gock.New(testHost).Get("/a").Persist().Reply(200)
	pl1 := newPipeline(t, nil, fastOptions(c))
	pl2 := newPipeline(t, nil, fastOptions(c))

	for _, pl := range []runtime.Pipeline{pl1, pl1, pl2} {
		_, err := send(context.Background(), pl, http.MethodGet, testHost+"/a", "")
		require.NoError(t, err)
	}
	_, err := uuid.Parse(SessionID())
	require.NoError(t, err)
	for _, a := range rec.all() {
		assert.Equal(t, SessionID(), a.header.Get(HeaderClientSessionID))
	}
}

func TestUserAgent(t *testing.T) {
	for _, tc := range []struct {
		name      string
		telemetry policy.TelemetryOptions
		callerUA  string
		wantStart string
		wantEnd   string
		absent    bool
	}{
		{name: "default", wantStart: "azureml-go/" + Version + " (go"},
		{name: "application id prepended", telemetry: policy.TelemetryOptions{ApplicationID: "my app"},
			wantStart: "my/app azureml-go/" + Version + " ("},
		{name: "application id cut to 24", telemetry: policy.TelemetryOptions{ApplicationID: strings.Repeat("x", 30)},
			wantStart: strings.Repeat("x", 24) + " azureml-go/"},
		{name: "caller value kept after ours", callerUA: "mytool/2.0",
			wantStart: "azureml-go/" + Version, wantEnd: " mytool/2.0"},
		{name: "disabled", telemetry: policy.TelemetryOptions{Disabled: true}, absent: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, rec := mockClient(t)
			gock.New(testHost).Get("/a").Reply(200)
			opts := fastOptions(c)
			opts.Telemetry = tc.telemetry
			pl := newPipeline(t, nil, opts)
			req, err := runtime.NewRequest(context.Background(), http.MethodGet, testHost+"/a")
			require.NoError(t, err)
			if tc.callerUA != "" {
				req.Raw().Header.Set("User-Agent", tc.callerUA)
			}
			_, err = pl.Do(req)
			require.NoError(t, err)

			ua := rec.all()[0].header.Get("User-Agent")
			assert.NotContains(t, ua, "azsdk-go", "azcore's own telemetry is replaced")
			if tc.absent {
				assert.NotContains(t, ua, "azureml-go")
				return
			}
			assert.True(t, strings.HasPrefix(ua, tc.wantStart), "User-Agent %q", ua)
			assert.True(t, strings.HasSuffix(ua, tc.wantEnd), "User-Agent %q", ua)
		})
	}
}

func TestUserAgentFormat(t *testing.T) {
	assert.Regexp(t, `^azureml-go/0\.1\.0 \(go[^;]+; [a-z0-9]+\)$`, UserAgent(""))
	assert.Regexp(t, `^a/b azureml-go/0\.1\.0 \(`, UserAgent("a b"))
}
