package pipeline

import (
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxRedirects matches net/http's default limit.
const maxRedirects = 10

// defaultHTTPClient is shared by every pipeline that has no HTTPClient of its
// own, so that they share one connection pool (as azcore's default does).
var defaultHTTPClient = sync.OnceValue(func() *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			Proxy: http.ProxyFromEnvironment,
			DialContext: (&net.Dialer{
				Timeout:   30 * time.Second,
				KeepAlive: 30 * time.Second,
			}).DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ExpectContinueTimeout: 1 * time.Second,
			TLSClientConfig:       &tls.Config{MinVersion: minTLSVersion},
		},
		CheckRedirect: checkRedirect,
	}
})

// errInsecureRedirect stops a redirect that would carry an Authorization
// header from https to plain http. net/http keeps Authorization on a
// same-host redirect even when the scheme drops to http.
var errInsecureRedirect = errors.New("pipeline: refusing a redirect from https to a non-loopback http URL")

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return errors.New("pipeline: stopped after 10 redirects")
	}
	if strings.EqualFold(via[0].URL.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") && !IsLoopback(req.URL) {
		return errInsecureRedirect
	}
	return nil
}
