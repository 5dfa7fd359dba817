package model_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/azureml-go/azureml/internal/emulator"
	"github.com/azureml-go/azureml/model"
	"github.com/azureml-go/azureml/workspace"
	"github.com/azureml-go/azureml/workspace/workspacetest"
)

// List-paging memory: walking the pager page by page must hold one page, not the whole
// list. The baseline, in the same run, is the eager walk that loads every page into one
// slice before using any model.

// heapProbe measures the heap above a baseline while a walk runs, two ways: live is the
// heap after a full GC at each page boundary (what the walk keeps); sampled is the
// highest HeapAlloc seen by a sampler every 500 µs (live plus garbage not yet
// collected, including the in-process local workspace's own).
type heapProbe struct {
	base    uint64
	live    uint64
	sampled uint64
	mu      sync.Mutex
	stop    chan struct{}
	done    chan struct{}
}

func startHeapProbe() *heapProbe {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p := &heapProbe{base: ms.HeapAlloc, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		tick := time.NewTicker(500 * time.Microsecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			p.mu.Lock()
			p.sampled = max(p.sampled, ms.HeapAlloc)
			p.mu.Unlock()
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return p
}

// checkpoint records the live heap; call it where the walk holds what it keeps.
func (p *heapProbe) checkpoint() {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p.live = max(p.live, ms.HeapAlloc)
}

// finish stops the sampler and returns the peaks above the baseline, in bytes.
func (p *heapProbe) finish() (live, sampled uint64) {
	close(p.stop)
	<-p.done
	above := func(v uint64) uint64 {
		if v < p.base {
			return 0
		}
		return v - p.base
	}
	return above(p.live), above(p.sampled)
}

// walkLazy uses each page as it arrives and drops it.
func walkLazy(ctx context.Context, ws *workspace.Workspace, pageCount int) (int, uint64, uint64, error) {
	p := startHeapProbe()
	n := 0
	pager := model.NewListPager(ws, &model.ListOptions{PageCount: pageCount})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			p.finish()
			return 0, 0, 0, err
		}
		n += useModels(page.Models)
		p.checkpoint()
	}
	live, sampled := p.finish()
	return n, live, sampled, nil
}

// walkEager loads every page into one slice, then uses the models.
func walkEager(ctx context.Context, ws *workspace.Workspace, pageCount int) (int, uint64, uint64, error) {
	p := startHeapProbe()
	var all []*model.Model
	pager := model.NewListPager(ws, &model.ListOptions{PageCount: pageCount})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			p.finish()
			return 0, 0, 0, err
		}
		all = append(all, page.Models...)
		p.checkpoint()
	}
	n := useModels(all)
	p.checkpoint()
	runtime.KeepAlive(all)
	live, sampled := p.finish()
	return n, live, sampled, nil
}

var sink int

// useModels stands for the caller's work on each model.
func useModels(ms []*model.Model) int {
	for _, m := range ms {
		sink += len(m.Name) + len(m.Tags) + len(m.Raw)
	}
	return len(ms)
}

// seedModels puts n models in the local workspace: a few names with many versions,
// tags, properties and a description, as a busy workspace has.
func seedModels(tb testing.TB, srv *emulator.Server, n int) {
	tb.Helper()
	seed := make([]emulator.SeedModel, n)
	for i := range seed {
		seed[i] = emulator.SeedModel{
			Name:        fmt.Sprintf("churn-model-%03d", i%100),
			Description: "nightly retrain of the churn model on the latest customer snapshot",
			Tags:        map[string]string{"team": "growth", "stage": "candidate", "run": fmt.Sprintf("run-%06d", i)},
			Properties:  map[string]string{"auc": "0.8731", "dataset": "customers-2024-06"},
			Framework:   "ScikitLearn",
		}
	}
	if _, err := srv.SeedModels(seed); err != nil {
		tb.Fatal(err)
	}
}

// replay records every answer of the local workspace once, then serves the same bytes
// from memory: walking replayed pages measures the SDK alone, without the heap the
// in-process local workspace uses to build each page.
type replay struct {
	inner     http.RoundTripper
	mu        sync.Mutex
	recording bool
	answers   map[string][]byte // method + URL -> body
}

func (r *replay) RoundTrip(req *http.Request) (*http.Response, error) {
	key := req.Method + " " + req.URL.String()
	r.mu.Lock()
	recording, body, ok := r.recording, r.answers[key], false
	if !recording {
		_, ok = r.answers[key]
	}
	r.mu.Unlock()
	if recording {
		resp, err := r.inner.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			return resp, err
		}
		b, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.answers[key] = b
		r.mu.Unlock()
		resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		return resp, nil
	}
	if !ok {
		return nil, fmt.Errorf("replay: %s was not recorded", key)
	}
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)), Request: req}, nil
}

// pagingFigures are the peaks of one kind of walk, in bytes.
type pagingFigures struct{ lazyLive, lazySampled, eagerLive, eagerSampled uint64 }

func (p *pagingFigures) walk(b *testing.B, ws *workspace.Workspace, total int) {
	ctx := context.Background()
	n, live, sampled, err := walkLazy(ctx, ws, model.DefaultPageCount)
	if err != nil || n != total {
		b.Fatalf("lazy walk: %d models, %v", n, err)
	}
	p.lazyLive, p.lazySampled = max(p.lazyLive, live), max(p.lazySampled, sampled)
	n, live, sampled, err = walkEager(ctx, ws, model.DefaultPageCount)
	if err != nil || n != total {
		b.Fatalf("eager walk: %d models, %v", n, err)
	}
	p.eagerLive, p.eagerSampled = max(p.eagerLive, live), max(p.eagerSampled, sampled)
}

func (p *pagingFigures) report(b *testing.B, prefix string) {
	const mib = 1 << 20
	ratio := func(a, b uint64) float64 { return float64(a) / float64(max(b, 1)) }
	b.ReportMetric(float64(p.lazyLive)/mib, prefix+"lazy-live-MiB")
	b.ReportMetric(float64(p.eagerLive)/mib, prefix+"eager-live-MiB")
	b.ReportMetric(ratio(p.eagerLive, p.lazyLive), prefix+"eager/lazy-live")
	b.ReportMetric(float64(p.lazySampled)/mib, prefix+"lazy-sampled-MiB")
	b.ReportMetric(float64(p.eagerSampled)/mib, prefix+"eager-sampled-MiB")
	b.ReportMetric(ratio(p.eagerSampled, p.lazySampled), prefix+"eager/lazy-sampled")
}

// BenchmarkListPagingMemory walks 10,000 models with the default page size (255) lazily
// and eagerly, and reports the peaks and their ratios twice: "local-" against the
// in-process local workspace (its page building included in the sampled heap), and
// "sdk-" over the same pages replayed from memory (the SDK alone). Run it with
//
//	go test -run '^$' -bench BenchmarkListPagingMemory -benchtime 3x ./model
func BenchmarkListPagingMemory(b *testing.B) {
	const total = 10000
	ctx := context.Background()
	srv, ws := workspacetest.NewServer(b, nil)
	seedModels(b, srv, total)
	// Record every answer of one walk (workspace discovery included), then replay.
	rec := &replay{inner: http.DefaultTransport, recording: true, answers: map[string][]byte{}}
	recording, err := workspacetest.Connect(ctx, srv, &workspace.Options{HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		b.Fatal(err)
	}
	if n, _, _, err := walkLazy(ctx, recording, model.DefaultPageCount); err != nil || n != total {
		b.Fatalf("recording walk: %d models, %v", n, err)
	}
	rec.mu.Lock()
	rec.recording = false
	rec.mu.Unlock()
	replayed, err := workspacetest.Connect(ctx, srv, &workspace.Options{HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		b.Fatal(err)
	}
	var local, sdk pagingFigures
	b.ResetTimer()
	for range b.N {
		local.walk(b, ws, total)
		sdk.walk(b, replayed, total)
	}
	b.StopTimer()
	local.report(b, "local-")
	sdk.report(b, "sdk-")
}

// TestListPagerHoldsOnePage is the memory bound as a test, on a smaller workspace: the
// lazy walk keeps far less than the eager one.
func TestListPagerHoldsOnePage(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 2,000 models")
	}
	srv, ws := workspacetest.NewServer(t, nil)
	seedModels(t, srv, 2000)
	ctx := context.Background()
	n, lazy, _, err := walkLazy(ctx, ws, 100)
	if err != nil || n != 2000 {
		t.Fatalf("lazy walk: %d models, %v", n, err)
	}
	n, eager, _, err := walkEager(ctx, ws, 100)
	if err != nil || n != 2000 {
		t.Fatalf("eager walk: %d models, %v", n, err)
	}
	t.Logf("live heap above baseline: lazy %.2f MiB, eager %.2f MiB", float64(lazy)/(1<<20), float64(eager)/(1<<20))
	if lazy*4 > eager {
		t.Fatalf("the lazy walk kept %d bytes, more than a quarter of the eager walk's %d: pages are not released", lazy, eager)
	}
}
