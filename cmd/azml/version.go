package main

import "runtime/debug"

// version returns the module version azml was built from ("(devel)" for a local build).
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}
