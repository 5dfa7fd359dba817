package model

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// WriteSourcePackage writes the source directory dir to w as a gzip-compressed
// tar whose entries sit under the directory's base name (so "src/score.py" for
// dir ".../src"), as azureml-core's deploy path packages a source directory.
// It streams: files are copied through a fixed 32 KiB buffer and nothing is
// held in memory, whatever the size of the tree.
//
// Files and directories matched by the root .amlignore, or by the root
// .gitignore when there is no .amlignore, are left out (gitignore pattern
// rules; nested ignore files are not read). The azureml-core documentation
// promises this filtering, but its Python deploy code path does not apply it;
// this package does what the documentation says. Symbolic links are stored as
// links, not followed; sockets are skipped.
func WriteSourcePackage(ctx context.Context, w io.Writer, dir string) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	base := filepath.Base(filepath.Clean(dir))
	bufp := copyBufPool.Get().(*[]byte)
	defer copyBufPool.Put(bufp)
	err := walkSource(ctx, dir, func(rel, full string, d fs.DirEntry) error {
		return addTarEntry(tw, base, rel, full, d, *bufp)
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("model: packaging %s: %w", dir, err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("model: packaging %s: %w", dir, err)
	}
	return nil
}

// SourcePackageFiles lists what WriteSourcePackage would put in the package:
// the slash-separated paths, relative to dir, of every file and link kept after
// the ignore rules, in archive order. Directories are not listed.
func SourcePackageFiles(dir string) ([]string, error) {
	var out []string
	err := walkSource(context.Background(), dir, func(rel, _ string, d fs.DirEntry) error {
		if rel != "." && !d.IsDir() && d.Type()&fs.ModeSocket == 0 {
			out = append(out, rel)
		}
		return nil
	})
	return out, err
}

var copyBufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// walkSource visits dir in lexical order, skipping what the ignore rules
// exclude (an excluded directory is not entered). rel is "." for dir itself.
func walkSource(ctx context.Context, dir string, fn func(rel, full string, d fs.DirEntry) error) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("model: source directory: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("model: source directory %s is not a directory", dir)
	}
	rules, _, err := loadIgnoreRules(dir)
	if err != nil {
		return err
	}
	return filepath.WalkDir(dir, func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("model: packaging %s: %w", dir, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, full)
		if err != nil {
			return fmt.Errorf("model: packaging %s: %w", dir, err)
		}
		rel = filepath.ToSlash(rel)
		if rel != "." && rules.ignored(rel, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		return fn(rel, full, d)
	})
}

// addTarEntry writes one header (and the content of a regular file).
func addTarEntry(tw *tar.Writer, base, rel, full string, d fs.DirEntry, buf []byte) error {
	if d.Type()&fs.ModeSocket != 0 {
		return nil
	}
	info, err := d.Info()
	if err != nil {
		return fmt.Errorf("model: packaging %s: %w", full, err)
	}
	link := ""
	if info.Mode()&fs.ModeSymlink != 0 {
		if link, err = os.Readlink(full); err != nil {
			return fmt.Errorf("model: packaging %s: %w", full, err)
		}
	}
	hdr, err := tar.FileInfoHeader(info, link)
	if err != nil {
		return fmt.Errorf("model: packaging %s: %w", full, err)
	}
	hdr.Name = base
	if rel != "." {
		hdr.Name = base + "/" + rel
	}
	if info.IsDir() {
		hdr.Name += "/"
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("model: packaging %s: %w", full, err)
	}
	if !info.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(full)
	if err != nil {
		return fmt.Errorf("model: packaging %s: %w", full, err)
	}
	defer f.Close()
	n, err := io.CopyBuffer(tw, io.LimitReader(f, hdr.Size), buf)
	if err != nil {
		return fmt.Errorf("model: packaging %s: %w", full, err)
	}
	if n != hdr.Size {
		return fmt.Errorf("model: packaging %s: file shrank while it was being read (%d of %d bytes)", full, n, hdr.Size)
	}
	return nil
}
