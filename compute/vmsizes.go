package compute

import (
	"fmt"
	"strings"
)

// vmSizeVCPUs maps lower-cased Azure VM size names commonly used for AKS nodes to their
// vCPU counts. It only needs to cover sizes people pick for AKS; an unknown size is not an
// error, it just leaves the sizing rules unchecked (with a warning).
var vmSizeVCPUs = buildVMSizeTable()

func buildVMSizeTable() map[string]int {
	t := make(map[string]int, 512)
	add := func(vcpus int, names ...string) {
		for _, n := range names {
			t[strings.ToLower(n)] = vcpus
		}
	}
	// Families whose size number is the vCPU count.
	numbered := func(format string, sizes ...int) {
		for _, n := range sizes {
			add(n, fmt.Sprintf(format, n))
		}
	}

	// Dv2 / DSv2 (Standard_D3_v2 is the AKS compute default): the number is not the vCPU count.
	add(1, "Standard_D1_v2", "Standard_DS1_v2")
	add(2, "Standard_D2_v2", "Standard_DS2_v2", "Standard_D11_v2", "Standard_DS11_v2")
	add(4, "Standard_D3_v2", "Standard_DS3_v2", "Standard_D12_v2", "Standard_DS12_v2")
	add(8, "Standard_D4_v2", "Standard_DS4_v2", "Standard_D13_v2", "Standard_DS13_v2")
	add(16, "Standard_D5_v2", "Standard_DS5_v2", "Standard_D14_v2", "Standard_DS14_v2")
	add(20, "Standard_D15_v2", "Standard_DS15_v2")
	// Classic D / DS (v1).
	add(1, "Standard_D1", "Standard_DS1")
	add(2, "Standard_D2", "Standard_DS2", "Standard_D11", "Standard_DS11")
	add(4, "Standard_D3", "Standard_DS3", "Standard_D12", "Standard_DS12")
	add(8, "Standard_D4", "Standard_DS4", "Standard_D13", "Standard_DS13")
	add(16, "Standard_D14", "Standard_DS14")

	// D v3, v4, v5 general purpose.
	for _, f := range []string{"Standard_D%d_v3", "Standard_D%ds_v3", "Standard_D%d_v4", "Standard_D%ds_v4",
		"Standard_D%dd_v4", "Standard_D%dds_v4", "Standard_D%da_v4", "Standard_D%das_v4"} {
		numbered(f, 2, 4, 8, 16, 32, 48, 64)
	}
	for _, f := range []string{"Standard_D%d_v5", "Standard_D%ds_v5", "Standard_D%dd_v5", "Standard_D%dds_v5",
		"Standard_D%das_v5", "Standard_D%dads_v5"} {
		numbered(f, 2, 4, 8, 16, 32, 48, 64, 96)
	}
	// E memory optimised.
	for _, f := range []string{"Standard_E%d_v3", "Standard_E%ds_v3", "Standard_E%d_v4", "Standard_E%ds_v4",
		"Standard_E%dd_v4", "Standard_E%dds_v4", "Standard_E%das_v4"} {
		numbered(f, 2, 4, 8, 16, 20, 32, 48, 64)
	}
	for _, f := range []string{"Standard_E%d_v5", "Standard_E%ds_v5", "Standard_E%dd_v5", "Standard_E%dds_v5",
		"Standard_E%das_v5", "Standard_E%dads_v5"} {
		numbered(f, 2, 4, 8, 16, 20, 32, 48, 64, 96)
	}
	// F compute optimised.
	numbered("Standard_F%d", 1, 2, 4, 8, 16)
	numbered("Standard_F%ds", 1, 2, 4, 8, 16)
	numbered("Standard_F%ds_v2", 2, 4, 8, 16, 32, 48, 64, 72)
	// B burstable.
	add(1, "Standard_B1ls", "Standard_B1s", "Standard_B1ms")
	add(2, "Standard_B2s", "Standard_B2ms")
	numbered("Standard_B%dms", 4, 8, 12, 16, 20)
	// Av2 entry level.
	numbered("Standard_A%d_v2", 1, 2, 4, 8)
	numbered("Standard_A%dm_v2", 2, 4, 8)
	// GPU sizes.
	numbered("Standard_NC%d", 6, 12, 24)
	numbered("Standard_NC%ds_v2", 6, 12, 24)
	numbered("Standard_NC%ds_v3", 6, 12, 24)
	numbered("Standard_NC%das_T4_v3", 4, 8, 16, 64)
	numbered("Standard_NV%d", 6, 12, 24)
	numbered("Standard_NV%ds_v3", 12, 24, 48)
	numbered("Standard_ND%ds", 6, 12, 24)
	return t
}

// VCPUs returns the vCPU count of an Azure VM size (case-insensitive), and whether the
// size is in the SDK's table of common AKS node sizes. An empty size means the service
// default, Standard_D3_v2.
func VCPUs(vmSize string) (vcpus int, known bool) {
	if vmSize == "" {
		vmSize = DefaultVMSize
	}
	n, ok := vmSizeVCPUs[strings.ToLower(vmSize)]
	return n, ok
}
