package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/cfnrun/cfnrun/resolver"
)

// signalled is the cause of a context cancelled by a signal.
type signalled struct{ sig os.Signal }

func (s signalled) Error() string { return "interrupted by " + signalName(s.sig) }

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// signalCode is the shell's exit status for a process ended by s: 128 +
// the signal number (130 for SIGINT, 143 for SIGTERM).
func signalCode(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 130
}

// interrupted reports that command name stopped because e.ctx ended, and
// returns the exit code: 128 + the signal's number when a signal ended
// it, 130 otherwise.
func interrupted(e *env, name string) int {
	cause := context.Cause(e.ctx)
	var s signalled
	if errors.As(cause, &s) {
		fmt.Fprintf(e.stderr, "cfnrun %s: %v; stopped before finishing\n", name, s)
		return signalCode(s.sig)
	}
	fmt.Fprintf(e.stderr, "cfnrun %s: stopped before finishing: %v\n", name, cause)
	return 130
}

// resolve runs resolver.Resolve under ctx and returns nil as soon as ctx
// ends. The resolver and the Terraform front end check ctx in their loops;
// not waiting for them here makes every command stop at once on a signal
// even in a step that does not check (the process exits right after, so
// nothing is left running). A result whose resolution was cancelled is
// partial and is never returned.
// resolveStaged is resolve for resolver.ResolveStaged, started at once:
// wait returns its parts, r nil as soon as ctx ends; finish is not
// watched (it only checks the model). The caller sets up what does not
// need the model meanwhile.
func resolveStaged(ctx context.Context, paths []string, opts resolver.Options) (wait func() (r *resolver.Result, finish func() *resolver.Result)) {
	type staged struct {
		r      *resolver.Result
		finish func() *resolver.Result
	}
	done := make(chan staged, 1)
	go func() {
		r, finish := resolver.ResolveStaged(ctx, paths, opts)
		done <- staged{r, finish}
	}()
	return func() (*resolver.Result, func() *resolver.Result) {
		select {
		case st := <-done:
			if ctx.Err() != nil {
				return nil, nil
			}
			return st.r, st.finish
		case <-ctx.Done():
			return nil, nil
		}
	}
}

func resolve(ctx context.Context, paths []string, opts resolver.Options) *resolver.Result {
	done := make(chan *resolver.Result, 1)
	go func() { done <- resolver.Resolve(ctx, paths, opts) }()
	select {
	case r := <-done:
		if ctx.Err() != nil {
			return nil
		}
		return r
	case <-ctx.Done():
		return nil
	}
}
