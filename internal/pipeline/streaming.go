package pipeline

import (
	"context"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

type streamingKey struct{}

// WithStreamingResponse returns a context under which the body of a
// response with a status below 400 reaches the caller unread, as a stream
// the caller must close (for example a blob download). The pipeline calls
// [runtime.SkipBodyDownload] for such a call, so azcore does not read the
// body either. Error bodies (400 and above) are still read, as azcore does.
//
// While the body is read, TryTimeout (see [Options]) fails a read that waits
// longer than TryTimeout for the next bytes; a slow but steady download is
// never cut. A streamed body is not checked for truncated JSON.
//
// A call that uses runtime.SkipBodyDownload without this context gets a body
// of up to 8 MiB read in advance by the retry layer (and the rest, if any,
// streamed), which keeps memory bounded either way.
func WithStreamingResponse(ctx context.Context) context.Context {
	return context.WithValue(ctx, streamingKey{}, true)
}

func streamingResponse(ctx context.Context) bool {
	v, _ := ctx.Value(streamingKey{}).(bool)
	return v
}

// streamingPolicy (per call) turns off azcore's body download for calls made
// with WithStreamingResponse.
func streamingPolicy(req *policy.Request) (*http.Response, error) {
	if streamingResponse(req.Raw().Context()) {
		runtime.SkipBodyDownload(req)
	}
	return req.Next()
}
