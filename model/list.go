package model

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/workspace"
)

// Page-size bounds of List (azureml-core's page_count).
const (
	MinPageCount     = 20
	MaxPageCount     = 255
	DefaultPageCount = 255
)

// ListOptions filters List (azureml-core Model.list). A nil *ListOptions
// lists every model.
type ListOptions struct {
	// Name keeps models with exactly this name.
	Name string
	// Tags keeps models having every listed tag: "key" (any value) or
	// "key=value". Items may not contain commas.
	Tags []string
	// Properties keeps models having every listed property, as Tags.
	Properties []string
	// Framework keeps models of this framework.
	Framework Framework
	// RunID keeps models produced by this run.
	RunID string
	// DatasetID keeps models that reference this dataset.
	DatasetID string
	// LatestVersionOnly keeps only the latest version of each name.
	LatestVersionOnly bool
	// PageCount is the number of models per page, 20 to 255. Default 255.
	PageCount int
}

// ListPage is one page of models.
type ListPage struct {
	// Models on this page.
	Models []*Model
	// NextLink is the service's link to the next page; "" on the last page.
	NextLink string
}

func (o *ListOptions) validate() error {
	var p problems
	if o.PageCount != 0 && (o.PageCount < MinPageCount || o.PageCount > MaxPageCount) {
		p.add("PageCount", fmt.Sprintf("must be from %d to %d, got %d", MinPageCount, MaxPageCount, o.PageCount))
	}
	for _, f := range []struct {
		field string
		items []string
	}{{"Tags", o.Tags}, {"Properties", o.Properties}} {
		for i, it := range f.items {
			k, _, _ := strings.Cut(it, "=")
			if strings.TrimSpace(k) == "" || strings.Contains(it, ",") {
				p.add(fmt.Sprintf("%s[%d]", f.field, i), fmt.Sprintf("%q must be \"key\" or \"key=value\" with a non-empty key and no comma", it))
			}
		}
	}
	if o.Name != "" {
		if err := ValidateName(o.Name); err != nil {
			p.add("Name", err.(FieldError).Message)
		}
	}
	return p.err("List")
}

// query builds the list query: name, tags, properties, runId, datasetId,
// latestVersionOnly, count, framework (reference §3.2).
func (o *ListOptions) query() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("name", o.Name)
	set("tags", strings.Join(o.Tags, ","))
	set("properties", strings.Join(o.Properties, ","))
	set("runId", o.RunID)
	set("datasetId", o.DatasetID)
	if o.LatestVersionOnly {
		q.Set("latestVersionOnly", "true")
	}
	count := o.PageCount
	if count == 0 {
		count = DefaultPageCount
	}
	q.Set("count", strconv.Itoa(count))
	set("framework", string(o.Framework))
	return q
}

type listResult struct {
	Value    []json.RawMessage `json:"value"`
	NextLink string            `json:"nextLink"`
}

// NewListPager returns a pager over the models matching opts. Pages are
// fetched one NextPage at a time (GET {MMS}/models?...&count=N, then the same
// query with the $skipToken taken from the service's nextLink). Invalid
// options are reported, as a *ValidationError, by the first NextPage, before
// any request.
func NewListPager(ws *workspace.Workspace, opts *ListOptions) *runtime.Pager[ListPage] {
	if opts == nil {
		opts = &ListOptions{}
	}
	o := *opts
	return runtime.NewPager(runtime.PagingHandler[ListPage]{
		More: func(page ListPage) bool { return page.NextLink != "" },
		Fetcher: func(ctx context.Context, prev *ListPage) (ListPage, error) {
			if err := o.validate(); err != nil {
				return ListPage{}, err
			}
			q := o.query()
			if prev != nil {
				tok, err := skipToken(prev.NextLink)
				if err != nil {
					return ListPage{}, err
				}
				q.Set("$skipToken", tok)
			}
			return fetchModelPage(ctx, ws, ws.MMSURL("/models")+"?"+q.Encode())
		},
	})
}

// skipToken extracts $skipToken from a nextLink.
func skipToken(nextLink string) (string, error) {
	u, err := url.Parse(nextLink)
	if err != nil {
		return "", fmt.Errorf("model: the service returned an unusable nextLink")
	}
	tok := u.Query().Get("$skipToken")
	if tok == "" {
		return "", fmt.Errorf("model: the service's nextLink carries no $skipToken")
	}
	return tok, nil
}

func fetchModelPage(ctx context.Context, ws *workspace.Workspace, target string) (ListPage, error) {
	req, err := runtime.NewRequest(ctx, http.MethodGet, target)
	if err != nil {
		return ListPage{}, err
	}
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return ListPage{}, err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return ListPage{}, runtime.NewResponseError(resp)
	}
	var res listResult
	if err := runtime.UnmarshalAsJSON(resp, &res); err != nil {
		return ListPage{}, fmt.Errorf("model: reading the model list: %w", err)
	}
	page := ListPage{NextLink: res.NextLink, Models: make([]*Model, 0, len(res.Value))}
	for _, raw := range res.Value {
		m, err := decodeModel(raw)
		if err != nil {
			return ListPage{}, fmt.Errorf("model: reading the model list: %w", err)
		}
		page.Models = append(page.Models, m)
	}
	return page, nil
}

// List iterates lazily over the models matching opts, fetching a page only
// when the previous one is used up. Iteration stops after the first error,
// which is yielded with a nil model.
func List(ctx context.Context, ws *workspace.Workspace, opts *ListOptions) iter.Seq2[*Model, error] {
	return func(yield func(*Model, error) bool) {
		pager := NewListPager(ws, opts)
		for pager.More() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, m := range page.Models {
				if !yield(m, nil) {
					return
				}
			}
		}
	}
}
