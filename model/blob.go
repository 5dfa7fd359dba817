package model

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"

	"github.com/azureml-go/azureml/internal/pipeline"
)

// Blob upload parameters. Files up to blobBlockSize go in one Put Blob;
// larger files and streams go in blocks of blobBlockSize (Put Block, then Put
// Block List).
const (
	blobBlockSize  = 4 << 20
	blobAPIVersion = "2020-10-02"
	maxBlobBlocks  = 50000
)

// blobUploader PUTs content to SAS contentUris. The SAS in the URL is the
// authorisation: requests go out without the pipeline's bearer token, and
// error texts never carry the URL's query (the pipeline scrubs transport
// errors; our own messages name the artifact, not the URL).
type blobUploader struct {
	pl runtime.Pipeline
}

// putFile uploads a file, streamed from disk: it is read once to compute the
// MD5s and once to send, so nothing but a copy buffer is held in memory.
func (u blobUploader) putFile(ctx context.Context, contentURI, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	size := info.Size()
	if size <= blobBlockSize {
		h := md5.New()
		if _, err := io.Copy(h, io.NewSectionReader(f, 0, size)); err != nil {
			return err
		}
		return u.putBlob(ctx, contentURI, io.NewSectionReader(f, 0, size), h.Sum(nil))
	}
	nBlocks := int((size + blobBlockSize - 1) / blobBlockSize)
	if nBlocks > maxBlobBlocks {
		return fmt.Errorf("%s is too large for one blob (%d bytes)", name, size)
	}
	section := func(i int) *io.SectionReader {
		off := int64(i) * blobBlockSize
		return io.NewSectionReader(f, off, min(blobBlockSize, size-off))
	}
	whole := md5.New()
	sums := make([][]byte, nBlocks)
	for i := range nBlocks {
		h := md5.New()
		if _, err := io.Copy(io.MultiWriter(whole, h), section(i)); err != nil {
			return err
		}
		sums[i] = h.Sum(nil)
	}
	ids := make([]string, nBlocks)
	for i := range nBlocks {
		ids[i] = blockID(i)
		if err := u.putBlock(ctx, contentURI, ids[i], section(i), sums[i]); err != nil {
			return err
		}
	}
	return u.putBlockList(ctx, contentURI, ids, whole.Sum(nil))
}

// putStream uploads content of unknown length: block by block through one
// blobBlockSize buffer, or in one Put Blob when it fits in the first block.
func (u blobUploader) putStream(ctx context.Context, contentURI string, r io.Reader) error {
	buf := make([]byte, blobBlockSize)
	whole := md5.New()
	var ids []string
	for i := 0; ; i++ {
		n, err := io.ReadFull(r, buf)
		last := err == io.EOF || err == io.ErrUnexpectedEOF
		if err != nil && !last {
			return err
		}
		chunk := buf[:n]
		whole.Write(chunk)
		sum := md5.Sum(chunk)
		if i == 0 && last {
			return u.putBlob(ctx, contentURI, bytes.NewReader(chunk), sum[:])
		}
		if n > 0 {
			if len(ids) >= maxBlobBlocks {
				return fmt.Errorf("stream is too large for one blob")
			}
			id := blockID(len(ids))
			if err := u.putBlock(ctx, contentURI, id, bytes.NewReader(chunk), sum[:]); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if last {
			return u.putBlockList(ctx, contentURI, ids, whole.Sum(nil))
		}
	}
}

// blockID is the base64 of a fixed-width decimal, so every id of a blob has
// the same length (a Blob service rule).
func blockID(i int) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("block-%08d", i)))
}

// withQuery adds parameters to a SAS URL, keeping its own.
func withQuery(contentURI string, kv ...string) (string, error) {
	u, err := url.Parse(contentURI)
	if err != nil {
		return "", fmt.Errorf("the service returned an unusable content URI")
	}
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (u blobUploader) send(ctx context.Context, method, target string, body io.ReadSeeker, contentType string, headers map[string]string) error {
	req, err := runtime.NewRequest(pipeline.WithoutAuth(ctx), method, target)
	if err != nil {
		return fmt.Errorf("the service returned an unusable content URI")
	}
	for k, v := range headers {
		req.Raw().Header.Set(k, v)
	}
	req.Raw().Header.Set("x-ms-version", blobAPIVersion)
	if err := req.SetBody(streaming.NopCloser(body), contentType); err != nil {
		return err
	}
	resp, err := u.pl.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if !runtime.HasStatusCode(resp, http.StatusCreated) {
		return runtime.NewResponseError(resp)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return nil
}

func (u blobUploader) putBlob(ctx context.Context, contentURI string, body io.ReadSeeker, sum []byte) error {
	return u.send(ctx, http.MethodPut, contentURI, body, "application/octet-stream", map[string]string{
		"x-ms-blob-type": "BlockBlob",
		"Content-MD5":    base64.StdEncoding.EncodeToString(sum),
	})
}

func (u blobUploader) putBlock(ctx context.Context, contentURI, id string, body io.ReadSeeker, sum []byte) error {
	target, err := withQuery(contentURI, "comp", "block", "blockid", id)
	if err != nil {
		return err
	}
	return u.send(ctx, http.MethodPut, target, body, "application/octet-stream", map[string]string{
		"Content-MD5": base64.StdEncoding.EncodeToString(sum),
	})
}

func (u blobUploader) putBlockList(ctx context.Context, contentURI string, ids []string, whole []byte) error {
	target, err := withQuery(contentURI, "comp", "blocklist")
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n<BlockList>")
	for _, id := range ids {
		b.WriteString("<Latest>" + id + "</Latest>")
	}
	b.WriteString("</BlockList>")
	return u.send(ctx, http.MethodPut, target, strings.NewReader(b.String()), "application/xml", map[string]string{
		"x-ms-blob-content-md5": base64.StdEncoding.EncodeToString(whole),
	})
}
