package model

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// benchTree sizes the generated tree: 2,000 files, 200 MiB by default;
// AZUREML_BENCH_TREE_MIB overrides the size (files stay 2,000).
func benchTreeSize() int64 {
	if v, err := strconv.Atoi(os.Getenv("AZUREML_BENCH_TREE_MIB")); err == nil && v > 0 {
		return int64(v) << 20
	}
	return 200 << 20
}

// baselinePackage is the straight archive/tar + compress/gzip loop the
// packager is measured against: no ignore rules, no context checks.
func baselinePackage(w io.Writer, dir string) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	base := filepath.Base(dir)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr, err := tar.FileInfoHeader(info, "")
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		hdr.Name = filepath.ToSlash(filepath.Join(base, rel))
		if d.IsDir() {
			hdr.Name += "/"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// BenchmarkSourcePackage packages a generated tree (2,000 files, 200 MiB by
// default) with WriteSourcePackage and, in the same iteration, with the
// straight tar+gzip loop, into io.Discard. It reports both times, their
// ratio and the peak heap of each (runtime.MemStats.HeapAlloc sampled every
// 2 ms). The tree is generated once.
func BenchmarkSourcePackage(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "tree")
	size := genTree(b, dir, 2000, benchTreeSize())
	var sdk, base time.Duration
	var sdkPeak, basePeak uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		t0 := time.Now()
		sdkPeak = max(sdkPeak, peakHeap(func() { err = WriteSourcePackage(context.Background(), io.Discard, dir) }))
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		basePeak = max(basePeak, peakHeap(func() { err = baselinePackage(io.Discard, dir) }))
		if err != nil {
			b.Fatal(err)
		}
		sdk += t1.Sub(t0)
		base += time.Since(t1)
	}
	b.ReportMetric(float64(sdk.Nanoseconds())/float64(b.N), "sdk-ns/op")
	b.ReportMetric(float64(base.Nanoseconds())/float64(b.N), "baseline-ns/op")
	b.ReportMetric(float64(sdk)/float64(base), "sdk/baseline")
	b.ReportMetric(float64(size)*float64(b.N)/sdk.Seconds()/1e6, "sdk-MB/s")
	b.ReportMetric(float64(sdkPeak)/(1<<20), "sdk-peak-heap-MiB")
	b.ReportMetric(float64(basePeak)/(1<<20), "baseline-peak-heap-MiB")
	if sdkPeak >= heapBound {
		b.Errorf("peak heap %d bytes exceeds the 32 MiB bound", sdkPeak)
	}
}
