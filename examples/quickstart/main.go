// Command quickstart is the first thing to run: it resolves a workspace (the environment,
// then config.json, then an embedded local workspace) and walks the main flow of the SDK
// on it.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/azureml-go/azureml/internal/backend"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	b, err := backend.Resolve(ctx, &backend.Options{Out: out})
	if err != nil {
		return err
	}
	defer b.Close()
	ws := b.Workspace
	fmt.Fprintf(out, "workspace:   %s\n", ws.Name())
	fmt.Fprintf(out, "id:          %s\n", ws.ID())
	fmt.Fprintf(out, "location:    %s\n", ws.Location())
	fmt.Fprintf(out, "discovery:   %s\n", ws.DiscoveryURL())
	h := ws.Hosts()
	fmt.Fprintf(out, "hosts:       api=%s modelmanagement=%s history=%s\n", h.API, h.ModelManagement, h.History)
	return nil
}
