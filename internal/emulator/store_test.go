package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

type storeItem struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

func TestStoreBasics(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		st, err := openStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		var it storeItem
		if st.Get("k", "a", &it) || st.Has("k", "a") || st.Delete("k", "a") {
			t.Fatal("empty store has a")
		}
		for _, k := range []string{"b", "a", "c"} {
			if err := st.Put("k", k, storeItem{Name: k}); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Put("k", "a", storeItem{Name: "a", N: 2}); err != nil {
			t.Fatal(err)
		}
		if !st.Get("k", "a", &it) || it != (storeItem{"a", 2}) {
			t.Errorf("Get a = %+v", it)
		}
		var names []string
		for _, raw := range st.List("k") {
			var v storeItem
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			names = append(names, v.Name)
		}
		if strings.Join(names, ",") != "a,b,c" || strings.Join(st.Keys("k"), ",") != "a,b,c" {
			t.Errorf("List order %v", names)
		}
		if !st.Delete("k", "b") || st.Has("k", "b") || len(st.List("k")) != 2 {
			t.Error("Delete")
		}
		if st.Put("", "x", 1) == nil || st.Put("k", "", 1) == nil {
			t.Error("empty kind/key accepted")
		}
		if st.Put("k", "bad", func() {}) == nil {
			t.Error("unencodable value accepted")
		}
		var wrong []int
		if st.Get("k", "a", &wrong) {
			t.Error("Get into a mismatching type reports found")
		}
		if len(st.List("none")) != 0 {
			t.Error("List of unknown kind")
		}
	}
}

func TestStorePersistsAwkwardKeys(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"..", ".", "a/b", `c:\d`, "sp ace", "ünï", "%41", "x.json", "UPPER", "upper"}
	for i, k := range keys {
		if err := st.Put("kind/with:odd", k, i); err != nil {
			t.Fatalf("Put %q: %v", k, err)
		}
	}
	// Nothing escaped the data directory.
	var files []string
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != len(keys) {
		t.Errorf("files %v", files)
	}
	if !st.Delete("kind/with:odd", "x.json") {
		t.Fatal("Delete")
	}
	again, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		var n int
		ok := again.Get("kind/with:odd", k, &n)
		if k == "x.json" {
			if ok {
				t.Error("deleted key came back")
			}
			continue
		}
		if !ok || n != i {
			t.Errorf("key %q: ok=%v n=%d", k, ok, n)
		}
	}
}

func TestStoreIgnoresTempFilesAndRejectsCorruption(t *testing.T) {
	dir := t.TempDir()
	st, _ := openStore(dir)
	if err := st.Put("k", "a", 1); err != nil {
		t.Fatal(err)
	}
	// A write interrupted before its rename leaves a temp file: ignored.
	if err := os.WriteFile(filepath.Join(dir, "k", ".put-123.tmp"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	st2, err := openStore(dir)
	if err != nil || len(st2.Keys("k")) != 1 {
		t.Fatalf("reload: %v %v", err, st2.Keys("k"))
	}
	if err := os.WriteFile(filepath.Join(dir, "k", "b.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := openStore(dir); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("corrupt document: %v", err)
	}
}

func TestEscapeNameRoundTrip(t *testing.T) {
	for _, s := range []string{"", "a", "a/b", "..", "%", "%zz", "ü", "A-b_c"} {
		got, ok := unescapeName(escapeName(s))
		if !ok || got != s {
			t.Errorf("round trip %q -> %q (%v)", s, got, ok)
		}
		if e := escapeName(s); strings.ContainsAny(e, "./\\:") {
			t.Errorf("escapeName(%q) = %q", s, e)
		}
	}
	for _, bad := range []string{"%", "%4", "%zz"} {
		if _, ok := unescapeName(bad); ok {
			t.Errorf("unescapeName(%q) accepted", bad)
		}
	}
}

func TestStoreConcurrency(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		st, err := openStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		const workers, iters = 8, 50
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < iters; i++ {
					key := fmt.Sprintf("w%d-%d", w, i%5)
					if err := st.Put("items", key, storeItem{Name: key, N: i}); err != nil {
						t.Error(err)
						return
					}
					var it storeItem
					st.Get("items", key, &it)
					_ = st.List("items")
					if i%7 == 0 {
						st.Delete("items", key)
					}
					err := updateRecord(st, "counter", "c", func(c *int, _ bool) (bool, error) { *c++; return true, nil })
					if err != nil {
						t.Error(err)
						return
					}
				}
			}(w)
		}
		wg.Wait()
		var c int
		if !st.Get("counter", "c", &c) || c != workers*iters {
			t.Errorf("dir %q: counter %d, want %d (lost updates)", dir, c, workers*iters)
		}
		if dir != "" {
			re, err := openStore(dir)
			if err != nil {
				t.Fatal(err)
			}
			var rc int
			if !re.Get("counter", "c", &rc) || rc != c || strings.Join(re.Keys("items"), ",") != strings.Join(st.Keys("items"), ",") {
				t.Errorf("reloaded store differs: %d vs %d, %v vs %v", rc, c, re.Keys("items"), st.Keys("items"))
			}
		}
	}
}

func TestUpdateRecordNoWriteAndError(t *testing.T) {
	st, _ := openStore("")
	if err := updateRecord(st, "k", "a", func(v *int, exists bool) (bool, error) { *v = 5; return false, nil }); err != nil || st.Has("k", "a") {
		t.Error("write=false must not store")
	}
	boom := fmt.Errorf("boom")
	if err := updateRecord(st, "k", "a", func(v *int, _ bool) (bool, error) { return true, boom }); err != boom || st.Has("k", "a") {
		t.Error("error must abort")
	}
	_ = st.Put("k", "s", "text")
	if err := updateRecord(st, "k", "s", func(v *int, _ bool) (bool, error) { return true, nil }); err == nil {
		t.Error("type mismatch must be an error")
	}
}
