package tf

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// hcl's JSON syntax parses the templates in a .tf.json file's strings
// while it evaluates them, so the evaluation budget cannot wrap their for
// expressions, template directives and function calls in place. An
// expression whose strings hold any of those is rebuilt once in the native
// syntax (the templates parsed as hcl's JSON syntax parses them, arrays as
// tuples, objects as object constructors), instrumented and evaluated
// instead; every other JSON expression is evaluated as it is.

// native returns the expression to evaluate for expr.
func (l *loader) native(expr hcl.Expression) hcl.Expression {
	if _, ok := expr.(hclsyntax.Expression); ok || expr == nil {
		return expr
	}
	if !strings.HasSuffix(expr.Range().Filename, ".json") {
		return expr
	}
	if c, ok := l.nativeExprs[expr]; ok {
		return c
	}
	out := expr
	if n, ok := jsonToNative(expr); ok && n != nil && costly(n) {
		l.budget.instrument(n)
		out = n
	}
	if l.split != nil {
		return out // a worker of a split batch reads the cache only
	}
	if l.nativeExprs == nil {
		l.nativeExprs = map[hcl.Expression]hcl.Expression{}
	}
	l.nativeExprs[expr] = out
	return out
}

// jsonToNative rebuilds a JSON expression in the native syntax; false
// when it cannot (a template that does not parse: the JSON syntax reports
// it when it evaluates the original).
func jsonToNative(expr hcl.Expression) (hclsyntax.Expression, bool) {
	v, ds := expr.Value(nil) // nil context: strings verbatim
	if ds.HasErrors() {
		return nil, false
	}
	rng := expr.Range()
	ty := v.Type()
	switch {
	case ty == cty.String && !v.IsNull():
		s := v.AsString()
		if !strings.Contains(s, "${") && !strings.Contains(s, "%{") {
			return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}, true
		}
		if checkNesting([]byte(s), rng.Filename, rng.Start, nestTemplate) != nil {
			return nil, false
		}
		t, ds := hclsyntax.ParseTemplate([]byte(s), rng.Filename, hcl.Pos{Line: rng.Start.Line, Column: rng.Start.Column + 1, Byte: rng.Start.Byte + 1})
		if ds.HasErrors() {
			return nil, false
		}
		return t, true
	case ty.IsTupleType():
		items, ds := hcl.ExprList(expr)
		if ds.HasErrors() {
			return nil, false
		}
		out := &hclsyntax.TupleConsExpr{SrcRange: rng, OpenRange: rng}
		for _, it := range items {
			n, ok := jsonToNative(it)
			if !ok {
				return nil, false
			}
			out.Exprs = append(out.Exprs, n)
		}
		return out, true
	case ty.IsObjectType():
		pairs, ds := hcl.ExprMap(expr)
		if ds.HasErrors() {
			return nil, false
		}
		out := &hclsyntax.ObjectConsExpr{SrcRange: rng, OpenRange: rng}
		for _, p := range pairs {
			k, ok1 := jsonToNative(p.Key)
			val, ok2 := jsonToNative(p.Value)
			if !ok1 || !ok2 {
				return nil, false
			}
			out.Items = append(out.Items, hclsyntax.ObjectConsItem{KeyExpr: k, ValueExpr: val})
		}
		return out, true
	}
	return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: rng}, true
}

// costly reports whether n holds what the budget charges: a for
// expression or directive, a function call, or a template of several
// interpolations.
func costly(n hclsyntax.Node) bool {
	found := false
	_ = hclsyntax.VisitAll(n, func(n hclsyntax.Node) hcl.Diagnostics {
		switch e := n.(type) {
		case *hclsyntax.ForExpr, *hclsyntax.FunctionCallExpr, *hclsyntax.TemplateJoinExpr:
			found = true
		case *hclsyntax.TemplateExpr:
			dynamic := 0
			for _, p := range e.Parts {
				if _, lit := p.(*hclsyntax.LiteralValueExpr); !lit {
					dynamic++
				}
			}
			found = found || dynamic > 1
		}
		return nil
	})
	return found
}
