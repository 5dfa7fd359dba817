package model

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// readTarGz returns name → content ("->target" for links, "" for dirs).
func readTarGz(t *testing.T, data []byte) (map[string]string, []string) {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	out := map[string]string{}
	var order []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		order = append(order, h.Name)
		switch h.Typeflag {
		case tar.TypeSymlink:
			out[h.Name] = "->" + h.Linkname
		case tar.TypeDir:
			out[h.Name] = ""
		default:
			b, err := io.ReadAll(tr)
			require.NoError(t, err)
			out[h.Name] = string(b)
		}
	}
	return out, order
}

func TestWriteSourcePackage(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "my_src")
	makeTree(t, dir, map[string]string{
		"score.py":              "def init():\n    pass\n",
		"lib/util.py":           "X = 1\n",
		"lib/__pycache__/u.pyc": "junk",
		"data/big.bin":          string(pattern(100_000)),
		".amlignore":            "__pycache__/\n*.log\n",
		"debug.log":             "noise",
	})
	require.NoError(t, os.Symlink("score.py", filepath.Join(dir, "link.py")))
	var buf bytes.Buffer
	require.NoError(t, WriteSourcePackage(context.Background(), &buf, dir))
	got, order := readTarGz(t, buf.Bytes())
	require.Equal(t, map[string]string{
		"my_src/":             "",
		"my_src/.amlignore":   "__pycache__/\n*.log\n",
		"my_src/data/":        "",
		"my_src/data/big.bin": string(pattern(100_000)),
		"my_src/lib/":         "",
		"my_src/lib/util.py":  "X = 1\n",
		"my_src/link.py":      "->score.py",
		"my_src/score.py":     "def init():\n    pass\n",
	}, got)
	require.Equal(t, "my_src/", order[0], "the directory itself comes first, under its base name")

	// a trailing slash or "." in the path does not change the arcname
	buf.Reset()
	require.NoError(t, WriteSourcePackage(context.Background(), &buf, dir+string(filepath.Separator)+"."))
	got2, _ := readTarGz(t, buf.Bytes())
	require.Equal(t, got, got2)
}

func TestWriteSourcePackageStopsOnCancel(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "src")
	makeTree(t, dir, map[string]string{"a.py": "", "b.py": ""})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := WriteSourcePackage(ctx, io.Discard, dir)
	require.ErrorIs(t, err, context.Canceled)
}

// genTree writes files files of about size/files bytes each under dir, with
// data that compresses moderately (random runs mixed with repeats, like
// weights and text). It returns the total bytes written.
func genTree(tb testing.TB, dir string, files int, size int64) int64 {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	per := size / int64(files)
	buf := make([]byte, 64<<10)
	var total int64
	for i := 0; i < files; i++ {
		p := filepath.Join(dir, "d"+itoa(i%20), "f"+itoa(i)+".bin")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			tb.Fatal(err)
		}
		for left := per; left > 0; {
			n := min(int64(len(buf)), left)
			for j := 0; j+8 <= int(n); j += 8 {
				v := rng.Uint64()
				if v%4 == 0 {
					v &= 0xff // compressible runs
				}
				binary.LittleEndian.PutUint64(buf[j:], v)
			}
			if _, err := f.Write(buf[:n]); err != nil {
				tb.Fatal(err)
			}
			left -= n
			total += n
		}
		if err := f.Close(); err != nil {
			tb.Fatal(err)
		}
	}
	return total
}

// peakHeap runs fn while sampling runtime.MemStats.HeapAlloc and returns the
// highest value seen (a bound on live plus not yet collected heap).
func peakHeap(fn func()) uint64 {
	runtime.GC()
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var ms runtime.MemStats
		var peak uint64
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-stop:
				done <- peak
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(stop)
	return <-done
}

const heapBound = 32 << 20

// TestWriteSourcePackageHeapBound packages a tree larger than the bound
// (including one file of 40 MiB) and checks that the heap never gets near
// the tree's size: packaging streams. This is a memory bound, not a timing.
func TestWriteSourcePackageHeapBound(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("writes 48 MiB; heap figures are meaningless under -race")
	}
	dir := filepath.Join(t.TempDir(), "tree")
	genTree(t, dir, 100, 8<<20)
	genTree(t, filepath.Join(dir, "huge"), 1, 40<<20)
	var err error
	peak := peakHeap(func() { err = WriteSourcePackage(context.Background(), io.Discard, dir) })
	require.NoError(t, err)
	t.Logf("peak heap while packaging 48 MiB: %.1f MiB", float64(peak)/(1<<20))
	require.Less(t, peak, uint64(heapBound))
}
