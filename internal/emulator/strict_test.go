package emulator

import (
	"net/http"
	"strings"
	"testing"
)

type strictInner struct {
	AgentVMSize string `json:"agentVmSize"`
}

type strictEmbedded struct {
	Kind string `json:"kind"`
}

type strictOuter struct {
	strictEmbedded
	Props *strictInner           `json:"properties"`
	Items []strictInner          `json:"items"`
	ByKey map[string]strictInner `json:"byKey"`
	Raw   any                    `json:"raw"`
}

func TestDecodeStrictMatchesKeysCaseSensitively(t *testing.T) {
	cases := []struct {
		body, errSub string
	}{
		{`{"kind":"a","properties":{"agentVmSize":"x"},"items":[{"agentVmSize":"y"}],"byKey":{"k":{"agentVmSize":"z"}},"raw":{"Any":1}}`, ""},
		{`{"Kind":"a"}`, `unknown field "Kind"`},
		{`{"properties":{"agentVMSize":"x"}}`, `unknown field "properties.agentVMSize" (did you mean "agentVmSize"?)`},
		{`{"items":[{"AgentVmSize":"y"}]}`, `unknown field "items[0].AgentVmSize"`},
		{`{"byKey":{"k":{"agentvmsize":"z"}}}`, `unknown field "byKey.k.agentvmsize"`},
		{`{"nope":1}`, `unknown field "nope"`},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
		var v strictOuter
		err := decodeStrict(req, &v)
		if tc.errSub == "" {
			if err != nil {
				t.Fatalf("%s: %v", tc.body, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.errSub) {
			t.Fatalf("%s: got %v, want %q", tc.body, err, tc.errSub)
		}
	}
}
