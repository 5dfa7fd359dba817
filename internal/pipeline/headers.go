package pipeline

import (
	"fmt"
	"net/http"
	goruntime "runtime"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/uuid"
)

// Version is the SDK version sent in the User-Agent header.
const Version = "0.1.0"

// Header names set by the pipeline.
const (
	HeaderClientRequestID = "X-Ms-Client-Request-Id"
	HeaderClientSessionID = "X-Ms-Client-Session-Id"
	headerUserAgent       = "User-Agent"
)

// maxApplicationIDLen is azcore's limit on Telemetry.ApplicationID.
const maxApplicationIDLen = 24

var sessionID = uuid.NewString()

// SessionID returns the x-ms-client-session-id sent on every call: one UUID
// for the life of the process, as azureml-core does.
func SessionID() string { return sessionID }

// UserAgent returns the User-Agent the pipeline sends for applicationID:
// "[<applicationID> ]azureml-go/<Version> (<go version>; <GOOS>)". The
// application ID is normalised as azcore does: spaces become '/', and it is
// cut to 24 characters.
func UserAgent(applicationID string) string {
	var b strings.Builder
	if applicationID != "" {
		applicationID = strings.ReplaceAll(applicationID, " ", "/")
		if len(applicationID) > maxApplicationIDLen {
			applicationID = applicationID[:maxApplicationIDLen]
		}
		b.WriteString(applicationID)
		b.WriteByte(' ')
	}
	fmt.Fprintf(&b, "azureml-go/%s (%s; %s)", Version, goruntime.Version(), goruntime.GOOS)
	return b.String()
}

// userAgentPolicy sets User-Agent, keeping a caller's value after ours.
type userAgentPolicy struct{ value string }

func (p userAgentPolicy) Do(req *policy.Request) (*http.Response, error) {
	ua := p.value
	if existing := req.Raw().Header.Get(headerUserAgent); existing != "" {
		ua += " " + existing
	}
	req.Raw().Header.Set(headerUserAgent, ua)
	return req.Next()
}

// sessionIDPolicy sets x-ms-client-session-id unless the caller set one.
type sessionIDPolicy struct{}

func (sessionIDPolicy) Do(req *policy.Request) (*http.Response, error) {
	if req.Raw().Header.Get(HeaderClientSessionID) == "" {
		req.Raw().Header.Set(HeaderClientSessionID, sessionID)
	}
	return req.Next()
}
