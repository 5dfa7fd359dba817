package pipeline

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInvalidOptionsReportEveryProblem(t *testing.T) {
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // the point of the test
	_, err := New(nil, &Options{
		ClientOptions: policy.ClientOptions{
			APIVersion: "2020-01-01",
			Transport:  http.DefaultClient,
			Retry: policy.RetryOptions{
				StatusCodes: []int{500}, TryTimeout: time.Second,
				ShouldRetry: func(*http.Response, error) bool { return true },
			},
		},
		HTTPClient:   insecure,
		RetryWaitMin: 2 * time.Second,
		RetryWaitMax: time.Second,
	})
	require.Error(t, err)
	for _, want := range []string{
		"Retry.StatusCodes", "Retry.ShouldRetry", "Retry.TryTimeout", "Options.TryTimeout", "APIVersion",
		"not both", "InsecureSkipVerify", "must not exceed",
	} {
		assert.Contains(t, err.Error(), want)
	}

	_, err = New(nil, &Options{RetryWaitMin: -1, RetryWaitMax: -1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "RetryWaitMin must not be negative")
	assert.Contains(t, err.Error(), "RetryWaitMax must not be negative")
}

func TestNilOptionsAreDefaults(t *testing.T) {
	s, err := resolve(nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultRetryMax, s.retryMax)
	assert.Equal(t, DefaultRetryWaitMin, s.retryWaitMin)
	assert.Equal(t, DefaultRetryWaitMax, s.retryWaitMax)
	assert.Equal(t, DefaultTryTimeout, s.tryTimeout)
	assert.Equal(t, 100*time.Second, DefaultTryTimeout, "msrest's read timeout")
	assert.Same(t, defaultHTTPClient(), s.httpClient)
	assert.Equal(t, int32(-1), s.client.Retry.MaxRetries, "azcore's retry is off")

	_, err = New(nil, nil)
	require.NoError(t, err)
}

func TestNewRejectsACloudWithoutARM(t *testing.T) {
	_, err := New(&fakeCredential{}, &Options{ClientOptions: policy.ClientOptions{
		Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: "https://login.example/"},
	}})
	require.ErrorContains(t, err, "ResourceManager")
	_, err = New(nil, &Options{ClientOptions: policy.ClientOptions{
		Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: "https://login.example/"},
	}})
	require.NoError(t, err, "no credential, no scope needed")
}

func TestDefaultHTTPClient(t *testing.T) {
	c := defaultHTTPClient()
	tr, ok := c.Transport.(*http.Transport)
	require.True(t, ok)
	require.NotNil(t, tr.TLSClientConfig)
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.False(t, tr.TLSClientConfig.InsecureSkipVerify)
	assert.NotNil(t, tr.Proxy)
	assert.Greater(t, tr.MaxIdleConnsPerHost, 2, "more than net/http's default, for scoring")
	assert.NotNil(t, c.CheckRedirect)
	assert.Same(t, c, defaultHTTPClient(), "one pool shared by all pipelines")
}

func TestTransientError(t *testing.T) {
	wrapURL := func(err error) error { return &url.Error{Op: "Get", URL: "https://h/p", Err: err} }
	opErr := func(errno syscall.Errno) error {
		return &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", errno)}
	}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{io.EOF, true},
		{wrapURL(io.ErrUnexpectedEOF), true},
		{wrapURL(opErr(syscall.ECONNRESET)), true},
		{wrapURL(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), true},
		{wrapURL(opErr(syscall.EPIPE)), true},
		{wrapURL(&net.DNSError{Err: "server misbehaving", IsTemporary: true}), true},
		{wrapURL(&net.DNSError{Err: "no such host", IsNotFound: true}), false},
		{wrapURL(timeoutError{}), true},
		{fmt.Errorf("net/http: HTTP/1.x transport connection broken: %w", errors.New("x")), true},
		{wrapURL(context.Canceled), false},
		{wrapURL(x509.UnknownAuthorityError{}), false},
		{wrapURL(&tls.CertificateVerificationError{Err: x509.HostnameError{Host: "h"}}), false},
		{wrapURL(tls.RecordHeaderError{Msg: "http response to https client"}), false},
		{wrapURL(tls.AlertError(42)), false},
		{wrapURL(errors.New("unsupported protocol scheme")), false},
		{errInsecureRedirect, false},
		{nil, false},
	} {
		assert.Equal(t, tc.want, transientError(tc.err), "%v", tc.err)
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestErrorClassHasNoDetail(t *testing.T) {
	assert.Equal(t, "connection reset", errorClass(&url.Error{Op: "Get", URL: "https://h/?sig=s", Err: syscall.ECONNRESET}))
	assert.Equal(t, "connection refused", errorClass(syscall.ECONNREFUSED))
	assert.Equal(t, "EOF", errorClass(io.ErrUnexpectedEOF))
	assert.Equal(t, "timeout", errorClass(timeoutError{}))
	assert.Equal(t, "network error", errorClass(errors.New("https://h/?sig=secret")))
}
