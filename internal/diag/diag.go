// Package diag is cfnrun's shared vocabulary for source positions and
// problems: Pos, Range, Diagnostic and Diagnostics, a registry of source
// files for snippets, printers (text with snippets, compact, JSON, SARIF,
// GitHub annotations) and the one did-you-mean helper (Suggest,
// DidYouMean).
//
// Invariants: every Diagnostic produced by cfnrun carries the tightest Range
// we know (a zero Range only for problems that have no place in a file, such
// as an unreadable path); Diagnostics never hold foreign error types; every
// printer shows every part of a Diagnostic (summary, hint, resource and
// related places), so nothing a finding says is lost in one format.
//
// # Building a finding
//
// A finding is built from its named parts: a constructor takes what every
// finding has (rule, range, summary), and With methods add the optional
// parts, each returning a copy:
//
//	diag.NewError(RuleStageTwice, st.Range, "stage %q is created twice", name).
//		WithResource(st.LogicalID).
//		WithHint(hintStageTwice).
//		WithRelated(first.Range, "first created by %s", first.LogicalID)
//
// A place the finding refers to ("the first declaration", "the deployment
// it points at") is a related range with a short message, never "(line N)"
// in the summary or hint: the text printer shows its source line, SARIF
// emits it as a relatedLocation that code scanning links to, JSON lists it.
// Long hints belong next to their rule (a named constant or the rule's
// table entry), not inline at the call site.
package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Pos is a position in a source file. Line and Column are 1-based; Column
// counts Unicode code points. Byte is the 0-based byte offset.
type Pos struct {
	Line   int
	Column int
	Byte   int
}

// Range is a half-open span [Start, End) in Filename.
type Range struct {
	Filename string
	Start    Pos
	End      Pos
}

// IsZero reports whether r carries no position.
func (r Range) IsZero() bool { return r.Filename == "" && r.Start.Line == 0 }

// String renders r as file:line:col.
func (r Range) String() string {
	if r.Start.Line == 0 {
		return r.Filename
	}
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}

// Severity orders findings. The zero value is Error, so a Diagnostic built
// without thought fails loudly rather than passing silently.
type Severity uint8

const (
	Error Severity = iota
	Warning
	Info
)

func (s Severity) String() string {
	switch s {
	case Warning:
		return "warning"
	case Info:
		return "info"
	default:
		return "error"
	}
}

// Diagnostic is one finding.
type Diagnostic struct {
	Severity Severity
	// Rule is a short stable identifier documented in docs/rules.md, such
	// as "E1001" or "cfn-parse"; never empty.
	Rule string
	// Summary says what is wrong in one line.
	Summary string
	// Detail says how to fix it, in sentences. May be empty.
	Detail string
	// Range is where the problem is.
	Range Range
	// Resource is the logical id (CloudFormation) or address (Terraform)
	// the finding belongs to, or empty.
	Resource string
	// Related are other places the finding concerns (the first of two
	// duplicates, the element a reference points at), each with a short
	// message; nil when there are none.
	Related []Related
}

// Related is a second place a finding points at.
type Related struct {
	Range Range
	// Message says in a few words what is at Range: "first declared
	// here", "the deployment it points at".
	Message string
}

// NewError returns an error finding of rule at rng; add the optional parts
// with the With methods.
func NewError(rule string, rng Range, format string, args ...any) Diagnostic {
	return New(Error, rule, rng, format, args...)
}

// NewWarning returns a warning finding of rule at rng.
func NewWarning(rule string, rng Range, format string, args ...any) Diagnostic {
	return New(Warning, rule, rng, format, args...)
}

// NewInfo returns an info finding of rule at rng.
func NewInfo(rule string, rng Range, format string, args ...any) Diagnostic {
	return New(Info, rule, rng, format, args...)
}

// New returns a finding of severity sev; the summary is
// fmt.Sprintf(format, args...).
func New(sev Severity, rule string, rng Range, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: sev, Rule: rule, Range: rng, Summary: fmt.Sprintf(format, args...)}
}

// WithHint returns d with hint as its Detail: how to fix it, in sentences.
func (d Diagnostic) WithHint(hint string) Diagnostic {
	d.Detail = hint
	return d
}

// WithResource returns d attributed to the logical id or address res.
func (d Diagnostic) WithResource(res string) Diagnostic {
	d.Resource = res
	return d
}

// WithRelated returns d with one more related place; the message is
// fmt.Sprintf(format, args...). d's own Related slice is never modified,
// so copies stay independent.
func (d Diagnostic) WithRelated(rng Range, format string, args ...any) Diagnostic {
	d.Related = append(slices.Clip(d.Related), Related{Range: rng, Message: fmt.Sprintf(format, args...)})
	return d
}

// WithSeverity returns d with severity sev.
func (d Diagnostic) WithSeverity(sev Severity) Diagnostic {
	d.Severity = sev
	return d
}

// Equal reports whether d and o are the same finding, part for part.
func (d Diagnostic) Equal(o Diagnostic) bool {
	return d.Severity == o.Severity && d.Rule == o.Rule && d.Summary == o.Summary && d.Detail == o.Detail &&
		d.Range == o.Range && d.Resource == o.Resource && slices.Equal(d.Related, o.Related)
}

func (d Diagnostic) Error() string {
	s := fmt.Sprintf("%s: %s[%s]: %s", d.Range, d.Severity, d.Rule, d.Summary)
	for _, r := range d.Related {
		s += " (" + relatedText(r) + ")"
	}
	if d.Detail != "" {
		s += " (" + d.Detail + ")"
	}
	return s
}

// relatedText renders a related place on one line: "file:line:col: message".
func relatedText(r Related) string {
	loc := r.Range.String()
	switch {
	case loc == "":
		return r.Message
	case r.Message == "":
		return loc
	}
	return loc + ": " + r.Message
}

// Diagnostics is a list of findings.
type Diagnostics []Diagnostic

// HasErrors reports whether any finding is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Count returns how many findings have severity s.
func (ds Diagnostics) Count(s Severity) int {
	n := 0
	for _, d := range ds {
		if d.Severity == s {
			n++
		}
	}
	return n
}

// Errors returns only the error findings.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Err returns the diagnostics as an error if any is an error, else nil.
func (ds Diagnostics) Err() error {
	if !ds.HasErrors() {
		return nil
	}
	return ErrorList(ds.Errors())
}

// ErrorList is Diagnostics used as an error value.
type ErrorList Diagnostics

func (e ErrorList) Error() string {
	var b strings.Builder
	for i, d := range e {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(d.Error())
	}
	return b.String()
}

// Sort orders findings by file, line, column, rule and message, and removes
// exact duplicates, so output is the same on every run.
func (ds Diagnostics) Sort() Diagnostics {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Range.Filename, b.Range.Filename),
			cmp.Compare(a.Range.Start.Line, b.Range.Start.Line),
			cmp.Compare(a.Range.Start.Column, b.Range.Start.Column),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Summary, b.Summary),
		)
	})
	return slices.CompactFunc(ds, Diagnostic.Equal)
}
