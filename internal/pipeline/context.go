package pipeline

import (
	"context"
	"net/http"
	"strings"
)

type withoutAuthKey struct{}

type idempotentKey struct{}

// WithoutAuth returns a context under which a call carries no Authorization
// header from the pipeline's credential (used for the discovery GET, which
// azureml-core sends unauthenticated). The plain-http check for credentials
// does not apply to such a call either, since no credential is sent.
func WithoutAuth(ctx context.Context) context.Context {
	return context.WithValue(ctx, withoutAuthKey{}, true)
}

// WithIdempotent returns a context under which a POST or PATCH is retried
// like a GET: on every retryable status and transient network error. Use it
// for calls that change nothing or that may safely happen twice (listKeys,
// token, logs, validation). Never for create-service or regenerate-keys.
func WithIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

func authSkipped(ctx context.Context) bool {
	v, _ := ctx.Value(withoutAuthKey{}).(bool)
	return v
}

func markedIdempotent(ctx context.Context) bool {
	v, _ := ctx.Value(idempotentKey{}).(bool)
	return v
}

// idempotentMethod reports whether a method may be repeated without changing
// the outcome: the HTTP definition, plus ARM's PUT create-or-update contract.
func idempotentMethod(method string) bool {
	switch strings.ToUpper(method) {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace,
		http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}
