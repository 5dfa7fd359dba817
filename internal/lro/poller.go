package lro

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// ARMAPIVersion is added to an Azure-AsyncOperation URL that carries no
// api-version query parameter.
const ARMAPIVersion = "2020-02-02"

// Poller follows one long-running operation. Create it with [NewARM],
// [NewMMS] or [Resume]. Methods are not safe for concurrent use, except
// [Poller.PollCount], which may be read from any goroutine.
type Poller struct {
	h  *handler
	rp *runtime.Poller[Status]
}

// NewARM returns a poller for an ARM Azure-AsyncOperation URL (compute
// create, update or delete). api-version=2020-02-02 is added when the URL has
// no api-version. The URL must be absolute http(s). No request is sent.
func NewARM(pl runtime.Pipeline, asyncOperationURL string, opts *Options) (*Poller, error) {
	u, err := parseAbsolute("Azure-AsyncOperation URL", asyncOperationURL)
	if err != nil {
		return nil, err
	}
	u.Fragment, u.RawFragment = "", ""
	if !u.Query().Has("api-version") {
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		u.RawQuery += "api-version=" + ARMAPIVersion
	}
	id := lastSegment(u.Path)
	if id == "" {
		return nil, fmt.Errorf("lro: Azure-AsyncOperation URL %q has no operation id in its path", redactURL(asyncOperationURL))
	}
	return newPoller(pl, &handler{Version: tokenVersion, Kind: KindARM, URL: u.String(), OperationID: id}, opts)
}

// NewMMS returns a poller for a model-management operation. As azureml-core
// does, it ignores the host of operationLocation (the Operation-Location
// header, absolute or a path, query ignored) and polls
// {mmsBaseURL}/operations/{last path segment of operationLocation}.
// mmsBaseURL is the workspace's model-management URL, for example
// https://host/modelmanagement/v1.0/subscriptions/…/workspaces/{ws}. No
// request is sent.
func NewMMS(pl runtime.Pipeline, mmsBaseURL, operationLocation string, opts *Options) (*Poller, error) {
	base, err := parseAbsolute("model-management base URL", mmsBaseURL)
	if err != nil {
		return nil, err
	}
	if base.RawQuery != "" || base.Fragment != "" {
		return nil, fmt.Errorf("lro: model-management base URL %q must not have a query or fragment", redactURL(mmsBaseURL))
	}
	id, err := OperationIDFromLocation(operationLocation)
	if err != nil {
		return nil, err
	}
	opURL := strings.TrimRight(base.String(), "/") + "/operations/" + url.PathEscape(id)
	return newPoller(pl, &handler{Version: tokenVersion, Kind: KindMMS, URL: opURL, OperationID: id}, opts)
}

// OperationIDFromLocation returns the last path segment of an
// Operation-Location header value (an absolute URL or a path; query and
// fragment ignored, trailing slashes tolerated), which is the model-management
// operation id.
func OperationIDFromLocation(operationLocation string) (string, error) {
	loc := strings.TrimSpace(operationLocation)
	if loc == "" {
		return "", errors.New("lro: empty Operation-Location")
	}
	p := loc
	if u, err := url.Parse(loc); err == nil {
		p = u.Path
	} else if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	id := lastSegment(p)
	if id == "" {
		return "", fmt.Errorf("lro: Operation-Location %q has no operation id", redactURL(loc))
	}
	return id, nil
}

// Resume rebuilds a poller from a token produced by [Poller.ResumeToken],
// possibly in another process. opts (frequency, progress, log streaming) are
// not part of the token and are taken from this call. Errors wrap
// [ErrInvalidResumeToken]. No request is sent.
func Resume(pl runtime.Pipeline, token string, opts *Options) (*Poller, error) {
	h := newHandler(pl, &handler{}, opts)
	rp, err := runtime.NewPollerFromResumeToken(token, pl, &runtime.NewPollerFromResumeTokenOptions[Status]{Handler: h})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidResumeToken, err)
	}
	if err := h.validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidResumeToken, err)
	}
	return &Poller{h: h, rp: rp}, nil
}

// validate checks the state restored from a resume token.
func (h *handler) validate() error {
	if h.Version != tokenVersion {
		return fmt.Errorf("unsupported version %d (want %d)", h.Version, tokenVersion)
	}
	if !h.Kind.valid() {
		return fmt.Errorf("unknown kind %q", h.Kind)
	}
	if _, err := parseAbsolute("operation URL", h.URL); err != nil {
		return err
	}
	if h.OperationID == "" {
		return errors.New("missing operation id")
	}
	if h.LogOffset < 0 {
		return fmt.Errorf("negative log offset %d", h.LogOffset)
	}
	return nil
}

// newHandler attaches the process-local parts to h.
func newHandler(pl runtime.Pipeline, h *handler, opts *Options) *handler {
	if opts != nil {
		h.opts = *opts
	}
	h.pl = pl
	h.now = time.Now
	return h
}

// newPoller wraps h in a runtime.Poller.
func newPoller(pl runtime.Pipeline, h *handler, opts *Options) (*Poller, error) {
	h = newHandler(pl, h, opts)
	rp, err := runtime.NewPoller(nil, pl, &runtime.NewPollerOptions[Status]{Handler: h})
	if err != nil {
		return nil, err
	}
	return &Poller{h: h, rp: rp}, nil
}

// Kind returns the polling style.
func (p *Poller) Kind() Kind { return p.h.Kind }

// OperationID returns the operation id: for MMS the last segment of
// Operation-Location, for ARM the last path segment of the
// Azure-AsyncOperation URL.
func (p *Poller) OperationID() string { return p.h.OperationID }

// URL returns the operation URL that is polled (without the offset
// parameter). It may carry the service's signed query parameters but no
// credential.
func (p *Poller) URL() string { return p.h.URL }

// State returns the last observed state ("" before the first poll unless
// resumed from a token).
func (p *Poller) State() string { return p.h.State }

// Status returns a copy of the last decoded status, or nil before the first
// successful poll in this process.
func (p *Poller) Status() *Status { return p.h.status() }

// PollCount returns how many status GETs this poller has sent, including ones
// that failed; retries inside the pipeline are not counted. It is per poller
// instance (a resumed poller starts at zero) and safe to call concurrently.
func (p *Poller) PollCount() int { return int(p.h.polls.Load()) }

// Done reports whether the operation reached a terminal state.
func (p *Poller) Done() bool { return p.rp.Done() }

// Poll sends one GET to the operation URL and returns the decoded status. A
// terminal failure is not an error here: check [Poller.Done] and call
// [Poller.Result]. Once the operation is terminal, Poll sends nothing and
// returns the last status. HTTP failures are *azcore.ResponseError; a GET
// that got no answer within [Options.PollTimeout] fails with an error
// matching [ErrPollTimeout]. On any error the poller's state is unchanged, so
// Poll may be called again.
func (p *Poller) Poll(ctx context.Context) (*Status, error) {
	if _, err := p.rp.Poll(ctx); err != nil {
		return nil, err
	}
	if p.Done() {
		return p.h.terminalStatus(), nil
	}
	return p.h.status(), nil
}

// Result returns the final status of a terminal operation, or an
// *OperationError (with the final status) when it did not succeed. It is an
// error to call Result before [Poller.Done] reports true.
func (p *Poller) Result(ctx context.Context) (*Status, error) {
	st, err := p.rp.Result(ctx)
	if err != nil {
		if p.Done() {
			return p.h.terminalStatus(), err
		}
		return nil, err
	}
	return &st, nil
}

// Wait polls until the operation is terminal, the context ends, or a poll
// fails. It polls at once, then waits between polls for the poll response's
// Retry-After hint (retry-after-ms, x-ms-retry-after-ms or Retry-After in
// seconds or as an HTTP date), else [Options.Frequency]. Each GET is bounded
// by [Options.PollTimeout]; a GET that runs out of it is skipped, not fatal,
// and the next poll follows after Frequency. It has no overall deadline of
// its own: bound it with ctx, whose cancellation returns at once with ctx's
// error, also in the middle of a GET.
//
// It returns the final status on success; an *OperationError and the final
// status when the operation failed, was cancelled or timed out; otherwise the
// error (*azcore.ResponseError for HTTP failures) and the last observed status
// (nil if none).
func (p *Poller) Wait(ctx context.Context) (*Status, error) {
	st, err := p.rp.PollUntilDone(withinWait(ctx), &runtime.PollUntilDoneOptions{Frequency: p.h.opts.frequency()})
	if err != nil {
		if p.Done() {
			return p.h.terminalStatus(), err
		}
		return p.h.status(), err
	}
	return &st, nil
}

// ResumeToken returns an opaque string from which [Resume] rebuilds this
// poller, possibly in another process. It holds the kind, operation URL,
// operation id, last state and log offset — no credential and no pipeline.
// It is an error to ask for a token once the operation is terminal.
func (p *Poller) ResumeToken() (string, error) {
	tok, err := p.rp.ResumeToken()
	if err != nil {
		return "", fmt.Errorf("lro: resume token for operation %s: %w", p.h.OperationID, err)
	}
	return tok, nil
}

// parseAbsolute parses an absolute http(s) URL.
func parseAbsolute(what, raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("lro: empty %s", what)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("lro: invalid %s: %w", what, errors.Unwrap(err))
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("lro: %s %q must be an absolute http(s) URL", what, redactURL(raw))
	}
	return u, nil
}

// lastSegment returns the last non-empty segment of a slash-separated path.
func lastSegment(p string) string {
	p = strings.TrimRight(p, "/")
	if p == "" {
		return ""
	}
	seg := path.Base(p)
	if seg == "." || seg == ".." || seg == "/" {
		return ""
	}
	return seg
}
