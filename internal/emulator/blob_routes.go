package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// Blob routes emulate the Azure Blob service calls an artifact upload makes on
// a SAS contentUri: Put Blob (BlockBlob), Put Block and Put Block List, plus
// Get Blob for reading content back. The sig query parameter authorises one
// blob; a bearer token is neither needed nor accepted (an Authorization
// header on a SAS request is refused, so a client that leaks its ARM token to
// storage fails here).

// maxBlockListBody bounds a Put Block List body.
const maxBlockListBody = 4 << 20

func init() {
	registerRoutes(func(s *Server, mux *http.ServeMux) {
		mux.HandleFunc("PUT /blob/{id...}", s.handleBlobPut)
		mux.HandleFunc("GET /blob/{id...}", s.handleBlobGet)
	})
}

// writeStorageError writes the Azure Storage XML error shape and x-ms-error-code.
func writeStorageError(w http.ResponseWriter, status int, code, msg string) {
	var body bytes.Buffer
	body.WriteString(xml.Header)
	body.WriteString("<Error><Code>")
	_ = xml.EscapeText(&body, []byte(code))
	body.WriteString("</Code><Message>")
	_ = xml.EscapeText(&body, []byte(msg))
	body.WriteString("</Message></Error>")
	w.Header().Set("x-ms-error-code", code)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(body.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(body.Bytes())
}

// authorizeBlob checks the SAS sig and that the artifact exists; it writes the
// error and returns ok=false otherwise.
func (s *Server) authorizeBlob(w http.ResponseWriter, r *http.Request) (id string, b *blobStore, ok bool) {
	id = r.PathValue("id")
	b = blobsOf(s)
	if b.err != nil {
		writeStorageError(w, http.StatusInternalServerError, "InternalError", "The local blob storage is unavailable.")
		return "", nil, false
	}
	if r.Header.Get("Authorization") != "" {
		writeStorageError(w, http.StatusBadRequest, "InvalidAuthenticationInfo",
			"A request authorised by a shared access signature must not carry an Authorization header.")
		return "", nil, false
	}
	if !b.validSig(id, r.URL.Query().Get("sig")) {
		writeStorageError(w, http.StatusForbidden, "AuthenticationFailed",
			"Server failed to authenticate the request. Make sure the value of the sig parameter is formed correctly.")
		return "", nil, false
	}
	if !s.store.Has(kindArtifact, id) {
		writeStorageError(w, http.StatusNotFound, "BlobNotFound", "The specified blob does not exist.")
		return "", nil, false
	}
	return id, b, true
}

func (s *Server) handleBlobPut(w http.ResponseWriter, r *http.Request) {
	id, b, ok := s.authorizeBlob(w, r)
	if !ok {
		return
	}
	want, ok := contentMD5Header(w, r, "Content-MD5")
	if !ok {
		return
	}
	switch comp := r.URL.Query().Get("comp"); comp {
	case "":
		s.putBlob(w, r, id, b, want)
	case "block":
		s.putBlock(w, r, id, b, want)
	case "blocklist":
		s.putBlockList(w, r, id, b)
	default:
		writeStorageError(w, http.StatusBadRequest, "InvalidQueryParameterValue",
			fmt.Sprintf("Value for one of the query parameters specified in the request URI is invalid: comp=%q.", comp))
	}
}

// contentMD5Header decodes an optional base64 MD5 header (nil when absent).
func contentMD5Header(w http.ResponseWriter, r *http.Request, name string) ([]byte, bool) {
	v := r.Header.Get(name)
	if v == "" {
		return nil, true
	}
	sum, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(sum) != 16 {
		writeStorageError(w, http.StatusBadRequest, "InvalidHeaderValue",
			fmt.Sprintf("The value for the %s header is not a base64-encoded 128-bit MD5.", name))
		return nil, false
	}
	return sum, true
}

func md5Mismatch(w http.ResponseWriter) {
	writeStorageError(w, http.StatusBadRequest, "Md5Mismatch",
		"The MD5 value specified in the request did not match with the MD5 value calculated by the server.")
}

func blobCreated(w http.ResponseWriter, sum []byte) {
	w.Header().Set("Content-MD5", base64.StdEncoding.EncodeToString(sum))
	w.Header().Set("x-ms-request-server-encrypted", "true")
	w.WriteHeader(http.StatusCreated)
}

// putBlob is Put Blob: the whole content in one request.
func (s *Server) putBlob(w http.ResponseWriter, r *http.Request, id string, b *blobStore, want []byte) {
	switch bt := r.Header.Get("x-ms-blob-type"); bt {
	case "BlockBlob":
	case "":
		writeStorageError(w, http.StatusBadRequest, "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified: x-ms-blob-type.")
		return
	default:
		writeStorageError(w, http.StatusBadRequest, "InvalidHeaderValue", fmt.Sprintf("The value for one of the HTTP headers is not in the correct format: x-ms-blob-type=%q.", bt))
		return
	}
	tmp, size, sum, err := writeTemp(b.blockDir(id), r.Body)
	if err != nil {
		writeStorageError(w, http.StatusBadRequest, "InvalidInput", "The request body could not be read.")
		return
	}
	s.commitChecked(w, b, id, tmp, size, sum, want)
}

// commitChecked commits a finished temporary file as the blob's content when
// its MD5 matches want (nil: not checked), and answers 201 or the error.
func (s *Server) commitChecked(w http.ResponseWriter, b *blobStore, id, tmp string, size int64, sum, want []byte) {
	if want != nil && !bytes.Equal(want, sum) {
		_ = os.Remove(tmp)
		md5Mismatch(w)
		return
	}
	if err := b.commit(s, id, tmp, size, sum); err != nil {
		writeStorageError(w, http.StatusInternalServerError, "InternalError", err.Error())
		return
	}
	blobCreated(w, sum)
}

// putBlock is Put Block: one uncommitted block, named by a base64 block id.
func (s *Server) putBlock(w http.ResponseWriter, r *http.Request, id string, b *blobStore, want []byte) {
	blockID, err := decodeBlockID(r.URL.Query().Get("blockid"))
	if err != nil {
		writeStorageError(w, http.StatusBadRequest, "InvalidQueryParameterValue", err.Error())
		return
	}
	tmp, _, sum, err := writeTemp(b.blockDir(id), r.Body)
	if err != nil {
		writeStorageError(w, http.StatusBadRequest, "InvalidInput", "The request body could not be read.")
		return
	}
	if want != nil && !bytes.Equal(want, sum) {
		_ = os.Remove(tmp)
		md5Mismatch(w)
		return
	}
	if err := os.Rename(tmp, b.blockPath(id, blockID)); err != nil {
		_ = os.Remove(tmp)
		writeStorageError(w, http.StatusInternalServerError, "InternalError", err.Error())
		return
	}
	blobCreated(w, sum)
}

func decodeBlockID(v string) ([]byte, error) {
	if v == "" {
		return nil, errors.New("the blockid query parameter is required")
	}
	id, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(id) == 0 || len(id) > 64 {
		return nil, fmt.Errorf("the blockid %q is not valid base64 of 1 to 64 bytes", v)
	}
	return id, nil
}

// blockList is the Put Block List body: Latest / Uncommitted / Committed
// elements in order. Committed (re-using blocks of the current blob) is not
// supported by the local workspace.
type blockList struct {
	XMLName xml.Name       `xml:"BlockList"`
	Items   []blockListRef `xml:",any"`
}

type blockListRef struct {
	XMLName xml.Name
	ID      string `xml:",chardata"`
}

// putBlockList is Put Block List: it commits the listed blocks, in order, as
// the blob's content; x-ms-blob-content-md5, when sent, must match the result.
func (s *Server) putBlockList(w http.ResponseWriter, r *http.Request, id string, b *blobStore) {
	wantWhole, ok := contentMD5Header(w, r, "x-ms-blob-content-md5")
	if !ok {
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBlockListBody+1))
	if err != nil || len(raw) > maxBlockListBody {
		writeStorageError(w, http.StatusBadRequest, "InvalidXmlDocument", "The block list body could not be read or is too large.")
		return
	}
	var list blockList
	if err := xml.Unmarshal(raw, &list); err != nil {
		writeStorageError(w, http.StatusBadRequest, "InvalidXmlDocument", "XML specified is not syntactically valid: "+err.Error())
		return
	}
	var parts []string
	idLen := -1
	for _, it := range list.Items {
		switch it.XMLName.Local {
		case "Latest", "Uncommitted":
		default:
			writeStorageError(w, http.StatusBadRequest, "InvalidBlockList",
				fmt.Sprintf("The block list element <%s> is not supported by the local workspace (use Latest or Uncommitted).", it.XMLName.Local))
			return
		}
		bid, err := decodeBlockID(strings.TrimSpace(it.ID))
		if err != nil {
			writeStorageError(w, http.StatusBadRequest, "InvalidBlockId", err.Error())
			return
		}
		if idLen >= 0 && len(bid) != idLen {
			writeStorageError(w, http.StatusBadRequest, "InvalidBlockId", "All block ids of a blob must have the same length.")
			return
		}
		idLen = len(bid)
		p := b.blockPath(id, bid)
		if _, err := os.Stat(p); err != nil {
			writeStorageError(w, http.StatusBadRequest, "InvalidBlockList", "The specified block list is invalid: a listed block was never uploaded.")
			return
		}
		parts = append(parts, p)
	}
	tmp, size, sum, err := writeTemp(b.blockDir(id), &concatFiles{names: parts})
	if err != nil {
		writeStorageError(w, http.StatusInternalServerError, "InternalError", "The blocks could not be assembled.")
		return
	}
	s.commitChecked(w, b, id, tmp, size, sum, wantWhole)
}

// concatFiles reads the named files one after the other, holding one open at
// a time (a block list may name thousands of blocks).
type concatFiles struct {
	names []string
	cur   *os.File
}

func (c *concatFiles) Read(p []byte) (int, error) {
	for {
		if c.cur == nil {
			if len(c.names) == 0 {
				return 0, io.EOF
			}
			f, err := os.Open(c.names[0])
			if err != nil {
				return 0, err
			}
			c.cur, c.names = f, c.names[1:]
		}
		n, err := c.cur.Read(p)
		if err == io.EOF {
			_ = c.cur.Close()
			c.cur = nil
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			_ = c.cur.Close()
			c.cur, c.names = nil, nil
		}
		return n, err
	}
}

// handleBlobGet is Get Blob: the committed content.
func (s *Server) handleBlobGet(w http.ResponseWriter, r *http.Request) {
	id, b, ok := s.authorizeBlob(w, r)
	if !ok {
		return
	}
	var rec artifactRecord
	if !s.store.Get(kindArtifact, id, &rec) || !rec.Uploaded {
		writeStorageError(w, http.StatusNotFound, "BlobNotFound", "The specified blob does not exist.")
		return
	}
	f, err := os.Open(b.committedPath(id))
	if err != nil {
		writeStorageError(w, http.StatusNotFound, "BlobNotFound", "The specified blob does not exist.")
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.FormatInt(rec.Size, 10))
	w.Header().Set("Content-MD5", rec.MD5)
	w.Header().Set("x-ms-blob-type", "BlockBlob")
	w.WriteHeader(http.StatusOK)
	_, _ = io.Copy(w, f)
}
