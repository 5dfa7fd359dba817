package compute

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/azureml-go/azureml/workspace"
)

// ListPage is one page of computes.
type ListPage struct {
	// Computes are the AKS computes of the page.
	Computes []*AksCompute
	// Others summarises the computes of other types (AmlCompute, Kubernetes, …) of the
	// page; this package does not manage them.
	Others []ComputeInfo
	// NextLink is the URL of the next page; "" on the last page.
	NextLink string
}

// ComputeInfo summarises a compute of any type.
type ComputeInfo struct {
	Name              string
	ID                string
	ComputeType       string
	ProvisioningState ProvisioningState
	// ResourceID is the ARM id of the underlying resource (for AKS, the cluster).
	ResourceID string
	IsAttached bool
}

// ListOptions configures List. Nil means defaults; there are no options yet.
type ListOptions struct{}

// List returns a pager over the computes of the workspace. Pages are fetched lazily, one
// per NextPage call, following the service's nextLink verbatim. AKS computes are in
// ListPage.Computes; other compute types are summarised in ListPage.Others.
//
//	pager := compute.List(ws, nil)
//	for pager.More() {
//		page, err := pager.NextPage(ctx)
//		…
//	}
func List(ws *workspace.Workspace, _ *ListOptions) *runtime.Pager[ListPage] {
	return runtime.NewPager(runtime.PagingHandler[ListPage]{
		More: func(p ListPage) bool { return p.NextLink != "" },
		Fetcher: func(ctx context.Context, cur *ListPage) (ListPage, error) {
			if ws == nil {
				return ListPage{}, errNilWorkspace
			}
			u := ws.RPURL("/computes?api-version=" + APIVersion)
			if cur != nil {
				// The request carries the ARM token: never follow a link to another host.
				if err := sameOrigin(u, cur.NextLink); err != nil {
					return ListPage{}, err
				}
				u = cur.NextLink
			}
			return fetchPage(ctx, ws, u)
		},
	})
}

// sameOrigin accepts a nextLink only on the scheme and host of the first page.
func sameOrigin(first, next string) error {
	f, err1 := url.Parse(first)
	n, err2 := url.Parse(next)
	if err1 != nil || err2 != nil || n.User != nil || !strings.EqualFold(f.Scheme, n.Scheme) || !strings.EqualFold(f.Host, n.Host) {
		host := "an unparsable URL"
		if err2 == nil {
			host = "host " + strconv.Quote(n.Host)
		}
		return fmt.Errorf("compute: refusing to follow the list's nextLink to %s: it is not the workspace's host", host)
	}
	return nil
}

// listDoc is the list response: {"value":[…],"nextLink":…}.
type listDoc struct {
	Value    []json.RawMessage `json:"value"`
	NextLink string            `json:"nextLink"`
}

func fetchPage(ctx context.Context, ws *workspace.Workspace, u string) (ListPage, error) {
	req, err := runtime.NewRequest(ctx, http.MethodGet, u)
	if err != nil {
		return ListPage{}, err
	}
	req.Raw().Header.Set("Accept", "application/json")
	resp, err := ws.Pipeline().Do(req)
	if err != nil {
		return ListPage{}, err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return ListPage{}, runtime.NewResponseError(resp)
	}
	var doc listDoc
	if err := runtime.UnmarshalAsJSON(resp, &doc); err != nil {
		return ListPage{}, fmt.Errorf("compute: invalid list payload: %w", err)
	}
	page := ListPage{NextLink: doc.NextLink}
	for _, raw := range doc.Value {
		s, err := parseCompute(raw)
		if err != nil {
			return ListPage{}, err
		}
		if s.computeType == computeTypeAKS {
			page.Computes = append(page.Computes, newAksCompute(ws, s))
			continue
		}
		page.Others = append(page.Others, ComputeInfo{Name: s.name, ID: s.id, ComputeType: s.computeType,
			ProvisioningState: s.state, ResourceID: s.resourceID, IsAttached: s.isAttached})
	}
	return page, nil
}

// Info summarises the compute.
func (c *AksCompute) Info() ComputeInfo {
	s := c.get()
	return ComputeInfo{Name: s.name, ID: s.id, ComputeType: s.computeType, ProvisioningState: s.state, ResourceID: s.resourceID, IsAttached: s.isAttached}
}
