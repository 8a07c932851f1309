package resolver

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Nested stacks whose template is a local file: what a template says
// before `sam package` (or `aws cloudformation package`) uploads it, and
// what sam local start-api reads. The resolver reads each as a stack of
// its own (its parameters the values the parent passes, its name the
// parent's and the logical id, as CloudFormation names nested stacks) and
// serves its APIs and functions with the parent's.

// ruleNestedMissing is a nested stack naming a local template that is not
// there.
var ruleNestedMissing = define(Rule{ID: "W3229", Level: "warning",
	Summary: "nested stack (`AWS::CloudFormation::Stack` `TemplateURL`, `AWS::Serverless::Application` `Location`) naming a local template that does not exist, or that nests itself",
	Why: "`sam package` fails to upload it, and `cfnrun up` (like sam local start-api) serves a local nested template's APIs and functions with the parent's: " +
		"without the file they are not served. Templates at an S3 or https URL, and applications from the Serverless Application Repository, are not read."})

// maxNestedDepth bounds how deep nested stacks are read (CloudFormation
// has no documented limit; a template that nests itself would never end).
const maxNestedDepth = 8

// maxNestedStacks bounds how many nested stacks are read in all.
const maxNestedStacks = 100

// nestedStacks collects the live nested stacks with a local template.
func (l *lowerer) nestedStacks() {
	s := l.s
	for _, typ := range []string{"AWS::CloudFormation::Stack", "AWS::Serverless::Application"} {
		key := "TemplateURL"
		if typ == "AWS::Serverless::Application" {
			key = "Location"
		}
		for _, r := range l.live(typ) {
			p := l.propsOf(r)
			if n := p.node.Get(key); n == nil || n.Kind == cfn.Mapping && n.Get("ApplicationId") != nil {
				continue // nothing, or a SAR application (ApplicationId, SemanticVersion)
			}
			if !l.s.knownLocally(p.node.Get(key)) {
				continue // built from a parameter without a value, a resource's id...: sam skips it too
			}
			loc := p.str(key)
			if !localTemplatePath(loc) {
				continue
			}
			path := filepath.FromSlash(loc)
			if !filepath.IsAbs(path) {
				path = filepath.Join(filepath.Dir(s.file), path)
			}
			rng := p.at(key, r.keyRange)
			if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
				s.warnf(ruleNestedMissing, rng, r.id, "Point "+key+" at the nested template, relative to this template's directory.",
					"nested stack %s: %s does not exist, so its resources are not read", r.id, loc)
				continue
			}
			l.t.Nested = append(l.t.Nested, model.NestedStack{LogicalID: r.id, Location: loc, Path: path, Params: p.strMap("Parameters"),
				StackName: s.stackName + "-" + r.id, Range: rng})
		}
	}
}

// localTemplatePath reports whether a TemplateURL or Location names a
// local template file: not a URL, and a template's extension.
func localTemplatePath(loc string) bool {
	if loc == "" || strings.Contains(loc, "://") {
		return false
	}
	switch strings.ToLower(filepath.Ext(loc)) {
	case ".yaml", ".yml", ".json", ".template":
		return true
	}
	return false
}

// knownLocally reports whether n's value is known without deploying: it
// refers only to parameters with a value (a default, --param), pseudo
// parameters and --set values. A TemplateURL built from a parameter
// without one (`!Join ["/", [!Ref ProjectS3Root, "child.yaml"]]`, an S3
// prefix given at deploy time) evaluates to cfnrun's placeholder, which is
// no local path; sam local start-api skips a TemplateURL whose intrinsics
// it cannot resolve.
func (s *stack) knownLocally(n *cfn.Node) bool {
	if n == nil {
		return true
	}
	known := func(name string) bool {
		if _, ok := s.pseudo(name); ok {
			return true
		}
		if p, ok := s.param(name); ok {
			return p.source != "placeholder"
		}
		if _, ok := s.res[name]; ok {
			return false
		}
		_, ok := s.opts.Sets[name]
		return ok
	}
	switch n.Kind {
	case cfn.Scalar, cfn.Null:
		return true
	case cfn.Sequence:
		for _, it := range n.Items {
			if !s.knownLocally(it) {
				return false
			}
		}
		return true
	}
	name, arg, ok := n.Intrinsic(false)
	switch {
	case !ok:
		for _, f := range n.Fields {
			if !s.knownLocally(f.Value) {
				return false
			}
		}
		return true
	case name == "Ref":
		return arg.Kind == cfn.Scalar && known(arg.Value)
	case name == "Fn::GetAtt", name == "Fn::ImportValue", name == "Fn::Transform":
		return false
	case name == "Fn::Sub":
		str, vars := arg, (*cfn.Node)(nil)
		if arg.Kind == cfn.Sequence && len(arg.Items) == 2 {
			str, vars = arg.Items[0], arg.Items[1]
		}
		if str.Kind != cfn.Scalar || !s.knownLocally(vars) {
			return false
		}
		for _, part := range s.parseSub(str) {
			if !part.IsVar {
				continue
			}
			full := part.Var
			if part.Attr != "" {
				full += "." + part.Attr
			}
			if vars != nil && vars.Get(full) != nil {
				continue
			}
			if part.Attr != "" || !known(part.Var) {
				return false
			}
		}
		return true
	}
	return s.knownLocally(arg)
}
