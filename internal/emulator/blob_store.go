package emulator

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Store kind/key of the per-workspace secret that signs blob URLs.
const (
	kindBlobKey = "blobkey"
	blobKeyKey  = "sig"
)

// blobStore keeps uploaded blob content as files: committed blobs under
// {root}/committed/{sha256(id)}, uncommitted blocks under
// {root}/blocks/{sha256(id)}/{hex(blockid)}. The root is {DataDir}/blobs, or a
// temporary directory removed at Close for an in-memory server.
type blobStore struct {
	root string
	key  []byte
	err  error // set when the root could not be prepared; handlers answer 500
}

// blobStores maps each running *Server to its blob store.
var blobStores sync.Map

func init() {
	registerRoutes(func(s *Server, _ *http.ServeMux) {
		b := newBlobStore(s)
		blobStores.Store(s, b)
		s.onClose(func() {
			blobStores.Delete(s)
			if s.opts.DataDir == "" && b.root != "" {
				_ = os.RemoveAll(b.root)
			}
		})
	})
}

func newBlobStore(s *Server) *blobStore {
	b := &blobStore{}
	if s.opts.DataDir != "" {
		b.root = filepath.Join(s.opts.DataDir, "blobs")
		b.err = os.MkdirAll(b.root, 0o700)
	} else {
		b.root, b.err = os.MkdirTemp("", "azureml-emulator-blobs-")
	}
	if b.err == nil {
		for _, d := range []string{"committed", "blocks"} {
			if err := os.MkdirAll(filepath.Join(b.root, d), 0o700); err != nil {
				b.err = err
			}
		}
	}
	var key string
	_ = updateRecord(s.store, kindBlobKey, blobKeyKey, func(cur *string, exists bool) (bool, error) {
		if exists && *cur != "" {
			key = *cur
			return false, nil
		}
		*cur = newSecret(32)
		key = *cur
		return true, nil
	})
	b.key = []byte(key)
	if b.err != nil {
		s.logf("emulator: blob storage unavailable: %v", b.err)
	}
	return b
}

// blobsOf returns the blob store of s (a store that fails every call if s was
// not started by New).
func blobsOf(s *Server) *blobStore {
	if b, ok := blobStores.Load(s); ok {
		return b.(*blobStore)
	}
	return &blobStore{err: fmt.Errorf("server is closed")}
}

func hashName(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// sig is the SAS-like signature of one artifact id.
func (b *blobStore) sig(id string) string {
	m := hmac.New(sha256.New, b.key)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// validSig compares in constant time.
func (b *blobStore) validSig(id, sig string) bool {
	return len(b.key) > 0 && subtle.ConstantTimeCompare([]byte(b.sig(id)), []byte(sig)) == 1
}

// contentURI is the upload/download URL of an artifact's blob, with a
// SAS-shaped query whose sig authorises exactly that blob.
func (b *blobStore) contentURI(s *Server, id string) string {
	segs := strings.Split(id, "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return s.URL() + "/blob/" + strings.Join(segs, "/") + "?sv=2020-10-02&sr=b&sp=rcw&sig=" + b.sig(id)
}

func (b *blobStore) committedPath(id string) string {
	return filepath.Join(b.root, "committed", hashName(id))
}

func (b *blobStore) blockDir(id string) string {
	return filepath.Join(b.root, "blocks", hashName(id))
}

func (b *blobStore) blockPath(id string, blockID []byte) string {
	return filepath.Join(b.blockDir(id), hex.EncodeToString(blockID))
}

// writeTemp streams r into a new temporary file in dir, returning its name,
// size and MD5. The caller renames or removes it.
func writeTemp(dir string, r io.Reader) (name string, size int64, sum []byte, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, nil, err
	}
	f, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return "", 0, nil, err
	}
	h := md5.New()
	size, err = io.Copy(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", 0, nil, err
	}
	return f.Name(), size, h.Sum(nil), nil
}

// commit makes a finished temporary file the content of artifact id and marks
// the artifact uploaded.
func (b *blobStore) commit(s *Server, id, tmp string, size int64, sum []byte) error {
	if err := os.Rename(tmp, b.committedPath(id)); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	_ = os.RemoveAll(b.blockDir(id))
	return updateRecord(s.store, kindArtifact, id, func(cur *artifactRecord, exists bool) (bool, error) {
		if !exists {
			return false, fmt.Errorf("artifact %q was deleted during the upload", id)
		}
		cur.Uploaded = true
		cur.Size = size
		cur.MD5 = base64.StdEncoding.EncodeToString(sum)
		cur.Etag = fmt.Sprintf("\"0x%X\"", time.Now().UnixNano())
		return true, nil
	})
}
