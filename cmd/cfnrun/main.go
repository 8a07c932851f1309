// Command cfnrun serves, validates and diffs API Gateway templates
// (CloudFormation and Terraform) locally. This package only parses flags,
// wires packages together and maps results to exit codes.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	// Before the other initialisers allocate: the heap moves to a huge
	// page (see the package).
	_ "github.com/cfnrun/cfnrun/internal/earlyheap"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	// Nothing reads a heap profile unless up serves --pprof. Without the
	// sampling (one allocation stack recorded per 512 KiB allocated) no
	// 1.4 MB bucket table is mapped and no stacks are walked: ~65 fewer
	// page faults of a 2,000-resource validate.
	if !pprofRequested(os.Args[1:]) {
		runtime.MemProfileRate = 0
	}
	args := os.Args[1:]
	if printsOnly(args) {
		// Nothing to stop: no signal handling, which would start three
		// threads (os/signal's receiver, the runtime's signal-mask thread
		// and its template thread), about half a millisecond of CPU of
		// a process that otherwise takes ~5.
		os.Exit(runEnv(&env{ctx: context.Background(), stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, process: true}, args))
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first SIGINT or SIGTERM cancels the context: every command
		// stops what it is doing (up drains its connections first). The
		// second exits at once, whatever is still running.
		s := <-sigs
		cancel(signalled{s})
		s = <-sigs
		fmt.Fprintf(os.Stderr, "cfnrun: %s again: exiting now\n", signalName(s))
		os.Exit(signalCode(s))
	}()
	code := runEnv(&env{ctx: ctx, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, process: true}, args)
	signal.Stop(sigs)
	os.Exit(code)
}

// printsOnly reports whether args ask for the version or the list of
// commands: output printed at once, with nothing a signal could
// interrupt (a command's own --help still goes through the command, as
// its flags are parsed there).
func printsOnly(args []string) bool {
	if len(args) != 1 {
		return false
	}
	switch args[0] {
	case "version", "--version", "-version", "help", "-h", "--help":
		return true
	}
	return false
}
