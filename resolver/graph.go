package resolver

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/cfn"
)

// refWalker collects the references of one resource (or output) and
// reports the unknown ones.
type refWalker struct {
	s     *stack
	from  string // logical id, or "" for outputs/conditions
	edges []model.Edge
	// to, when set, gets the node number (resource.node) of each edge's
	// target as edges gets the edge: buildGraph's numbering for
	// model.CyclesNumbered.
	to   *[]int32
	inIf int
	// fromRes is s.res[from] when the caller has it (buildGraph), so
	// that each reference does not look it up again.
	fromRes *resource
}

func (s *stack) names() []string {
	out := append([]string{}, s.paramOrder...)
	out = append(out, s.resOrder...)
	return append(out, pseudoParams...)
}

func (w *refWalker) walk(n *cfn.Node) {
	if n == nil {
		return
	}
	switch n.Kind {
	case cfn.Sequence:
		for _, it := range n.Items {
			w.walk(it)
		}
		return
	case cfn.Mapping:
	default:
		return
	}
	name, arg, ok := n.Intrinsic(false)
	if !ok {
		for _, f := range n.Fields {
			w.walk(f.Value)
		}
		return
	}
	switch name {
	case "Fn::Length", "Fn::ToJsonString":
		w.s.needLanguageExtensions(name, n.Range(), w.from)
	case "Ref":
		if arg.Kind == cfn.Scalar {
			w.ref(arg.Value, "", model.EdgeRef, arg.Range())
		}
		return
	case "Fn::GetAtt":
		if arg.Kind == cfn.Sequence && len(arg.Items) == 2 && arg.Items[0].Kind == cfn.Scalar {
			attr := arg.Items[1].String()
			if arg.Items[1].Kind != cfn.Scalar {
				w.walk(arg.Items[1])
				attr = ""
			}
			r, looked := w.ref(arg.Items[0].Value, attr, model.EdgeGetAtt, arg.Items[0].Range())
			if attr != "" {
				w.checkAttr(r, looked, arg.Items[0].Value, attr, arg.Items[1].Range())
			}
		} else {
			w.s.errorf(ruleIntrinsic, n.Range(), w.from, "Write !GetAtt Resource.Attribute or {\"Fn::GetAtt\": [\"Resource\", \"Attribute\"]}.", "Fn::GetAtt takes a resource and an attribute")
		}
		return
	case "Fn::Sub":
		str := arg
		var vars map[string]bool // nil (empty) for a Sub without variables
		if arg.Kind == cfn.Sequence && len(arg.Items) == 2 {
			str = arg.Items[0]
			if m := arg.Items[1]; m.Kind == cfn.Mapping {
				vars = make(map[string]bool, len(m.Fields))
				for _, f := range m.Fields {
					vars[f.Key] = true
					w.walk(f.Value)
				}
			}
		}
		if str.Kind != cfn.Scalar {
			w.walk(str)
			return
		}
		var place subPlace // read at the first variable that needs it
		placed := false
		for _, p := range w.s.parseSub(str) {
			if !p.IsVar {
				continue
			}
			key := p.Var
			if p.Attr != "" {
				key += "." + p.Attr
			}
			if vars[key] || vars[p.Var] {
				continue
			}
			if !placed {
				place, placed = placeSub(str), true
			}
			rng := place.at(p)
			kind := model.EdgeSub
			r, looked := w.ref(p.Var, p.Attr, kind, rng)
			if p.Attr != "" {
				w.checkAttr(r, looked, p.Var, p.Attr, rng)
			}
		}
		return
	case "Fn::If":
		if arg.Kind == cfn.Sequence {
			w.inIf++
			for _, it := range arg.Items[min(1, len(arg.Items)):] {
				w.walk(it)
			}
			w.inIf--
			if len(arg.Items) > 0 && arg.Items[0].Kind == cfn.Scalar {
				if _, ok := w.s.condDefs[arg.Items[0].Value]; !ok {
					w.s.errorf(ruleCondition, arg.Items[0].Range(), w.from,
						cmp.Or(diag.DidYouMean(arg.Items[0].Value, diag.Names(w.s.condDefs)), "Define it under Conditions."), "unknown condition %q", arg.Items[0].Value)
				}
			}
		}
		return
	}
	w.walk(arg)
}

// subRange positions a ${var} inside a Sub string when the string sits on
// one line; otherwise the whole string.
func subRange(str *cfn.Node, p cfn.SubPart) diag.Range {
	sp := placeSub(str)
	return sp.at(p)
}

// subPlace is what subRange reads of a Sub string, read once for all its
// variables.
type subPlace struct {
	r     diag.Range
	value string
	whole bool // not on one line: every part is placed at the whole string
	ascii bool // runes are bytes: nothing needs decoding (the usual Sub)
	shift int  // 1 when quoted
}

func placeSub(str *cfn.Node) subPlace {
	sp := subPlace{r: str.Range(), value: str.Value, ascii: true}
	if sp.r.Start.Line != sp.r.End.Line {
		sp.whole = true
		return sp
	}
	for i := 0; i < len(str.Value); i++ {
		switch c := str.Value[i]; {
		case c == '\n':
			sp.whole = true
			return sp
		case c >= utf8.RuneSelf:
			sp.ascii = false
		}
	}
	runes := len(str.Value)
	if !sp.ascii {
		runes = utf8.RuneCountInString(str.Value)
	}
	if sp.r.End.Column-sp.r.Start.Column == runes+2 {
		sp.shift = 1 // quoted
	}
	return sp
}

// at places part p of the string.
func (sp *subPlace) at(p cfn.SubPart) diag.Range {
	if sp.whole {
		return sp.r
	}
	v := sp.value
	// Byte offsets of the part.
	startByte, endByte := min(p.Offset, len(v)), min(p.Offset+p.Len, len(v))
	if !sp.ascii {
		startByte, endByte = -1, len(v)
		i := 0
		for b := range v {
			if i == p.Offset {
				startByte = b
			}
			if i == p.Offset+p.Len {
				endByte = b
				break
			}
			i++
		}
		if startByte < 0 {
			startByte = len(v)
		}
	}
	out := sp.r
	out.Start.Column = sp.r.Start.Column + sp.shift + p.Offset
	out.Start.Byte = sp.r.Start.Byte + sp.shift + startByte
	out.End.Column = out.Start.Column + p.Len
	out.End.Byte = sp.r.Start.Byte + sp.shift + endByte
	return out
}

// ref records the reference to name (attribute attr, "" for a Ref) at
// rng, or reports it. When it looked name up among the resources, it
// returns what it found (nil for none) and true: checkAttr takes it
// rather than look it up again.
func (w *refWalker) ref(name, attr string, kind model.EdgeKind, rng diag.Range) (_ *resource, looked bool) {
	s := w.s
	if r, a, ok := s.samDotted(name); ok && attr == "" {
		name, attr = r.id, a // SAM's !Ref Fn.Alias / Fn.Version
	}
	if strings.HasPrefix(name, "AWS::") {
		if !slices.Contains(pseudoParams, name) {
			s.errorf(ruleUnknownRef, rng, w.from, cmp.Or(diag.DidYouMean(name, pseudoParams), "Pseudo parameters are "+strings.Join(pseudoParams, ", ")+"."), "unknown pseudo parameter %q", name)
		}
		return nil, false
	}
	if p, ok := s.param(name); ok {
		p.used = true
		if attr != "" {
			s.errorf(ruleGetAtt, rng, w.from, "Parameters have no attributes; use ${"+name+"}.", "%q is a parameter, not a resource", name)
		}
		return nil, false
	}
	// full (Name.Attr) is built only where it is read: --set values, and
	// the findings below.
	full := name
	if attr != "" && len(s.opts.Sets) > 0 {
		full = name + "." + attr
	}
	// A --set for this reference is in use, even where nothing evaluates
	// the reference (an unmodelled resource's properties).
	if _, ok := s.opts.Sets[full]; ok {
		s.setUsed[full] = true
	}
	if r, ok := s.res[name]; ok {
		w.edges = append(w.edges, model.Edge{To: name, Kind: kind, Attr: attr, Range: rng})
		if w.to != nil {
			*w.to = append(*w.to, r.node)
		}
		from := w.fromRes
		if from == nil {
			from = s.res[w.from]
		}
		if from != nil && from.live && !r.live && w.inIf == 0 {
			s.errorf(ruleConditionRef, rng, w.from, fmt.Sprintf("Give %s the same condition (%s), or wrap the reference in !If [%s, ..., !Ref AWS::NoValue].", w.from, r.condition, r.condition),
				"%q refers to %q, which is not created because condition %q is false", w.from, name, r.condition)
		}
		return r, true
	}
	if attr != "" {
		full = name + "." + attr
	}
	if _, ok := s.opts.Sets[full]; ok {
		s.warnf(ruleSet, rng, w.from,
			"cfnrun uses the --set value locally, but CloudFormation will reject the template: define the resource or pass the value as a parameter.",
			"%q is not defined in the template; using the value from --set", full)
		return nil, true
	}
	if _, ok := s.opts.Sets[name]; ok && attr == "" {
		s.warnf(ruleSet, rng, w.from, "cfnrun uses the --set value locally, but CloudFormation will reject the template.", "%q is not defined in the template; using the value from --set", name)
		return nil, true
	}
	what := "Ref"
	if attr != "" {
		what = "GetAtt"
	}
	if kind == model.EdgeSub {
		what = "Fn::Sub"
	}
	hint := diag.DidYouMean(name, s.names())
	if hint == "" {
		hint = fmt.Sprintf("Define a parameter or resource named %s, or pass its value locally with --set %s=VALUE.", name, full)
	} else {
		hint += fmt.Sprintf(" Or pass the value locally with --set %s=VALUE.", full)
	}
	s.errorf(ruleUnknownRef, rng, w.from, hint, "%s to %q, which is not a parameter or resource in this template", what, full)
	return nil, true
}

// checkAttr checks that resource res has attribute attr; r is s.res[res]
// when looked is true (ref's result).
func (w *refWalker) checkAttr(r *resource, looked bool, res, attr string, rng diag.Range) {
	if !looked {
		r = w.s.res[res]
	}
	if r == nil {
		return
	}
	if len(w.s.opts.Sets) > 0 {
		if _, set := w.s.opts.Sets[res+"."+attr]; set {
			return
		}
	}
	if w.s.isSAM() {
		if _, _, ok := w.s.samDotted(res + "." + attr); ok {
			return
		}
	}
	if !r.knownSet {
		r.known, r.knownFull = knownAttrs(r.typ)
		r.knownSet = true
	}
	attrs, full := r.known, r.knownFull
	if !full {
		return
	}
	for _, a := range attrs {
		if a == attr {
			return
		}
	}
	hint := diag.DidYouMean(attr, attrs)
	if hint == "" {
		if len(attrs) == 0 {
			hint = fmt.Sprintf("%s has no attributes for Fn::GetAtt; use !Ref %s.", r.typ, res)
		} else {
			hint = fmt.Sprintf("%s's attributes are %s.", r.typ, strings.Join(attrs, ", "))
		}
	}
	w.s.errorf(ruleGetAtt, rng, w.from, hint, "%s has no attribute %q", r.typ, attr)
}

// buildGraph collects every live resource's edges, reports unknown
// references and cycles, and returns the graph nodes.
func (s *stack) buildGraph() []*model.Node {
	var nodes []*model.Node
	var sg *samGraph // the SAM transform's shape (samgraph.go)
	if s.isSAM() {
		sg = newSAMGraph(s)
	}
	rs := s.resources()
	// Outside SAM (whose transform adds nodes and edges of its own) and
	// with distinct logical ids, each edge's target is numbered as it is
	// found (the walk looks its resource up anyway), so the cycle search
	// needs no look-up by address: the nodes are the live resources in
	// order, and to[start[i]:start[i+1]] the targets of node i's edges.
	numbered := sg == nil && len(s.res) == len(s.resOrder)
	var start, to []int32
	if numbered {
		var next int32
		for _, r := range rs {
			r.node = -1
			if r.live && !r.implied {
				r.node = next
				next++
			}
		}
		start = make([]int32, 0, next+1)
		to = make([]int32, 0, 2*len(rs))
	}
	// Each resource's edges are collected in one scratch slice and then
	// copied into a shared slab, each node's its own full sub-slice (an
	// append to it copies), and the nodes are one slice: no slice grown
	// edge by edge per resource, no allocation per node.
	var scratch, slab []model.Edge
	chunk := min(max(2*len(rs), 16), 512)
	nodeSlab := make([]model.Node, 0, len(rs))
	for _, r := range rs {
		id := r.id
		if r.implied {
			continue
		}
		mark := len(to)
		w := &refWalker{s: s, from: id, edges: scratch[:0]}
		if numbered {
			// Distinct ids: r is s.res[id].
			w.to, w.fromRes = &to, r
		}
		if sg == nil || !sg.samWalk(w, r) {
			w.walk(r.props)
		}
		if r.decl != nil && r.decl.Kind == cfn.Mapping {
			// CloudFormation resolves intrinsics in Metadata, and
			// LanguageExtensions allows them in the policy attributes:
			// their references use parameters and must exist, but they
			// do not order creation, so their edges are not kept.
			aw := &refWalker{s: s, from: id}
			for _, attr := range []string{"Metadata", "DeletionPolicy", "UpdateReplacePolicy"} {
				aw.walk(r.decl.Get(attr))
			}
		}
		for _, dn := range r.dependsOn {
			name, rng := dn.Value, dn.Range()
			dep := s.res[name]
			if dep == nil {
				s.errorf(ruleUnknownRef, rng, id, cmp.Or(diag.DidYouMean(name, s.resOrder), "DependsOn lists logical ids of resources in this template."), "DependsOn %q: no such resource", name)
				continue
			}
			if name == id {
				s.errorf(ruleCycle, rng, id, "Remove it: a resource cannot depend on itself.", "%q depends on itself", id)
				continue
			}
			if !dep.live && r.live {
				s.errorf(ruleConditionRef, rng, id, "Give both resources the same condition.", "%q depends on %q, which is not created because condition %q is false", id, name, dep.condition)
			}
			w.edges = append(w.edges, model.Edge{To: name, Kind: model.EdgeDependsOn, Range: rng})
			if numbered {
				to = append(to, dep.node)
			}
		}
		scratch = w.edges[:0]
		if !r.live {
			to = to[:mark]
			continue
		}
		if numbered {
			start = append(start, int32(mark))
		}
		var deps []model.Edge
		if k := len(w.edges); k > 0 {
			if cap(slab)-len(slab) < k {
				slab = make([]model.Edge, 0, max(chunk, k))
			}
			from := len(slab)
			slab = append(slab, w.edges...)
			deps = slab[from:len(slab):len(slab)]
		}
		var props *model.Value
		if !s.opts.FindingsOnly && !s.opts.LazyProps {
			props = s.values.convert(r.props)
		}
		nodeSlab = append(nodeSlab, model.Node{Address: id, Type: r.typ, Range: r.keyRange, Props: props, Deps: deps, Attrs: r.attrs, Placeholder: r.placeholder,
			Generated: r.generated})
		n := &nodeSlab[len(nodeSlab)-1]
		if s.opts.LazyProps && !s.opts.FindingsOnly {
			if s.lazyValues == nil {
				s.lazyValues = &lockedArena{src: s.jsonSrc}
			}
			n.SetPropsSource(s.lazyValues.source(r.props))
		}
		nodes = append(nodes, n)
	}
	if sg != nil {
		for _, n := range nodes {
			n.Deps = append(n.Deps, sg.extra[n.Address]...)
		}
		for _, n := range sg.nodes {
			if o := s.res[n.Origin]; o != nil && o.live {
				nodes = append(nodes, n)
			}
		}
	}
	var cycles []model.Cycle
	if numbered {
		cycles = model.CyclesNumbered(nodes, append(start, int32(len(to))), to)
	} else {
		cycles = model.Cycles(nodes)
	}
	for _, c := range cycles {
		d := ruleCycle.errorf(c.Edges[0].Range, s.res[c.Path[0]].id, hintCycle, "circular dependency: %s", c.String())
		for i, e := range c.Edges[1:] {
			d = d.WithRelated(e.Range, "%s refers to %s", c.Path[i+1], e.To)
		}
		s.add(d)
	}
	// Conditions: their Refs mark parameters used, and unknown names in
	// them are findings like anywhere else.
	if conds := s.root.Get("Conditions"); conds != nil && conds.Kind == cfn.Mapping {
		for _, f := range conds.Fields {
			w := &refWalker{s: s, from: ""}
			w.walk(f.Value)
		}
	}
	// Outputs and unused --set values.
	if out := s.root.Get("Outputs"); out != nil && out.Kind == cfn.Mapping {
		for _, f := range out.Fields {
			w := &refWalker{s: s, from: ""}
			w.walk(f.Value)
		}
	}
	return nodes
}

// cfnProps builds a node's Props from its Properties as read
// (Options.LazyProps).
type cfnProps struct {
	model.PropsCache
	arena *lockedArena
	n     *cfn.Node
}

// lockedArena is the valueArena of the Props built on demand: diff reads
// them from several goroutines. Its sources come from a slab too.
type lockedArena struct {
	mu      sync.Mutex
	a       valueArena
	sources []cfnProps
	// src is the stack's jsonSrc: the template's text, when its nodes
	// may be compared by it.
	src []byte
}

func (a *lockedArena) source(n *cfn.Node) *cfnProps {
	if len(a.sources) == 0 {
		a.sources = make([]cfnProps, 256)
	}
	p := &a.sources[0]
	a.sources = a.sources[1:]
	p.arena, p.n = a, n
	return p
}

func (p *cfnProps) Build() *model.Value {
	p.arena.mu.Lock()
	defer p.arena.mu.Unlock()
	return p.arena.a.convert(p.n)
}

func (p *cfnProps) Equal(other model.PropsSource) (eq, ok bool) {
	o, ok := other.(*cfnProps)
	if !ok {
		return false, false
	}
	if p.arena.src != nil && o.arena.src != nil && cfn.SameText(p.n, p.arena.src, o.n, o.arena.src) {
		// Written the same: the same tree, so the same Props (most
		// resources of a diff), without walking both.
		return true, true
	}
	return equalConverted(p.n, o.n), true
}

// kindOf is the model.Kind convert gives n (an intrinsic aside).
func kindOf(n *cfn.Node) model.Kind {
	switch n.Kind {
	case cfn.Scalar:
		switch n.Type {
		case cfn.Int, cfn.Float:
			return model.Number
		case cfn.Bool:
			return model.Bool
		}
		return model.String
	case cfn.Sequence:
		return model.List
	case cfn.Mapping:
		return model.Map
	}
	return model.Null
}

// equalConverted is model.Equal(convert(a), convert(b)) without the
// copies: the same walk over the nodes convert would copy
// (TestEqualConverted holds the two together).
func equalConverted(a, b *cfn.Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	ak, bk := kindOf(a), kindOf(b)
	var aname, bname string
	var aarg, barg *cfn.Node
	if ak == model.Map {
		var ok bool
		if aname, aarg, ok = a.Intrinsic(false); ok {
			ak = model.Intrinsic
		}
	}
	if bk == model.Map {
		var ok bool
		if bname, barg, ok = b.Intrinsic(false); ok {
			bk = model.Intrinsic
		}
	}
	switch {
	case ak != bk, ak == model.Null, ak == model.Bool, ak == model.Number, ak == model.String:
		var as, bs string
		if a.Kind == cfn.Scalar {
			as = a.Value
		}
		if b.Kind == cfn.Scalar {
			bs = b.Value
		}
		return model.EqualScalars(ak, as, bk, bs)
	case ak == model.List:
		return slices.EqualFunc(a.Items, b.Items, equalConverted)
	case ak == model.Map:
		if len(a.Fields) != len(b.Fields) {
			return false
		}
		for _, f := range a.Fields {
			// model.Value.Get: the first field of the key, or nil.
			var bv *cfn.Node
			for _, g := range b.Fields {
				if g.Key == f.Key {
					bv = g.Value
					break
				}
			}
			if !equalConverted(f.Value, bv) {
				return false
			}
		}
		return true
	case ak == model.Intrinsic:
		return aname == bname && equalConverted(aarg, barg)
	}
	return false
}

// valueArena hands out Values from slabs: a 2,000-resource template has
// hundreds of thousands of values, and one allocation per value was a
// sixth of all the resolver's allocations.
type valueArena struct {
	slab []model.Value
	// items and fields back the Items and Fields slices the same way;
	// each slice handed out is capped at its length, so an append by a
	// reader copies instead of writing into its neighbour.
	items  []*model.Value
	fields []model.Field
}

func (a *valueArena) itemSlice(n int) []*model.Value {
	if n == 0 || n > 64 {
		return make([]*model.Value, n)
	}
	if len(a.items) < n {
		a.items = make([]*model.Value, 1024)
	}
	s := a.items[:n:n]
	a.items = a.items[n:]
	return s
}

func (a *valueArena) fieldSlice(n int) []model.Field {
	if n == 0 || n > 64 {
		return make([]model.Field, n)
	}
	if len(a.fields) < n {
		a.fields = make([]model.Field, 512)
	}
	s := a.fields[:n:n]
	a.fields = a.fields[n:]
	return s
}

func (a *valueArena) alloc() *model.Value {
	if len(a.slab) == 0 {
		a.slab = make([]model.Value, 256)
	}
	v := &a.slab[0]
	a.slab = a.slab[1:]
	return v
}

func (a *valueArena) convert(n *cfn.Node) *model.Value {
	if n == nil {
		return nil
	}
	v := a.alloc()
	v.Range = n.Range()
	switch n.Kind {
	case cfn.Null:
		v.Kind = model.Null
	case cfn.Scalar:
		v.Str = n.Value
		switch n.Type {
		case cfn.Int, cfn.Float:
			v.Kind = model.Number
		case cfn.Bool:
			v.Kind = model.Bool
		default:
			v.Kind = model.String
		}
	case cfn.Sequence:
		v.Kind = model.List
		v.Items = a.itemSlice(len(n.Items))
		for i, it := range n.Items {
			v.Items[i] = a.convert(it)
		}
	case cfn.Mapping:
		if name, arg, ok := n.Intrinsic(false); ok {
			v.Kind, v.Str, v.Arg = model.Intrinsic, name, a.convert(arg)
			return v
		}
		v.Kind = model.Map
		v.Fields = a.fieldSlice(len(n.Fields))
		for i, f := range n.Fields {
			v.Fields[i] = model.Field{Key: f.Key, KeyRange: f.KeyRange(), Value: a.convert(f.Value)}
		}
	}
	return v
}
