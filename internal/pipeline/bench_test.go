package pipeline

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// BenchmarkGETOverhead measures what one GET through the pipeline costs
// next to a raw net/http GET of the same JSON body from the same local
// server, in the same run: each iteration makes one call of each kind and
// times them separately. Sub-benchmarks: TryTimeout on (the default; the
// attempt watchdog runs) and off (TryTimeout < 0). Metrics:
//
//	raw-ns/call, pipeline-ns/call   mean time of one call
//	ratio                           pipeline / raw
//
// Run: go test -run '^$' -bench BenchmarkGETOverhead -benchtime 20000x ./internal/pipeline/
func BenchmarkGETOverhead(b *testing.B) {
	body := `{"value":[` + strings.Repeat(`{"name":"model","version":1},`, 35) + `{"name":"last","version":2}]}` // ~1 KiB
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	b.Cleanup(srv.Close)

	for _, tc := range []struct {
		name       string
		tryTimeout time.Duration
	}{{"trytimeout=on", 0}, {"trytimeout=off", -1}} {
		b.Run(tc.name, func(b *testing.B) {
			raw := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			inner := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
			pl, err := New(nil, &Options{HTTPClient: inner, TryTimeout: tc.tryTimeout})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			var rawTime, plTime time.Duration
			n := 0
			for b.Loop() {
				start := time.Now()
				resp, err := raw.Get(srv.URL + "/models")
				if err != nil {
					b.Fatal(err)
				}
				got, err := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				if err != nil || len(got) != len(body) {
					b.Fatalf("raw: %d bytes, %v", len(got), err)
				}
				rawTime += time.Since(start)

				start = time.Now()
				req, err := runtime.NewRequest(ctx, http.MethodGet, srv.URL+"/models")
				if err != nil {
					b.Fatal(err)
				}
				resp, err = pl.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				got, err = runtime.Payload(resp)
				if err != nil || len(got) != len(body) {
					b.Fatalf("pipeline: %d bytes, %v", len(got), err)
				}
				plTime += time.Since(start)
				n++
			}
			b.ReportMetric(float64(rawTime.Nanoseconds())/float64(n), "raw-ns/call")
			b.ReportMetric(float64(plTime.Nanoseconds())/float64(n), "pipeline-ns/call")
			b.ReportMetric(float64(plTime)/float64(rawTime), "ratio")
		})
	}
}
