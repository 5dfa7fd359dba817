package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// jsonStore is the emulator's state: JSON documents addressed by kind and key
// (for example kind "compute", key "myaks"). It is safe for concurrent use.
//
// With a data directory every document is also a file
// {dir}/{escaped kind}/{escaped key}.json, written atomically (temp file in the
// same directory, then rename), so a killed process leaves either the old or
// the new document and a restarted server reloads what was acknowledged. Files
// are not fsynced: an emulator trades power-loss durability for speed.
// Writes are serialised by the store lock: two writers of one key cannot
// reorder their files.
type jsonStore struct {
	dir string // "" => memory only

	mu    sync.RWMutex
	kinds map[string]map[string]json.RawMessage
}

// openStore returns a store; with dir != "" it creates the directory and
// loads every document found there.
func openStore(dir string) (*jsonStore, error) {
	st := &jsonStore{dir: dir, kinds: map[string]map[string]json.RawMessage{}}
	if dir == "" {
		return st, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("emulator: data directory: %w", err)
	}
	kindDirs, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("emulator: data directory: %w", err)
	}
	for _, kd := range kindDirs {
		if !kd.IsDir() {
			continue
		}
		kind, ok := unescapeName(kd.Name())
		if !ok {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, kd.Name()))
		if err != nil {
			return nil, fmt.Errorf("emulator: data directory: %w", err)
		}
		for _, f := range files {
			name := f.Name()
			if f.IsDir() || !strings.HasSuffix(name, ".json") {
				continue // leftovers of an interrupted write are *.tmp
			}
			key, ok := unescapeName(strings.TrimSuffix(name, ".json"))
			if !ok {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, kd.Name(), name))
			if err != nil {
				return nil, fmt.Errorf("emulator: data directory: %w", err)
			}
			if !json.Valid(b) {
				return nil, fmt.Errorf("emulator: data directory: %s/%s is not valid JSON", kd.Name(), name)
			}
			st.bucket(kind)[key] = json.RawMessage(b)
		}
	}
	return st, nil
}

// bucket returns the map of one kind, creating it; caller holds mu for writing
// (or is the only user, as during load).
func (st *jsonStore) bucket(kind string) map[string]json.RawMessage {
	b := st.kinds[kind]
	if b == nil {
		b = map[string]json.RawMessage{}
		st.kinds[kind] = b
	}
	return b
}

// Put stores v (encoded as JSON) under kind/key, replacing any previous value.
func (st *jsonStore) Put(kind, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("emulator: store %s/%s: %w", kind, key, err)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.putLocked(kind, key, b)
}

func (st *jsonStore) putLocked(kind, key string, b []byte) error {
	if kind == "" || key == "" {
		return errors.New("emulator: store: empty kind or key")
	}
	if st.dir != "" {
		if err := st.writeFile(kind, key, b); err != nil {
			return err
		}
	}
	st.bucket(kind)[key] = json.RawMessage(b)
	return nil
}

// Get decodes the document kind/key into out and reports whether it exists.
// A document that does not decode into out is reported as absent.
func (st *jsonStore) Get(kind, key string, out any) bool {
	st.mu.RLock()
	b, ok := st.kinds[kind][key]
	st.mu.RUnlock()
	if !ok {
		return false
	}
	return json.Unmarshal(b, out) == nil
}

// Has reports whether kind/key exists.
func (st *jsonStore) Has(kind, key string) bool {
	st.mu.RLock()
	defer st.mu.RUnlock()
	_, ok := st.kinds[kind][key]
	return ok
}

// List returns every document of kind, sorted by key. The slices are copies.
func (st *jsonStore) List(kind string) []json.RawMessage {
	st.mu.RLock()
	defer st.mu.RUnlock()
	keys := st.keysLocked(kind)
	out := make([]json.RawMessage, 0, len(keys))
	for _, k := range keys {
		out = append(out, append(json.RawMessage(nil), st.kinds[kind][k]...))
	}
	return out
}

// Keys returns the keys of kind, sorted.
func (st *jsonStore) Keys(kind string) []string {
	st.mu.RLock()
	defer st.mu.RUnlock()
	return st.keysLocked(kind)
}

func (st *jsonStore) keysLocked(kind string) []string {
	keys := make([]string, 0, len(st.kinds[kind]))
	for k := range st.kinds[kind] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Delete removes kind/key and reports whether it existed.
func (st *jsonStore) Delete(kind, key string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.kinds[kind][key]; !ok {
		return false
	}
	if st.dir != "" {
		err := os.Remove(st.filePath(kind, key))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return false
		}
	}
	delete(st.kinds[kind], key)
	return true
}

// updateRecord is an atomic read-modify-write of one document: fn receives the
// current value (zero T and exists=false when absent) and mutates it; when fn
// returns write=true the result is stored. No other writer of the store runs
// in between. An error from fn is returned unchanged and nothing is written.
func updateRecord[T any](st *jsonStore, kind, key string, fn func(cur *T, exists bool) (write bool, err error)) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	var cur T
	b, exists := st.kinds[kind][key]
	if exists {
		if err := json.Unmarshal(b, &cur); err != nil {
			return fmt.Errorf("emulator: store %s/%s: %w", kind, key, err)
		}
	}
	write, err := fn(&cur, exists)
	if err != nil || !write {
		return err
	}
	nb, err := json.Marshal(&cur)
	if err != nil {
		return fmt.Errorf("emulator: store %s/%s: %w", kind, key, err)
	}
	return st.putLocked(kind, key, nb)
}

func (st *jsonStore) filePath(kind, key string) string {
	return filepath.Join(st.dir, escapeName(kind), escapeName(key)+".json")
}

// writeFile writes one document atomically; caller holds mu.
func (st *jsonStore) writeFile(kind, key string, b []byte) error {
	final := st.filePath(kind, key)
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("emulator: store %s/%s: %w", kind, key, err)
	}
	tmp, err := os.CreateTemp(dir, ".put-*.tmp")
	if err != nil {
		return fmt.Errorf("emulator: store %s/%s: %w", kind, key, err)
	}
	tmpName := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = os.Remove(tmpName)
		}
	}()
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("emulator: store %s/%s: %w", kind, key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("emulator: store %s/%s: %w", kind, key, err)
	}
	if err := os.Rename(tmpName, final); err != nil {
		return fmt.Errorf("emulator: store %s/%s: %w", kind, key, err)
	}
	ok = true
	return nil
}

// escapeName makes a kind or key safe as one file name on any OS: ASCII
// letters, digits, '-' and '_' stay; every other byte becomes %XX. So ".",
// "..", "/" and ":" can never form a path.
func escapeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// unescapeName reverses escapeName; ok is false for names it did not produce.
func unescapeName(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+2 >= len(s) {
			return "", false
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", false
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String(), true
}
