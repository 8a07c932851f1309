package tf

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Values not known before apply. A root variable without a value, an
// attribute only AWS knows (a placeholder resource's list attributes, an
// archive's hash), and everything computed from them are cty unknowns, as
// in terraform validate: they flow through expressions without errors, and
// checks against enums, types and validation blocks skip them. What the
// model needs from them is said here: the text an unknown string stands
// for, the URL-safe stand-in a stage is served under, and the variables
// and attributes an unknown value derives from.

// addPending records an element that is not known before apply.
func (l *loader) addPending(addr, what string, deps []string, rng hcl.Range) {
	if l.budget.spent {
		return // unknown because evaluation stopped: TF071 says why
	}
	for _, p := range l.pending {
		if p.Address == addr && p.What == what {
			return
		}
	}
	l.pending = append(l.pending, model.Pending{Address: addr, What: what, DependsOn: deps, Range: toRange(rng)})
}

// unknownSources names the unknown values expr derives from: root
// variables without a value (followed through module inputs and locals),
// attributes only AWS knows, and the instances of resources whose count or
// for_each is not known.
func (mi *modInst) unknownSources(expr hcl.Expression, extra map[string]cty.Value) []string {
	set := map[string]bool{}
	mi.collectUnknown(expr.Variables(), extra, map[string]bool{}, set)
	if len(set) == 0 {
		return []string{"values known only after apply"}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (mi *modInst) collectUnknown(travs []hcl.Traversal, extra map[string]cty.Value, seen, out map[string]bool) {
	for _, tr := range travs {
		root := tr.RootName()
		if v, ok := extra[root]; ok {
			// each and count of an instance whose for_each holds unknown
			// values: the for_each expression says where they come from.
			if !v.IsWhollyKnown() {
				out[root+"."+strings.TrimPrefix(traversalString(tr[1:]), ".")] = true
			}
			continue
		}
		switch root {
		case "var":
			name, ok := attrStep(tr, 1)
			if !ok || mi.m.varByName[name] == nil || mi.variable(name).IsWhollyKnown() {
				continue
			}
			if a := mi.inputExprs[name]; a != nil && mi.parent != nil {
				key := mi.prefix + "var." + name
				if !seen[key] {
					seen[key] = true
					mi.parent.collectUnknown(a.Expr.Variables(), mi.inputExtra, seen, out)
				}
				continue
			}
			out[mi.prefix+"var."+name] = true
		case "local":
			name, ok := attrStep(tr, 1)
			key := mi.prefix + "local." + name
			if !ok || seen[key] {
				continue
			}
			seen[key] = true
			if a := mi.m.locals[name]; a != nil && !mi.local(name, tr.SourceRange()).IsWhollyKnown() {
				mi.collectUnknown(a.Expr.Variables(), nil, seen, out)
			}
		case "module":
			name, ok := attrStep(tr, 1)
			c := mi.m.calls[name]
			if !ok || c == nil {
				continue
			}
			addr := mi.prefix + "module." + name
			if deps, ok := mi.l.pendingDeps(addr); ok {
				for _, d := range deps {
					out[d] = true
				}
				continue
			}
			ci := mi.children[name]
			outName, ok := attrStep(tr, 2)
			if ci == nil || !ok || !ci.hasOutput(outName) {
				out[addr] = true // a module not installed, or a whole module value
				continue
			}
			if ci.output(outName).IsWhollyKnown() {
				continue
			}
			key := addr + ".output." + outName
			if seen[key] {
				continue
			}
			seen[key] = true
			for _, o := range ci.m.outputs {
				if o.name == outName && o.expr != nil {
					ci.collectUnknown(o.expr.Variables(), nil, seen, out)
				}
			}
		case "each", "count", "self", "path", "terraform":
		default:
			key, rest := resourceKey(tr)
			r := mi.m.resources[key]
			if r == nil {
				continue
			}
			if deps, ok := mi.l.pendingDeps(mi.prefix + key); ok {
				for _, d := range deps {
					out[d] = true
				}
				continue
			}
			v, ds := rest.TraverseRel(mi.resource(key))
			if ds.HasErrors() || !v.IsWhollyKnown() {
				out[mi.prefix+traversalString(tr)] = true
			}
		}
	}
}

// resourceKey splits a reference to a resource or data source into its
// module-local key ("type.name", "data.type.name") and the rest.
func resourceKey(tr hcl.Traversal) (string, hcl.Traversal) {
	if tr.RootName() == "data" {
		t, ok1 := attrStep(tr, 1)
		n, ok2 := attrStep(tr, 2)
		if !ok1 || !ok2 {
			return "", nil
		}
		return "data." + t + "." + n, tr[3:]
	}
	n, ok := attrStep(tr, 1)
	if !ok {
		return "", nil
	}
	return tr.RootName() + "." + n, tr[2:]
}

// pendingDeps returns what the instances of addr wait for, when they are
// not known.
func (l *loader) pendingDeps(addr string) ([]string, bool) {
	for _, p := range l.pending {
		if p.Address == addr && p.What == "instances" {
			return p.DependsOn, true
		}
	}
	return nil, false
}

// maxUnknownText bounds the text an unknown value is shown as.
const maxUnknownText = 200

// unknownString renders the string an unknown argument stands for: the
// known parts of a template with ${...} around the source of each unknown
// part ("prod-${random_id.x.hex}"), or ${...} around the whole expression.
// The model keeps it where a string is needed, as the CloudFormation side
// keeps an unresolved ${Name.Attr}.
//
// An argument that is a local value as a whole (uri = local.fn_arn) stands
// for what the local stands for ("${aws_lambda_function.x.invoke_arn}"),
// so what links such text (linkPendingFunctions) sees through the local.
func (mi *modInst) unknownString(expr hcl.Expression, ctx *hcl.EvalContext) string {
	return mi.unknownStringDepth(expr, ctx, 0)
}

// maxLocalChain bounds how many locals unknownString follows.
const maxLocalChain = 8

func (mi *modInst) unknownStringDepth(expr hcl.Expression, ctx *hcl.EvalContext, depth int) string {
	var s string
	switch e := expr.(type) {
	case *hclsyntax.TemplateWrapExpr:
		return mi.unknownStringDepth(e.Wrapped, ctx, depth)
	case *hclsyntax.ScopeTraversalExpr:
		if name, ok := attrStep(e.Traversal, 1); ok && len(e.Traversal) == 2 && e.Traversal.RootName() == "local" && depth < maxLocalChain {
			if a := mi.m.locals[name]; a != nil {
				return mi.unknownStringDepth(a.Expr, ctx, depth+1)
			}
		}
		s = "${" + mi.l.sourceText(expr.Range()) + "}"
	case *hclsyntax.ConditionalExpr:
		// cond ? a : b with a known condition stands for the branch
		// it takes (uri = var.stage == "beta" ? aws_lambda_function.a.invoke_arn : ...).
		if c, ds := e.Condition.Value(ctx); !ds.HasErrors() && c.IsKnown() && !c.IsNull() {
			if cb, err := convert.Convert(c, cty.Bool); err == nil && cb.IsKnown() && !cb.IsNull() {
				if cb.True() {
					return mi.unknownStringDepth(e.TrueResult, ctx, depth+1)
				}
				return mi.unknownStringDepth(e.FalseResult, ctx, depth+1)
			}
		}
		s = "${" + mi.l.sourceText(expr.Range()) + "}"
	case *hclsyntax.TemplateExpr:
		var b strings.Builder
		for _, p := range e.Parts {
			if lit, ok := p.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && lit.Val.IsKnown() && !lit.Val.IsNull() {
				b.WriteString(lit.Val.AsString())
				continue
			}
			if v, ds := p.Value(ctx); !ds.HasErrors() && v.IsWhollyKnown() && !v.IsNull() {
				if sv, err := convert.Convert(v, cty.String); err == nil {
					b.WriteString(sv.AsString())
					continue
				}
			}
			b.WriteString("${" + mi.l.sourceText(p.Range()) + "}")
		}
		s = b.String()
	default:
		src := mi.l.sourceText(expr.Range())
		if strings.HasPrefix(src, `"`) && strings.HasSuffix(src, `"`) && len(src) >= 2 && strings.Contains(src, "${") {
			s = src[1 : len(src)-1] // a .tf.json template string
		} else {
			s = "${" + src + "}"
		}
	}
	if len(s) > maxUnknownText {
		s = s[:maxUnknownText] + "..."
	}
	return s
}

// sourceText returns the source of rng on one line.
func (l *loader) sourceText(rng hcl.Range) string {
	src := l.files.Source(rng.Filename)
	if src == nil || rng.Start.Byte < 0 || rng.End.Byte > len(src) || rng.Start.Byte > rng.End.Byte {
		return "?"
	}
	s := strings.Join(strings.Fields(string(src[rng.Start.Byte:rng.End.Byte])), " ")
	if len(s) > maxUnknownText {
		s = s[:maxUnknownText] + "..."
	}
	return s
}

// maxStageName is API Gateway's limit on a stage name.
const maxStageName = 128

// standIn turns the text an unknown name stands for into a name usable in
// a URL and valid as a stage name (a-z, A-Z, 0-9, - and _):
// "prod-${random_id.x.hex}" becomes "prod-random_id_x_hex".
func standIn(text string) string {
	text = strings.ReplaceAll(text, "${", "")
	var b strings.Builder
	under := false
	for _, r := range text {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		switch {
		case ok && r != '_':
			b.WriteRune(r)
			under = false
		case !under:
			b.WriteByte('_')
			under = true
		}
	}
	s := strings.Trim(b.String(), "_")
	if len(s) > maxStageName {
		s = s[:maxStageName]
	}
	if s == "" {
		s = "unknown"
	}
	return s
}
