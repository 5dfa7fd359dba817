package secretscan

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/azureml-go/azureml/internal/emulator"
)

// secret is a value that must never appear in any output, and what it is.
type secret struct {
	kind  string
	value string
}

// minSecretLen keeps the scan meaningful: a short value (a test's made-up "x") would
// match by chance. Every real secret of the flows is far longer.
const minSecretLen = 12

// randomSecret returns a fresh value of the given kind, recognisable in a leak.
func randomSecret(kind string) secret {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return secret{kind: kind, value: "s3cr3t-" + hex.EncodeToString(b)}
}

// issued converts the local workspace's record of what it issued.
func issued(srv *emulator.Server) []secret {
	var out []secret
	for _, s := range srv.IssuedSecrets() {
		out = append(out, secret{kind: s.Kind, value: s.Value})
	}
	return out
}

// kinds counts the secrets of each kind, to prove a flow produced what it should.
func kinds(secrets []secret) map[string]int {
	n := map[string]int{}
	for _, s := range secrets {
		n[s.kind]++
	}
	return n
}

// output is one captured text and where it came from.
type output struct {
	where string
	text  string
}

// leaks returns one line per secret found in an output, naming the secret's kind and
// where it leaked, with the line it appears in (the value itself replaced by its kind).
func leaks(outputs []output, secrets []secret) []string {
	var found []string
	seen := map[secret]bool{}
	for _, s := range secrets {
		if seen[s] {
			continue
		}
		seen[s] = true
		if len(s.value) < minSecretLen {
			continue
		}
		for _, o := range outputs {
			i := strings.Index(o.text, s.value)
			if i < 0 {
				continue
			}
			start := strings.LastIndexByte(o.text[:i], '\n') + 1
			end := strings.IndexByte(o.text[i:], '\n')
			if end < 0 {
				end = len(o.text) - i
			}
			line := strings.ReplaceAll(o.text[start:i+end], s.value, "<"+s.kind+">")
			if len(line) > 300 {
				line = line[:300] + "…"
			}
			found = append(found, fmt.Sprintf("%s leaked in %s: %s", s.kind, o.where, line))
		}
	}
	sort.Strings(found)
	return found
}

// requireNoLeak fails the test with every leak found.
func requireNoLeak(t *testing.T, outputs []output, secrets []secret) {
	t.Helper()
	if found := leaks(outputs, secrets); len(found) > 0 {
		t.Fatalf("%d secret(s) leaked:\n  %s", len(found), strings.Join(found, "\n  "))
	}
}

func TestLeaksFindsAndNamesASecret(t *testing.T) {
	key := randomSecret("service key")
	outs := []output{{"stderr", "line one\nAuthorization: Bearer " + key.value + "\nline three"}, {"stdout", "clean"}}
	got := leaks(outs, []secret{key, {kind: "short", value: "one"}})
	if len(got) != 1 || got[0] != "service key leaked in stderr: Authorization: Bearer <service key>" {
		t.Fatalf("leaks = %q", got)
	}
}
