package webservice_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/azureml-go/azureml/auth"
	"github.com/azureml-go/azureml/compute"
	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/webservice"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// The benchmarks share one deployed service of the local workspace, started
// on first use and stopped by TestMain.
var (
	benchOnce sync.Once
	benchSrv  *emulator.Server
	benchSvc  *webservice.AksWebservice
	benchKey  string
	benchErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if benchSrv != nil {
		_ = benchSrv.Close()
	}
	os.Exit(code)
}

func benchService(b *testing.B) (*webservice.AksWebservice, string) {
	b.Helper()
	needPython(b)
	benchOnce.Do(func() {
		ctx := context.Background()
		benchSrv, benchErr = emulator.New(emulator.Options{})
		if benchErr != nil {
			return
		}
		ws, err := workspacetest.Connect(ctx, benchSrv, nil)
		if err != nil {
			benchErr = err
			return
		}
		aks, err := compute.Create(ctx, ws, "aks-bench", compute.ProvisioningConfiguration{ClusterPurpose: compute.ClusterPurposeDevTest})
		if err == nil {
			err = aks.WaitForCompletion(ctx, &compute.WaitOptions{Frequency: 5 * time.Millisecond})
		}
		if err != nil {
			benchErr = err
			return
		}
		m, err := model.Register(ctx, ws, filepath.Join(assets, "model.json"), "bench-linear", nil)
		if err != nil {
			benchErr = err
			return
		}
		ic, err := model.LoadInferenceConfig(filepath.Join(assets, "inferenceconfig.json"))
		if err != nil {
			benchErr = err
			return
		}
		svc, err := model.Deploy(ctx, ws, "bench-svc", []*model.Model{m}, ic,
			webservice.AksDeployConfig{AutoscaleEnabled: to.Ptr(false), NumReplicas: to.Ptr(1)}, aks, nil)
		if err == nil {
			err = svc.WaitForDeployment(ctx, fastWait)
		}
		if err != nil {
			benchErr = err
			return
		}
		keys, err := svc.GetKeys(ctx)
		if err != nil {
			benchErr = err
			return
		}
		benchSvc, benchKey = svc, keys.Primary.Reveal()
		// Warm both paths: the first Run reads the keys.
		if _, err := svc.Run(ctx, []byte(sampleInput)); err != nil {
			benchErr = err
		}
	})
	if benchErr != nil {
		b.Fatalf("benchmark service: %v", benchErr)
	}
	return benchSvc, benchKey
}

// rawClient is what a careful user writes with net/http alone.
var rawClient = &http.Client{Transport: &http.Transport{
	Proxy:               http.ProxyFromEnvironment,
	DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	MaxIdleConns:        256,
	MaxIdleConnsPerHost: 64,
	IdleConnTimeout:     90 * time.Second,
}}

// rawScore is the baseline: one POST with the same headers, body read whole.
func rawScore(ctx context.Context, uri, authz string, input []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, uri, bytes.NewReader(input))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	resp, err := rawClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return out, nil
}

// BenchmarkRun scores with AksWebservice.Run against the local workspace.
func BenchmarkRun(b *testing.B) {
	svc, _ := benchService(b)
	ctx, input := context.Background(), []byte(sampleInput)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := svc.Run(ctx, input); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawHTTP scores the same service with plain net/http.
func BenchmarkRawHTTP(b *testing.B) {
	svc, key := benchService(b)
	ctx, input, uri, authz := context.Background(), []byte(sampleInput), svc.ScoringURI(), "Bearer "+key
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := rawScore(ctx, uri, authz, input); err != nil {
			b.Fatal(err)
		}
	}
}

// measure runs fn n times and returns the time and allocations per call.
func measure(n int, fn func()) (ns, allocs float64) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	for i := 0; i < n; i++ {
		fn()
	}
	el := time.Since(start)
	runtime.ReadMemStats(&after)
	return float64(el.Nanoseconds()) / float64(n), float64(after.Mallocs-before.Mallocs) / float64(n)
}

// compareInterleaved alternates batches of sdk and raw calls so that drift
// of the server affects both alike, and reports both and their ratios.
func compareInterleaved(b *testing.B, sdk, raw func()) {
	const batch = 20
	var sdkNs, sdkAllocs, rawNs, rawAllocs float64
	rounds := 0
	for done := 0; done < b.N; done += batch {
		n1, a1 := measure(batch, sdk)
		n2, a2 := measure(batch, raw)
		sdkNs, sdkAllocs, rawNs, rawAllocs = sdkNs+n1, sdkAllocs+a1, rawNs+n2, rawAllocs+a2
		rounds++
	}
	r := float64(rounds)
	b.ReportMetric(sdkNs/r, "sdk-ns/op")
	b.ReportMetric(rawNs/r, "raw-ns/op")
	b.ReportMetric(sdkAllocs/r, "sdk-allocs/op")
	b.ReportMetric(rawAllocs/r, "raw-allocs/op")
	b.ReportMetric(sdkNs/rawNs, "ns-ratio")
	b.ReportMetric(sdkAllocs/rawAllocs, "allocs-ratio")
}

// BenchmarkRunVsRawHTTP compares Run with raw net/http against the local
// workspace in one benchmark (interleaved). Allocations include the
// in-process local workspace serving both, so they dilute the client's share;
// BenchmarkScoringClientVsRawHTTP isolates the client.
func BenchmarkRunVsRawHTTP(b *testing.B) {
	svc, key := benchService(b)
	ctx, input, uri, authz := context.Background(), []byte(sampleInput), svc.ScoringURI(), "Bearer "+key
	compareInterleaved(b,
		func() {
			if _, err := svc.Run(ctx, input); err != nil {
				b.Fatal(err)
			}
		},
		func() {
			if _, err := rawScore(ctx, uri, authz, input); err != nil {
				b.Fatal(err)
			}
		})
}

// BenchmarkScoringClientVsRawHTTP compares the scoring client with raw
// net/http against a minimal in-process server that allocates little, so the
// allocation ratio is the client's own.
func BenchmarkScoringClientVsRawHTTP(b *testing.B) {
	out := []byte(sampleOutput)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.Header.Get("Authorization") != "Bearer k" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header()["Content-Type"] = []string{"application/json"}
		_, _ = w.Write(out)
	}))
	defer srv.Close()
	c, err := webservice.NewScoringClient(srv.URL+"/score", webservice.KeyCredential(auth.NewSecret("k")), nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, input := context.Background(), []byte(sampleInput)
	compareInterleaved(b,
		func() {
			if _, err := c.Score(ctx, input); err != nil {
				b.Fatal(err)
			}
		},
		func() {
			if _, err := rawScore(ctx, srv.URL+"/score", "Bearer k", input); err != nil {
				b.Fatal(err)
			}
		})
}
