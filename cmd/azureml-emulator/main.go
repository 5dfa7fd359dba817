// Command azureml-emulator runs the local workspace — an emulator of the Azure
// ML v1 REST back ends — as a standalone server on 127.0.0.1.
//
// The first line on stdout is one JSON object describing the workspace:
//
//	{"armEndpoint":…,"discoveryUrl":…,"subscriptionId":…,"resourceGroup":…,"workspaceName":…}
//
// followed by the config.json a client can use and the environment variables
// (as export lines) that point the SDK's examples and tools at it. The server
// runs until SIGINT or SIGTERM and then shuts down cleanly.
//
// Usage:
//
//	azureml-emulator [-addr 127.0.0.1:0] [-data DIR] [-operation-delay 2s] [-retry-after 0] [-v]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/azureml-go/azureml/internal/emulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "azureml-emulator:", err)
		os.Exit(1)
	}
}

// run parses args, starts the server, prints the connection details to stdout
// and serves until SIGINT/SIGTERM.
func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("azureml-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", emulator.DefaultAddr, "listen address (host:port; port 0 picks a free port)")
	data := fs.String("data", "", "directory that persists the workspace state (default: in memory)")
	delay := fs.Duration("operation-delay", 2*time.Second, "minimum time an async operation stays in progress")
	retryAfter := fs.Duration("retry-after", 0, "Retry-After hint on operation polls (0: none)")
	sub := fs.String("subscription", emulator.DefaultSubscriptionID, "subscription id of the local workspace")
	rg := fs.String("resource-group", emulator.DefaultResourceGroup, "resource group of the local workspace")
	ws := fs.String("workspace", emulator.DefaultWorkspaceName, "name of the local workspace")
	location := fs.String("location", emulator.DefaultLocation, "region reported for the workspace")
	python := fs.String("python", "python3", "python3 executable that runs scoring scripts")
	verbose := fs.Bool("v", false, "log every request to stderr (secrets are never logged)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	opts := emulator.Options{
		SubscriptionID: *sub,
		ResourceGroup:  *rg,
		WorkspaceName:  *ws,
		Location:       *location,
		Addr:           *addr,
		DataDir:        *data,
		OperationDelay: *delay,
		RetryAfter:     *retryAfter,
		Python:         *python,
	}
	if *verbose {
		logger := log.New(stderr, "", log.LstdFlags|log.Lmicroseconds)
		opts.Logf = logger.Printf
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv, err := emulator.New(opts)
	if err != nil {
		return err
	}
	if err := printInfo(stdout, srv.Info()); err != nil {
		_ = srv.Close()
		return err
	}
	<-ctx.Done()
	fmt.Fprintln(stderr, "azureml-emulator: shutting down")
	return srv.Close()
}

// configFile is the config.json shape 1 of the reference (§1.1).
type configFile struct {
	SubscriptionID string `json:"subscription_id"`
	ResourceGroup  string `json:"resource_group"`
	WorkspaceName  string `json:"workspace_name"`
}

// printInfo writes the connection details: one JSON line, then config.json
// and export lines (both preceded by a comment line).
func printInfo(w io.Writer, info emulator.Info) error {
	line, err := json.Marshal(info)
	if err != nil {
		return err
	}
	cfg, err := json.MarshalIndent(configFile{
		SubscriptionID: info.SubscriptionID,
		ResourceGroup:  info.ResourceGroup,
		WorkspaceName:  info.WorkspaceName,
	}, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n# config.json (save as .azureml/config.json; the ARM endpoint comes from AZUREML_ARM_ENDPOINT):\n%s\n# environment:\n"+
		"export AZUREML_SUBSCRIPTION_ID=%s\n"+
		"export AZUREML_RESOURCE_GROUP=%s\n"+
		"export AZUREML_WORKSPACE_NAME=%s\n"+
		"export AZUREML_ARM_ENDPOINT=%s\n"+
		"export AZUREML_DISCOVERY_SERVICE_ENDPOINT=%s\n"+
		"export AZUREML_ARM_ACCESS_TOKEN=local\n",
		line, cfg,
		shellQuote(info.SubscriptionID), shellQuote(info.ResourceGroup), shellQuote(info.WorkspaceName),
		shellQuote(info.ARMEndpoint), shellQuote(info.DiscoveryURL))
	if f, ok := w.(interface{ Sync() error }); ok {
		_ = f.Sync()
	}
	return err
}

// shellQuote quotes s for a POSIX shell when it holds anything but safe characters.
func shellQuote(s string) string {
	safe := s != ""
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '/' || c == ':') {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	out := "'"
	for _, c := range s {
		if c == '\'' {
			out += `'\''`
		} else {
			out += string(c)
		}
	}
	return out + "'"
}
