package tf

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Resources and data sources: instances, their bodies (nested and dynamic
// blocks) and the values references see.

func (mi *modInst) resource(key string) cty.Value {
	switch mi.state[key] {
	case stateDone:
		return mi.values[key]
	case stateBusy:
		// A cycle: the graph check reports it; evaluate on with unknowns.
		return cty.DynamicVal
	}
	r := mi.m.resources[key]
	if r == nil {
		return cty.DynamicVal
	}
	mi.state[key] = stateBusy
	v := mi.evalResource(r)
	mi.values[key] = v
	mi.state[key] = stateDone
	return v
}

func (mi *modInst) evalResource(r *resource) cty.Value {
	l := mi.l
	base := mi.prefix + r.key()
	keys, extras, mode := mi.expand(r.count, r.forEach, base, r.declRange)
	if mode == expandInvalid {
		return cty.DynamicVal
	}
	vals := make([]cty.Value, len(keys))
	for i, k := range keys {
		if i == 1 && mi.splittable(r, mode, len(keys)) {
			if ins, ok := mi.evalSplit(r, base, keys, extras, 1); ok {
				for j, in := range ins {
					vals[1+j] = in.value
					mi.insts[r.key()] = append(mi.insts[r.key()], in)
					l.insts = append(l.insts, in)
				}
				break
			}
		}
		in := &instance{res: r, mi: mi, addr: instanceAddr(base, k), key: k, template: mode == expandUnknown || mi.template}
		in.idAddr = mi.movedFrom(in.addr)
		mi.evalInstance(in, extras[i])
		vals[i] = in.value
		mi.insts[r.key()] = append(mi.insts[r.key()], in)
		l.insts = append(l.insts, in)
	}
	switch mode {
	case expandUnknown:
		// References see what terraform validate shows: unknown.
		return cty.DynamicVal
	case expandCount:
		return cty.TupleVal(vals)
	case expandForEach:
		obj := make(map[string]cty.Value, len(keys))
		for i, k := range keys {
			obj[k.AsString()] = vals[i]
		}
		return cty.ObjectVal(obj)
	}
	return vals[0]
}

func (mi *modInst) evalInstance(in *instance, extra map[string]cty.Value) {
	r := in.res
	n := 0
	if sb, ok := r.body.(*hclsyntax.Body); ok {
		n = len(sb.Attributes) + len(sb.Blocks)
	}
	if r.ranges != nil {
		in.ranges, in.names, in.sharedRanges = r.ranges, r.names, true
	} else {
		in.ranges = make(map[string]hcl.Range, n)
		in.names = make(map[string]hcl.Range, n)
	}
	ctx := mi.instanceCtx(r, extra)
	// The property tree is for diff and the control plane, for the
	// stages of a usage plan (access.go) and the route settings of an
	// HTTP API stage (httpapi.go: where each block is); validate reads
	// no other.
	in.noProps = mi.l.opts.FindingsOnly && r.typ != "aws_api_gateway_usage_plan" && r.typ != "aws_apigatewayv2_stage"
	in.argv, in.props = mi.evalBodyMap(r.body, ctx, in, "")
	if in.noProps {
		in.props = nil
	}
	if r.ranges == nil && !hasDynamic(r.body) {
		// Every instance writes the same ranges: the body's arguments
		// and blocks. Only a dynamic block's can differ (its content
		// appears once per element, or not at all).
		r.ranges, r.names = in.ranges, in.names
	}
	in.deps = mi.depsOf(r, extra)
	in.value = mi.l.exported(in)
}

// hasDynamic reports whether body has a dynamic block, at any depth.
func hasDynamic(body hcl.Body) bool {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return false // read with JustAttributes: no blocks
	}
	for _, b := range sb.Blocks {
		if b.Type == "dynamic" || hasDynamic(b.Body) {
			return true
		}
	}
	return false
}

// attrOrder returns the names of sb's attributes in source order, sorted
// once per body: every instance of a resource evaluates the same body.
func (l *loader) attrOrder(sb *hclsyntax.Body) []string {
	if names, ok := l.attrOrders[sb]; ok {
		return names
	}
	names := make([]string, 0, len(sb.Attributes))
	for n := range sb.Attributes {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		return sb.Attributes[a].SrcRange.Start.Byte - sb.Attributes[b].SrcRange.Start.Byte
	})
	if l.split != nil {
		return names // a worker of a split batch reads the cache only
	}
	if l.attrOrders == nil {
		l.attrOrders = map[*hclsyntax.Body][]string{}
	}
	l.attrOrders[sb] = names
	return names
}

// instanceCtx returns the evaluation context of an instance of r: what
// its body refers to, with extra (each, count). What it refers to in the
// module (variables, locals, other resources) is the same for every
// instance, so that part is built once per resource and module instance
// and each instance gets a child context holding only its extra values:
// building it per instance made a for_each over hundreds of routes rebuild
// the same objects hundreds of times.
func (mi *modInst) instanceCtx(r *resource, extra map[string]cty.Value) *hcl.EvalContext {
	travs := mi.bodyTraversals(r)
	if len(extra) == 0 {
		return mi.ctxForTraversals(travs, nil)
	}
	names := make([]string, 0, len(extra))
	for n := range extra {
		names = append(names, n)
	}
	slices.Sort(names)
	key := strings.Join(names, "\x00")
	c := mi.bodyCtx[r]
	if c == nil || c.extra != key {
		var scope []hcl.Traversal
		for _, tr := range travs {
			if _, ok := extra[tr.RootName()]; !ok {
				scope = append(scope, tr)
			}
		}
		c = &bodyCtx{extra: key, ctx: mi.ctxForTraversals(scope, nil)}
		if mi.bodyCtx == nil {
			mi.bodyCtx = map[*resource]*bodyCtx{}
		}
		mi.bodyCtx[r] = c
	}
	child := c.ctx.NewChild()
	// The child holds the extra values the body refers to: extra itself
	// when it refers to all of them (each, or count), which nothing writes
	// to; else a copy of those.
	all := true
	for n := range extra {
		if !slices.ContainsFunc(travs, func(tr hcl.Traversal) bool { return tr.RootName() == n }) {
			all = false
			break
		}
	}
	if all {
		child.Variables = extra
		return child
	}
	child.Variables = make(map[string]cty.Value, len(extra))
	for _, tr := range travs {
		if v, ok := extra[tr.RootName()]; ok {
			child.Variables[tr.RootName()] = v
		}
	}
	return child
}

// bodyCtx is the module-scope part of the evaluation context of a
// resource's instances, for instances whose extra values have the names
// extra (joined).
type bodyCtx struct {
	extra string
	ctx   *hcl.EvalContext
}

// evalBody evaluates a resource body (attributes, nested blocks, dynamic
// blocks) into an object; nested blocks become lists of objects, as the
// AWS provider exposes them.
func (mi *modInst) evalBody(body hcl.Body, ctx *hcl.EvalContext, in *instance, path string) (cty.Value, *model.Value) {
	vals, props := mi.evalBodyMap(body, ctx, in, path)
	return cty.ObjectVal(vals), props
}

// evalBodyMap is evalBody with the object's attributes as a map: an
// instance's arguments are kept so (instance.argv), and its exported
// value is built from them.
func (mi *modInst) evalBodyMap(body hcl.Body, ctx *hcl.EvalContext, in *instance, path string) (map[string]cty.Value, *model.Value) {
	props := &model.Value{Kind: model.Map}
	if sb, ok := body.(*hclsyntax.Body); ok {
		vals := make(map[string]cty.Value, len(sb.Attributes)+len(sb.Blocks))
		props.Range = toRange(sb.SrcRange)
		names := mi.l.attrOrder(sb)
		if n := len(names) + len(sb.Blocks); n > 0 && !in.noProps {
			props.Fields = make([]model.Field, 0, n)
		}
		for _, n := range names {
			a := sb.Attributes[n]
			if path == "" && metaArgs[n] {
				continue
			}
			v, ok := mi.evalInOK(a.Expr, ctx, in.addr)
			vals[n] = v
			if !in.sharedRanges {
				in.ranges[path+n] = a.Expr.Range()
				in.names[path+n] = a.NameRange
			}
			mi.noteUnknown(in, path+n, a.Expr, v, ok, ctx)
			if !in.noProps {
				props.Fields = append(props.Fields, model.Field{Key: n, KeyRange: toRange(a.NameRange), Value: mi.propValue(a.Expr, v, ctx)})
			}
		}
		var blocks map[string][]cty.Value
		var blockProps map[string]*model.Value
		var order []string
		addBlock := func(typ string, rng, nameRange hcl.Range, v cty.Value, p *model.Value) {
			if blocks == nil {
				blocks, blockProps = map[string][]cty.Value{}, map[string]*model.Value{}
			}
			if _, ok := blocks[typ]; !ok {
				order = append(order, typ)
				blockProps[typ] = &model.Value{Kind: model.List, Range: toRange(rng)}
				if !in.sharedRanges {
					in.ranges[path+typ] = rng
					in.names[path+typ] = nameRange
				}
			}
			blocks[typ] = append(blocks[typ], v)
			blockProps[typ].Items = append(blockProps[typ].Items, p)
		}
		for _, b := range sb.Blocks {
			if path == "" && metaArgs[b.Type] {
				continue
			}
			if b.Type == "dynamic" {
				mi.evalDynamic(b, ctx, in, path, addBlock)
				continue
			}
			v, p := mi.evalBody(b.Body, ctx, in, path+b.Type+".")
			addBlock(b.Type, b.TypeRange, b.TypeRange, v, p)
		}
		for _, typ := range order {
			vals[typ] = cty.TupleVal(blocks[typ])
			props.Fields = append(props.Fields, model.Field{Key: typ, KeyRange: toRange(in.names[path+typ]), Value: blockProps[typ]})
		}
		return vals, props
	}
	vals := map[string]cty.Value{}
	attrs, ds := body.JustAttributes()
	mi.l.addHCL(ruleBlock, ds)
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return attrs[a].Range.Start.Byte - attrs[b].Range.Start.Byte })
	for _, n := range names {
		a := attrs[n]
		if path == "" && metaArgs[n] {
			continue
		}
		v, ok := mi.evalInOK(a.Expr, ctx, in.addr)
		vals[n] = v
		if !in.sharedRanges {
			in.ranges[path+n] = a.Expr.Range()
			in.names[path+n] = a.NameRange
		}
		mi.noteUnknown(in, path+n, a.Expr, v, ok, ctx)
		if !in.noProps {
			props.Fields = append(props.Fields, model.Field{Key: n, KeyRange: toRange(a.NameRange), Value: ctyToValue(v, toRange(a.Expr.Range()))})
		}
	}
	return vals, props
}

func (mi *modInst) evalDynamic(b *hclsyntax.Block, ctx *hcl.EvalContext, in *instance, path string, add func(string, hcl.Range, hcl.Range, cty.Value, *model.Value)) {
	l := mi.l
	if len(b.Labels) != 1 {
		l.diagOnce(ruleBlock.errorf(b.TypeRange, in.addr, "Write dynamic \"BLOCK_TYPE\" { for_each = ...; content { ... } }.", "a dynamic block needs exactly one label, the block type to generate"))
		return
	}
	typ := b.Labels[0]
	iter := typ
	var forEach hcl.Expression
	var content *hclsyntax.Block
	if a := b.Body.Attributes["for_each"]; a != nil {
		forEach = a.Expr
	}
	if a := b.Body.Attributes["iterator"]; a != nil {
		if tr, ds := hcl.AbsTraversalForExpr(a.Expr); !ds.HasErrors() && len(tr) == 1 {
			iter = tr.RootName()
		}
	}
	for _, cb := range b.Body.Blocks {
		if cb.Type == "content" {
			content = cb
		}
	}
	if forEach == nil || content == nil {
		l.diagOnce(ruleBlock.errorf(b.TypeRange, in.addr, "A dynamic block needs a for_each argument and a content block.", "incomplete dynamic block %q", typ))
		return
	}
	coll := mi.evalIn(forEach, ctx, in.addr)
	if !coll.IsKnown() || coll.IsNull() || !coll.CanIterateElements() {
		if coll.IsKnown() && !coll.IsNull() {
			l.diagOnce(ruleValue.errorf(forEach.Range(), in.addr, "for_each in a dynamic block takes a list, set, map or object.", "invalid dynamic for_each value of type %s", typeString(coll.Type())))
		}
		return
	}
	for it := coll.ElementIterator(); it.Next(); {
		k, v := it.Element()
		child := ctx.NewChild()
		child.Variables = map[string]cty.Value{iter: cty.ObjectVal(map[string]cty.Value{"key": k, "value": v})}
		val, p := mi.evalBody(content.Body, child, in, path+typ+".")
		add(typ, b.TypeRange, b.LabelRanges[0], val, p)
	}
}

// noteUnknown keeps, for an argument whose value is not known before
// apply, its expression and the text it stands for. ok is false when its
// evaluation failed (the error is reported; nothing waits for apply).
func (mi *modInst) noteUnknown(in *instance, path string, expr hcl.Expression, v cty.Value, ok bool, ctx *hcl.EvalContext) {
	if v.IsWhollyKnown() {
		return
	}
	if in.exprs == nil {
		in.exprs = map[string]hcl.Expression{}
		in.unknownText = map[string]string{}
	}
	if !ok {
		in.exprs[path] = nil // failed: reported already
		return
	}
	in.exprs[path] = expr
	if ty := v.Type(); ty == cty.String || ty == cty.DynamicPseudoType {
		in.unknownText[path] = mi.unknownString(expr, ctx)
	}
}
