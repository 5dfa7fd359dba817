package main

import (
	"fmt"
	"io"
	"strings"
)

// topHelp writes the help of azml itself.
func (a *app) topHelp(w io.Writer, all []*command) {
	fmt.Fprint(w, `azml deploys models to Azure Kubernetes Service through an Azure Machine Learning
workspace, like 'az ml' (v1), on the azureml-go SDK.

Usage:
  azml <group> <command> [subcommand] [flags]

Groups:
`)
	for _, g := range groups {
		fmt.Fprintf(w, "  %-15s %s\n", g.name, g.summary)
	}
	fmt.Fprint(w, "\nCommands:\n")
	writeCommandList(w, all)
	fmt.Fprintf(w, `
Workspace: -s/-g/-w, then %s, %s and %s, then a config.json
found from --path upwards; with no subscription anywhere, an embedded local workspace
(state kept in --local-data, %s, or ~/.azureml-go/local).

Output goes to stdout as JSON (-o json, the default) or a table (-o table); progress goes
to stderr. Exit codes: 0 success, 1 service or operation failure, 2 bad input (nothing
was sent). A create or change whose answer was lost, and whose effect azml could not read
back, fails with exit 1 and "outcome unknown": check the resource before repeating it.

Run 'azml <group> --help' or 'azml <group> <command> --help' for details.
`, envSubscription, envResourceGroup, envWorkspaceName, envLocalDataDir)
}

// groupHelp lists the commands under prefix.
func (a *app) groupHelp(w io.Writer, all []*command, prefix []string) {
	name := strings.Join(prefix, " ")
	for _, g := range groups {
		if g.name == name {
			fmt.Fprintf(w, "azml %s: %s\n", name, g.summary)
		}
	}
	fmt.Fprintf(w, "\nUsage:\n  azml %s <command> [flags]\n\nCommands:\n", name)
	writeCommandList(w, commandsUnder(all, prefix))
	fmt.Fprintf(w, "\nRun 'azml %s <command> --help' for the flags of a command.\n", name)
}

// writeCommandList writes one line per command: path and summary.
func writeCommandList(w io.Writer, cmds []*command) {
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.path))
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.path, c.summary)
	}
}

// commandHelp writes the help of one command.
func (a *app) commandHelp(w io.Writer, c *command, f *flagSet) {
	fmt.Fprintf(w, "azml %s: %s\n\nUsage:\n  azml %s %s\n", c.path, c.summary, c.path, c.usage)
	if len(c.aliases) > 0 {
		fmt.Fprintf(w, "\nAlso: azml %s\n", strings.Join(c.aliases, ", azml "))
	}
	if c.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(c.details, "\n"))
	}
	f.usage(w)
	if len(c.examples) > 0 {
		fmt.Fprint(w, "\nExamples:\n")
		for _, e := range c.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}
