package emulator

import (
	"regexp"
	"strconv"
	"strings"
)

// The local workspace's own knowledge of Azure VM sizes, used for the FastProd vCPU check
// and to fail provisioning of sizes that do not exist. It is independent of the SDK's table
// on purpose: the two sides must not share code.

// vmSizeName splits "Standard_<family><number><suffix>[_<extra>…]".
var vmSizeName = regexp.MustCompile(`^standard_([a-z]+?)(\d+)([a-z]*)((?:_[a-z0-9]+)*)$`)

// classicDVCPUs are the vCPU counts of D/DS v1 and v2 sizes, whose number is not a core
// count (D11–D15 are the memory-optimised line).
var classicDVCPUs = map[int]int{1: 1, 2: 2, 3: 4, 4: 8, 5: 16, 11: 2, 12: 4, 13: 8, 14: 16, 15: 20}

// coreCounts are the sizes that exist in the families whose number is the vCPU count.
var coreCounts = map[int]bool{1: true, 2: true, 4: true, 6: true, 8: true, 12: true, 16: true, 20: true, 24: true,
	32: true, 48: true, 64: true, 72: true, 96: true}

// vmVCPUs returns the vCPU count of a VM size (case-insensitive) and whether the size is
// known to the local workspace.
func vmVCPUs(size string) (int, bool) {
	m := vmSizeName.FindStringSubmatch(strings.ToLower(size))
	if m == nil {
		return 0, false
	}
	family, suffix, rest := m[1], m[3], m[4]
	n, err := strconv.Atoi(m[2])
	if err != nil {
		return 0, false
	}
	version := ""
	if i := strings.LastIndex(rest, "_v"); i >= 0 {
		version = rest[i+1:]
	}
	switch family {
	case "d", "ds":
		if version == "" || version == "v2" {
			v, ok := classicDVCPUs[n]
			return v, ok && (family == "ds" || suffix == "")
		}
		return n, family == "d" && coreCounts[n] && n >= 2
	case "e":
		return n, version != "" && version != "v2" && coreCounts[n] && n >= 2
	case "f":
		return n, coreCounts[n] && n <= 72
	case "b":
		return n, coreCounts[n] && n <= 20
	case "a":
		return n, version == "v2" && n <= 8 && coreCounts[n]
	case "nc", "nv", "nd":
		return n, coreCounts[n]
	}
	return 0, false
}
