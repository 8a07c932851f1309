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
