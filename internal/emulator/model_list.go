package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Paging bounds of GET {MMS}/models.
const (
	defaultModelPageSize = 255
	maxModelPageSize     = 1000
)

// modelListQueryParams are the query parameters the list accepts (reference
// §3.2); anything else is answered 400 so a misspelt filter is never ignored.
var modelListQueryParams = map[string]bool{
	"name": true, "tag": true, "tags": true, "properties": true, "framework": true, "description": true,
	"runId": true, "datasetId": true, "latestVersionOnly": true, "count": true, "offset": true,
	"$skipToken": true, "expand": true, "orderBy": true,
}

type modelListResponse struct {
	Value    []modelJSON `json:"value"`
	NextLink string      `json:"nextLink,omitempty"`
}

// kvFilter is one "key" or "key=value" item of a tags / properties filter.
type kvFilter struct {
	key, value string
	hasValue   bool
}

func parseKVFilter(v string) []kvFilter {
	var out []kvFilter
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		k, val, has := strings.Cut(item, "=")
		out = append(out, kvFilter{key: k, value: val, hasValue: has})
	}
	return out
}

func matchKV(m map[string]string, fs []kvFilter) bool {
	for _, f := range fs {
		v, ok := m[f.key]
		if !ok || (f.hasValue && v != f.value) {
			return false
		}
	}
	return true
}

// modelFilter is a parsed list query.
type modelFilter struct {
	name, framework, description, runID, datasetID string
	tags, properties                               []kvFilter
	latestOnly                                     bool
	count, offset                                  int
}

func parseModelFilter(q url.Values) (modelFilter, []string) {
	var problems []string
	for k := range q {
		if !modelListQueryParams[k] {
			problems = append(problems, fmt.Sprintf("unknown query parameter %q", k))
		}
	}
	f := modelFilter{
		name: q.Get("name"), framework: q.Get("framework"), description: q.Get("description"),
		runID: q.Get("runId"), datasetID: q.Get("datasetId"),
		tags: parseKVFilter(q.Get("tags")), properties: parseKVFilter(q.Get("properties")),
		count: defaultModelPageSize,
	}
	if t := q.Get("tag"); t != "" {
		f.tags = append(f.tags, kvFilter{key: t})
	}
	if v := q.Get("orderBy"); v != "" {
		problems = append(problems, fmt.Sprintf("orderBy %q is not supported by the local workspace (models are listed newest first)", v))
	}
	if v := q.Get("latestVersionOnly"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("latestVersionOnly %q must be true or false", v))
		}
		f.latestOnly = b
	}
	if v := q.Get("count"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxModelPageSize {
			problems = append(problems, fmt.Sprintf("count %q must be an integer from 1 to %d", v, maxModelPageSize))
		}
		f.count = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			problems = append(problems, fmt.Sprintf("offset %q must be a non-negative integer", v))
		}
		f.offset = n
	}
	if v := q.Get("$skipToken"); v != "" {
		n, err := decodeSkipToken(v)
		if err != nil {
			problems = append(problems, "$skipToken is not a token this server issued")
		}
		f.offset = n
	}
	return f, problems
}

func encodeSkipToken(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func decodeSkipToken(tok string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
	if err != nil || n < 0 || !strings.HasPrefix(string(b), "offset:") {
		return 0, fmt.Errorf("bad token")
	}
	return n, nil
}

func (f modelFilter) match(m *modelRecord) bool {
	switch {
	case f.name != "" && m.Name != f.name,
		f.framework != "" && !strings.EqualFold(m.Framework, f.framework),
		f.description != "" && (m.Description == nil || *m.Description != f.description),
		f.runID != "" && (m.RunID == nil || *m.RunID != f.runID),
		!matchKV(m.KVTags, f.tags),
		!matchKV(m.Properties, f.properties):
		return false
	}
	if f.datasetID != "" {
		for _, d := range m.Datasets {
			if d.ID == f.datasetID {
				return true
			}
		}
		return false
	}
	return true
}

// handleModelList answers GET {MMS}/models with the filters of reference
// §3.2, newest first, paged by count with a nextLink carrying $skipToken.
func (s *Server) handleModelList(w http.ResponseWriter, r *http.Request) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", "malformed query string: "+err.Error())
		return
	}
	f, problems := parseModelFilter(q)
	if len(problems) > 0 {
		writeMMSError(w, http.StatusBadRequest, "BadArgument", strings.Join(problems, "; "))
		return
	}
	var all []modelRecord
	for _, raw := range s.store.List(kindModel) {
		var m modelRecord
		if json.Unmarshal(raw, &m) == nil && f.match(&m) {
			all = append(all, m)
		}
	}
	if f.latestOnly {
		latest := map[string]modelRecord{}
		for _, m := range all {
			if cur, ok := latest[m.Name]; !ok || m.Version > cur.Version {
				latest[m.Name] = m
			}
		}
		all = all[:0]
		for _, m := range latest {
			all = append(all, m)
		}
	}
	sortModels(all)
	resp := modelListResponse{Value: []modelJSON{}}
	// offset comes from the client: clamp before adding, so a huge one cannot wrap.
	start := min(f.offset, len(all))
	end := start + min(f.count, len(all)-start)
	for i := start; i < end; i++ {
		resp.Value = append(resp.Value, all[i].modelJSON)
	}
	if end < len(all) {
		q.Del("offset")
		q.Set("$skipToken", encodeSkipToken(end))
		resp.NextLink = s.URL() + r.URL.Path + "?" + q.Encode()
	}
	writeJSON(w, http.StatusOK, resp)
}

// readBody reads a request body of at most maxRequestBody bytes.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, errEmptyBody
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading request body: %w", err)
	}
	if len(b) > maxRequestBody {
		return nil, fmt.Errorf("request body exceeds %d bytes", maxRequestBody)
	}
	return b, nil
}
