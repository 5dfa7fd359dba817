package compute

import (
	"strings"
)

// reservedNames are refused by ComputeTarget.create in azureml-core.
var reservedNames = []string{"amlcompute", "local", "containerinstance"}

// ValidateName checks a compute name against the documented rules: 3 to 24 characters,
// only ASCII letters, digits and '-', starting with a letter, and not one of the reserved
// names amlcompute, local, containerinstance (compared case-insensitively). It returns a
// *ValidationError listing every broken rule, or nil.
func ValidateName(name string) error {
	var c checker
	checkName(&c, name)
	return c.err("compute name")
}

func checkName(c *checker, name string) {
	const field = "name"
	if name == "" {
		c.add(field, RuleRequired, "the compute name is required")
		return
	}
	if n := len(name); n < 3 || n > 24 {
		c.add(field, RuleNameFormat, "%q has %d characters; a compute name has 3 to 24", name, n)
	}
	if !isASCIILetter(name[0]) {
		c.add(field, RuleNameFormat, "%q must start with a letter", name)
	}
	for i := 0; i < len(name); i++ {
		if b := name[i]; !isASCIILetter(b) && !isDigit(b) && b != '-' {
			c.add(field, RuleNameFormat, "%q may contain only letters, digits and '-'", name)
			break
		}
	}
	for _, r := range reservedNames {
		if strings.EqualFold(name, r) {
			c.add(field, RuleNameReserved, "%q is a reserved name", name)
		}
	}
}

func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }
func isDigit(b byte) bool       { return b >= '0' && b <= '9' }
