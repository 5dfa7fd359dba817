package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// describe renders err for stderr. An HTTP failure's full dump (request, status, headers
// and body, as azcore prints it) is shortened to one line — method, URL path, status,
// error code and the service's message — unless verbose is set.
func describe(err error, verbose bool) string {
	msg := strings.TrimRight(err.Error(), "\n")
	if verbose {
		return msg
	}
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return msg
	}
	full := strings.TrimRight(re.Error(), "\n")
	short := shortResponseError(re)
	if i := strings.Index(msg, full); i >= 0 {
		return msg[:i] + short + msg[i+len(full):]
	}
	return msg
}

// shortResponseError is "GET /path: 404 ModelNotFound: message".
func shortResponseError(re *azcore.ResponseError) string {
	var b strings.Builder
	if resp := re.RawResponse; resp != nil && resp.Request != nil {
		fmt.Fprintf(&b, "%s %s: ", resp.Request.Method, resp.Request.URL.Path)
	}
	fmt.Fprintf(&b, "%d", re.StatusCode)
	if re.ErrorCode != "" {
		b.WriteString(" " + re.ErrorCode)
	}
	if m := serviceMessage(re); m != "" {
		b.WriteString(": " + m)
	}
	return b.String()
}

// serviceMessage reads the message of an ARM ({"error":{"message"}}), model-management
// ({"message"}) or history error body.
func serviceMessage(re *azcore.ResponseError) string {
	if re.RawResponse == nil {
		return ""
	}
	body, err := runtime.Payload(re.RawResponse)
	if err != nil || len(body) == 0 {
		return ""
	}
	var shape struct {
		Message string `json:"message"`
		Error   *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &shape) != nil {
		return ""
	}
	if shape.Error != nil && shape.Error.Message != "" {
		return shape.Error.Message
	}
	return shape.Message
}
