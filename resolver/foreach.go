package resolver

import (
	"strings"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// Fn::ForEach (the AWS::LanguageExtensions transform) replicates entries of
// Resources, Outputs and Conditions:
//
//	Fn::ForEach::Topics:
//	  - TopicName                       # identifier
//	  - [Success, Failure]              # collection (or !Ref a list parameter)
//	  - SnsTopic${TopicName}:           # output key template(s)
//	      Type: AWS::SNS::Topic
//
// expandForEach rewrites the section in place before anything else reads
// it: ${Id} and &{Id} in keys, ${Id} in Fn::Sub strings and {Ref: Id} are
// replaced by each value; the copies keep the loop's source positions.

const forEachPrefix = "Fn::ForEach::"

func (s *stack) expandForEach() {
	for _, section := range []string{"Conditions", "Resources", "Outputs"} {
		f := s.root.Field(section)
		if f == nil || f.Value.Kind != cfn.Mapping {
			continue
		}
		f.Value.Fields = s.expandFields(f.Value.Fields, 0)
	}
}

func (s *stack) expandFields(fields []cfn.Field, depth int) []cfn.Field {
	loops := false
	for _, f := range fields {
		if strings.HasPrefix(f.Key, forEachPrefix) {
			loops = true
			break
		}
	}
	if !loops {
		return fields
	}
	s.forEachExpanded = true
	var out []cfn.Field
	for _, f := range fields {
		if !strings.HasPrefix(f.Key, forEachPrefix) {
			out = append(out, f)
			continue
		}
		s.needLanguageExtensions("Fn::ForEach", f.KeyRange(), "")
		if depth > 5 {
			s.errorf(ruleIntrinsic, f.KeyRange(), "", "CloudFormation allows at most 5 nested Fn::ForEach loops.", "Fn::ForEach nested too deeply")
			continue
		}
		arg := f.Value
		if arg.Kind != cfn.Sequence || len(arg.Items) != 3 || arg.Items[0].Kind != cfn.Scalar || arg.Items[2].Kind != cfn.Mapping {
			s.errorf(ruleIntrinsic, f.KeyRange(), "", "Write Fn::ForEach::Name: [Identifier, [values...], {OutputKey${Identifier}: {...}}].", "%s has invalid arguments", f.Key)
			continue
		}
		id := arg.Items[0].Value
		var values []string
		switch coll := s.eval(arg.Items[1], evalCtx{}).(type) {
		case []any:
			for _, v := range coll {
				values = append(values, s.stringify(v, arg.Items[1]))
			}
		default:
			s.errorf(ruleIntrinsic, arg.Items[1].Range(), "", "The collection is a list of strings, or a !Ref to a CommaDelimitedList parameter.", "Fn::ForEach collection of %s is not a list", f.Key)
			continue
		}
		// The collection's Ref counts as a use of the parameter.
		w := &refWalker{s: s}
		w.walk(arg.Items[1])
		// Each copy of a body is charged to the budget by its size, so a
		// large body repeated many times, and loops nested in loops, stop
		// at the same limits as everything else.
		sizes := make([]int, len(arg.Items[2].Fields))
		for i, tmpl := range arg.Items[2].Fields {
			sizes[i] = countNodes(tmpl.Value)
		}
		for _, v := range values {
			for i, tmpl := range arg.Items[2].Fields {
				if !s.spendValues(sizes[i], tmpl.Value) {
					return out
				}
				key := substituteLoopKey(tmpl.Key, id, v)
				body := substituteLoop(tmpl.Value, id, v)
				if strings.HasPrefix(key, forEachPrefix) {
					out = append(out, s.expandFields([]cfn.Field{{Key: key, KeySpan: tmpl.KeySpan, Value: body}}, depth+1)...)
					continue
				}
				if !s.spendEntries(1, f.KeyRange()) {
					return out
				}
				out = append(out, cfn.Field{Key: key, KeySpan: tmpl.KeySpan, Value: body})
			}
		}
	}
	// Two loops producing the same key is what CloudFormation rejects too.
	seen := map[string]diag.Range{}
	for _, f := range out {
		if first, dup := seen[f.Key]; dup {
			s.add(ruleResourceAttr.errorf(f.KeyRange(), f.Key, "Make the output keys unique (use ${Identifier} in them).", "duplicate key %q after Fn::ForEach expansion", f.Key).
				WithRelated(first, "the first %q", f.Key))
		}
		seen[f.Key] = f.KeyRange()
	}
	return out
}

func substituteLoopKey(key, id, v string) string {
	key = strings.ReplaceAll(key, "${"+id+"}", v)
	var alnum strings.Builder
	for _, r := range v {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			alnum.WriteRune(r)
		}
	}
	return strings.ReplaceAll(key, "&{"+id+"}", alnum.String())
}

// substituteLoop copies n with the loop identifier replaced by v.
func substituteLoop(n *cfn.Node, id, v string) *cfn.Node {
	if n == nil {
		return nil
	}
	c := *n
	switch n.Kind {
	case cfn.Scalar:
		if strings.Contains(n.Value, "${"+id+"}") || strings.Contains(n.Value, "&{"+id+"}") {
			c.Value = substituteLoopKey(n.Value, id, v)
		}
	case cfn.Sequence:
		c.Items = make([]*cfn.Node, len(n.Items))
		for i, it := range n.Items {
			c.Items[i] = substituteLoop(it, id, v)
		}
	case cfn.Mapping:
		if name, arg, ok := n.Intrinsic(false); ok && name == "Ref" && arg.Kind == cfn.Scalar && arg.Value == id {
			return &cfn.Node{Kind: cfn.Scalar, Value: v, Span: n.Span}
		}
		c.Fields = make([]cfn.Field, len(n.Fields))
		for i, f := range n.Fields {
			c.Fields[i] = cfn.Field{Key: substituteLoopKey(f.Key, id, v), KeySpan: f.KeySpan, Value: substituteLoop(f.Value, id, v)}
		}
	}
	return &c
}

// countNodes is the number of nodes of the tree n.
func countNodes(n *cfn.Node) int {
	if n == nil {
		return 0
	}
	c := 1
	for _, it := range n.Items {
		c += countNodes(it)
	}
	for _, f := range n.Fields {
		c += countNodes(f.Value)
	}
	return c
}
