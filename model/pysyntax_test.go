package model

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestIsPythonIdentifier(t *testing.T) {
	for s, want := range map[string]bool{
		"score": true, "_score": true, "score_2": true, "Score": true, "scöre": true, "得分": true,
		"": false, "2score": false, "score-v2": false, "score.v2": false, "my score": false,
	} {
		require.Equal(t, want, isPythonIdentifier(s), s)
	}
	require.True(t, pythonKeywords["class"])
	require.True(t, pythonKeywords["None"])
	require.False(t, pythonKeywords["match"], "soft keywords are importable")
}

func TestCheckPythonSource(t *testing.T) {
	ok := []string{
		"",
		"def init():\n    pass\n\ndef run(x):\n    return x\n",
		"x = (1,\n 2)\n",
		"s = '''multi\nline ( [ {\n'''\n",
		`s = "escaped \" quote ("` + "\n",
		"s = r'\\d+'\n",
		"x = 1 + \\\n    2\n",
		"if True:\n\tif True:\n\t\tpass\n\tpass\n",
		"# comment with ( and '\n",
		"def f():\n    return [\n        1,\n    ]\n",
		"\xef\xbb\xbfx = 1\n",
		"class A:\n    def f(self):\n        pass\n\n    def g(self):\n        pass\n",
		"x = f'{a[\"k\"]}'\n",
		"x = 1\r\ny = 2\r\n",
	}
	for _, src := range ok {
		require.NoError(t, checkPythonSource([]byte(src)), "%q", src)
	}
	bad := map[string]string{
		"x = (1, 2\n":                       "never closed",
		"x = 1)\n":                          "unmatched",
		"x = [1, 2)\n":                      "unmatched",
		"s = 'abc\n":                        "unterminated string",
		"s = '''abc\n":                      "unterminated triple-quoted",
		"if x:\n        a = 1\n    b = 2\n": "unindent does not match",
		"x = 1 \\ y\n":                      "continuation",
		"x = 1\x00\n":                       "NUL",
		"x = '\xff'\n":                      "UTF-8",
	}
	for src, want := range bad {
		err := checkPythonSource([]byte(src))
		require.Error(t, err, "%q", src)
		require.Contains(t, err.Error(), want, "%q", src)
	}
}

func TestDefinesFunction(t *testing.T) {
	src := []byte("import os\ndef init():\n    pass\nasync def run (data):\n    pass\n    def helper():\n        pass\n")
	require.True(t, definesFunction(src, "init"))
	require.True(t, definesFunction(src, "run"))
	require.False(t, definesFunction(src, "helper"), "only top-level functions count")
	require.False(t, definesFunction(src, "ini"))
}
