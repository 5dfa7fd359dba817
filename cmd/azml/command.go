package main

import (
	"context"
	"strings"
)

// command is one leaf of the command tree, such as "computetarget create aks".
type command struct {
	// path is the words that select the command.
	path string
	// aliases are other word sequences that select it (az ml spellings).
	aliases []string
	// summary is the one-line description shown in lists.
	summary string
	// usage is the synopsis after "azml <path> ", e.g. "-n NAME [flags]".
	usage string
	// details is the longer help text; examples are shown after the flags.
	details  string
	examples []string
	// noWorkspace is set for commands that do not talk to a workspace.
	noWorkspace bool
	// setup declares the command's flags on f and returns the function that runs the
	// command once they are parsed. The function returns the value to print (nil for
	// nothing).
	setup func(f *flagSet, g *globals) runFunc
}

// runFunc runs a command against the resolved workspace.
type runFunc func(ctx context.Context, x *execution) (any, error)

// group is a first-level command word with its description.
type group struct {
	name    string
	summary string
}

// groups lists the command groups in help order.
var groups = []group{
	{"computetarget", "AKS compute targets: create, attach, update, detach, delete, show, list"},
	{"model", "models: register, show, list, delete, deploy"},
	{"service", "web services: show, list, logs, keys, token, run, update, delete"},
	{"endpoint", "AKS endpoints: show, update, delete, versions and traffic"},
}

// commands returns every command, in help order.
func commands() []*command {
	var all []*command
	all = append(all, computeCommands()...)
	all = append(all, modelCommands()...)
	all = append(all, serviceCommands()...)
	all = append(all, endpointCommands()...)
	return all
}

// findCommand matches the longest command path at the start of words. It returns the
// command, the number of words it used, and, when no command matches, the longest
// prefix of words that is a valid start of some command path (for help).
func findCommand(all []*command, words []string) (*command, int, []string) {
	var best *command
	bestLen := 0
	for _, c := range all {
		for _, p := range append([]string{c.path}, c.aliases...) {
			parts := strings.Fields(p)
			if len(parts) <= len(words) && len(parts) > bestLen && equalWords(parts, words[:len(parts)]) {
				best, bestLen = c, len(parts)
			}
		}
	}
	if best != nil {
		return best, bestLen, nil
	}
	var prefix []string
	for n := len(words); n > 0; n-- {
		if isPrefixOfSome(all, words[:n]) {
			prefix = words[:n]
			break
		}
	}
	return nil, 0, prefix
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// isPrefixOfSome reports whether words start the path of some command.
func isPrefixOfSome(all []*command, words []string) bool {
	for _, c := range all {
		parts := strings.Fields(c.path)
		if len(parts) > len(words) && equalWords(words, parts[:len(words)]) {
			return true
		}
	}
	return false
}

// commandsUnder returns the commands whose path starts with prefix.
func commandsUnder(all []*command, prefix []string) []*command {
	var out []*command
	for _, c := range all {
		parts := strings.Fields(c.path)
		if len(parts) >= len(prefix) && equalWords(prefix, parts[:len(prefix)]) {
			out = append(out, c)
		}
	}
	return out
}
