package webservice

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/workspace"
)

// ListOptions filters List (reference §5.5). Zero fields do not filter.
type ListOptions struct {
	// ComputeType is one of AKS, AKSENDPOINT, ACI, IOT, MIR (any case).
	ComputeType string
	// ImageName, ImageID and ImageDigest select services built from an image.
	ImageName, ImageID, ImageDigest string
	// ModelName and ModelID select services deploying that model.
	ModelName, ModelID string
	// Tags and Properties select services having every item: "key" (any
	// value) or "key=value".
	Tags, Properties []string
}

// ListPage is one page of List.
type ListPage struct {
	// Services are the AKS web services of the page.
	Services []*AksWebservice
	// Others summarises services of other compute types (AKS endpoints,
	// ACI, ...), which this package does not operate.
	Others []ServiceSummary
	// NextLink is the URL of the next page, "" on the last page.
	NextLink string
}

// ServiceSummary names a service of another compute type.
type ServiceSummary struct {
	Name, ComputeType string
	State             State
	ScoringURI        string
	Raw               json.RawMessage
}

var listComputeTypes = map[string]bool{"AKS": true, "AKSENDPOINT": true, "ACI": true, "IOT": true, "MIR": true}

// List returns a pager over the workspace's web services (GET
// {MMS}/services?expand=true&filters…). Pages are fetched lazily, one per
// NextPage, following the service's nextLink.
//
//	pager := webservice.List(ws, &webservice.ListOptions{Tags: []string{"team=ml"}})
//	for pager.More() {
//		page, err := pager.NextPage(ctx)
//		...
//	}
func List(ws *workspace.Workspace, opts *ListOptions) *runtime.Pager[ListPage] {
	if opts == nil {
		opts = &ListOptions{}
	}
	return runtime.NewPager(runtime.PagingHandler[ListPage]{
		More: func(p ListPage) bool { return p.NextLink != "" },
		Fetcher: func(ctx context.Context, prev *ListPage) (ListPage, error) {
			var target string
			if prev == nil {
				u, err := listURL(ws, opts)
				if err != nil {
					return ListPage{}, err
				}
				target = u
			} else {
				if err := sameHost(ws.MMSURL(""), prev.NextLink); err != nil {
					return ListPage{}, err
				}
				target = prev.NextLink
			}
			return fetchPage(ctx, ws, target)
		},
	})
}

func listURL(ws *workspace.Workspace, o *ListOptions) (string, error) {
	q := url.Values{"expand": {"true"}}
	if o.ComputeType != "" {
		ct := strings.ToUpper(o.ComputeType)
		if !listComputeTypes[ct] {
			return "", fmt.Errorf("webservice: invalid compute type %q: use AKS, AKSENDPOINT, ACI, IOT or MIR", o.ComputeType)
		}
		q.Set("computeType", ct)
	}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("imageName", o.ImageName)
	set("imageId", o.ImageID)
	set("imageDigest", o.ImageDigest)
	set("modelName", o.ModelName)
	set("modelId", o.ModelID)
	for _, kv := range []struct {
		key   string
		items []string
	}{{"tags", o.Tags}, {"properties", o.Properties}} {
		for _, it := range kv.items {
			if it == "" || strings.Contains(it, ",") {
				return "", fmt.Errorf("webservice: %s filter %q must be \"key\" or \"key=value\" without commas", kv.key, it)
			}
		}
		set(kv.key, strings.Join(kv.items, ","))
	}
	return ws.MMSURL("/services?" + q.Encode()), nil
}

// sameHost refuses a nextLink on another host: the pipeline would send it
// the workspace's bearer token.
func sameHost(base, next string) error {
	b, err1 := url.Parse(base)
	n, err2 := url.Parse(next)
	if err1 != nil || err2 != nil || !strings.EqualFold(b.Scheme, n.Scheme) || !strings.EqualFold(b.Host, n.Host) {
		return fmt.Errorf("webservice: refusing to follow nextLink to another host (%s)", redactQuery(next))
	}
	return nil
}

func fetchPage(ctx context.Context, ws *workspace.Workspace, target string) (ListPage, error) {
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
	raw, err := runtime.Payload(resp)
	if err != nil {
		return ListPage{}, err
	}
	var body struct {
		Value    []json.RawMessage `json:"value"`
		NextLink *string           `json:"nextLink"`
	}
	if err := decodeJSON(raw, &body); err != nil {
		return ListPage{}, err
	}
	var page ListPage
	if body.NextLink != nil {
		page.NextLink = *body.NextLink
	}
	for _, v := range body.Value {
		var head struct {
			Name        string  `json:"name"`
			ComputeType string  `json:"computeType"`
			State       string  `json:"state"`
			ScoringURI  *string `json:"scoringUri"`
		}
		if err := decodeJSON(v, &head); err != nil {
			return ListPage{}, err
		}
		if strings.EqualFold(head.ComputeType, computeTypeAKS) {
			svc, err := newService(ws, v)
			if err != nil {
				return ListPage{}, err
			}
			page.Services = append(page.Services, svc)
			continue
		}
		sum := ServiceSummary{Name: head.Name, ComputeType: head.ComputeType, State: State(head.State), Raw: v}
		if head.ScoringURI != nil {
			sum.ScoringURI = *head.ScoringURI
		}
		page.Others = append(page.Others, sum)
	}
	return page, nil
}
