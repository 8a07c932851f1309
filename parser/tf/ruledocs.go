package tf

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// Rule documents one kind of finding the Terraform front end reports, for
// docs/terraform.md, docs/rules.md and SARIF's rule table. Every rule is
// declared once, with newRule, next to the code that checks it; findings
// are built with its errorf, warnf and infof methods, so a rule id never
// appears as a bare string and the documentation lists exactly what the
// code emits.
type Rule struct {
	ID string
	// Severity lists the severities the rule is reported with, such as
	// "error" or "error/warning/info".
	Severity string
	// What the rule finds, and Why it matters (what Terraform, the AWS
	// provider or API Gateway would do).
	What string
	Why  string
	sevs sevSet
}

// sevSet is the set of severities a rule may be reported with.
type sevSet uint8

const (
	sevError sevSet = 1 << iota
	sevWarning
	sevInfo
)

func (s sevSet) has(sev diag.Severity) bool {
	switch sev {
	case diag.Warning:
		return s&sevWarning != 0
	case diag.Info:
		return s&sevInfo != 0
	}
	return s&sevError != 0
}

func (s sevSet) String() string {
	switch s {
	case sevError:
		return "error"
	case sevWarning:
		return "warning"
	case sevInfo:
		return "info"
	}
	var out []string
	for _, p := range []struct {
		bit  sevSet
		name string
	}{{sevError, "error"}, {sevWarning, "warning"}, {sevInfo, "info"}} {
		if s&p.bit != 0 {
			out = append(out, p.name)
		}
	}
	return strings.Join(out, "/")
}

// registry holds every rule, in declaration order. newRule appends to it
// while the package's variables are initialised; nothing writes to it
// afterwards. Its room is made once: growing it rule by rule was a
// third of the package's initialisation, which every command pays.
var registry = make([]*Rule, 0, 64)

// newRule declares a rule. Called only from package-level variable
// declarations.
func newRule(id string, sevs sevSet, what, why string) *Rule {
	r := &Rule{ID: id, Severity: sevs.String(), What: what, Why: why, sevs: sevs}
	registry = append(registry, r)
	return r
}

// Rules returns every rule Load may emit, in id order.
func Rules() []Rule {
	out := make([]Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// lookupRule returns the rule with id, or nil.
func lookupRule(id string) *Rule {
	for _, r := range registry {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// Allows reports whether the rule is declared with severity sev.
func (r *Rule) Allows(sev diag.Severity) bool { return r.sevs.has(sev) }

// at builds a finding of this rule.
func (r *Rule) at(sev diag.Severity, rng diag.Range, resource, hint, format string, args ...any) diag.Diagnostic {
	return diag.Diagnostic{Severity: sev, Rule: r.ID, Range: rng, Resource: resource, Detail: hint, Summary: fmt.Sprintf(format, args...)}
}

// errorf builds an error of this rule at rng; hint says how to fix it.
func (r *Rule) errorf(rng hcl.Range, resource, hint, format string, args ...any) diag.Diagnostic {
	return r.at(diag.Error, toRange(rng), resource, hint, format, args...)
}

// warnf builds a warning of this rule at rng.
func (r *Rule) warnf(rng hcl.Range, resource, hint, format string, args ...any) diag.Diagnostic {
	return r.at(diag.Warning, toRange(rng), resource, hint, format, args...)
}

// infof builds an info of this rule at rng.
func (r *Rule) infof(rng hcl.Range, resource, hint, format string, args ...any) diag.Diagnostic {
	return r.at(diag.Info, toRange(rng), resource, hint, format, args...)
}

// RulesTable renders the rules as the Markdown table docs/terraform.md
// shows under "Findings" (checked by a test, rewritten with -update).
func RulesTable() string {
	var b strings.Builder
	b.WriteString("| id | severity | what | why it matters |\n|---|---|---|---|\n")
	for _, r := range Rules() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.ID, strings.ReplaceAll(r.Severity, "/", " / "), r.What, r.Why)
	}
	return b.String()
}
