package emulator

import "net/http"

// decodeComputeBody decodes a compute request strictly (decodeARM: unknown fields
// rejected, field names matched case-sensitively).
func decodeComputeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	return decodeARM(w, r, v)
}
