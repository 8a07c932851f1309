package resolver

import (
	"cmp"
	"context"
	"github.com/cfnrun/cfnrun/internal/deepstack"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
	"github.com/cfnrun/cfnrun/resolver/schema"
)

// Rules reported while resolving a CloudFormation template (see
// registry.go).
var (
	ruleSection = define(Rule{ID: "E1001", Level: "error", Summary: "unknown or malformed top-level section",
		Why: "CloudFormation accepts only its documented sections."})
	ruleGetAtt = define(Rule{ID: "E1010", Level: "error", Summary: "Fn::GetAtt to an attribute the resource type does not have",
		Why: "CloudFormation fails with \"Template error: resource X does not support attribute type Y\"."})
	ruleUnknownRef = define(Rule{ID: "E1012", Level: "error", Summary: "reference to a name that is not a parameter, resource or pseudo parameter",
		Why: "CloudFormation fails with \"Unresolved resource dependencies\". Locally, --set Name.Attr=value supplies a value."})
	ruleIntrinsic = define(Rule{ID: "E1020", Level: "error", Summary: "intrinsic function with invalid arguments",
		Why: "CloudFormation rejects the template."})
	ruleLangExt = define(Rule{ID: "E1021", Level: "error", Summary: "Fn::ForEach, Fn::Length or Fn::ToJsonString without Transform: AWS::LanguageExtensions",
		Why: "CloudFormation rejects the template: those functions come from the transform."})
	ruleParam = define(Rule{ID: "E2001", Level: "error", Summary: "parameter definition problem (no Type, invalid type, bad attribute, --param for an undeclared parameter)",
		Why: "CloudFormation rejects the template or the stack operation."})
	ruleParamValue = define(Rule{ID: "E2002", Level: "error", Summary: "parameter value violates AllowedValues, AllowedPattern, lengths or bounds",
		Why: "CloudFormation rejects the stack operation."})
	ruleParamMissing = define(Rule{ID: "I2003", Level: "info", Summary: "parameter without Default and without --param value: cfnrun uses a placeholder",
		Why: "CloudFormation asks for the value at deploy time, so this is not an error; the placeholder satisfies AllowedValues, MinValue and AWS-specific id shapes where it can."})
	ruleUnusedParam = define(Rule{ID: "W2001", Level: "warning", Summary: "parameter never used",
		Why: "Usually a leftover or a typo in a !Ref."})
	ruleResourceAttr = define(Rule{ID: "E3000", Level: "error", Summary: "malformed resource entry (no Type, unknown attribute, bad logical id)",
		Why: "CloudFormation rejects the template."})
	ruleCycle = define(Rule{ID: "E3004", Level: "error", Summary: "circular dependency",
		Why: "CloudFormation fails with \"Circular dependency between resources\"; the whole cycle is printed, starting at the smallest name."})
	ruleConditionRef = define(Rule{ID: "E3010", Level: "error", Summary: "reference to a resource whose Condition is false",
		Why: "CloudFormation fails with \"Unresolved resource dependencies\" when the condition is false."})
	ruleOutput = define(Rule{ID: "E6001", Level: "error", Summary: "malformed output",
		Why: "CloudFormation rejects the template."})
	ruleMapping = define(Rule{ID: "E7001", Level: "error", Summary: "Fn::FindInMap key not found",
		Why: "CloudFormation fails with \"Mapping X does not contain key Y\"."})
	ruleCondition = define(Rule{ID: "E8001", Level: "error", Summary: "unknown or malformed condition",
		Why: "CloudFormation rejects the template."})
	ruleUnmodeled = define(Rule{ID: "I1001", Level: "info", Summary: "something cfnrun does not model (a transform, Fn::ImportValue, Fn::ForEach)",
		Why: "cfnrun resolves it to a placeholder and says so."})
	ruleSet = define(Rule{ID: "W1001", Level: "warning", Summary: "value supplied by --set for a name the template does not define",
		Why: "Works locally; CloudFormation will still reject the template."})
)

// hintCycle goes with ruleCycle; each further reference of the cycle is a
// related place of the finding.
const hintCycle = "Break the cycle at one of its references: use DependsOn only where needed, or move the reference."

var knownSections = []string{"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs", "Hooks"}

var resourceAttributes = []string{"Type", "Properties", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy", "Version"}

// resource is one entry of the Resources section.
type resource struct {
	id        string
	keyRange  diag.Range
	typ       string
	typeNode  *cfn.Node
	props     *cfn.Node
	decl      *cfn.Node
	condition string
	// dependsOn are the scalars of DependsOn (names of resources), in
	// order: the tree's own list when it has nothing else.
	dependsOn []*cfn.Node
	attrs     map[string]string
	// ref is attrs["Ref"], kept by attr once read (refKept): a Ref is
	// the attribute read most, and attrs does not change it once set.
	ref     string
	refKept bool
	// computing is true while r's attributes are computed: a reference
	// to r from its own properties then gets the stand-in of an unknown
	// attribute (the cycle is reported by the graph).
	computing bool
	// ids are r's attributes computed ahead on another core
	// (apiGatewayIDs, assignAttrs), for attrsOf to take.
	ids         map[string]string
	placeholder bool
	// generated: Ref is an id or name AWS decides at deploy time, for
	// which cfnrun made up a stable stand-in (model.Node.Generated).
	generated bool
	live      bool // condition true (or none)
	implied   bool // generated by a transform (SAM), not written by the user
	// node is r's number among the graph's nodes (buildGraph), -1 when
	// it is not one.
	node int32
	// known and knownFull are knownAttrs(typ), kept by the graph's
	// checkAttr (knownSet) for the next GetAtt to r: only the graph reads
	// and writes them.
	known               []string
	knownFull, knownSet bool
}

type parameter struct {
	name     string
	keyRange diag.Range
	decl     *cfn.Node
	typ      string
	value    string
	list     bool
	noEcho   bool
	source   string
	used     bool
}

// stack is the resolution state of one CloudFormation template.
type stack struct {
	ctx        context.Context
	file       string
	files      *diag.Files // the sources findings quote; files the template includes join it
	opts       Options
	root       *cfn.Node
	diags      diag.Diagnostics
	params     map[string]*parameter
	paramOrder []string
	condDefs   map[string]*cfn.Node
	condVals   map[string]bool
	condBusy   map[string]bool
	res        map[string]*resource
	resOrder   []string
	// resList is s.res[id] for each id of resOrder (resources).
	resList []*resource
	// paramList is params' values in the order declared (see param).
	paramList []*parameter
	// condition-resolution state
	region, account, stackName, partition, urlSuffix string
	transforms                                       []string
	setUsed                                          map[string]bool
	values                                           valueArena   // backs every Node.Props tree of this stack
	lazyValues                                       *lockedArena // the same for Props built on demand (Options.LazyProps); made on first use
	// jsonSrc is the template's source when the JSON reader read it and
	// nothing rewrote its tree (no Fn::ForEach): the Props built on
	// demand may then be compared by their text (cfn.SameText).
	jsonSrc         []byte
	forEachExpanded bool // expandForEach rewrote a section
	// orphans are methods that could not be attached to an API of the
	// template (a mistyped RestApiId, say): they are not served, but their
	// own properties are still checked, so one typo does not hide others.
	orphans []*model.Method
	// budget bounds the work evaluation may do (budget.go).
	budget budget
	// subs are the parsed Fn::Sub templates, by string node; the graph's
	// goroutine shares them (graphAsync).
	subs *subCache
}

func (s *stack) add(d diag.Diagnostic) { s.diags = append(s.diags, d) }

func (s *stack) errorf(rule *Rule, rng diag.Range, resource, hint, format string, args ...any) {
	s.add(rule.errorf(rng, resource, hint, format, args...))
}

func (s *stack) warnf(rule *Rule, rng diag.Range, resource, hint, format string, args ...any) {
	s.add(rule.warnf(rng, resource, hint, format, args...))
}

func (s *stack) infof(rule *Rule, rng diag.Range, resource, hint, format string, args ...any) {
	s.add(rule.infof(rng, resource, hint, format, args...))
}

// resolveCFN resolves one CloudFormation file. The --set keys it reads are
// marked in setUsed; whole is false when resolution stopped early (a limit,
// a cancellation, a template not read). With later not nil, a resolution
// that gets as far as a complete model returns there, with the findings
// so far, and sets *later to the function that waits for the dependency
// graph (Template.Nodes, nil until then), runs the checks left (the model
// rules, the schema check's findings) and returns every finding and whole
// as the call would have without later; *later stays nil when the
// resolution stopped before, and when the template declares nested stacks
// with a local template (Template.Nested): their templates are merged in
// and checked as read.
func resolveCFN(ctx context.Context, file string, src []byte, opts Options, files *diag.Files, setUsed map[string]bool, later *func() (diag.Diagnostics, bool)) (_ *model.Template, _ diag.Diagnostics, whole bool) {
	deepstack.Grow64K()
	files.Add(file, src)
	parse := cfn.ParseJSON
	if opts.OneCore {
		parse = cfn.ParseJSONOneReader
	}
	root, diags, readAsJSON := parse(file, src)
	s := &stack{ctx: ctx, file: file, files: files, opts: opts, root: root, diags: diags,
		params: map[string]*parameter{}, condDefs: map[string]*cfn.Node{}, condVals: map[string]bool{}, condBusy: map[string]bool{},
		res: map[string]*resource{}, setUsed: setUsed, budget: newBudget(ctx, opts.limits), subs: new(subCache)}
	s.region = cmp.Or(opts.Region, "us-east-1")
	s.account = cmp.Or(opts.AccountID, "123456789012")
	s.stackName = cmp.Or(opts.StackName, stackNameFor(file))
	s.partition, s.urlSuffix = "aws", "amazonaws.com"
	if strings.HasPrefix(s.region, "cn-") {
		s.partition, s.urlSuffix = "aws-cn", "amazonaws.com.cn"
	} else if strings.HasPrefix(s.region, "us-gov-") {
		s.partition = "aws-us-gov"
	}
	t := &model.Template{Format: model.CloudFormation, Files: []string{file}}
	if len(src) > cfnTemplateLimit {
		s.errorf(ruleTemplateSize, fileStart(file), "", "Move large inline parts (OpenAPI bodies, code) to S3, or split the template into nested stacks.",
			"the template is %s; CloudFormation accepts at most 1,000,000 bytes", sizeText(len(src)))
	}
	if root == nil || root.Kind != cfn.Mapping {
		return t, s.diags, false
	}
	// Each step may stop the resolution: a budget limit reached or the
	// context done. The template is then returned as far as it was built.
	for _, step := range []func(){s.sections, s.loadParameters, s.expandForEach} {
		if !s.alive() {
			return t, s.diags, false
		}
		step()
	}
	if !s.alive() {
		return t, s.diags, false
	}
	if readAsJSON && !s.forEachExpanded {
		s.jsonSrc = src
	}
	// The schema check reads only the template's tree, which nothing
	// changes once Fn::ForEach is expanded: it runs on another core while
	// the rest of the resolve goes on (from here, while this one loads
	// conditions and resources), and its findings take the place in
	// s.diags they had when it ran in line after loadResources. In a
	// staged resolve it runs in finish instead, after the model is served.
	schemaFindings := s.checkSchemaAsync(later != nil)
	for _, step := range []func(){s.loadConditions, s.loadResources} {
		if !s.alive() {
			return t, s.diags, false
		}
		step()
	}
	if !s.alive() {
		return t, s.diags, false
	}
	schemaDone := schemaFindings()
	for _, step := range []func(){s.samImplied, s.assignAttrs} {
		if !s.alive() {
			schemaDone()
			return t, s.diags, false
		}
		step()
	}
	if !s.alive() {
		schemaDone()
		return t, s.diags, false
	}
	// The dependency graph, and the checks of parameter use that need it,
	// read what the steps above built and the tree; lowering evaluates the
	// same and never reads the graph, so the two run on two cores (in a
	// staged resolve the graph is built in finish, after the model is
	// served: see graphAsync).
	graphDone := s.graphAsync(later != nil)
	lower := &lowerer{s: s, t: t}
	lower.run()
	if len(t.Nested) > 0 {
		later = nil
	}
	t.Outputs = s.outputs()
	for _, name := range s.paramOrder {
		p := s.params[name]
		t.Parameters = append(t.Parameters, model.Parameter{Name: p.name, Type: p.typ, Value: p.value, NoEcho: p.noEcho, Source: p.source, Range: p.keyRange})
	}
	if later == nil {
		t.Nodes = graphDone()
	}
	t.Finalize()
	check := func() (diag.Diagnostics, bool) {
		if later != nil {
			// The graph was left to the checks too: what up serves
			// does not read it.
			t.Nodes = graphDone()
			t.SortNodes()
		}
		schemaDone()
		if !s.alive() {
			return s.diags, false
		}
		// The model rules and the Lambda checks only read the model: the
		// second runs on another core, and its findings come after the
		// first's as before. Not when staged: the caller serves the
		// model meanwhile (up), and a gateway that starts serving while
		// both checks hold a core each has its first requests wait for
		// them (the Go scheduler does not preempt them for ~10 ms).
		lambda := func() diag.Diagnostics { return CheckLambda(t, s.opts) }
		if !s.opts.OneCore && later == nil {
			done := make(chan diag.Diagnostics, 1)
			go func() { done <- CheckLambda(t, s.opts) }()
			lambda = func() diag.Diagnostics { return <-done }
		}
		c := &checker{t: t, h: hints{t.Format}, allowExtensions: s.opts.AllowExtensions}
		c.run()
		c.checkOrphans(s.orphans)
		s.diags = append(s.diags, c.ds...)
		s.diags = append(s.diags, lambda()...)
		return s.diags, !s.budget.stopped
	}
	if later != nil {
		// The model is complete but for its graph: the graph's wait and
		// the checks that only read the model (and the schema check's
		// findings) are left to the caller, who may serve it meanwhile.
		*later = check
		return t, slices.Clone(s.diags), !s.budget.stopped
	}
	ds, whole := check()
	return t, ds, whole
}

// alive reports whether resolution may go on: no limit reached, and the
// context not done (then it says so, once).
func (s *stack) alive() bool {
	if s.budget.stopped {
		return false
	}
	if err := s.budget.ctx.Err(); err != nil {
		s.cancelled(nil, err)
		return false
	}
	return true
}

// fileStart is the range of the first character of file, for findings
// about the whole file.
func fileStart(file string) diag.Range {
	return diag.Range{Filename: file, Start: diag.Pos{Line: 1, Column: 1}, End: diag.Pos{Line: 1, Column: 2, Byte: 1}}
}

func stackNameFor(file string) string {
	base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
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

func (s *stack) sections() {
	if tr := s.root.Get("Transform"); tr != nil {
		for _, n := range append([]*cfn.Node{tr}, tr.Items...) {
			if n.Kind == cfn.Scalar {
				s.transforms = append(s.transforms, n.Value)
			}
		}
	}
	for _, f := range s.root.Fields {
		if f.Key == "Globals" && s.isSAM() {
			continue
		}
		if !slices.Contains(knownSections, f.Key) {
			s.errorf(ruleSection, f.KeyRange(), "", cmp.Or(diag.DidYouMean(f.Key, knownSections), "Top-level sections are "+strings.Join(knownSections, ", ")+"."),
				"unknown top-level section %q", f.Key)
		}
	}
	if tr := s.root.Get("Transform"); tr != nil {
		var names []*cfn.Node
		if tr.Kind == cfn.Sequence {
			names = tr.Items
		} else {
			names = []*cfn.Node{tr}
		}
		for _, n := range names {
			if n.Kind == cfn.Scalar {
				switch n.Value {
				case "AWS::LanguageExtensions", samTransform:
				default:
					s.infof(ruleUnmodeled, n.Range(), "", "cfnrun resolves the template as written, before the macro runs.", "transform %q is not run", n.Value)
				}
			}
		}
	}
	res := s.root.Field("Resources")
	if res == nil {
		s.errorf(ruleSection, s.root.Range(), "", "Add a Resources section with at least one resource.", "the template has no Resources section")
	} else if res.Value.Kind != cfn.Mapping || len(res.Value.Fields) == 0 {
		s.errorf(ruleSection, res.KeyRange(), "", "Resources must map logical ids to resource declarations.", "Resources is empty or not a mapping")
	}
}

func (s *stack) loadResources() {
	sec := s.root.Get("Resources")
	if sec == nil || sec.Kind != cfn.Mapping {
		return
	}
	// One allocation for every declared resource, and the index sized
	// once: a large template has thousands.
	if len(s.res) == 0 {
		s.res = make(map[string]*resource, len(sec.Fields))
	}
	s.resOrder = slices.Grow(s.resOrder, len(sec.Fields))
	slab := make([]resource, len(sec.Fields))
	for i, f := range sec.Fields {
		r := &slab[i]
		*r = resource{id: f.Key, keyRange: f.KeyRange(), decl: f.Value, live: true}
		if !validLogicalID(f.Key) {
			s.errorf(ruleResourceAttr, f.KeyRange(), f.Key, "Logical ids are alphanumeric (A-Za-z0-9) and unique within the template.", "logical id %q is not alphanumeric", f.Key)
		}
		if _, isParam := s.param(f.Key); isParam {
			s.errorf(ruleResourceAttr, f.KeyRange(), f.Key, "Rename the resource or the parameter.", "%q is both a parameter and a resource", f.Key)
		}
		s.res[f.Key] = r
		s.resOrder = append(s.resOrder, f.Key)
		if f.Value.Kind != cfn.Mapping {
			s.errorf(ruleResourceAttr, f.KeyRange(), f.Key, "A resource is a mapping with Type and usually Properties.", "resource %q is %s, not a mapping", f.Key, f.Value.KindName())
			continue
		}
		for _, a := range f.Value.Fields {
			if !slices.Contains(resourceAttributes, a.Key) {
				s.errorf(ruleResourceAttr, a.KeyRange(), f.Key, cmp.Or(diag.DidYouMean(a.Key, resourceAttributes),
					"Resource attributes are "+strings.Join(resourceAttributes, ", ")+"; did you mean to put it under Properties?"),
					"unknown resource attribute %q", a.Key)
			}
		}
		r.typeNode = f.Value.Get("Type")
		switch {
		case r.typeNode == nil:
			s.errorf(ruleResourceAttr, f.KeyRange(), f.Key, "Add Type: AWS::Service::Resource.", "resource %q has no Type", f.Key)
		case r.typeNode.Kind != cfn.Scalar:
			s.errorf(ruleResourceAttr, r.typeNode.Range(), f.Key, "Type must be a literal string such as AWS::ApiGateway::RestApi; intrinsics are not allowed here.", "Type is %s", r.typeNode.KindName())
		default:
			r.typ = r.typeNode.Value
		}
		r.props = f.Value.Get("Properties")
		if r.props != nil && r.props.Kind != cfn.Mapping && r.props.Kind != cfn.Null {
			s.errorf(ruleResourceAttr, r.props.Range(), f.Key, "Properties must be a mapping of property names to values.", "Properties is %s", r.props.KindName())
			r.props = nil
		}
		if c := f.Value.Field("Condition"); c != nil {
			if c.Value.Kind != cfn.Scalar {
				s.errorf(ruleCondition, c.Value.Range(), f.Key, "Condition takes the name of a condition from the Conditions section.", "Condition is %s", c.Value.KindName())
			} else {
				r.condition = c.Value.Value
				if _, ok := s.condDefs[r.condition]; !ok {
					s.errorf(ruleCondition, c.Value.Range(), f.Key, cmp.Or(diag.DidYouMean(r.condition, diag.Names(s.condDefs)), "Define it under Conditions."), "unknown condition %q", r.condition)
				} else {
					r.live = s.condition(r.condition, c.Value.Range())
				}
			}
		}
		if d := f.Value.Get("DependsOn"); d != nil {
			items := []*cfn.Node{d}
			if d.Kind == cfn.Sequence {
				items = d.Items
			}
			r.dependsOn = items
			for i, it := range items {
				if it.Kind != cfn.Scalar {
					s.errorf(ruleResourceAttr, it.Range(), f.Key, "DependsOn takes a logical id or a list of logical ids; intrinsics are not allowed.", "DependsOn entry is %s", it.KindName())
					if len(r.dependsOn) == len(items) {
						r.dependsOn = slices.Clone(items[:i]) // the scalars only, from here on
					}
					continue
				}
				if len(r.dependsOn) < len(items) {
					r.dependsOn = append(r.dependsOn, it)
				}
			}
		}
	}
}

func validLogicalID(id string) bool {
	if id == "" || len(id) > 255 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// checkSchema checks every resource's Type and Properties against the
// typed property schema (resolver/schema). Under the SAM transform,
// properties may come from Globals, so missing required properties of
// AWS::Serverless::* resources are not reported.
// checkSchemaAsync starts the schema check of every resource on its own
// goroutine. The function it returns, called where the check would have
// run in line, returns the one that waits for it and adds its findings to
// s.diags there (the order of findings the sort leaves equal stays the
// same). The check reads the tree and nothing else; the SAM Globals
// filter, which reads s.res, runs when the findings are added. With
// OneCore the check runs there, in line, when they are added; so it does
// with later (a staged resolve, whose caller serves the model before the
// checks are done): in finish, after the model is served.
func (s *stack) checkSchemaAsync(later bool) (here func() (wait func())) {
	sec := s.root.Get("Resources")
	if sec == nil || sec.Kind != cfn.Mapping {
		return func() func() { return func() {} }
	}
	type found struct {
		key   string
		diags diag.Diagnostics
	}
	sam := s.isSAM()
	hasGlobals := sam && s.root.Get("Globals") != nil
	done := make(chan []found, 1)
	check := func() {
		checker := schema.New()
		checker.SetSAMTransform(sam)
		var out []found
		for _, f := range sec.Fields {
			if f.Value.Kind != cfn.Mapping {
				continue
			}
			if ds := checker.CheckEntry(f.Key, f.KeyRange(), f.Value); len(ds) > 0 {
				out = append(out, found{f.Key, ds})
			}
		}
		done <- out
	}
	inLine := s.opts.OneCore || later
	if !inLine {
		go func() {
			deepstack.Grow32K()
			check()
		}()
	}
	return func() func() {
		mark := len(s.diags)
		return sync.OnceFunc(func() {
			if inLine {
				check()
			}
			var add diag.Diagnostics
			for _, e := range <-done {
				for _, d := range e.diags {
					if hasGlobals && d.Rule == schema.RuleRequired && strings.HasPrefix(s.res[e.key].typ, "AWS::Serverless::") {
						continue
					}
					add = append(add, d)
				}
			}
			s.diags = slices.Insert(s.diags, mark, add...)
		})
	}
}

// graphInLine makes graphAsync run the graph in line (tests compare).
var graphInLine bool

// graph builds the dependency graph (buildGraph), then marks the
// parameters the Rules section uses and reports the ones nothing uses: the
// steps that run between assignAttrs and lowering.
func (s *stack) graph() []*model.Node {
	nodes := s.buildGraph()
	s.markRulesRefs()
	s.checkUnusedParams()
	return nodes
}

// graphAsync runs graph on its own goroutine while the caller lowers the
// template, and returns the function that waits for it: that function puts
// the graph's findings in s.diags where they were when it ran in line
// (before lowering's), and the --set values it read in s.setUsed.
//
// The goroutine works on a copy of the stack with its own findings and
// --set uses (the maps lowering's evaluation writes; the Fn::Sub cache is
// shared, under its lock); it reads
// the resources, parameters and conditions, which lowering only reads,
// and writes only parameter.used, which nothing else reads before it
// returns, and resource.known*, which nothing else reads. A SAM template's graph evaluates properties (the transform's
// shape, samgraph.go), which writes the evaluation's caches and budget:
// it runs in line, as every graph does with OneCore.
//
// With later (a staged resolve), the copy is taken now but the graph is
// built by the function returned, on the caller's goroutine, in finish:
// up serves the model first. On a loaded machine the graph beside
// lowering took CPU from the way to serving (lowering 5.9 vs 3.8 ms at
// load 6, in the phases of 31 starts). What the graph reads, lowering
// leaves as it was (above), so when it runs after the copy does not
// change it.
func (s *stack) graphAsync(later bool) (wait func() []*model.Node) {
	if s.isSAM() || graphInLine || s.opts.OneCore {
		nodes := s.graph()
		return func() []*model.Node { return nodes }
	}
	g := *s
	g.diags = nil
	g.setUsed = map[string]bool{}
	mark := len(s.diags)
	merge := func(nodes []*model.Node) []*model.Node {
		s.diags = slices.Insert(s.diags, mark, g.diags...)
		for k := range g.setUsed {
			s.setUsed[k] = true
		}
		return nodes
	}
	if later {
		return func() []*model.Node {
			nodes := g.graph()
			model.SortGraph(nodes)
			return merge(nodes)
		}
	}
	done := make(chan []*model.Node, 1)
	go func() {
		deepstack.Grow32K()
		nodes := g.graph()
		// Finalize's sort, here on this core: Finalize then finds them
		// sorted. (Nodes of one address are built from one resource, so
		// the order among them, which an unstable sort might change, is
		// not seen.)
		model.SortGraph(nodes)
		done <- nodes
	}()
	return func() []*model.Node { return merge(<-done) }
}

// markRulesRefs counts references inside the Rules section as uses of the
// parameters they name (CDK's CheckBootstrapVersion rule is the only use of
// its BootstrapVersion parameter).
func (s *stack) markRulesRefs() {
	if rules := s.root.Get("Rules"); rules != nil {
		w := &refWalker{s: s}
		w.walk(rules)
	}
}
