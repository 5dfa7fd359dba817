package auth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestServicePrincipalCredentialNeverPrintsItsSecret(t *testing.T) {
	const secret = "sp-client-secret-do-not-print"
	cred, err := NewServicePrincipalCredential("00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002", secret, nil)
	require.NoError(t, err)
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out = append(out, fmt.Sprintf(verb, cred))
	}
	b, err := json.Marshal(cred)
	require.NoError(t, err)
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("cred", "c", cred)
	out = append(out, string(b), logged.String())
	require.NotContains(t, strings.Join(out, "\n"), secret)
	require.Equal(t, "auth.ServicePrincipalCredential{REDACTED}", fmt.Sprint(cred))
}
