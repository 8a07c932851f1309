package resolver

// The rule registry.
//
// Every finding the resolver reports carries a rule: an id, the two lines
// of documentation docs/rules.md and SARIF show, and — for the model rules
// both template languages share — the check that reports it. A rule is
// declared once, with define, in the file whose code reports it:
//
//	var _ = define(Rule{
//		ID: "E3222", Level: "error",
//		Summary: "VPC_LINK integration without ConnectionId",
//		Why:     "API Gateway rejects the integration.",
//		Integration: func(r report, mc methodCheck, in *model.Integration) {
//			if in.ConnectionType == model.ConnectionVPCLink && in.ConnectionID == "" {
//				r.errorf(mc.at("ConnectionType"), mc.m.LogicalID, "Set ConnectionId ...", "VPC_LINK integration without ConnectionId")
//			}
//		},
//	})
//
// A check reports only through its report, which stamps the rule's id on
// every finding. A rule reported from resolution code rather than from a
// model check (a reference to an unknown name, say) has no check: keep the
// value define returns (var ruleUnknownRef = define(...)) and report with
// s.errorf(ruleUnknownRef, ...) or ruleUnknownRef.errorf(...).
//
// To add a rule: take a free id from your range (docs/rules.md lists the
// ones in use; TestRegistry rejects duplicates), declare it next to the
// code that reports it as above, and run `make golden` to regenerate
// docs/rules.md. Nothing else lists rules. Rules of other packages come in
// through their own tables: parser/cfn.Rules, resolver/schema.Rules and
// parser/tf.Rules (see AllRules).
//
// The registry is filled while the package initialises (define is only
// called in package-level var declarations) and only read afterwards.

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
	"github.com/cfnrun/cfnrun/parser/tf"
	"github.com/cfnrun/cfnrun/resolver/schema"
)

// Rule is one rule: its documentation and, for a model rule, its check.
// At most one of the check fields is set; the model rules run in
// CheckModel, on every API of a resolved template, whatever its language.
type Rule struct {
	ID string
	// Level is the severity as docs/rules.md states it: "error",
	// "warning", "info", or a qualified one ("error (info with
	// --allow-extensions)").
	Level string
	// Summary says in one line what the rule finds.
	Summary string
	// Why says what goes wrong at deploy time or at run time.
	Why string

	// Template checks the whole template once.
	Template func(r report, t *model.Template)
	// API checks each REST API.
	API func(r report, api *model.RestAPI)
	// Stage checks each stage of each API.
	Stage func(r report, api *model.RestAPI, st *model.Stage)
	// Resource checks each resource (path) of each API.
	Resource func(r report, api *model.RestAPI, res *model.Resource)
	// Method checks each method, including those that could not be
	// attached to an API of the template.
	Method func(r report, mc methodCheck)
	// Integration checks each method's integration, when it has one.
	Integration func(r report, mc methodCheck, in *model.Integration)
}

// registry holds every rule define was given, in declaration order. Its
// room is made once (growing it rule by rule cost every command a chain
// of copies while the package initialised).
var registry = make([]*Rule, 0, 128)

// define registers a rule; call it only in package-level var declarations.
func define(r Rule) *Rule {
	p := &r
	registry = append(registry, p)
	return p
}

func (r *Rule) errorf(rng diag.Range, resource, hint, format string, args ...any) diag.Diagnostic {
	return diag.NewError(r.ID, rng, format, args...).WithResource(resource).WithHint(hint)
}

func (r *Rule) warnf(rng diag.Range, resource, hint, format string, args ...any) diag.Diagnostic {
	return diag.NewWarning(r.ID, rng, format, args...).WithResource(resource).WithHint(hint)
}

func (r *Rule) infof(rng diag.Range, resource, hint, format string, args ...any) diag.Diagnostic {
	return diag.NewInfo(r.ID, rng, format, args...).WithResource(resource).WithHint(hint)
}

// checker runs the model rules over one template.
type checker struct {
	t               *model.Template
	h               hints
	allowExtensions bool
	ds              diag.Diagnostics
	// apiRules, resourceRules and methodRules are the rules of the
	// registry with an API or Stage, a Resource, a Method or Integration
	// check, in its order (made by hooks on first use): a template's
	// thousand methods each went through every rule for the few that
	// check methods.
	apiRules, resourceRules, methodRules []*Rule
	hooked                               bool
}

// hooks sorts the registry's rules into c's lists by what they check.
func (c *checker) hooks() {
	if c.hooked {
		return
	}
	c.hooked = true
	for _, rule := range registry {
		if rule.API != nil || rule.Stage != nil {
			c.apiRules = append(c.apiRules, rule)
		}
		if rule.Resource != nil {
			c.resourceRules = append(c.resourceRules, rule)
		}
		if rule.Method != nil || rule.Integration != nil {
			c.methodRules = append(c.methodRules, rule)
		}
	}
}

// report is how a check reports: every finding gets the check's rule id.
type report struct {
	c    *checker
	rule *Rule
}

func (r report) errorf(rng diag.Range, resource, hint, format string, args ...any) {
	r.c.ds = append(r.c.ds, r.rule.errorf(rng, resource, hint, format, args...))
}

func (r report) warnf(rng diag.Range, resource, hint, format string, args ...any) {
	r.c.ds = append(r.c.ds, r.rule.warnf(rng, resource, hint, format, args...))
}

func (r report) infof(rng diag.Range, resource, hint, format string, args ...any) {
	r.c.ds = append(r.c.ds, diag.NewInfo(r.rule.ID, rng, format, args...).WithResource(resource).WithHint(hint))
}

// add reports d, built with the rule's own constructors so it carries the
// rule's id (r.rule.errorf(...).WithRelated(...)).
func (r report) add(d diag.Diagnostic) { r.c.ds = append(r.c.ds, d) }

// extension reports a use of one of cfnrun's extensions: an error, since
// AWS rejects it, or info with --allow-extensions.
func (r report) extension(rng diag.Range, resource, hint, format string, args ...any) {
	if r.c.allowExtensions {
		r.c.ds = append(r.c.ds, r.rule.infof(rng, resource, hint, format, args...))
		return
	}
	r.errorf(rng, resource, hint+" Pass --allow-extensions to accept it (cfnrun honours it locally).", format, args...)
}

// pick words a fix in the template's language.
func (r report) pick(cfn, tf string) string { return r.c.h.pick(cfn, tf) }

// template is the template being checked.
func (r report) template() *model.Template { return r.c.t }

// methodCheck is what a method rule looks at.
type methodCheck struct {
	api *model.RestAPI
	res *model.Resource
	m   *model.Method
}

// where names the method in messages: "GET /pets", "GET (unattached)".
// Built only for a finding: a template has thousands of methods.
func (mc methodCheck) where() string { return mc.m.HTTPMethod + " " + mc.res.Path }

// at is the range of an integration property, or of the integration.
func (mc methodCheck) at(key string) diag.Range {
	in := mc.m.Integration
	return in.Props.At(key, in.Range)
}

// CheckModel runs the API Gateway rules that do not depend on the
// template language, on a resolved model. Both front ends call it.
func CheckModel(t *model.Template, allowExtensions bool) diag.Diagnostics {
	c := &checker{t: t, h: hints{t.Format}, allowExtensions: allowExtensions}
	c.run()
	return c.ds
}

func (c *checker) run() {
	c.hooks()
	for _, rule := range registry {
		if rule.Template != nil {
			rule.Template(report{c, rule}, c.t)
		}
	}
	for _, api := range c.t.APIs {
		if api.IsHTTP() {
			continue // these are REST API rules; an HTTP API's are httpapi.go's
		}
		for _, rule := range c.apiRules {
			r := report{c, rule}
			if rule.API != nil {
				rule.API(r, api)
			}
			if rule.Stage != nil {
				for _, st := range api.Stages {
					rule.Stage(r, api, st)
				}
			}
		}
		for _, res := range api.Resources {
			for _, rule := range c.resourceRules {
				if rule.Resource != nil {
					rule.Resource(report{c, rule}, api, res)
				}
			}
			for _, m := range res.Methods {
				c.method(methodCheck{api: api, res: res, m: m})
			}
		}
	}
}

// method runs the method and integration rules on one method.
func (c *checker) method(mc methodCheck) {
	c.hooks()
	for _, rule := range c.methodRules {
		r := report{c, rule}
		if rule.Method != nil {
			rule.Method(r, mc)
		}
		if rule.Integration != nil && mc.m.Integration != nil {
			rule.Integration(r, mc, mc.m.Integration)
		}
	}
}

// checkOrphans checks methods that could not be attached to an API of the
// template (a mistyped RestApiId, say): they are not served, but their own
// properties are checked, so one typo does not hide others.
func (c *checker) checkOrphans(orphans []*model.Method) {
	detached := &model.RestAPI{}
	for _, m := range orphans {
		m.ApplyDefaults()
		c.method(methodCheck{api: detached, res: &model.Resource{Path: "(unattached)"}, m: m})
	}
}

// hints words fixes in the vocabulary of the template's language.
type hints struct{ format model.Format }

func (h hints) pick(cfn, tf string) string {
	if h.format == model.Terraform {
		return tf
	}
	return cfn
}

// RuleDoc documents one rule for docs/rules.md and SARIF.
type RuleDoc struct {
	ID string
	// Severity is the level as documented (see Rule.Level).
	Severity string
	Summary  string
	// Why says what goes wrong at deploy time or at run time.
	Why string
}

// Rules documents every rule CloudFormation templates can get: the
// parser's, the property-schema check's and the resolver's registry,
// ordered by id.
func Rules() []RuleDoc {
	var out []RuleDoc
	for _, r := range cfn.Rules() {
		out = append(out, RuleDoc{r.ID, r.Level, r.Summary, r.Why})
	}
	for _, r := range schema.Rules() {
		out = append(out, RuleDoc{r.ID, r.Level, r.Summary, r.Why})
	}
	for _, r := range registry {
		out = append(out, RuleDoc{r.ID, r.Level, r.Summary, r.Why})
	}
	slices.SortStableFunc(out, func(a, b RuleDoc) int { return compareRuleIDs(a.ID, b.ID) })
	return out
}

// compareRuleIDs orders ids by their number ("W3212" between "E3211" and
// "E3213"), then as text; ids without a number ("runtime-ignored") last.
func compareRuleIDs(a, b string) int {
	na, oka := ruleNumber(a)
	nb, okb := ruleNumber(b)
	switch {
	case oka && okb:
		return cmp.Or(cmp.Compare(na, nb), strings.Compare(a, b))
	case oka:
		return -1
	case okb:
		return 1
	}
	return strings.Compare(a, b)
}

func ruleNumber(id string) (int, bool) {
	digits := strings.TrimLeft(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	n, err := strconv.Atoi(digits)
	return n, err == nil && digits != id
}

// AllRules is Rules plus the Terraform front end's rules (tf.Rules).
func AllRules() []RuleDoc {
	out := Rules()
	for _, r := range tf.Rules() {
		out = append(out, RuleDoc{ID: r.ID, Severity: r.Severity, Summary: r.What, Why: r.Why})
	}
	return out
}

// RuleDocs returns the rules in the shape SARIF output needs.
func RuleDocs() []diag.RuleDoc {
	var out []diag.RuleDoc
	for _, r := range AllRules() {
		out = append(out, diag.RuleDoc{ID: r.ID, Summary: r.Summary})
	}
	return out
}
