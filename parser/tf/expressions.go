package tf

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/cfnrun/cfnrun/internal/diag"
)

var ruleUndeclared = newRule("TF003", sevError|sevWarning,
	"reference to an undeclared variable, local, resource, data source or module (did-you-mean); warning when `--set` supplies the undeclared resource's attributes",
	"`terraform validate` fails with \"Reference to undeclared ...\". `--set` supplies an undeclared resource's attributes locally.")

var ruleValue = newRule("TF005", sevError|sevWarning|sevInfo,
	"type error or invalid value (wrong argument type, bad `count`/`for_each`, a function failing); warning when a file function reads a file that does not exist yet (a build artifact: the value is unknown); info when `count`/`for_each` comes from attributes only AWS knows (no instances are created)",
	"Terraform or the provider rejects the value; cfnrun invents no lists for resources it does not model.")

// Expression evaluation: the evaluation context built for exactly what an
// expression refers to, and placeholders for undeclared resources.

// eval evaluates expr in the module's scope plus extra (each, count).
func (mi *modInst) eval(expr hcl.Expression, extra map[string]cty.Value, resource string) cty.Value {
	if !mi.l.budget.ok() {
		return cty.DynamicVal
	}
	mi.l.budget.setAt(expr.Range())
	expr = mi.l.native(expr)
	ctx := mi.ctxFor(expr, extra)
	v, ds := expr.Value(ctx)
	mi.l.addEvalDiags(ds, resource)
	if ds.HasErrors() && v == cty.NilVal {
		return cty.DynamicVal
	}
	return v
}

// evalIn evaluates expr in a prepared context.
func (mi *modInst) evalIn(expr hcl.Expression, ctx *hcl.EvalContext, resource string) cty.Value {
	v, _ := mi.evalInOK(expr, ctx, resource)
	return v
}

// evalInOK is evalIn, also saying whether evaluation succeeded (an
// unknown value after an error is not a value known after apply).
func (mi *modInst) evalInOK(expr hcl.Expression, ctx *hcl.EvalContext, resource string) (cty.Value, bool) {
	if !mi.l.budget.ok() {
		return cty.DynamicVal, false
	}
	mi.l.budget.setAt(expr.Range())
	e := mi.l.native(expr)
	if v, ok := knownValue(e, ctx); ok {
		return v, true
	}
	v, ds := e.Value(ctx)
	mi.l.addEvalDiags(ds, resource)
	if ds.HasErrors() && v == cty.NilVal {
		return cty.DynamicVal, false
	}
	return v, !ds.HasErrors()
}

// bodyTraversals returns (and caches) every reference a resource body
// makes outside its meta-arguments, without the iterator variables of its
// dynamic blocks: one evaluation context per instance serves the body.
func (mi *modInst) bodyTraversals(r *resource) []hcl.Traversal {
	if r.travsDone {
		return r.travs
	}
	r.travsDone = true
	var out []hcl.Traversal
	var walk func(b hcl.Body, locals map[string]bool)
	addExpr := func(e hcl.Expression, locals map[string]bool) {
		for _, tr := range e.Variables() {
			if !locals[tr.RootName()] {
				out = append(out, tr)
			}
		}
	}
	walk = func(b hcl.Body, locals map[string]bool) {
		sb, ok := b.(*hclsyntax.Body)
		if !ok {
			attrs, _ := b.JustAttributes()
			for n, a := range attrs {
				if !metaArgs[n] {
					addExpr(a.Expr, locals)
				}
			}
			return
		}
		for n, a := range sb.Attributes {
			if !metaArgs[n] || locals != nil {
				addExpr(a.Expr, locals)
			}
		}
		for _, blk := range sb.Blocks {
			if metaArgs[blk.Type] && locals == nil {
				continue
			}
			if blk.Type != "dynamic" || len(blk.Labels) != 1 {
				walk(blk.Body, locals)
				continue
			}
			iter := blk.Labels[0]
			if a := blk.Body.Attributes["iterator"]; a != nil {
				if tr, ds := hcl.AbsTraversalForExpr(a.Expr); !ds.HasErrors() && len(tr) == 1 {
					iter = tr.RootName()
				}
			}
			if a := blk.Body.Attributes["for_each"]; a != nil {
				addExpr(a.Expr, locals)
			}
			inner := map[string]bool{iter: true}
			for k := range locals {
				inner[k] = true
			}
			for _, cb := range blk.Body.Blocks {
				if cb.Type == "content" {
					walk(cb.Body, inner)
				}
			}
		}
	}
	walk(r.body, nil)
	r.travs = out
	return out
}

// ctxFor builds the evaluation context holding exactly what expr refers
// to, evaluating those objects first.
func (mi *modInst) ctxFor(expr hcl.Expression, extra map[string]cty.Value) *hcl.EvalContext {
	return mi.ctxForTraversals(expr.Variables(), extra)
}

func (mi *modInst) ctxForTraversals(travs []hcl.Traversal, extra map[string]cty.Value) *hcl.EvalContext {
	if len(travs) == 0 {
		if mi.l.bareCtx == nil {
			mi.l.bareCtx = &hcl.EvalContext{Functions: mi.l.funcs}
		}
		return mi.l.bareCtx
	}
	ctx := &hcl.EvalContext{Variables: make(map[string]cty.Value, 4), Functions: mi.l.funcs}
	nested := map[string]map[string]cty.Value{}   // resource type → name → value
	dataVals := map[string]map[string]cty.Value{} // data type → name → value
	put := func(m map[string]map[string]cty.Value, a, b string, v cty.Value) {
		if m[a] == nil {
			m[a] = map[string]cty.Value{}
		}
		m[a][b] = v
	}
	localVals := map[string]cty.Value{}
	varVals := map[string]cty.Value{}
	moduleOuts := map[string]map[string]cty.Value{}
	moduleVals := map[string]cty.Value{}
	for _, tr := range travs {
		root := tr.RootName()
		if v, ok := extra[root]; ok {
			ctx.Variables[root] = v
			continue
		}
		if _, ok := attrStep(tr, 1); !ok && (root == "var" || root == "local" || root == "data" || root == "module") {
			mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), fmt.Sprintf("Access one of its attributes instead, such as %s.NAME.", root), "the %q object cannot be accessed directly", root))
			ctx.Variables[root] = cty.DynamicVal
			continue
		}
		switch root {
		case "var":
			name, ok := attrStep(tr, 1)
			if !ok {
				continue
			}
			if _, declared := mi.m.varByName[name]; !declared {
				mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(name, diag.Names(mi.m.varByName)), "Declare it with a variable block."), "reference to undeclared input variable %q", name))
				varVals[name] = cty.DynamicVal
				continue
			}
			varVals[name] = mi.variable(name)
		case "local":
			name, ok := attrStep(tr, 1)
			if !ok {
				continue
			}
			if _, declared := mi.m.locals[name]; !declared {
				mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(name, diag.Names(mi.m.locals)), "Declare it in a locals block."), "reference to undeclared local value %q", name))
				localVals[name] = cty.DynamicVal
				continue
			}
			localVals[name] = mi.local(name, tr.SourceRange())
		case "count", "each":
			mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), fmt.Sprintf("%s is only available inside a resource or module block that sets %s.", root, map[string]string{"count": "count", "each": "for_each"}[root]), "reference to %q in a context without %s", root, map[string]string{"count": "count", "each": "for_each"}[root]))
			ctx.Variables[root] = cty.DynamicVal
		case "path":
			// Terraform runs in the root module's directory: path.root
			// and path.cwd are ".", path.module is relative to it, and
			// file functions and Lambda code paths resolve relative
			// paths against l.rootDir.
			mod := mi.m.dir
			if rel, err := filepath.Rel(mi.l.rootDir, mi.m.dir); err == nil {
				mod = filepath.ToSlash(rel)
			}
			ctx.Variables["path"] = cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal(mod), "root": cty.StringVal("."), "cwd": cty.StringVal("."),
			})
		case "terraform":
			ctx.Variables["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")})
		case "self":
			ctx.Variables["self"] = cty.DynamicVal
		case "data":
			typ, ok1 := attrStep(tr, 1)
			name, ok2 := attrStep(tr, 2)
			if !ok1 || !ok2 {
				continue
			}
			key := "data." + typ + "." + name
			if _, declared := mi.m.resources[key]; !declared {
				mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(typ+"."+name, mi.declaredData()), "Declare it with a data block."), "reference to undeclared data source data.%s.%s", typ, name))
				put(dataVals, typ, name, cty.DynamicVal)
				continue
			}
			put(dataVals, typ, name, mi.resource(key))
		case "module":
			name, ok := attrStep(tr, 1)
			if !ok {
				continue
			}
			c, declared := mi.m.calls[name]
			if !declared {
				mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(name, diag.Names(mi.m.calls)), "Declare it with a module block."), "reference to undeclared module %q", name))
				moduleVals[name] = cty.DynamicVal
				continue
			}
			if out, ok := attrStep(tr, 2); ok && c.count == nil && c.forEach == nil {
				// module.NAME.OUTPUT: only that output, evaluated lazily.
				ci := mi.child(c)
				if moduleOuts[name] == nil {
					moduleOuts[name] = map[string]cty.Value{}
				}
				if ci == nil {
					moduleOuts[name][out] = cty.DynamicVal
					continue
				}
				if !ci.hasOutput(out) {
					var names []string
					for _, o := range ci.m.outputs {
						names = append(names, o.name)
					}
					mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(out, names), "Add an output block to the module."), "module %q has no output %q", name, out))
					moduleOuts[name][out] = cty.DynamicVal
					continue
				}
				moduleOuts[name][out] = ci.output(out)
				continue
			}
			moduleVals[name] = mi.call(name)
		default:
			name, ok := attrStep(tr, 1)
			if !ok {
				mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(root, mi.declaredRoots()), "A reference to a resource is written TYPE.NAME.ATTRIBUTE."), "unknown name %q", root))
				ctx.Variables[root] = cty.DynamicVal
				continue
			}
			key := root + "." + name
			if _, declared := mi.m.resources[key]; !declared {
				put(nested, root, name, mi.undeclared(key, tr))
				continue
			}
			put(nested, root, name, mi.resource(key))
		}
	}
	if len(varVals) > 0 {
		ctx.Variables["var"] = cty.ObjectVal(varVals)
	}
	for name, outs := range moduleOuts {
		if _, whole := moduleVals[name]; !whole {
			moduleVals[name] = cty.ObjectVal(outs)
		}
	}
	for typ, names := range nested {
		ctx.Variables[typ] = cty.ObjectVal(names)
	}
	if len(dataVals) > 0 {
		obj := map[string]cty.Value{}
		for typ, names := range dataVals {
			obj[typ] = cty.ObjectVal(names)
		}
		ctx.Variables["data"] = cty.ObjectVal(obj)
	}
	if len(localVals) > 0 {
		ctx.Variables["local"] = cty.ObjectVal(localVals)
	}
	if len(moduleVals) > 0 {
		ctx.Variables["module"] = cty.ObjectVal(moduleVals)
	}
	return ctx
}

func attrStep(tr hcl.Traversal, i int) (string, bool) {
	if len(tr) <= i {
		return "", false
	}
	a, ok := tr[i].(hcl.TraverseAttr)
	if !ok {
		return "", false
	}
	return a.Name, true
}

func (mi *modInst) declaredData() []string {
	var out []string
	for _, r := range mi.m.resList {
		if r.data {
			out = append(out, r.typ+"."+r.name)
		}
	}
	return out
}

func (mi *modInst) declaredRoots() []string {
	out := []string{"var", "local", "data", "module", "path", "terraform", "count", "each"}
	for _, r := range mi.m.resList {
		if !r.data {
			out = append(out, r.typ)
		}
	}
	return out
}

// undeclared reports a reference to a resource the configuration does not
// declare and returns a placeholder object, so evaluation can go on (the
// seed's backend service is such a reference). --set address.attr=value
// supplies attribute values.
func (mi *modInst) undeclared(key string, tr hcl.Traversal) cty.Value {
	addr := mi.prefix + key
	set := mi.l.setsFor(addr)
	var cands []string
	for _, r := range mi.m.resList {
		if !r.data {
			cands = append(cands, r.key())
		}
	}
	typ, name, _ := strings.Cut(key, ".")
	hint := diag.DidYouMean(key, cands)
	if hint == "" {
		// The only resource of the same type is the likely target.
		var sameType []string
		for _, c := range cands {
			if strings.HasPrefix(c, typ+".") {
				sameType = append(sameType, c)
			}
		}
		if len(sameType) == 1 {
			hint = fmt.Sprintf("Did you mean %q?", sameType[0])
		}
	}
	if hint == "" {
		// A misspelt var./local./data. prefix reads as a resource type.
		if s := diag.Suggest(typ, []string{"var", "local", "data", "module", "each", "count", "path"}); s != "" && !slices.ContainsFunc(cands, func(c string) bool { return strings.HasPrefix(c, typ+".") }) {
			hint = fmt.Sprintf("Did you mean %s.%s?", s, name)
		}
	}
	if hint == "" {
		hint = fmt.Sprintf("Declare the resource, or give its attributes with --set %s.ATTR=VALUE.", addr)
	}
	if len(set) == 0 {
		mi.l.diagOnce(ruleUndeclared.errorf(tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), hint, "reference to undeclared resource %s", addr))
	} else {
		mi.l.diagOnce(ruleUndeclared.warnf(tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), "Works locally; terraform validate will still reject the reference until the resource is declared.", "%s is not declared; using the values from --set", addr))
	}
	if _, hasAttr := attrStep(tr, 2); !hasAttr && len(set) == 0 {
		// vars.stage: the object itself is used; unknown avoids a cascade
		// of type errors after the finding above.
		return cty.DynamicVal
	}
	// Every attribute reads as the reference itself, "${addr.attr}", as
	// the CloudFormation side keeps an unresolved ${Name.Attr}; --set
	// values replace them.
	attrs := map[string]cty.Value{}
	for a, deep := range mi.refAttrs[key] {
		if deep {
			attrs[a] = cty.DynamicVal
		} else {
			attrs[a] = cty.StringVal("${" + addr + "." + a + "}")
		}
	}
	for a := range mi.l.relAttrs {
		if _, ok := attrs[a]; !ok {
			attrs[a] = cty.StringVal("${" + addr + "." + a + "}")
		}
	}
	for _, a := range commonAttrs {
		if _, ok := attrs[a]; !ok {
			attrs[a] = cty.StringVal("${" + addr + "." + a + "}")
		}
	}
	for k, v := range set {
		attrs[k] = cty.StringVal(v)
	}
	return cty.ObjectVal(attrs)
}

// setsFor returns the --set overrides for address addr.
func (l *loader) setsFor(addr string) map[string]string {
	var out map[string]string
	for k, v := range l.opts.Sets {
		if a, ok := strings.CutPrefix(k, addr+"."); ok && !strings.Contains(a, ".") {
			if out == nil {
				out = map[string]string{}
			}
			out[a] = v
		}
	}
	return out
}

// knownValue is e.Value(ctx) for the references that resource arguments
// and template parts are mostly made of, where hcl would take every step
// without a diagnostic: a reference (traverseKnown), a relative traversal
// of one (var.routes[each.key].method) and an index expression whose
// collection and key are such expressions or literals; false for anything
// else, which hcl evaluates from the start. These are pure (no function,
// nothing the budget charges), so leaving one to hcl halfway changes
// nothing but the time.
func knownValue(e hcl.Expression, ctx *hcl.EvalContext) (cty.Value, bool) {
	switch e := e.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		return traverseKnown(e.Traversal, ctx)
	case *hclsyntax.RelativeTraversalExpr:
		v, ok := knownValue(e.Source, ctx)
		if !ok {
			return cty.NilVal, false
		}
		return stepsKnown(v, e.Traversal)
	case *hclsyntax.IndexExpr:
		coll, ok := knownValue(e.Collection, ctx)
		if !ok {
			return cty.NilVal, false
		}
		key, ok := knownValue(e.Key, ctx)
		if !ok {
			return cty.NilVal, false
		}
		if v, ok := mapElem(coll, key); ok {
			return v, true
		}
		v, ds := hcl.Index(coll, key, &e.BracketRange)
		if len(ds) > 0 {
			return cty.NilVal, false
		}
		return v, true
	case *hclsyntax.LiteralValueExpr:
		return e.Val, true
	case *hclsyntax.TemplateExpr:
		return literalTemplate(e)
	}
	return cty.NilVal, false
}

// literalTemplate is e.Value(ctx) for a template whose parts are all
// literal strings ("NONE", "HTTP_PROXY"): their text joined, as
// cty.StringVal makes it; the one part's own value when there is one (the
// parser made it with cty.StringVal: NFC already). hcl's TemplateExpr
// writes the parts into a buffer, normalises the result to NFC and refines
// it as not null (which leaves a known value as it is), with three
// allocations. False for any other template.
func literalTemplate(e *hclsyntax.TemplateExpr) (cty.Value, bool) {
	for _, p := range e.Parts {
		lit, ok := p.(*hclsyntax.LiteralValueExpr)
		if !ok || lit.Val.Type() != cty.String || lit.Val.IsMarked() || !lit.Val.IsKnown() || lit.Val.IsNull() {
			return cty.NilVal, false
		}
	}
	switch len(e.Parts) {
	case 0:
		return cty.StringVal(""), true
	case 1:
		return e.Parts[0].(*hclsyntax.LiteralValueExpr).Val, true
	}
	var b strings.Builder
	for _, p := range e.Parts {
		b.WriteString(p.(*hclsyntax.LiteralValueExpr).Val.AsString())
	}
	return stringVal(b.String()), true
}

// traverseKnown is tr.TraverseAbs(ctx) (what a reference such as
// each.value.id or aws_api_gateway_rest_api.api.id evaluates to) when ctx
// or a parent holds tr's root (looked up as hcl does: the nearest context
// with variables that has the name) and every step reads an attribute the
// known, unmarked, non-null object before it has, or is an index hcl takes
// without a diagnostic; false for anything else, which hcl evaluates. hcl's GetAttr normalises the name to NFC four times per
// step (HasAttribute, then cty's GetAttr: the name, HasAttribute again,
// AttributeType), 4% of a 200-route validate's instructions; an object
// type's names are NFC already, so a name found in the type's map as it
// is reads the attribute hcl would.
func traverseKnown(tr hcl.Traversal, ctx *hcl.EvalContext) (cty.Value, bool) {
	if ctx == nil || len(tr) == 0 || !ctyLayoutOK.Get() {
		return cty.NilVal, false
	}
	root, ok := tr[0].(hcl.TraverseRoot)
	if !ok {
		return cty.NilVal, false
	}
	var v cty.Value
	found := false
	for c := ctx; c != nil && !found; c = c.Parent() {
		if c.Variables != nil {
			v, found = c.Variables[root.Name]
		}
	}
	if !found {
		return cty.NilVal, false
	}
	return stepsKnown(v, tr[1:])
}

// stepsKnown is tr.TraverseRel(v) when every step is an attribute the
// known, unmarked, non-null object before it has (read without cty's NFC)
// or an index hcl takes without a diagnostic; false for anything else.
func stepsKnown(v cty.Value, tr hcl.Traversal) (cty.Value, bool) {
	if !ctyLayoutOK.Get() {
		return cty.NilVal, false
	}
	for _, step := range tr {
		switch s := step.(type) {
		case hcl.TraverseAttr:
			if v.IsMarked() || !v.IsKnown() || v.IsNull() || !v.Type().IsObjectType() {
				return cty.NilVal, false
			}
			aty, ok := v.Type().AttributeTypes()[s.Name]
			if !ok {
				return cty.NilVal, false
			}
			// objectAttr's read, without looking the name up in the
			// type again (a third of the map look-ups of a step).
			if m, isMap := (*ctyValue)(unsafe.Pointer(&v)).v.(map[string]any); isMap {
				out := ctyValue{ty: aty, v: m[s.Name]}
				v = *(*cty.Value)(unsafe.Pointer(&out))
			} else {
				v = v.GetAttr(s.Name)
			}
		case hcl.TraverseIndex:
			next, ds := s.TraversalStep(v)
			if len(ds) > 0 {
				return cty.NilVal, false
			}
			v = next
		default:
			return cty.NilVal, false
		}
	}
	return v, true
}

// mapElem is hcl.Index(coll, key) for a known, unmarked, non-null map and
// a known, unmarked, non-null string key it holds (var.routes[each.key],
// once per instance): the element, read as cty's Index reads it, without
// hcl's HasIndex (a second look-up, and a cty bool) and key conversion;
// false for anything else (a missing key is hcl's diagnostic).
func mapElem(coll, key cty.Value) (cty.Value, bool) {
	if !ctyLayoutOK.Get() || key.Type() != cty.String || key.IsMarked() || !key.IsKnown() || key.IsNull() {
		return cty.NilVal, false
	}
	ty := coll.Type()
	if !ty.IsMapType() || coll.IsMarked() || !coll.IsKnown() || coll.IsNull() {
		return cty.NilVal, false
	}
	m, ok := (*ctyValue)(unsafe.Pointer(&coll)).v.(map[string]any)
	if !ok {
		return cty.NilVal, false
	}
	elem, ok := m[key.AsString()]
	if !ok {
		return cty.NilVal, false
	}
	out := ctyValue{ty: ty.ElementType(), v: elem}
	return *(*cty.Value)(unsafe.Pointer(&out)), true
}
