package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// Exit codes shared by every command.
const (
	exitOK       = 0
	exitFindings = 1 // validate: errors found; diff --exit-code: error
	exitUsage    = 2 // the command could not run
)

// env is what a command sees of the process: no globals.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// process is true when the command runs as the cfnrun process itself
	// (main), not in a test: only then may it change process-wide
	// settings such as the garbage collector's (internal/shortheap).
	process bool
}

type command struct {
	name    string
	summary string
	usage   string // "cfnrun validate [flags] FILE..."
	example string
	run     func(e *env, args []string) int
}

func commands() []command {
	return []command{
		upCommand(),
		validateCommand(),
		routesCommand(),
		graphCommand(),
		diffCommand(),
		tokenCommand(),
		versionCommand(),
	}
}

func versionCommand() command {
	c := command{name: "version", summary: "print the version", usage: "cfnrun version", example: "cfnrun version"}
	c.run = func(e *env, args []string) int {
		fs := newFlagSet(e, &c)
		if code, ok := parseFlags(e, fs, args); !ok {
			return code
		}
		if fs.NArg() > 0 {
			fmt.Fprintf(e.stderr, "cfnrun version: takes no arguments, got %q\n", fs.Arg(0))
			return exitUsage
		}
		fmt.Fprintf(e.stdout, "cfnrun %s\n", version)
		return exitOK
	}
	return c
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runEnv(&env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}, args)
}

func runEnv(e *env, args []string) int {
	stdout, stderr := e.stdout, e.stderr
	cmds := commands()
	if len(args) == 0 {
		// The main job: serve the embedded default.
		args = []string{"up"}
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 {
			for _, c := range cmds {
				if c.name == args[1] {
					return c.run(e, []string{"--help"})
				}
			}
		}
		topUsage(stdout, cmds)
		return exitOK
	case "--version", "-version":
		args[0] = "version"
	}
	for _, c := range cmds {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	names := make([]string, 0, len(cmds))
	for _, c := range cmds {
		names = append(names, c.name)
	}
	fmt.Fprintf(stderr, "cfnrun: unknown command %q.%s\nRun 'cfnrun --help' for the list of commands.\n", args[0], didYouMean(args[0], names))
	return exitUsage
}

func topUsage(w io.Writer, cmds []command) {
	fmt.Fprintf(w, "cfnrun serves, validates and diffs API Gateway templates locally.\n\nUsage:\n  cfnrun <command> [flags] [FILE...]\n\nCommands:\n")
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nWith no command, cfnrun runs 'up' on the embedded default template.\nRun 'cfnrun <command> --help' for a command's flags and an example.\n")
}

// newFlagSet returns a FlagSet whose usage prints the command's summary,
// usage line, flags and example.
func newFlagSet(e *env, c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "%s\n\nUsage:\n  %s\n\nFlags:\n", c.summary, c.usage)
		fs.PrintDefaults()
		if c.example != "" {
			fmt.Fprintf(w, "\nExample:\n  %s\n", strings.ReplaceAll(c.example, "\n", "\n  "))
		}
	}
	return fs
}

// parseFlags parses args and maps flag errors to exit codes: --help is 0,
// a bad flag is 2. ok is false when the caller should return code.
func parseFlags(e *env, fs *flag.FlagSet, args []string) (code int, ok bool) {
	// Allow flags after positional arguments (cfnrun validate FILE --strict).
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") {
				if f := fs.Lookup(name); f != nil {
					if bf, isBool := f.Value.(interface{ IsBoolFlag() bool }); !(isBool && bf.IsBoolFlag()) && i+1 < len(args) {
						flags = append(flags, args[i+1])
						i++
					}
				}
			}
			continue
		}
		pos = append(pos, a)
	}
	// The flag package prints the usage itself on every parse error; print
	// it once, to stdout, for --help, and a one-line pointer otherwise.
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(append(flags, append([]string{"--"}, pos...)...))
	fs.Usage = usage
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return exitOK, false
		}
		fmt.Fprintf(e.stderr, "Run 'cfnrun %s --help' for usage.\n", fs.Name())
		return exitUsage, false
	}
	return 0, true
}

// didYouMean is diag.DidYouMean with a leading space, for the end of a
// sentence, or "".
func didYouMean(name string, names []string) string {
	if h := diag.DidYouMean(name, names); h != "" {
		return " " + h
	}
	return ""
}
