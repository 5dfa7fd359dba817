package endpoint

import (
	"encoding/json"
	"strings"
)

// patchOp is one RFC 6902 operation of the JSON Patch documents that
// azureml-core sends to PATCH {MMS}/services/{name}
// (Content-Type: application/json-patch+json).
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"` // nil only for "remove"
}

// The JSON Patch operations azureml-core uses.
const (
	opAdd     = "add"
	opReplace = "replace"
	opRemove  = "remove"
)

// patchContentType is the media type of the PATCH body.
const patchContentType = "application/json-patch+json"

// pointer builds a JSON Pointer (RFC 6901) from unescaped reference tokens.
func pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

var tokenEscaper = strings.NewReplacer("~", "~0", "/", "~1")

func escapeToken(t string) string { return tokenEscaper.Replace(t) }

// versionPath is /versions/{version}[/rest...].
func versionPath(version string, rest ...string) string {
	return pointer(append([]string{"versions", version}, rest...)...)
}

func replace(path string, v any) patchOp { return patchOp{Op: opReplace, Path: path, Value: v} }

// marshalPatch renders a patch document; an empty patch is an error of the
// caller and never sent.
func marshalPatch(ops []patchOp) ([]byte, error) {
	return json.Marshal(ops)
}
