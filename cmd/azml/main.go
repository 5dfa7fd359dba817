package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := newApp(os.Stdin, os.Stdout, os.Stderr, os.Getenv, stderrIsTerminal()).run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// stderrIsTerminal reports whether stderr is a character device (a terminal), which
// decides between a spinner and plain progress lines.
func stderrIsTerminal() bool {
	fi, err := os.Stderr.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
