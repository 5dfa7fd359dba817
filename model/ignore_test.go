package model

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIgnoreRules(t *testing.T) {
	type check struct {
		path   string
		dir    bool
		ignore bool
	}
	cases := []struct {
		name   string
		rules  string
		checks []check
	}{
		{"blank lines and comments", "\n# comment\n   \n", []check{{"# comment", false, false}, {"a", false, false}}},
		{"escaped hash is literal", `\#notes`, []check{{"#notes", false, true}, {"notes", false, false}}},
		{"unanchored name at any depth", "*.pyc", []check{{"a.pyc", false, true}, {"x/y/a.pyc", false, true}, {"a.py", false, false}}},
		{"unanchored dir name at any depth", "__pycache__", []check{{"__pycache__", true, true}, {"pkg/__pycache__", true, true}}},
		{"leading slash anchors", "/build", []check{{"build", true, true}, {"src/build", true, false}}},
		{"middle slash anchors", "doc/frotz", []check{{"doc/frotz", false, true}, {"a/doc/frotz", false, false}}},
		{"trailing slash means directories only", "logs/", []check{{"logs", true, true}, {"logs", false, false}, {"x/logs", true, true}}},
		{"negation re-includes", "*.log\n!keep.log", []check{{"a.log", false, true}, {"keep.log", false, false}, {"d/keep.log", false, false}}},
		{"last match wins", "!a.txt\na.txt", []check{{"a.txt", false, true}}},
		{"escaped bang is literal", `\!important`, []check{{"!important", false, true}}},
		{"leading double star", "**/data", []check{{"data", true, true}, {"x/y/data", false, true}}},
		{"leading double star with path", "**/foo/bar", []check{{"foo/bar", false, true}, {"a/foo/bar", false, true}, {"a/foo/baz", false, false}}},
		{"trailing double star matches inside only", "abc/**", []check{{"abc", true, false}, {"abc/x", false, true}, {"abc/x/y", false, true}}},
		{"inner double star spans zero or more dirs", "a/**/b", []check{{"a/b", false, true}, {"a/x/b", false, true}, {"a/x/y/b", false, true}, {"a/x/c", false, false}}},
		{"star does not cross slash", "a/*.txt", []check{{"a/x.txt", false, true}, {"a/b/x.txt", false, false}}},
		{"question mark", "?.md", []check{{"a.md", false, true}, {"ab.md", false, false}}},
		{"character class", "file[0-9].txt", []check{{"file3.txt", false, true}, {"filex.txt", false, false}}},
		{"negated class with bang", "file[!0-9].txt", []check{{"filex.txt", false, true}, {"file3.txt", false, false}}},
		{"trailing spaces are trimmed", "a.txt   ", []check{{"a.txt", false, true}}},
		{"escaped trailing space is kept", `b\ `, []check{{"b ", false, true}, {"b", false, false}}},
		{"crlf line endings", "a.txt\r\nb.txt\r\n", []check{{"a.txt", false, true}, {"b.txt", false, true}}},
		{"bad glob never matches", "[", []check{{"[", false, false}}},
		{"double star alone", "**", []check{{"x", false, true}, {"x/y", true, true}}},
		{"lone slash is ignored", "/", []check{{"x", false, false}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rules := parseIgnore(c.rules)
			for _, ch := range c.checks {
				require.Equal(t, ch.ignore, rules.ignored(ch.path, ch.dir), "rules %q, path %q (dir=%v)", c.rules, ch.path, ch.dir)
			}
		})
	}
}

func makeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		writeFile(t, filepath.Join(root, filepath.FromSlash(name)), []byte(content))
	}
}

func TestSourcePackageFilesHonoursIgnoreFiles(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"no ignore file", map[string]string{"a.py": "", "b/c.txt": ""}, []string{"a.py", "b/c.txt"}},
		{".gitignore used without .amlignore", map[string]string{".gitignore": "*.txt\n", "a.py": "", "b/c.txt": ""},
			[]string{".gitignore", "a.py"}},
		{".amlignore wins over .gitignore", map[string]string{".amlignore": "a.py\n", ".gitignore": "*.txt\n", "a.py": "", "b/c.txt": ""},
			[]string{".amlignore", ".gitignore", "b/c.txt"}},
		{"excluded dir cannot be re-included", map[string]string{".amlignore": "b/\n!b/c.txt\n", "b/c.txt": "", "d.py": ""},
			[]string{".amlignore", "d.py"}},
		{"negation inside an included dir", map[string]string{".amlignore": "data/*\n!data/keep.csv\n", "data/keep.csv": "", "data/drop.csv": ""},
			[]string{".amlignore", "data/keep.csv"}},
		{"ignore file can ignore itself", map[string]string{".amlignore": ".amlignore\n", "x.py": ""}, []string{"x.py"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "src")
			makeTree(t, dir, c.files)
			got, err := SourcePackageFiles(dir)
			require.NoError(t, err)
			require.Equal(t, c.want, got)
		})
	}
}

func TestSourcePackageFilesErrors(t *testing.T) {
	_, err := SourcePackageFiles(filepath.Join(t.TempDir(), "missing"))
	require.Error(t, err)
	f := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(f, nil, 0o644))
	_, err = SourcePackageFiles(f)
	require.ErrorContains(t, err, "not a directory")
}
