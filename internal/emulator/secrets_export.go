package emulator

import (
	"encoding/json"
	"net/http"
	"sort"
	"sync"
)

// Kinds of IssuedSecret.
const (
	SecretServiceKey      = "service key"      // a web service's primary or secondary key
	SecretEndpointKey     = "endpoint key"     // an AKS endpoint's primary or secondary key
	SecretAccessToken     = "access token"     // a scoring token (POST …/token)
	SecretKubeconfig      = "kubeconfig"       // a whole kubeconfig of listKeys
	SecretKubeconfigToken = "kubeconfig token" // the user token inside a kubeconfig
	SecretSASSignature    = "SAS signature"    // the sig= value of a blob contentUri
	SecretSigningKey      = "signing key"      // the server's own key for SAS signatures or tokens
)

// IssuedSecret is one secret value the local workspace created or handed out.
type IssuedSecret struct {
	Kind  string
	Value string
}

// IssuedSecrets returns every secret the server has issued: the keys of its web
// services and endpoints, every access token handed out, the kubeconfigs of its AKS
// clusters and their tokens, the SAS signature of every artifact's contentUri, and its
// own signing keys. It exists for leak tests: run a flow, then check that none of these
// values appears in any log, error text or output. Call it before Close (the blob
// signatures and the record of handed-out tokens go away with the server). The result
// is sorted and has no duplicates.
func (s *Server) IssuedSecrets() []IssuedSecret {
	set := map[IssuedSecret]bool{}
	add := func(kind string, values ...string) {
		for _, v := range values {
			if v != "" {
				set[IssuedSecret{Kind: kind, Value: v}] = true
			}
		}
	}
	if l, ok := secretLedgers.Load(s); ok {
		for _, sec := range l.(*secretLedger).snapshot() {
			add(sec.Kind, sec.Value)
		}
	}
	for _, raw := range s.store.List(kindService) {
		var rec serviceRecord
		if json.Unmarshal(raw, &rec) == nil {
			add(SecretServiceKey, rec.PrimaryKey, rec.SecondaryKey)
		}
	}
	for _, raw := range s.store.List(kindEndpoint) {
		var rec endpointRecord
		if json.Unmarshal(raw, &rec) == nil {
			add(SecretEndpointKey, rec.PrimaryKey, rec.SecondaryKey)
		}
	}
	for _, raw := range s.store.List(kindAKSCluster) {
		var c clusterRecord
		if json.Unmarshal(raw, &c) == nil {
			add(SecretKubeconfigToken, c.UserToken, c.AdminToken)
			add(SecretKubeconfig, kubeconfig(&c, "clusterUser", c.UserToken), kubeconfig(&c, "clusterAdmin", c.AdminToken))
		}
	}
	if b, ok := blobStores.Load(s); ok {
		bs := b.(*blobStore)
		for _, id := range s.store.Keys(kindArtifact) {
			add(SecretSASSignature, bs.sig(id))
		}
		add(SecretSigningKey, string(bs.key))
	}
	var tokenKey string
	if s.store.Get(kindServiceTokenKey, serviceTokenKeyKey, &tokenKey) {
		add(SecretSigningKey, tokenKey)
	}
	out := make([]IssuedSecret, 0, len(set))
	for sec := range set {
		out = append(out, sec)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Value < out[j].Value
	})
	return out
}

// noteIssued records secrets as they are handed out, so that IssuedSecrets still
// knows them after the resource that held them is gone (a deleted service's keys, a
// token that is computed, not stored).
func (s *Server) noteIssued(kind string, values ...string) {
	if l, ok := secretLedgers.Load(s); ok {
		l.(*secretLedger).add(kind, values)
	}
}

// secretLedgers maps each running *Server to the secrets it handed out.
var secretLedgers sync.Map

// secretLedger is a bounded record of handed-out secrets; safe for concurrent use.
type secretLedger struct {
	mu   sync.Mutex
	seen map[IssuedSecret]bool
}

// maxLedgerSecrets bounds the ledger: a long-running local workspace that hands out
// tokens forever must not grow without limit. Leak tests issue far fewer.
const maxLedgerSecrets = 100000

func (l *secretLedger) add(kind string, values []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, v := range values {
		if v != "" && len(l.seen) < maxLedgerSecrets {
			l.seen[IssuedSecret{Kind: kind, Value: v}] = true
		}
	}
}

func (l *secretLedger) snapshot() []IssuedSecret {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]IssuedSecret, 0, len(l.seen))
	for sec := range l.seen {
		out = append(out, sec)
	}
	return out
}

func init() {
	registerRoutes(func(s *Server, _ *http.ServeMux) {
		secretLedgers.Store(s, &secretLedger{seen: map[IssuedSecret]bool{}})
		s.onClose(func() { secretLedgers.Delete(s) })
	})
}
