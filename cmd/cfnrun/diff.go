package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/cfnrun/cfnrun/cmd/cfnrun/internal/heapplan"
	"github.com/cfnrun/cfnrun/diff"
	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/resolver"
)

// diff exit codes, as terraform plan -detailed-exitcode.
const (
	diffNoChanges = 0
	diffError     = 1
	diffChanges   = 2
)

func diffCommand() command {
	c := command{
		name:    "diff",
		summary: "show what a template change does: resources, routes and hazards",
		usage:   "cfnrun diff [flags] OLD NEW\n  cfnrun diff [flags] --git REV PATH",
		example: "cfnrun diff before.yaml after.yaml\n" +
			"cfnrun diff --git origin/main template.yaml --format markdown > comment.md\n" +
			"cfnrun diff --exit-code old/ new/    # Terraform directories; exit 2 when something changed",
	}
	c.run = func(e *env, args []string) int {
		fs := newFlagSet(e, &c)
		format := fs.String("format", "text", "output `format`: text, json, markdown (a pull-request comment) or github (Actions annotations)")
		color := fs.String("color", "auto", "colour the text output: `auto` (when stdout is a terminal), always or never")
		exitCode := fs.Bool("exit-code", false, "exit 0 when nothing changed, 2 when something did, 1 on error (terraform plan -detailed-exitcode)")
		gitRev := fs.String("git", "", "compare PATH at git revision `REV` (old) with the working copy (new)")
		strict := fs.Bool("strict", false, "exit 1, printing them, when either template has errors that would stop a deployment (by default the diff notes their count and goes on)")
		in := addInputFlags(fs)
		if code, ok := parseFlags(e, fs, args); !ok {
			if code == exitOK {
				return exitOK
			}
			return diffError
		}
		switch *format {
		case "text", "json", "markdown", "github":
		default:
			fmt.Fprintf(e.stderr, "cfnrun diff: unknown --format %q.%s\nUse text, json, markdown or github.\n", *format, didYouMean(*format, []string{"text", "json", "markdown", "github"}))
			return diffError
		}
		var useColor bool
		switch *color {
		case "auto":
			useColor = isTerminal(e.stdout) && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
		case "always":
			useColor = true
		case "never":
		default:
			fmt.Fprintf(e.stderr, "cfnrun diff: unknown --color %q\nUse auto, always or never.\n", *color)
			return diffError
		}

		pos := fs.Args()
		if e.process {
			heapplan.Prepare("diff", pos, *gitRev != "")
		}
		var oldT, newT *model.Template
		var relabelFrom, relabelTo string
		opts := in.options()
		opts.AllowExtensions = true // diffing is not validating
		opts.LazyProps = true       // diff reads Props through Node.Properties
		opts.NoNestedStacks = true  // it pairs resources by logical id, which nested stacks share
		if *gitRev != "" {
			if len(pos) != 1 {
				fmt.Fprintf(e.stderr, "cfnrun diff --git %s: name one PATH (a template file or a Terraform directory), got %d\n", *gitRev, len(pos))
				return diffError
			}
			if opts.StackName == "" {
				opts.StackName = stackNameOf(pos[0])
			}
			tmp, err := os.MkdirTemp("", "cfnrun-diff-")
			if err != nil {
				fmt.Fprintf(e.stderr, "cfnrun diff: cannot create a temporary directory for the old side (set TMPDIR to a writable directory): %v\n", err)
				return diffError
			}
			defer os.RemoveAll(tmp)
			oldPath, found, err := gitExtract(e.ctx, *gitRev, pos[0], tmp)
			if e.ctx.Err() != nil {
				return interrupted(e, "diff")
			}
			if err != nil {
				fmt.Fprintf(e.stderr, "cfnrun diff: %v\n", err)
				return diffError
			}
			// Report the old side as REV:path, not the temporary copy.
			relabelFrom, relabelTo = tmp+string(filepath.Separator), *gitRev+":"
			var oldSide, newSide side
			oldOpts, newOpts := opts, opts
			if found {
				oldOpts.OneCore, newOpts.OneCore = oneCore(oldPath, pos[0])
			}
			bothSides(func() {
				newSide = resolveSide(e, "new", pos[0], pos[0], "'"+in.validateLine(true, pos[0])+"'", newOpts)
			}, func() {
				if found {
					oldSide = resolveSide(e, "old", pos[0]+" at "+*gitRev, oldPath, fmt.Sprintf("'%s' on a checkout of %s", in.validateLine(true, pos[0]), *gitRev), oldOpts)
					oldSide.relabel(relabelFrom, relabelTo)
				}
			})
			if e.ctx.Err() != nil {
				return interrupted(e, "diff")
			}
			if !reportSides(e, *strict, oldSide, newSide) {
				return diffError
			}
			newT = newSide.r.Template
			if found {
				oldT = oldSide.r.Template
			} else {
				// The path is new in the working copy: everything is added.
				oldT = &model.Template{Format: newT.Format}
			}
		} else {
			if len(pos) != 2 {
				fmt.Fprintf(e.stderr, "cfnrun diff: name two templates, OLD and NEW (files or Terraform directories), got %d\nOr compare with git: cfnrun diff --git REV PATH\n", len(pos))
				return diffError
			}
			if opts.StackName == "" {
				// The same stack on both sides, so generated ids agree.
				opts.StackName = stackNameOf(pos[1])
			}
			var oldSide, newSide side
			oldOpts, newOpts := opts, opts
			oldOpts.OneCore, newOpts.OneCore = oneCore(pos[0], pos[1])
			bothSides(func() {
				oldSide = resolveSide(e, "old", pos[0], pos[0], "'"+in.validateLine(true, pos[0])+"'", oldOpts)
			}, func() {
				newSide = resolveSide(e, "new", pos[1], pos[1], "'"+in.validateLine(true, pos[1])+"'", newOpts)
			})
			if e.ctx.Err() != nil {
				return interrupted(e, "diff")
			}
			if !reportSides(e, *strict, oldSide, newSide) {
				return diffError
			}
			oldT, newT = oldSide.r.Template, newSide.r.Template
		}

		res, err := diff.Compare(e.ctx, oldT, newT)
		if e.ctx.Err() != nil {
			return interrupted(e, "diff")
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "cfnrun diff: comparing the templates failed: %v\n", err)
			return diffError
		}
		if relabelFrom != "" {
			res.RelabelFiles(relabelFrom, relabelTo)
		}
		switch *format {
		case "json":
			err = diff.WriteJSON(e.stdout, res)
		case "markdown":
			err = diff.WriteMarkdown(e.stdout, res)
		case "github":
			err = diff.WriteGitHub(e.stdout, res)
		default:
			err = diff.WriteText(e.stdout, res, useColor)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "cfnrun diff: writing output: %v\n", err)
			return diffError
		}
		if *exitCode && !res.Empty() {
			return diffChanges
		}
		return diffNoChanges
	}
	return c
}

// side is one resolved input of the comparison.
type side struct {
	name         string // "old" or "new"
	shown        string // the path as the user knows it (REV:path for --git)
	validateHint string // the command that shows its findings
	r            *resolver.Result
}

// bothSides runs the resolution of the two sides at once: they share
// nothing (each resolve reads its own files into its own model), and on a
// machine with two or more cores the diff's wall time is then about that of
// the larger side instead of the sum (each side on its own core: oneCore).
func bothSides(old, new func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		old()
	}()
	new()
	wg.Wait()
}

// oneCore says which of the two sides at paths a and b are resolved on
// one core each (resolver.Options.OneCore) rather than with the helper
// goroutines that spread a single resolve over two cores. On two cores
// two resolves of about the same size already keep both busy: a side
// needs no helpers while the other side keeps the other core busy about
// as long (nine tenths, by heapplan's estimate of what each builds).
// With them, the sides' four to six goroutines only take turns, at the
// cost of their handovers and the second reader's merge (2.3 M
// instructions and 2 MB of a 2,000-resource pair). The larger side of a
// lopsided pair keeps its helpers for the core the smaller leaves idle:
// resolved on one core, a 2,000-resource side against a 1,000 or 1,500
// took 1.03-1.08x the wall time. With more cores, every side keeps them.
func oneCore(a, b string) (aOne, bOne bool) {
	switch procs := runtime.GOMAXPROCS(0); {
	case procs == 1:
		return true, true
	case procs > 2:
		return false, false
	}
	ea, eb := heapplan.Estimate([]string{a}), heapplan.Estimate([]string{b})
	return 10*eb >= 9*ea, 10*ea >= 9*eb
}

// resolveSide resolves one side of the comparison.
func resolveSide(e *env, name, shown, path, validateHint string, opts resolver.Options) side {
	return side{name: name, shown: shown, validateHint: validateHint, r: resolve(e.ctx, []string{path}, opts)}
}

// relabel shows the files of s read from a temporary copy as REV:path.
func (s *side) relabel(from, to string) {
	if s.r == nil || from == "" {
		return
	}
	files := diag.NewFiles()
	for _, n := range s.r.Files.Names() {
		files.Add(relabelName(n, from, to), s.r.Files.Source(n))
	}
	s.r.Files = files
	for i := range s.r.Diags {
		d := &s.r.Diags[i]
		d.Range.Filename = relabelName(d.Range.Filename, from, to)
		if len(d.Related) > 0 {
			d.Related = slices.Clone(d.Related)
			for j := range d.Related {
				d.Related[j].Range.Filename = relabelName(d.Related[j].Range.Filename, from, to)
			}
		}
	}
}

func relabelName(name, from, to string) string {
	if rest, ok := strings.CutPrefix(name, from); ok {
		return to + rest
	}
	return name
}

// reportSides decides whether the diff can go on. A side that was not read
// as a whole (missing, a YAML/JSON/HCL syntax error, not a template) stops
// it: comparing what little was read would report every resource
// destroyed, or "No changes" when both sides are broken. Its errors are
// printed with their source lines, every broken side's, and the diff exits
// 1 whatever --exit-code says. Errors that would only stop a deployment (a
// stage without a deployment, say) do not change what the diff can say;
// their count is noted on stderr, since 'cfnrun validate' reports them,
// unless --strict makes them stop the diff too.
func reportSides(e *env, strict bool, sides ...side) bool {
	ok := true
	for _, s := range sides {
		if s.r == nil {
			continue
		}
		if bad := unreadable(s.r); len(bad) > 0 {
			ok = false
			fmt.Fprintf(e.stderr, "cfnrun diff: cannot read the %s template (%s); nothing was compared:\n\n", s.name, s.shown)
			_ = diag.WriteText(e.stderr, s.r.Files, bad.Sort())
			continue
		}
		if strict && s.r.Diags.HasErrors() {
			ok = false
			fmt.Fprintf(e.stderr, "cfnrun diff: --strict: the %s template (%s) has errors; nothing was compared:\n\n", s.name, s.shown)
			_ = diag.WriteText(e.stderr, s.r.Files, s.r.Diags.Errors().Sort())
		}
	}
	if !ok {
		fmt.Fprintf(e.stderr, "Fix the errors above and run the diff again.\n")
		return false
	}
	for _, s := range sides {
		if s.r == nil {
			continue
		}
		if n := s.r.Diags.Count(diag.Error); n > 0 {
			why := ""
			if ext := extensionUses(s.r.Diags); ext > 0 {
				why = fmt.Sprintf(" (not counting %d use(s) of cfnrun's extensions, which a diff does not judge)", ext)
			}
			fmt.Fprintf(e.stderr, "cfnrun diff: note: the %s template has %d error(s) that would stop a deployment%s; %s shows them.\n", s.name, n, why, s.validateHint)
		}
	}
	return true
}

// gitExtract writes path (a file, or every file under a directory) as it
// was at git revision rev into dir, keeping its relative location, and
// returns the extracted path. found is false when path did not exist at
// rev.
func gitExtract(ctx context.Context, rev, path, dir string) (out string, found bool, err error) {
	if filepath.IsAbs(path) {
		// git prints names relative to the working directory; match them.
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, path); err == nil {
				path = rel
			}
		}
	}
	clean := filepath.ToSlash(filepath.Clean(path))
	list, err := runGit(ctx, "ls-tree", "-r", "--name-only", rev, "--", clean)
	if err != nil {
		return "", false, fmt.Errorf("cannot list %s at git revision %s: %v", path, rev, err)
	}
	files := strings.Fields(strings.TrimSpace(string(list)))
	if len(files) == 0 {
		return "", false, nil
	}
	rel := clean
	if filepath.IsAbs(rel) || strings.HasPrefix(rel, "../") {
		rel = filepath.Base(rel)
	}
	for _, f := range files {
		src, err := runGit(ctx, "show", rev+":./"+f)
		if err != nil {
			return "", false, fmt.Errorf("cannot read %s at git revision %s: %v", f, rev, err)
		}
		target := filepath.Join(dir, rel)
		if f != clean {
			sub, err := filepath.Rel(clean, f)
			if err != nil || strings.HasPrefix(sub, "..") {
				sub = filepath.Base(f)
			}
			target = filepath.Join(dir, rel, sub)
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return "", false, fmt.Errorf("cannot write %s at git revision %s to a temporary directory: %v", f, rev, err)
		}
		if err := os.WriteFile(target, src, 0o644); err != nil {
			return "", false, fmt.Errorf("cannot write %s at git revision %s to a temporary directory: %v", f, rev, err)
		}
	}
	return filepath.Join(dir, rel), true, nil
}

func runGit(ctx context.Context, args ...string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return nil, fmt.Errorf("--git runs git, which is not installed or not on PATH")
		}
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("git %s says: %s", args[0], msg)
		}
		return nil, fmt.Errorf("git %s failed: %v", args[0], err)
	}
	return stdout.Bytes(), nil
}

// stackNameOf derives AWS::StackName from a template path the way the
// resolver does, so both sides of a diff get the same generated ids.
func stackNameOf(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	var b strings.Builder
	for _, r := range base {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') {
		name = "cfnrun-" + name
	}
	return strings.TrimSuffix(name, "-")
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
