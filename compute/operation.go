package compute

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/azureml-go/azureml/internal/lro"
	"github.com/azureml-go/azureml/workspace"
)

// OperationKind says what a compute operation does.
type OperationKind string

// Operation kinds.
const (
	OperationCreate OperationKind = "create"
	OperationAttach OperationKind = "attach"
	OperationUpdate OperationKind = "update"
	OperationDetach OperationKind = "detach"
	OperationDelete OperationKind = "delete"
)

// removes reports whether the compute no longer exists once the operation succeeds.
func (k OperationKind) removes() bool { return k == OperationDetach || k == OperationDelete }

// Operation is a long-running compute operation: an ARM async operation polled through
// its Azure-AsyncOperation URL. Wait polls it; ResumeToken lets another process continue.
type Operation struct {
	ws      *workspace.Workspace
	kind    OperationKind
	name    string
	url     string // Azure-AsyncOperation; "" when the service reported the work already done
	compute *AksCompute
}

// Kind returns what the operation does.
func (o *Operation) Kind() OperationKind { return o.kind }

// ComputeName returns the compute the operation is for.
func (o *Operation) ComputeName() string { return o.name }

// ID returns the operation id (the last segment of the Azure-AsyncOperation URL), or ""
// for an operation the service reported as already done.
func (o *Operation) ID() string {
	if o.url == "" {
		return ""
	}
	u := o.url
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u[strings.LastIndex(u, "/")+1:]
}

// newOperation reads the Azure-AsyncOperation header of a PUT or DELETE answer; its
// absence is an error (wrapping ErrNoOperation), as in azureml-core.
func newOperation(ws *workspace.Workspace, kind OperationKind, name string, resp *http.Response) (*Operation, error) {
	u := resp.Header.Get("Azure-AsyncOperation")
	if u == "" {
		return nil, fmt.Errorf("compute: %s of %q: the %s answer (%d) carries no Azure-AsyncOperation header: %w",
			kind, name, resp.Request.Method, resp.StatusCode, ErrNoOperation)
	}
	return &Operation{ws: ws, kind: kind, name: name, url: u}, nil
}

// Wait polls the operation until it ends or ctx is done. The wait has no deadline of its
// own: bound it with ctx. When the operation ended Failed or Canceled it returns a
// *ProvisioningError. After a successful create, attach or update the compute is read
// again (its state, properties and provisioning errors are refreshed).
func (o *Operation) Wait(ctx context.Context, opts *WaitOptions) error {
	if opts == nil {
		opts = &WaitOptions{}
	}
	if o.url == "" {
		opts.finished(o, "Succeeded")
		return nil
	}
	p, err := lro.NewARM(o.ws.Pipeline(), o.url, &lro.Options{Frequency: opts.Frequency, PollTimeout: opts.PollTimeout, Progress: opts.progressFunc(o)})
	if err != nil {
		return err
	}
	_, werr := p.Wait(ctx)
	var opErr *lro.OperationError
	switch {
	case werr == nil:
		opts.finished(o, "Succeeded")
		if !o.kind.removes() && o.compute != nil {
			if err := o.compute.Refresh(ctx); err != nil {
				return fmt.Errorf("compute: %s of %q succeeded but reading the compute failed: %w", o.kind, o.name, err)
			}
		}
		return nil
	case errors.As(werr, &opErr):
		opts.finished(o, opErr.State)
		perr := &ProvisioningError{
			ComputeName: o.name, Operation: o.kind, OperationID: opErr.OperationID,
			State: opErr.State, Err: fromLRO(opErr.Err), cause: werr,
		}
		if c := o.compute; c != nil && !o.kind.removes() {
			if err := c.Refresh(ctx); err == nil {
				perr.ProvisioningState = c.ProvisioningState()
				perr.ProvisioningErrors = c.ProvisioningErrors()
			}
		}
		return perr
	default:
		return fmt.Errorf("compute: waiting for the %s of %q: %w", o.kind, o.name, werr)
	}
}

// resumeToken is the JSON inside a ResumeToken.
type resumeToken struct {
	Version int           `json:"v"`
	Kind    OperationKind `json:"kind"`
	Name    string        `json:"name"`
	URL     string        `json:"url"`
}

// ResumeToken returns an opaque token from which ResumeOperation rebuilds the operation,
// possibly in another process. It holds no credential.
func (o *Operation) ResumeToken() (string, error) {
	if o.url == "" {
		return "", fmt.Errorf("compute: the %s of %q is already done; there is nothing to resume", o.kind, o.name)
	}
	b, err := json.Marshal(resumeToken{Version: 1, Kind: o.kind, Name: o.name, URL: o.url})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// ResumeOperation rebuilds an operation from a ResumeToken. No request is sent. For a
// create, attach or update, a successful Wait reads the compute; Compute returns it.
func ResumeOperation(ws *workspace.Workspace, token string) (*Operation, error) {
	if ws == nil {
		return nil, errNilWorkspace
	}
	t, err := parseResumeToken(token)
	if err != nil {
		return nil, err
	}
	op := &Operation{ws: ws, kind: t.Kind, name: t.Name, url: t.URL}
	if !t.Kind.removes() {
		op.compute = newAksCompute(ws, snapshot{name: t.Name})
		op.compute.setOperation(op)
	}
	return op, nil
}

func parseResumeToken(token string) (resumeToken, error) {
	bad := func(why string) error { return fmt.Errorf("compute: invalid resume token: %s", why) }
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return resumeToken{}, bad("not base64url")
	}
	var t resumeToken
	if err := json.Unmarshal(b, &t); err != nil {
		return resumeToken{}, bad("not JSON")
	}
	switch {
	case t.Version != 1:
		return resumeToken{}, bad(fmt.Sprintf("unsupported version %d", t.Version))
	case t.Name == "" || t.URL == "":
		return resumeToken{}, bad("missing compute name or operation URL")
	}
	switch t.Kind {
	case OperationCreate, OperationAttach, OperationUpdate, OperationDetach, OperationDelete:
	default:
		return resumeToken{}, bad(fmt.Sprintf("unknown operation kind %q", t.Kind))
	}
	return t, nil
}

// Compute returns the compute a create, attach or update is for (refreshed by a
// successful Wait), or nil for a detach or delete.
func (o *Operation) Compute() *AksCompute { return o.compute }

var errNilWorkspace = errors.New("compute: nil workspace")

// errNoWorkspace is returned by the methods of an AksCompute that was not obtained from
// Create, Attach, Get or List.
var errNoWorkspace = errors.New("compute: this AksCompute is not bound to a workspace; obtain it with Create, Attach, Get or List")
