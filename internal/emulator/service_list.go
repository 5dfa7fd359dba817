package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// defaultServicePageSize is the page size of GET {MMS}/services.
const defaultServicePageSize = 100

// serviceListParams are the query parameters the list route accepts
// (reference §5.5). count and $skipToken page the result.
var serviceListParams = map[string]bool{
	"expand": true, "computeType": true, "imageName": true, "imageId": true, "modelName": true,
	"modelId": true, "tags": true, "properties": true, "imageDigest": true, "count": true, "$skipToken": true,
}

// handleServiceList is GET {MMS}/services with filters and nextLink paging.
func (s *Server) handleServiceList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for k := range q {
		if !serviceListParams[k] {
			writeMMSError(w, http.StatusBadRequest, "BadArgument", "unknown query parameter "+strconv.Quote(k))
			return
		}
	}
	size := defaultServicePageSize
	if v := q.Get("count"); v != "" {
		n, err := parseServiceCount(v)
		if err != nil {
			writeMMSError(w, http.StatusBadRequest, "BadArgument", "count must be a positive integer")
			return
		}
		size = n
	}
	skip := 0
	if v := q.Get("$skipToken"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeMMSError(w, http.StatusBadRequest, "BadArgument", "invalid $skipToken")
			return
		}
		skip = n
	}
	if ct := q.Get("computeType"); ct != "" {
		switch strings.ToUpper(ct) {
		case "AKS", "AKSENDPOINT", "ACI", "IOT", "MIR":
		default:
			writeMMSError(w, http.StatusBadRequest, "BadArgument", "Invalid compute type "+strconv.Quote(ct))
			return
		}
	}
	expand := q.Get("expand") == "true"
	// Services and AKS endpoints share the list, in name order.
	type item struct {
		name string
		view func() any
	}
	var items []item
	for _, raw := range s.store.List(kindService) {
		var rec serviceRecord
		if json.Unmarshal(raw, &rec) == nil && serviceMatches(&rec, q) {
			items = append(items, item{rec.Name, func() any { return s.serviceView(&rec, expand) }})
		}
	}
	for _, ep := range s.endpointViews(q, expand) {
		items = append(items, item{ep.Name, func() any { return ep }})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].name < items[j].name })
	out := struct {
		Value    []any   `json:"value"`
		NextLink *string `json:"nextLink"`
	}{Value: []any{}}
	for i := skip; i < len(items) && i < skip+size; i++ {
		out.Value = append(out.Value, items[i].view())
	}
	if skip+size < len(items) {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("$skipToken", strconv.Itoa(skip+size))
		next := s.URL() + r.URL.Path + "?" + nq.Encode()
		out.NextLink = &next
	}
	writeJSON(w, http.StatusOK, out)
}

// serviceMatches applies the list filters.
func serviceMatches(rec *serviceRecord, q url.Values) bool {
	if ct := q.Get("computeType"); ct != "" && !strings.EqualFold(ct, "AKS") {
		return false
	}
	// Environment-based services have no image.
	if q.Get("imageName") != "" || q.Get("imageId") != "" || q.Get("imageDigest") != "" {
		return false
	}
	var ids []string
	if eir := rec.Spec.EnvironmentImageRequest; eir != nil {
		ids = eir.ModelIDs
	}
	if id := q.Get("modelId"); id != "" && !slices.Contains(ids, id) {
		return false
	}
	if name := q.Get("modelName"); name != "" {
		found := false
		for _, id := range ids {
			found = found || strings.SplitN(id, ":", 2)[0] == name
		}
		if !found {
			return false
		}
	}
	return kvFilterMatches(q.Get("tags"), rec.Spec.KvTags) && kvFilterMatches(q.Get("properties"), rec.Spec.Properties)
}

// kvFilterMatches applies a "k1,k2=v2" filter: every key must be present,
// with the value when one is given.
func kvFilterMatches(filter string, m map[string]string) bool {
	if filter == "" {
		return true
	}
	for _, item := range strings.Split(filter, ",") {
		k, v, hasValue := strings.Cut(item, "=")
		got, ok := m[k]
		if !ok || hasValue && got != v {
			return false
		}
	}
	return true
}
