package model

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pythonKeywords are Python 3's hard keywords; a module named after one cannot
// be imported with an import statement.
var pythonKeywords = map[string]bool{
	"False": true, "None": true, "True": true, "and": true, "as": true, "assert": true,
	"async": true, "await": true, "break": true, "class": true, "continue": true,
	"def": true, "del": true, "elif": true, "else": true, "except": true, "finally": true,
	"for": true, "from": true, "global": true, "if": true, "import": true, "in": true,
	"is": true, "lambda": true, "nonlocal": true, "not": true, "or": true, "pass": true,
	"raise": true, "return": true, "try": true, "while": true, "with": true, "yield": true,
}

// isPythonIdentifier approximates str.isidentifier: a letter or underscore,
// then letters, digits or underscores (Unicode letters and digits included).
func isPythonIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && (unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r)):
		default:
			return false
		}
	}
	return true
}

// checkPythonSource is a light syntax check of an entry script, done in Go
// because validation runs no subprocess. It finds what stops a module from
// being imported at the lexical level: invalid UTF-8, NUL bytes, unterminated
// strings, unbalanced brackets and inconsistent dedents. It does not parse
// statements, so a script that passes can still fail to import; the service
// reports that when it starts the script.
func checkPythonSource(src []byte) error {
	if !utf8.Valid(src) {
		return fmt.Errorf("is not valid UTF-8")
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return fmt.Errorf("contains a NUL byte (line %d)", 1+bytes.Count(src[:i], []byte("\n")))
	}
	s := string(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")))
	var (
		brackets  []rune
		bracketLn []int
		indents   = []int{0}
		line      = 1
		atStart   = true // at the start of a logical line
	)
	closing := map[rune]rune{')': '(', ']': '[', '}': '{'}
	for i := 0; i < len(s); {
		c := s[i]
		if atStart && len(brackets) == 0 {
			// measure the indentation of a new logical line
			width, j := 0, i
			for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\f') {
				if s[j] == '\t' {
					width = (width/8 + 1) * 8
				} else if s[j] == ' ' {
					width++
				}
				j++
			}
			blank := j >= len(s) || s[j] == '\n' || s[j] == '\r' || s[j] == '#' || (s[j] == '\\' && j+1 < len(s) && s[j+1] == '\n')
			if !blank {
				top := indents[len(indents)-1]
				switch {
				case width > top:
					indents = append(indents, width)
				case width < top:
					for len(indents) > 1 && indents[len(indents)-1] > width {
						indents = indents[:len(indents)-1]
					}
					if indents[len(indents)-1] != width {
						return fmt.Errorf("line %d: unindent does not match any outer indentation level", line)
					}
				}
			}
			atStart = false
			i = j
			continue
		}
		switch {
		case c == '\n':
			line++
			i++
			atStart = true
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\\':
			if i+1 < len(s) && s[i+1] == '\n' {
				i += 2
				line++
				continue
			}
			if i+2 < len(s) && s[i+1] == '\r' && s[i+2] == '\n' {
				i += 3
				line++
				continue
			}
			return fmt.Errorf("line %d: unexpected character after line continuation character", line)
		case c == '\'' || c == '"':
			n, lines, err := scanPythonString(s[i:], line)
			if err != nil {
				return err
			}
			i += n
			line += lines
		case c == '(' || c == '[' || c == '{':
			brackets = append(brackets, rune(c))
			bracketLn = append(bracketLn, line)
			i++
		case c == ')' || c == ']' || c == '}':
			if len(brackets) == 0 || brackets[len(brackets)-1] != closing[rune(c)] {
				return fmt.Errorf("line %d: unmatched %q", line, c)
			}
			brackets = brackets[:len(brackets)-1]
			bracketLn = bracketLn[:len(bracketLn)-1]
			i++
		default:
			i++
		}
	}
	if len(brackets) > 0 {
		return fmt.Errorf("line %d: %q was never closed", bracketLn[len(bracketLn)-1], brackets[len(brackets)-1])
	}
	return nil
}

// scanPythonString scans a string literal starting at s[0] (a quote; any
// prefix letters were consumed as ordinary characters). It returns its length
// in bytes and the number of newlines inside it.
func scanPythonString(s string, line int) (n, lines int, err error) {
	q := s[0]
	triple := strings.HasPrefix(s, strings.Repeat(string(q), 3))
	i := 1
	if triple {
		i = 3
	}
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 < len(s) && s[i+1] == '\n' {
				lines++
			}
			i += 2
			continue
		case c == '\n':
			if !triple {
				return 0, 0, fmt.Errorf("line %d: unterminated string literal", line)
			}
			lines++
		case c == q:
			if !triple {
				return i + 1, lines, nil
			}
			if strings.HasPrefix(s[i:], strings.Repeat(string(q), 3)) {
				return i + 3, lines, nil
			}
		}
		i++
	}
	if triple {
		return 0, 0, fmt.Errorf("line %d: unterminated triple-quoted string literal", line)
	}
	return 0, 0, fmt.Errorf("line %d: unterminated string literal", line)
}

// definesFunction reports whether src has a top-level "def name(".
func definesFunction(src []byte, name string) bool {
	for _, ln := range strings.Split(string(src), "\n") {
		ln = strings.TrimRight(ln, "\r")
		for _, prefix := range []string{"def ", "async def "} {
			if rest, ok := strings.CutPrefix(ln, prefix); ok {
				rest = strings.TrimLeft(rest, " \t")
				if rest2, ok := strings.CutPrefix(rest, name); ok && strings.HasPrefix(strings.TrimLeft(rest2, " \t"), "(") {
					return true
				}
			}
		}
	}
	return false
}
