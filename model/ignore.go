package model

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Ignore files looked up in the root of a source directory, in order of
// preference: .amlignore wins and .gitignore is read only when there is no
// .amlignore, as azureml-core's snapshot code does.
const (
	AmlIgnoreFile = ".amlignore"
	GitIgnoreFile = ".gitignore"
)

// ignoreRule is one compiled pattern line of an ignore file.
type ignoreRule struct {
	negate  bool     // "!pattern": re-include what an earlier rule excluded
	dirOnly bool     // "pattern/": matches directories only
	segs    []string // slash-separated glob segments; "**" matches any number of segments
}

// ignoreRules is an ordered rule list; the last rule that matches a path decides.
type ignoreRules []ignoreRule

// parseIgnore compiles the lines of a .gitignore-style file:
//   - blank lines and lines starting with "#" are skipped ("\#" is a literal #);
//   - trailing spaces are dropped unless escaped with a backslash;
//   - "!" negates ("\!" is a literal !);
//   - a trailing "/" matches directories only;
//   - a "/" at the start or in the middle anchors the pattern at the root,
//     otherwise it matches at any depth;
//   - "*", "?" and "[...]" ("[!...]" negated) match within one path segment;
//     "**/" leading, "/**/" inner and "/**" trailing span directories.
//
// A line that is not a valid glob never matches.
func parseIgnore(content string) ignoreRules {
	var rules ignoreRules
	sc := bufio.NewScanner(strings.NewReader(content))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		if r, ok := parseIgnoreLine(sc.Text()); ok {
			rules = append(rules, r)
		}
	}
	return rules
}

func parseIgnoreLine(line string) (ignoreRule, bool) {
	line = strings.TrimSuffix(line, "\r")
	line = trimUnescapedTrailingSpaces(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return ignoreRule{}, false
	}
	var r ignoreRule
	if strings.HasPrefix(line, "!") {
		r.negate = true
		line = line[1:]
	}
	if strings.HasSuffix(line, "/") {
		r.dirOnly = true
		line = strings.TrimRight(line, "/")
	}
	if line == "" {
		return ignoreRule{}, false
	}
	anchored := strings.Contains(line, "/")
	line = strings.TrimPrefix(line, "/")
	if line == "" {
		return ignoreRule{}, false
	}
	var segs []string
	if !anchored {
		segs = append(segs, "**")
	}
	for _, s := range strings.Split(line, "/") {
		if s == "" {
			continue // "a//b" is "a/b"
		}
		if s == "**" && len(segs) > 0 && segs[len(segs)-1] == "**" {
			continue // "**/**" spans the same as "**"
		}
		segs = append(segs, globSegment(s))
	}
	r.segs = segs
	return r, true
}

// trimUnescapedTrailingSpaces drops trailing spaces, keeping one that is
// escaped by a backslash.
func trimUnescapedTrailingSpaces(s string) string {
	for strings.HasSuffix(s, " ") {
		rest := s[:len(s)-1]
		if strings.HasSuffix(rest, `\`) && !strings.HasSuffix(rest, `\\`) {
			return s
		}
		s = rest
	}
	return s
}

// globSegment turns gitignore's "[!...]" negated class into path.Match's "[^...]".
func globSegment(s string) string {
	if !strings.Contains(s, "[!") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			b.WriteByte(c)
			b.WriteByte(s[i+1])
			i++
			continue
		}
		if c == '[' && i+1 < len(s) && s[i+1] == '!' {
			b.WriteString("[^")
			i++
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// ignored reports whether rel (slash-separated, relative to the source
// directory) is excluded. Callers walk top-down and skip excluded directories,
// so, as in git, nothing under an excluded directory can be re-included.
func (rs ignoreRules) ignored(rel string, isDir bool) bool {
	if len(rs) == 0 {
		return false
	}
	name := strings.Split(rel, "/")
	out := false
	for _, r := range rs {
		if r.dirOnly && !isDir {
			continue
		}
		if matchSegments(r.segs, name) {
			out = !r.negate
		}
	}
	return out
}

// matchSegments matches glob segments against path segments. "**" spans zero
// or more segments, except at the end of a pattern where it needs at least one
// ("dir/**" matches what is inside dir, not dir itself).
func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			if len(rest) == 0 {
				return len(name) > 0
			}
			for i := 0; i <= len(name); i++ {
				if matchSegments(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, err := path.Match(pat[0], name[0]); err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// loadIgnoreRules reads .amlignore, or else .gitignore, from the root of dir.
// It returns the file used ("" when there is none).
func loadIgnoreRules(dir string) (ignoreRules, string, error) {
	for _, name := range []string{AmlIgnoreFile, GitIgnoreFile} {
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, "", fmt.Errorf("model: reading %s: %w", p, err)
		}
		return parseIgnore(string(b)), name, nil
	}
	return nil, "", nil
}
