package webservice

import (
	"encoding/json"
	"testing"
)

// FuzzParseAccessToken: any token response yields a token or an error, never
// a panic; a success has every field.
func FuzzParseAccessToken(f *testing.F) {
	f.Add([]byte(`{"accessToken":"t","tokenType":"Bearer","refreshAfter":1700000000,"expiryOn":1700003600}`))
	f.Add([]byte(`{"accessToken":"t","tokenType":"Bearer","refreshAfter":1.7e9,"expiryOn":"x"}`))
	f.Add([]byte(`{"accessToken":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		tok, err := parseAccessToken(raw)
		if err == nil && (tok.TokenType == "" && tok.Token.IsZero() && tok.ExpiresOn.IsZero() && !json.Valid(raw)) {
			t.Fatalf("success on invalid input %q", raw)
		}
	})
}

// FuzzServiceBody: any service or error body decodes without panicking, and
// every accessor of the resulting service works.
func FuzzServiceBody(f *testing.F) {
	b, _ := json.Marshal(serviceJSON("svc", map[string]any{"error": map[string]any{"code": "X", "details": []any{map[string]any{"code": "Y"}}}}))
	f.Add(b)
	f.Add([]byte(`{"name":"s","scoringUri":"http://h/a/b/score?x=1","autoScaler":null,"error":"plain"}`))
	f.Add([]byte(`{"scoringUri":"score"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		_ = decodeServiceError(raw)
		svc, err := newService(nil, raw)
		if err != nil {
			return
		}
		_ = svc.Settings()
		_ = svc.SwaggerURI()
		_ = svc.Error()
		_ = svc.ReplicaStatus()
		_ = svc.ModelIDs()
		_ = svc.CreatedTime()
		_ = svc.String()
	})
}
