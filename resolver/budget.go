package resolver

import (
	"cmp"
	"context"
	"fmt"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// The work one template may cause is bounded, so that no input —
// CloudFormation itself reads templates of at most 1 MB — makes a command
// run out of memory or time: YAML aliases, nested Fn::Sub variable maps,
// Fn::Join over repeated values and nested Fn::ForEach loops all multiply
// what a few bytes of template ask for. Every evaluation step spends from
// one budget per template; when it runs out, resolution stops with one
// finding (E1003) at the place that overran it, naming the limit. The
// limits sit far above what a real template needs (the 2,000-resource,
// 600 KB benchmark template builds 800 lists and maps and 200 KB of
// strings) and far below what hurts a shared machine.
const (
	// maxTemplateBytes is the largest file cfnrun reads at all (a larger
	// one is an input error, E0100); CloudFormation's own limit (E1002)
	// is 1 MB.
	maxTemplateBytes = 8 << 20
	// cfnTemplateLimit is CloudFormation's limit on a template's size
	// (a template given by S3 URL; a body sent inline: 51,200 bytes).
	cfnTemplateLimit = 1_000_000
	// maxEvalValues bounds the lists and maps evaluation builds, and the
	// nodes Fn::ForEach copies, together.
	maxEvalValues = 1_000_000
	// maxEvalBytes bounds the bytes of the strings evaluation builds
	// (Fn::Sub, Fn::Join, Fn::Base64, Fn::ToJsonString, lists and maps
	// rendered as text), together.
	maxEvalBytes = 64 << 20
	// maxValueBytes bounds one string built by evaluation.
	maxValueBytes = 4 << 20
	// maxLoopEntries bounds the entries all Fn::ForEach loops of a
	// template produce together.
	maxLoopEntries = 10_000
	// maxResourceDepth bounds the depth of an API's resource tree: every
	// resource's path is a string as long as its depth.
	maxResourceDepth = 128
	// checkCancelEvery is how many budget charges pass between two looks
	// at the context, so an interrupted command stops within milliseconds
	// without paying for a look at every step.
	checkCancelEvery = 512
)

var ruleTemplateSize = define(Rule{ID: "E1002", Level: "error",
	Summary: "template larger than CloudFormation's 1 MB limit",
	Why:     "CloudFormation rejects a template over 1,000,000 bytes (51,200 bytes when sent inline rather than by S3 URL)."})

var ruleBudget = define(Rule{ID: "E1003", Level: "error",
	Summary: "evaluation stopped at one of cfnrun's limits (values built, bytes of strings, one string's length, Fn::ForEach entries)",
	Why: "Aliases, nested Fn::Sub variable maps, Fn::Join over repeated values and nested loops can ask for " +
		"gigabytes from a few kilobytes of template; cfnrun stops at the limit instead of exhausting the " +
		"machine, and checks nothing after that point. CloudFormation would reject such a template too (its " +
		"processed template is limited in size)."})

// limits are the bounds of one resolution; tests and fuzz targets make
// them smaller (Options.limits), everything else uses defaultLimits.
type limits struct {
	values, bytes, valueBytes, entries int
}

var defaultLimits = limits{values: maxEvalValues, bytes: maxEvalBytes, valueBytes: maxValueBytes, entries: maxLoopEntries}

// budget is the work left for one template.
type budget struct {
	limits
	ctx     context.Context
	values  int // lists and maps still allowed
	bytes   int // bytes of strings still allowed
	entries int // Fn::ForEach entries still allowed
	ticks   int
	// stopped is set once, when a limit is reached or the context is
	// done; every later evaluation returns at once.
	stopped bool
}

func newBudget(ctx context.Context, l *limits) budget {
	if l == nil {
		l = &defaultLimits
	}
	return budget{limits: *l, ctx: ctx, values: l.values, bytes: l.bytes, entries: l.entries}
}

// tick looks at the context every checkCancelEvery calls and reports
// whether work may go on.
func (s *stack) tick(at *cfn.Node) bool {
	b := &s.budget
	if b.stopped {
		return false
	}
	b.ticks++
	if b.ticks%checkCancelEvery == 0 {
		if err := b.ctx.Err(); err != nil {
			s.cancelled(at, err)
			return false
		}
	}
	return true
}

// spendValues charges n lists or maps built at node at.
func (s *stack) spendValues(n int, at *cfn.Node) bool {
	if !s.tick(at) {
		return false
	}
	if s.budget.values -= n; s.budget.values < 0 {
		s.stop(at, fmt.Sprintf("more than %d lists and maps in all, cfnrun's limit", s.budget.limits.values), "")
		return false
	}
	return true
}

// spendBytes charges a string of n bytes about to be built at node at;
// false means it must not be built.
func (s *stack) spendBytes(n int, at *cfn.Node) bool {
	if !s.tick(at) {
		return false
	}
	if n > s.budget.valueBytes {
		s.stop(at, fmt.Sprintf("a string of %s, over cfnrun's limit of %s for one value", sizeText(n), sizeText(s.budget.valueBytes)), "")
		return false
	}
	if s.budget.bytes -= n; s.budget.bytes < 0 {
		s.stop(at, fmt.Sprintf("more than %s of strings in all, cfnrun's limit", sizeText(s.budget.limits.bytes)), "")
		return false
	}
	return true
}

// spendEntries charges n entries produced by Fn::ForEach at the loop key.
func (s *stack) spendEntries(n int, at diag.Range) bool {
	if s.budget.stopped {
		return false
	}
	if s.budget.entries -= n; s.budget.entries < 0 {
		s.stopAt(at,
			fmt.Sprintf("more than %d Fn::ForEach entries in all, cfnrun's limit", s.budget.limits.entries),
			"Split the loops, or write fewer collection values; CloudFormation itself limits a template's resources to 500.")
		return false
	}
	return true
}

// stop ends evaluation at node at (nil: the template's top) because it
// builds what, over a limit.
func (s *stack) stop(at *cfn.Node, what, hint string) {
	s.stopAt(nodeRange(s.file, at), what, hint)
}

// cancelled ends evaluation because the context is done (err).
func (s *stack) cancelled(at *cfn.Node, err error) {
	if s.budget.stopped {
		return
	}
	s.budget.stopped = true
	s.errorf(ruleInput, nodeRange(s.file, at), "", "The command was interrupted; nothing after this point is checked.", "cancelled: %v", err)
}

func nodeRange(file string, n *cfn.Node) diag.Range {
	if n == nil {
		return fileStart(file)
	}
	return n.Range()
}

func (s *stack) stopAt(rng diag.Range, what, hint string) {
	if s.budget.stopped {
		return
	}
	s.budget.stopped = true
	s.errorf(ruleBudget, rng, "", cmp.Or(hint,
		"Simplify the expression (aliases, nested Fn::Sub maps and Fn::Join over repeated values multiply sizes); CloudFormation rejects templates whose processed form is this large."),
		"evaluation stopped: this builds %s; nothing after this point is checked", what)
}

// sizeText renders a byte count for messages: "8 MiB", "5.9 GiB".
func sizeText(n int) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
