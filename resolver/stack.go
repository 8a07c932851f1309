package resolver

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Rule ids reported by the CloudFormation resolver (docs/rules.md).
const (
	ruleSection      = "E1001" // unknown top-level section / bad section shape
	ruleParam        = "E2001" // parameter definition or value problem
	ruleParamValue   = "E2002" // parameter value violates a constraint
	ruleUnusedParam  = "W2001" // parameter never referenced
	ruleResourceAttr = "E3000" // bad resource entry (Type missing, unknown attribute)
	ruleCycle        = "E3004" // dependency cycle
	ruleUnknownRef   = "E1012" // Ref / Sub / DependsOn to an unknown name
	ruleGetAtt       = "E1010" // GetAtt to an unknown resource or attribute
	ruleIntrinsic    = "E1020" // intrinsic used with bad arguments
	ruleCondition    = "E8001" // unknown / bad condition
	ruleMapping      = "E7001" // mapping problems
	ruleOutput       = "E6001" // output problems
	ruleConditionRef = "E3010" // reference to a resource whose condition may be false
	ruleUnmodeled    = "I1001" // information: something cfnrun does not model
	ruleSet          = "W1001" // value supplied by --set for something CloudFormation cannot resolve
)

var knownSections = []string{"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs", "Hooks"}

var resourceAttributes = []string{"Type", "Properties", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata", "CreationPolicy", "UpdatePolicy", "Version"}

// resource is one entry of the Resources section.
type resource struct {
	id          string
	keyRange    diag.Range
	typ         string
	typeNode    *cfn.Node
	props       *cfn.Node
	decl        *cfn.Node
	condition   string
	condRange   diag.Range
	dependsOn   []dependsOn
	attrs       map[string]string
	placeholder bool
	live        bool // condition true (or none)
}

type dependsOn struct {
	name string
	rng  diag.Range
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
	opts       Options
	root       *cfn.Node
	diags      diag.Diagnostics
	params     map[string]*parameter
	paramOrder []string
	mappings   *cfn.Node
	condDefs   map[string]*cfn.Node
	condVals   map[string]bool
	condBusy   map[string]bool
	res        map[string]*resource
	resOrder   []string
	// condition-resolution state
	region, account, stackName, partition, urlSuffix string
	transforms                                       []string
	setUsed                                          map[string]bool
	// attribute values assigned to unmodelled things via --set
}

func (s *stack) add(d diag.Diagnostic) { s.diags = append(s.diags, d) }

func (s *stack) errorf(rule string, rng diag.Range, resource, hint, format string, args ...any) {
	s.add(diag.Errorf(rule, rng, resource, hint, format, args...))
}

func (s *stack) warnf(rule string, rng diag.Range, resource, hint, format string, args ...any) {
	s.add(diag.Warnf(rule, rng, resource, hint, format, args...))
}

// resolveCFN resolves one CloudFormation file.
func resolveCFN(ctx context.Context, file string, src []byte, opts Options, files *diag.Files) (*model.Template, diag.Diagnostics) {
	files.Add(file, src)
	root, diags := cfn.Parse(file, src)
	s := &stack{ctx: ctx, file: file, opts: opts, root: root, diags: diags,
		params: map[string]*parameter{}, condDefs: map[string]*cfn.Node{}, condVals: map[string]bool{}, condBusy: map[string]bool{},
		res: map[string]*resource{}, setUsed: map[string]bool{}}
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
	if root == nil || root.Kind != cfn.Mapping {
		return t, s.diags
	}
	s.sections()
	s.loadParameters()
	s.loadConditions()
	s.loadResources()
	s.assignAttrs()
	nodes := s.buildGraph()
	t.Nodes = nodes
	s.checkUnusedParams()
	lower := &lowerer{s: s, t: t}
	lower.run()
	t.Outputs = s.outputs()
	for _, name := range s.paramOrder {
		p := s.params[name]
		t.Parameters = append(t.Parameters, model.Parameter{Name: p.name, Type: p.typ, Value: p.value, NoEcho: p.noEcho, Source: p.source, Range: p.keyRange})
	}
	t.Finalize()
	s.diags = append(s.diags, checkCFN(s, t)...)
	return t, s.diags
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
	for _, f := range s.root.Fields {
		if !slices.Contains(knownSections, f.Key) {
			s.errorf(ruleSection, f.KeyRange, "", hintOr(diag.DidYouMean(f.Key, knownSections), "Top-level sections are "+strings.Join(knownSections, ", ")+"."),
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
				s.transforms = append(s.transforms, n.Value)
				switch n.Value {
				case "AWS::LanguageExtensions":
				case "AWS::Serverless-2016-10-31":
					s.add(diag.Infof(ruleUnmodeled, n.Range, "", "Define the API with AWS::ApiGateway::* resources (or AWS::Serverless::Api with a DefinitionBody) to serve it with cfnrun.",
						"the SAM transform's implicit APIs (Events of type Api) are not expanded by cfnrun"))
				default:
					s.add(diag.Infof(ruleUnmodeled, n.Range, "", "cfnrun resolves the template as written, before the macro runs.", "transform %q is not run", n.Value))
				}
			}
		}
	}
	res := s.root.Field("Resources")
	if res == nil {
		s.errorf(ruleSection, s.root.Range, "", "Add a Resources section with at least one resource.", "the template has no Resources section")
	} else if res.Value.Kind != cfn.Mapping || len(res.Value.Fields) == 0 {
		s.errorf(ruleSection, res.KeyRange, "", "Resources must map logical ids to resource declarations.", "Resources is empty or not a mapping")
	}
}

func hintOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *stack) loadResources() {
	sec := s.root.Get("Resources")
	if sec == nil || sec.Kind != cfn.Mapping {
		return
	}
	for _, f := range sec.Fields {
		r := &resource{id: f.Key, keyRange: f.KeyRange, decl: f.Value, live: true}
		if !validLogicalID(f.Key) {
			s.errorf(ruleResourceAttr, f.KeyRange, f.Key, "Logical ids are alphanumeric (A-Za-z0-9) and unique within the template.", "logical id %q is not alphanumeric", f.Key)
		}
		if _, isParam := s.params[f.Key]; isParam {
			s.errorf(ruleResourceAttr, f.KeyRange, f.Key, "Rename the resource or the parameter.", "%q is both a parameter and a resource", f.Key)
		}
		s.res[f.Key] = r
		s.resOrder = append(s.resOrder, f.Key)
		if f.Value.Kind != cfn.Mapping {
			s.errorf(ruleResourceAttr, f.KeyRange, f.Key, "A resource is a mapping with Type and usually Properties.", "resource %q is %s, not a mapping", f.Key, f.Value.KindName())
			continue
		}
		for _, a := range f.Value.Fields {
			if !slices.Contains(resourceAttributes, a.Key) {
				s.errorf(ruleResourceAttr, a.KeyRange, f.Key, hintOr(diag.DidYouMean(a.Key, resourceAttributes), "Resource attributes are "+strings.Join(resourceAttributes, ", ")+"; did you mean to put it under Properties?"),
					"unknown resource attribute %q", a.Key)
			}
		}
		r.typeNode = f.Value.Get("Type")
		switch {
		case r.typeNode == nil:
			s.errorf(ruleResourceAttr, f.KeyRange, f.Key, "Add Type: AWS::Service::Resource.", "resource %q has no Type", f.Key)
		case r.typeNode.Kind != cfn.Scalar:
			s.errorf(ruleResourceAttr, r.typeNode.Range, f.Key, "Type must be a literal string such as AWS::ApiGateway::RestApi; intrinsics are not allowed here.", "Type is %s", r.typeNode.KindName())
		default:
			r.typ = r.typeNode.Value
		}
		r.props = f.Value.Get("Properties")
		if r.props != nil && r.props.Kind != cfn.Mapping && r.props.Kind != cfn.Null {
			s.errorf(ruleResourceAttr, r.props.Range, f.Key, "Properties must be a mapping of property names to values.", "Properties is %s", r.props.KindName())
			r.props = nil
		}
		if c := f.Value.Field("Condition"); c != nil {
			if c.Value.Kind != cfn.Scalar {
				s.errorf(ruleCondition, c.Value.Range, f.Key, "Condition takes the name of a condition from the Conditions section.", "Condition is %s", c.Value.KindName())
			} else {
				r.condition, r.condRange = c.Value.Value, c.Value.Range
				if _, ok := s.condDefs[r.condition]; !ok {
					s.errorf(ruleCondition, c.Value.Range, f.Key, hintOr(diag.DidYouMean(r.condition, diag.Names(s.condDefs)), "Define it under Conditions."), "unknown condition %q", r.condition)
				} else {
					r.live = s.condition(r.condition, c.Value.Range)
				}
			}
		}
		if d := f.Value.Get("DependsOn"); d != nil {
			items := []*cfn.Node{d}
			if d.Kind == cfn.Sequence {
				items = d.Items
			}
			for _, it := range items {
				if it.Kind != cfn.Scalar {
					s.errorf(ruleResourceAttr, it.Range, f.Key, "DependsOn takes a logical id or a list of logical ids; intrinsics are not allowed.", "DependsOn entry is %s", it.KindName())
					continue
				}
				r.dependsOn = append(r.dependsOn, dependsOn{name: it.Value, rng: it.Range})
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

// readFile reads a template, mapping OS errors to a command-level finding.
func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errorsAs(err, &pe) {
			return nil, fmt.Errorf("%s: %v", path, pe.Err)
		}
		return nil, err
	}
	return b, nil
}
