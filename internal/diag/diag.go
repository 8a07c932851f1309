// Package diag is cfnrun's shared vocabulary for source positions and
// problems: Pos, Range, Diagnostic and Diagnostics, a registry of source
// files for snippets, printers for text, JSON and SARIF, and a did-you-mean
// helper.
//
// Invariants: every Diagnostic produced by cfnrun carries the tightest Range
// we know (a zero Range only for problems that have no place in a file, such
// as an unreadable path); Diagnostics never hold foreign error types.
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
}

func (d Diagnostic) Error() string {
	s := fmt.Sprintf("%s: %s[%s]: %s", d.Range, d.Severity, d.Rule, d.Summary)
	if d.Detail != "" {
		s += " (" + d.Detail + ")"
	}
	return s
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
	return slices.CompactFunc(ds, func(a, b Diagnostic) bool { return a == b })
}

// Builder helpers keep call sites short.

// Errorf returns an error Diagnostic.
func Errorf(rule string, rng Range, resource, detail, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Error, Rule: rule, Range: rng, Resource: resource, Detail: detail, Summary: fmt.Sprintf(format, args...)}
}

// Warnf returns a warning Diagnostic.
func Warnf(rule string, rng Range, resource, detail, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Warning, Rule: rule, Range: rng, Resource: resource, Detail: detail, Summary: fmt.Sprintf(format, args...)}
}

// Infof returns an info Diagnostic.
func Infof(rule string, rng Range, resource, detail, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Info, Rule: rule, Range: rng, Resource: resource, Detail: detail, Summary: fmt.Sprintf(format, args...)}
}
