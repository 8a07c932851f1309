package tf

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// maxModuleDepth bounds module nesting so a module that calls itself is a
// diagnostic, not a stack overflow.
const maxModuleDepth = 16

// maxInstances bounds count and for_each, so a typo (count = 1e9) is a
// diagnostic, not an hour of work.
const maxInstances = 10000

// loader holds the state of one Load call.
type loader struct {
	ctx     context.Context
	opts    Options
	files   *diag.Files
	parser  *hclparse.Parser
	diags   diag.Diagnostics
	rootDir string
	funcs   map[string]function.Function
	modules map[string]*module // by directory
	insts   []*instance        // every resource and data instance, all modules
	params  []model.Parameter
	outputs []model.Output
	// reported dedups diagnostics emitted once per source location.
	reported map[string]bool
	// relAttrs are attribute names read through splats and relative
	// traversals anywhere; placeholder objects expose them too.
	relAttrs map[string]bool
	// read lists every configuration file read, modules included.
	read []string
	// bareCtx evaluates expressions that refer to nothing.
	bareCtx *hcl.EvalContext
	// pathByID maps resource ids to their paths, for the path attribute.
	pathByID map[string]string
}

func newLoader(ctx context.Context, opts Options, files *diag.Files) *loader {
	// An empty Region is settled in run: the root module's default aws
	// provider block's region, else us-east-1.
	if opts.AccountID == "" {
		opts.AccountID = "123456789012"
	}
	return &loader{ctx: ctx, opts: opts, files: files, parser: hclparse.NewParser(), modules: map[string]*module{}, reported: map[string]bool{}, relAttrs: map[string]bool{}, pathByID: map[string]string{}}
}

// instance is one evaluated resource or data source instance.
type instance struct {
	res  *resource
	mi   *modInst
	addr string // full address, module path included
	// idAddr is the address the object had before moved blocks moved it
	// (addr when none did); invented ids derive from it, so a moved
	// object keeps its id as it keeps its state in Terraform.
	idAddr string
	key    cty.Value
	args   cty.Value // evaluated arguments and blocks (an object)
	value  cty.Value // args plus exported attributes
	attrs  map[string]string
	ranges map[string]hcl.Range // argument path ("uri", "settings.logging_level") → value range
	names  map[string]hcl.Range // argument path → name range
	props  *model.Value
	deps   []model.Edge
	// placeholder is true for types cfnrun does not model.
	placeholder bool
}

// modInst is one instance of a module: the root, or one module call
// instance.
type modInst struct {
	l        *loader
	m        *module
	prefix   string // "" for the root, "module.api." or "module.api[\"a\"]." for children
	parent   *modInst
	depth    int
	inputs   map[string]cty.Value
	inRanges map[string]hcl.Range
	// inputExprs are the module block's arguments, evaluated lazily in
	// the caller's scope (with inputExtra, the call instance's each/count)
	// when the child first reads the variable: a module output may feed a
	// resource whose attribute feeds another input of the same module.
	inputExprs map[string]*hcl.Attribute
	inputExtra map[string]cty.Value
	callAddr   string
	children   map[string]*modInst // non-expanded module calls
	allDone    bool
	vars       map[string]cty.Value
	locals     map[string]cty.Value
	values     map[string]cty.Value // resource key → value
	calls      map[string]cty.Value // module call → value
	state      map[string]uint8
	refAttrs   map[string]map[string]bool
	insts      map[string][]*instance
	outputs    map[string]cty.Value
}

const (
	stateNone uint8 = iota
	stateBusy
	stateDone
)

func (l *loader) run(paths []string) *model.Template {
	t := &model.Template{Format: model.Terraform}
	dir, files := l.configFiles(paths)
	if dir == "" {
		dir = "."
	}
	l.rootDir = dir
	l.funcs = l.functions(dir)
	root := l.loadModule(dir, files)
	l.modules[filepath.Clean(dir)] = root
	mi := l.newModInst(root, "", 0)
	l.rootVariables(mi)
	l.providerRegion(mi)
	mi.evalAll()
	for _, o := range root.outputs {
		v := mi.outputs[o.name]
		l.outputs = append(l.outputs, model.Output{Name: o.name, Value: displayString(v), Description: o.description, Sensitive: o.sensitive, Range: toRange(o.declRange)})
	}
	t.Files = l.read
	t.Outputs = l.outputs
	t.Parameters = l.params
	l.lower(t)
	l.validate(t)
	t.Finalize()
	return t
}

// providerRegion settles the region when Options.Region is empty, as the
// AWS provider does: the region argument of the root module's default
// (unaliased) provider "aws" block, evaluated with the root's variables
// and locals; us-east-1 when there is none or it is not known.
func (l *loader) providerRegion(mi *modInst) {
	if l.opts.Region != "" {
		return
	}
	l.opts.Region = "us-east-1" // while the expression is evaluated
	if mi.m.awsRegion == nil {
		return
	}
	v := mi.eval(mi.m.awsRegion, nil, "provider.aws")
	if s := ctyString(v); s != "" {
		l.opts.Region = s
	}
}

// movedFrom returns the address the object at addr (a full address)
// had before the moved blocks of this module and its ancestors, following
// chains (a to b, then b to c); addr itself when nothing moved it.
func (mi *modInst) movedFrom(addr string) string {
	for m := mi; m != nil; m = m.parent {
		for range len(m.m.moved) {
			changed := false
			for _, mb := range m.m.moved {
				to := m.prefix + mb.to
				rest, ok := strings.CutPrefix(addr, to)
				if !ok || (rest != "" && rest[0] != '[' && rest[0] != '.') {
					continue
				}
				if rest != "" && rest[0] == '[' && strings.HasSuffix(mb.to, "]") {
					continue // an instance-level move names the whole instance
				}
				addr = m.prefix + mb.from + rest
				changed = true
			}
			if !changed {
				break
			}
		}
	}
	return addr
}

func (l *loader) newModInst(m *module, prefix string, depth int) *modInst {
	mi := &modInst{l: l, m: m, prefix: prefix, depth: depth,
		vars: map[string]cty.Value{}, locals: map[string]cty.Value{}, values: map[string]cty.Value{},
		calls: map[string]cty.Value{}, state: map[string]uint8{}, insts: map[string][]*instance{}, outputs: map[string]cty.Value{},
		inputs: map[string]cty.Value{}, inRanges: map[string]hcl.Range{}}
	mi.refAttrs = l.scanRefs(m)
	return mi
}

// evalAll evaluates everything the module declares, in declaration order;
// dependencies are evaluated on demand.
func (mi *modInst) evalAll() {
	if mi.allDone {
		return
	}
	mi.allDone = true
	for _, v := range mi.m.variables {
		mi.variable(v.name)
	}
	for _, v := range mi.m.variables {
		mi.checkValidations(v)
	}
	for _, a := range mi.m.localList {
		mi.local(a.Name, a.NameRange)
	}
	for _, r := range mi.m.resList {
		if mi.l.ctx.Err() != nil {
			return
		}
		mi.resource(r.key())
	}
	for _, c := range mi.m.callList {
		mi.call(c.name)
	}
	for _, o := range mi.m.outputs {
		mi.output(o.name)
	}
}

// variable returns input variable name, evaluating it (and the caller's
// argument for it) on first use.
func (mi *modInst) variable(name string) cty.Value {
	key := "var." + name
	switch mi.state[key] {
	case stateDone:
		return mi.vars[name]
	case stateBusy:
		return cty.DynamicVal
	}
	v := mi.m.varByName[name]
	if v == nil {
		return cty.DynamicVal
	}
	mi.state[key] = stateBusy
	if a, ok := mi.inputExprs[name]; ok && mi.parent != nil {
		mi.inputs[name] = mi.parent.eval(a.Expr, mi.inputExtra, mi.callAddr)
		mi.inRanges[name] = a.Expr.Range()
	}
	mi.evalVariable(v)
	mi.state[key] = stateDone
	return mi.vars[name]
}

// output returns output name, evaluating it on first use.
func (mi *modInst) output(name string) cty.Value {
	key := "output." + name
	switch mi.state[key] {
	case stateDone:
		return mi.outputs[name]
	case stateBusy:
		return cty.DynamicVal
	}
	mi.state[key] = stateBusy
	v := cty.DynamicVal
	for _, o := range mi.m.outputs {
		if o.name == name && o.expr != nil {
			v = mi.eval(o.expr, nil, "")
		}
	}
	mi.outputs[name] = v
	mi.state[key] = stateDone
	return v
}

// ---- variables ----

func (l *loader) rootVariables(mi *modInst) {
	type assignment struct {
		val    cty.Value
		raw    string
		isRaw  bool
		rng    hcl.Range
		source string
	}
	vals := map[string]assignment{}
	m := mi.m
	if l.opts.Getenv != nil {
		for _, v := range m.variables {
			if s, ok := l.opts.Getenv("TF_VAR_" + v.name); ok {
				vals[v.name] = assignment{raw: s, isRaw: true, source: "env", rng: v.declRange}
			}
		}
	}
	readVarFile := func(path, source string, mustExist bool) {
		src, err := readFileIfExists(path)
		if err != nil || src == nil {
			if mustExist {
				msg := "no such file"
				if err != nil {
					msg = errText(err)
				}
				l.diags = append(l.diags, errorf("TF007", hcl.Range{Filename: path}, "", "Check the -var-file path.", "cannot read variables file %s: %s", path, msg))
			}
			return
		}
		f := l.parseSource(path, src)
		if f == nil || f.Body == nil {
			return
		}
		attrs, ds := f.Body.JustAttributes()
		l.addHCL("TF007", ds)
		for name, a := range attrs {
			v, ds := a.Expr.Value(&hcl.EvalContext{Functions: l.funcs})
			l.addHCL("TF005", ds)
			if _, ok := m.varByName[name]; !ok {
				l.diags = append(l.diags, diag.Warnf("TF007", toRange(a.NameRange), "", diag.DidYouMean(name, diag.Names(m.varByName)), "value for undeclared variable %q", name))
				continue
			}
			vals[name] = assignment{val: v, rng: a.Expr.Range(), source: source}
		}
	}
	readVarFile(filepath.Join(l.rootDir, "terraform.tfvars"), "tfvars", false)
	readVarFile(filepath.Join(l.rootDir, "terraform.tfvars.json"), "tfvars", false)
	if auto, _ := filepath.Glob(filepath.Join(l.rootDir, "*.auto.tfvars")); len(auto) > 0 {
		jsonAuto, _ := filepath.Glob(filepath.Join(l.rootDir, "*.auto.tfvars.json"))
		auto = append(auto, jsonAuto...)
		slices.Sort(auto)
		for _, p := range auto {
			readVarFile(p, "tfvars", false)
		}
	} else if jsonAuto, _ := filepath.Glob(filepath.Join(l.rootDir, "*.auto.tfvars.json")); len(jsonAuto) > 0 {
		for _, p := range jsonAuto {
			readVarFile(p, "tfvars", false)
		}
	}
	for _, p := range l.opts.VarFiles {
		readVarFile(p, "-var-file", true)
	}
	for _, name := range slices.Sorted(maps.Keys(l.opts.Vars)) {
		if _, ok := m.varByName[name]; !ok {
			l.diags = append(l.diags, errorf("TF007", hcl.Range{}, "", diag.DidYouMean(name, diag.Names(m.varByName)), "-var %s: the root module declares no variable %q", name, name))
			continue
		}
		vals[name] = assignment{raw: l.opts.Vars[name], isRaw: true, source: "-var"}
	}
	for _, v := range m.variables {
		a, ok := vals[v.name]
		if !ok {
			continue
		}
		val := a.val
		if a.isRaw {
			val = l.parseRawVar(v, a.raw, a.source)
		}
		mi.inputs[v.name] = val
		mi.inRanges[v.name] = a.rng
		l.params = append(l.params, model.Parameter{Name: v.name, Type: typeName(v), Value: displayString(val), NoEcho: v.sensitive, Source: a.source, Range: toRange(v.declRange)})
	}
	for _, v := range m.variables {
		if _, ok := vals[v.name]; ok || v.def == nil {
			if !ok && v.def == nil {
				l.params = append(l.params, model.Parameter{Name: v.name, Type: typeName(v), NoEcho: v.sensitive, Source: "", Range: toRange(v.declRange)})
			}
			continue
		}
		dv, _ := v.def.Value(nil)
		l.params = append(l.params, model.Parameter{Name: v.name, Type: typeName(v), Value: displayString(dv), NoEcho: v.sensitive, Source: "default", Range: toRange(v.declRange)})
	}
	slices.SortStableFunc(l.params, func(a, b model.Parameter) int {
		return a.Range.Start.Byte - b.Range.Start.Byte + 1000000*strings.Compare(a.Range.Filename, b.Range.Filename)
	})
}

// parseRawVar interprets a -var or TF_VAR_ string as Terraform does: the
// raw string for string (and untyped) variables, an HCL expression for
// everything else.
func (l *loader) parseRawVar(v *variable, raw, source string) cty.Value {
	if !v.hasType || v.typ == cty.String || v.typ == cty.DynamicPseudoType {
		return cty.StringVal(raw)
	}
	expr, ds := hclsyntax.ParseExpression([]byte(raw), "<"+source+" "+v.name+">", hcl.InitialPos)
	if ds.HasErrors() {
		l.diags = append(l.diags, errorf("TF005", toHCLRange(v.declRange), "", "Write the value as an HCL expression, such as [\"a\", \"b\"] or {k = \"v\"}.", "invalid value for variable %q from %s: %s", v.name, source, ds[0].Summary))
		return cty.DynamicVal
	}
	val, ds := expr.Value(nil)
	if ds.HasErrors() {
		l.diags = append(l.diags, errorf("TF005", toHCLRange(v.declRange), "", "Values given on the command line may not refer to other objects.", "invalid value for variable %q from %s: %s", v.name, source, ds[0].Summary))
		return cty.DynamicVal
	}
	return val
}

func toHCLRange(r hcl.Range) hcl.Range { return r }

func typeName(v *variable) string {
	if !v.hasType {
		return "any"
	}
	return typeString(v.typ)
}

func (mi *modInst) evalVariable(v *variable) {
	val, given := mi.inputs[v.name]
	rng, _ := mi.inRanges[v.name]
	if rng.Filename == "" {
		rng = v.declRange
	}
	if given && val.IsNull() && !v.nullable {
		given = false
	}
	if !given {
		if v.def == nil {
			if mi.prefix != "" {
				mi.l.diags = append(mi.l.diags, errorf("TF007", v.declRange, strings.TrimSuffix(mi.prefix, "."), fmt.Sprintf("Add %s = ... to the module block that calls this module.", v.name), "no value for required variable %q", v.name))
				mi.vars[v.name] = cty.UnknownVal(v.typ)
				return
			}
			// terraform validate accepts a root variable without a value
			// (plan would prompt for it): an info, and a placeholder so
			// the routes still come out.
			ph := cty.UnknownVal(v.typ)
			note := "values that depend on it are unknown"
			if v.typ == cty.String || v.typ == cty.DynamicPseudoType {
				ph = cty.StringVal(v.name)
				note = fmt.Sprintf("cfnrun uses the placeholder %q", v.name)
			}
			mi.l.diags = append(mi.l.diags, diag.Infof("TF007", toRange(v.declRange), "", fmt.Sprintf("Set it with -var %s=..., in terraform.tfvars, or with the TF_VAR_%s environment variable.", v.name, v.name), "no value for variable %q: %s", v.name, note))
			mi.vars[v.name] = ph
			return
		}
		dv, ds := v.def.Value(nil)
		mi.l.addHCL("TF005", ds)
		val = dv
		rng = v.def.Range()
	}
	if v.defaults != nil && !val.IsNull() && val.IsWhollyKnown() {
		val = v.defaults.Apply(val)
	}
	if v.hasType {
		cv, err := convert.Convert(val, v.typ)
		if err != nil {
			mi.l.diags = append(mi.l.diags, errorf("TF005", rng, strings.TrimSuffix(mi.prefix, "."), fmt.Sprintf("Variable %q is declared at %s with type %s.", v.name, rangeString(v.declRange), typeString(v.typ)), "invalid value for variable %q: %s", v.name, err))
			val = cty.UnknownVal(v.typ)
		} else {
			val = cv
		}
	}
	mi.vars[v.name] = val
}

func (mi *modInst) checkValidations(v *variable) {
	val := mi.vars[v.name]
	if !val.IsWhollyKnown() {
		return
	}
	for _, vd := range v.validations {
		ctx := mi.ctxFor(vd.cond, nil)
		cv, ds := vd.cond.Value(ctx)
		mi.l.addHCL("TF005", ds)
		if ds.HasErrors() || !cv.IsKnown() || cv.IsNull() {
			continue
		}
		cv, err := convert.Convert(cv, cty.Bool)
		if err != nil || cv.True() {
			continue
		}
		msg := "the validation condition is false"
		if mv, ds := vd.msg.Value(mi.ctxFor(vd.msg, nil)); !ds.HasErrors() && mv.Type() == cty.String && mv.IsKnown() && !mv.IsNull() {
			msg = mv.AsString()
		}
		rng := mi.inRanges[v.name]
		if rng.Filename == "" {
			rng = vd.cond.Range()
		}
		mi.l.diags = append(mi.l.diags, errorf("TF006", rng, strings.TrimSuffix(mi.prefix, "."), fmt.Sprintf("The validation rule is at %s.", rangeString(vd.cond.Range())), "invalid value for variable %q: %s", v.name, msg))
	}
}

// ---- locals ----

func (mi *modInst) local(name string, from hcl.Range) cty.Value {
	key := "local." + name
	switch mi.state[key] {
	case stateDone:
		return mi.locals[name]
	case stateBusy:
		mi.l.diagOnce(errorf("TF040", from, "", "A local value cannot refer to itself, directly or through other locals.", "cycle: local.%s refers to itself", name))
		return cty.DynamicVal
	}
	a, ok := mi.m.locals[name]
	if !ok {
		return cty.DynamicVal
	}
	mi.state[key] = stateBusy
	v := mi.eval(a.Expr, nil, "")
	mi.locals[name] = v
	mi.state[key] = stateDone
	return v
}

// ---- expressions ----

// eval evaluates expr in the module's scope plus extra (each, count).
func (mi *modInst) eval(expr hcl.Expression, extra map[string]cty.Value, resource string) cty.Value {
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
	v, ds := expr.Value(ctx)
	mi.l.addEvalDiags(ds, resource)
	if ds.HasErrors() && v == cty.NilVal {
		return cty.DynamicVal
	}
	return v
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
			mi.l.diagOnce(errorf("TF003", tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), fmt.Sprintf("Access one of its attributes instead, such as %s.NAME.", root), "the %q object cannot be accessed directly", root))
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
				mi.l.diagOnce(errorf("TF003", tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(name, diag.Names(mi.m.varByName)), "Declare it with a variable block."), "reference to undeclared input variable %q", name))
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
				mi.l.diagOnce(errorf("TF003", tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(name, diag.Names(mi.m.locals)), "Declare it in a locals block."), "reference to undeclared local value %q", name))
				localVals[name] = cty.DynamicVal
				continue
			}
			localVals[name] = mi.local(name, tr.SourceRange())
		case "count", "each":
			mi.l.diagOnce(errorf("TF003", tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), fmt.Sprintf("%s is only available inside a resource or module block that sets %s.", root, map[string]string{"count": "count", "each": "for_each"}[root]), "reference to %q in a context without %s", root, map[string]string{"count": "count", "each": "for_each"}[root]))
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
				mi.l.diagOnce(errorf("TF003", tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(typ+"."+name, mi.declaredData()), "Declare it with a data block."), "reference to undeclared data source data.%s.%s", typ, name))
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
				mi.l.diagOnce(errorf("TF003", tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(name, diag.Names(mi.m.calls)), "Declare it with a module block."), "reference to undeclared module %q", name))
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
					mi.l.diagOnce(errorf("TF003", tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(out, names), "Add an output block to the module."), "module %q has no output %q", name, out))
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
				mi.l.diagOnce(errorf("TF003", tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), cmp.Or(diag.DidYouMean(root, mi.declaredRoots()), "A reference to a resource is written TYPE.NAME.ATTRIBUTE."), "unknown name %q", root))
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
		mi.l.diagOnce(errorf("TF003", tr.SourceRange(), strings.TrimSuffix(mi.prefix, "."), hint, "reference to undeclared resource %s", addr))
	} else {
		mi.l.diagOnce(diag.Warnf("TF003", toRange(tr.SourceRange()), strings.TrimSuffix(mi.prefix, "."), "Works locally; terraform validate will still reject the reference until the resource is declared.", "%s is not declared; using the values from --set", addr))
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

// ---- module calls ----

func (mi *modInst) call(name string) cty.Value {
	key := "module." + name
	switch mi.state[key] {
	case stateDone:
		return mi.calls[name]
	case stateBusy:
		return cty.DynamicVal
	}
	mi.state[key] = stateBusy
	v := mi.evalCall(mi.m.calls[name])
	mi.calls[name] = v
	mi.state[key] = stateDone
	return v
}

func (mi *modInst) evalCall(c *moduleCall) cty.Value {
	addr := mi.prefix + "module." + c.name
	if c.count == nil && c.forEach == nil {
		ci := mi.child(c)
		if ci == nil {
			return cty.DynamicVal
		}
		ci.evalAll()
		return outputsObject(ci)
	}
	child, attrs, ok := mi.prepareCall(c)
	if !ok {
		return cty.DynamicVal
	}
	keys, extras, mode := mi.expand(c.count, c.forEach, addr)
	instantiate := func(prefix string, extra map[string]cty.Value) cty.Value {
		ci := mi.newChild(child, c, prefix, attrs, extra)
		ci.evalAll()
		return outputsObject(ci)
	}
	switch mode {
	case expandCount:
		vals := make([]cty.Value, len(keys))
		for i := range keys {
			vals[i] = instantiate(addr+instanceKey(keys[i])+".", extras[i])
		}
		return cty.TupleVal(vals)
	case expandForEach:
		obj := map[string]cty.Value{}
		for i := range keys {
			obj[keys[i].AsString()] = instantiate(addr+instanceKey(keys[i])+".", extras[i])
		}
		return cty.ObjectVal(obj)
	}
	return cty.DynamicVal
}

func outputsObject(ci *modInst) cty.Value {
	if len(ci.outputs) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(ci.outputs)
}

func (mi *modInst) hasOutput(name string) bool {
	for _, o := range mi.m.outputs {
		if o.name == name {
			return true
		}
	}
	return false
}

// child returns the instance of a module call without count/for_each,
// created on first use but not evaluated: its variables and outputs are
// evaluated as they are read.
func (mi *modInst) child(c *moduleCall) *modInst {
	if ci, ok := mi.children[c.name]; ok {
		return ci
	}
	if mi.children == nil {
		mi.children = map[string]*modInst{}
	}
	mi.children[c.name] = nil
	child, attrs, ok := mi.prepareCall(c)
	if !ok {
		return nil
	}
	ci := mi.newChild(child, c, mi.prefix+"module."+c.name+".", attrs, nil)
	mi.children[c.name] = ci
	return ci
}

// prepareCall loads the called module and checks the call's arguments.
func (mi *modInst) prepareCall(c *moduleCall) (*module, hcl.Attributes, bool) {
	l := mi.l
	addr := mi.prefix + "module." + c.name
	src := c.source
	if src == "" {
		return nil, nil, false
	}
	if !strings.HasPrefix(src, "./") && !strings.HasPrefix(src, "../") {
		l.diagOnce(errorf("TF020", c.sourceRange, addr, "cfnrun reads local modules only: vendor the module into your repository (for example with `terraform get`, then copy .terraform/modules/...) and point source at the local path, such as \"./modules/api\".", "remote module source %q is not supported", src))
		return nil, nil, false
	}
	if mi.depth >= maxModuleDepth {
		l.diagOnce(errorf("TF020", c.sourceRange, addr, "A module may not call itself, directly or indirectly.", "modules nested more than %d deep", maxModuleDepth))
		return nil, nil, false
	}
	dir := filepath.Join(mi.m.dir, src)
	for p := mi; p != nil; p = p.parent {
		if filepath.Clean(p.m.dir) == filepath.Clean(dir) {
			l.diagOnce(errorf("TF020", c.sourceRange, addr, "A module may not call itself, directly or through other modules.", "module %q calls its own directory %s", c.name, dir))
			return nil, nil, false
		}
	}
	child, ok := l.modules[filepath.Clean(dir)]
	if !ok {
		files, err := dirFiles(dir)
		if err != nil || len(files) == 0 {
			l.diagOnce(errorf("TF021", c.sourceRange, addr, "Check the path: it is relative to the directory of the calling module.", "module directory %s not found or holds no .tf files", dir))
			return nil, nil, false
		}
		child = l.loadModule(dir, files)
		l.modules[filepath.Clean(dir)] = child
	}
	attrs, ds := c.body.JustAttributes()
	l.addHCL("TF002", ds)
	for n, a := range attrs {
		if _, ok := child.varByName[n]; !ok {
			l.diagOnce(errorf("TF010", a.NameRange, addr, cmp.Or(diag.DidYouMean(n, diag.Names(child.varByName)), "The module declares no such variable; remove the argument or add a variable block to the module."), "unsupported argument %q: module %q has no variable of that name", n, c.name))
		}
	}
	return child, attrs, true
}

func (mi *modInst) newChild(child *module, c *moduleCall, prefix string, attrs hcl.Attributes, extra map[string]cty.Value) *modInst {
	ci := mi.l.newModInst(child, prefix, mi.depth+1)
	ci.parent = mi
	ci.callAddr = mi.prefix + "module." + c.name
	ci.inputExtra = extra
	ci.inputExprs = map[string]*hcl.Attribute{}
	for n, a := range attrs {
		if _, ok := child.varByName[n]; ok {
			ci.inputExprs[n] = a
		}
	}
	return ci
}

// ---- count / for_each ----

type expandMode uint8

const (
	expandNone expandMode = iota
	expandCount
	expandForEach
	expandUnknown
)

// expand evaluates count / for_each and returns the instance keys and the
// each/count objects for each instance.
func (mi *modInst) expand(count, forEach hcl.Expression, addr string) ([]cty.Value, []map[string]cty.Value, expandMode) {
	l := mi.l
	switch {
	case count != nil:
		v := mi.eval(count, nil, addr)
		if !v.IsKnown() {
			l.diagOnce(diag.Infof("TF005", toRange(count.Range()), addr, "cfnrun invents no values for attributes only AWS knows; derive count from variables and locals to see these instances.", "count value cannot be determined without AWS: no instances of %s", addr))
			return nil, nil, expandUnknown
		}
		nv, err := convert.Convert(v, cty.Number)
		if err != nil || nv.IsNull() {
			l.diagOnce(errorf("TF005", count.Range(), addr, "count takes a whole number, such as 2 or length(var.routes).", "invalid count value: %s", typeErr(err, v)))
			return nil, nil, expandUnknown
		}
		n, acc := nv.AsBigFloat().Int64()
		if acc != 0 || n < 0 || n > maxInstances {
			l.diagOnce(errorf("TF005", count.Range(), addr, fmt.Sprintf("count takes a whole number; cfnrun expands at most %d instances of one resource.", maxInstances), "invalid count value %s", nv.AsBigFloat().String()))
			return nil, nil, expandUnknown
		}
		keys := make([]cty.Value, n)
		extras := make([]map[string]cty.Value, n)
		for i := range keys {
			keys[i] = cty.NumberIntVal(int64(i))
			extras[i] = map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": keys[i]})}
		}
		return keys, extras, expandCount
	case forEach != nil:
		v := mi.eval(forEach, nil, addr)
		if !v.IsWhollyKnown() {
			if v.IsKnown() && v.CanIterateElements() {
				// Keys known, some values unknown: fine.
			} else {
				l.diagOnce(diag.Infof("TF005", toRange(forEach.Range()), addr, "cfnrun invents no values for attributes only AWS knows; derive for_each from variables and locals to see these instances.", "for_each value cannot be determined without AWS: no instances of %s", addr))
				return nil, nil, expandUnknown
			}
		}
		if v.IsNull() {
			l.diagOnce(errorf("TF005", forEach.Range(), addr, "for_each takes a map or a set of strings; use {} or [] for no instances.", "for_each value is null"))
			return nil, nil, expandUnknown
		}
		ty := v.Type()
		var keys []cty.Value
		var extras []map[string]cty.Value
		switch {
		case ty.IsMapType() || ty.IsObjectType():
			for it := v.ElementIterator(); it.Next(); {
				k, ev := it.Element()
				keys = append(keys, k)
				extras = append(extras, map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": k, "value": ev})})
			}
		case ty.IsSetType():
			if !ty.ElementType().Equals(cty.String) {
				if sv, err := convert.Convert(v, cty.Set(cty.String)); err == nil {
					v = sv
				} else {
					l.diagOnce(errorf("TF005", forEach.Range(), addr, "Convert the set with toset([...]) of strings, or build a map with a for expression.", "for_each set must contain strings, not %s", typeString(ty.ElementType())))
					return nil, nil, expandUnknown
				}
			}
			for it := v.ElementIterator(); it.Next(); {
				_, ev := it.Element()
				if ev.IsNull() || !ev.IsKnown() {
					l.diagOnce(errorf("TF005", forEach.Range(), addr, "Remove null elements from the set.", "for_each set contains a null or unknown element"))
					continue
				}
				keys = append(keys, ev)
				extras = append(extras, map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": ev, "value": ev})})
			}
		default:
			hint := "for_each takes a map or a set of strings."
			if ty.IsListType() || ty.IsTupleType() {
				hint = "A list cannot be used with for_each: wrap it in toset(...), or build a map with {for x in list : x.key => x}."
			}
			l.diagOnce(errorf("TF005", forEach.Range(), addr, hint, "invalid for_each argument: %s", typeString(ty)))
			return nil, nil, expandUnknown
		}
		if len(keys) > maxInstances {
			l.diagOnce(errorf("TF005", forEach.Range(), addr, fmt.Sprintf("cfnrun expands at most %d instances of one resource.", maxInstances), "for_each has %d elements", len(keys)))
			return nil, nil, expandUnknown
		}
		return keys, extras, expandForEach
	}
	return []cty.Value{cty.NilVal}, []map[string]cty.Value{nil}, expandNone
}

func typeErr(err error, v cty.Value) string {
	if err != nil {
		return err.Error()
	}
	return "null"
}

// instanceKey renders an instance key as Terraform addresses do: [0] or
// ["key"].
func instanceKey(k cty.Value) string {
	if k == cty.NilVal {
		return ""
	}
	if k.Type() == cty.Number {
		bf := k.AsBigFloat()
		i, _ := bf.Int64()
		return "[" + strconv.FormatInt(i, 10) + "]"
	}
	return "[" + strconv.Quote(ctyString(k)) + "]"
}

// ---- resources ----

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
	keys, extras, mode := mi.expand(r.count, r.forEach, base)
	if mode == expandUnknown {
		return cty.DynamicVal
	}
	vals := make([]cty.Value, len(keys))
	for i, k := range keys {
		in := &instance{res: r, mi: mi, addr: base + instanceKey(k), key: k}
		in.idAddr = mi.movedFrom(in.addr)
		mi.evalInstance(in, extras[i])
		vals[i] = in.value
		mi.insts[r.key()] = append(mi.insts[r.key()], in)
		l.insts = append(l.insts, in)
	}
	switch mode {
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
	in.ranges = map[string]hcl.Range{}
	in.names = map[string]hcl.Range{}
	ctx := mi.ctxForTraversals(mi.bodyTraversals(r), extra)
	args, props := mi.evalBody(r.body, ctx, in, "")
	in.args = args
	in.props = props
	in.deps = mi.depsOf(r, extra)
	in.value = mi.l.exported(in)
}

// evalBody evaluates a resource body (attributes, nested blocks, dynamic
// blocks) into an object; nested blocks become lists of objects, as the
// AWS provider exposes them.
func (mi *modInst) evalBody(body hcl.Body, ctx *hcl.EvalContext, in *instance, path string) (cty.Value, *model.Value) {
	vals := map[string]cty.Value{}
	props := &model.Value{Kind: model.Map}
	if sb, ok := body.(*hclsyntax.Body); ok {
		props.Range = toRange(sb.SrcRange)
		names := make([]string, 0, len(sb.Attributes))
		for n := range sb.Attributes {
			names = append(names, n)
		}
		slices.SortFunc(names, func(a, b string) int {
			return sb.Attributes[a].SrcRange.Start.Byte - sb.Attributes[b].SrcRange.Start.Byte
		})
		for _, n := range names {
			a := sb.Attributes[n]
			if path == "" && metaArgs[n] {
				continue
			}
			v := mi.evalIn(a.Expr, ctx, in.addr)
			vals[n] = v
			in.ranges[path+n] = a.Expr.Range()
			in.names[path+n] = a.NameRange
			props.Fields = append(props.Fields, model.Field{Key: n, KeyRange: toRange(a.NameRange), Value: mi.propValue(a.Expr, v, ctx)})
		}
		blocks := map[string][]cty.Value{}
		blockProps := map[string]*model.Value{}
		var order []string
		addBlock := func(typ string, rng, nameRange hcl.Range, v cty.Value, p *model.Value) {
			if _, ok := blocks[typ]; !ok {
				order = append(order, typ)
				blockProps[typ] = &model.Value{Kind: model.List, Range: toRange(rng)}
				in.ranges[path+typ] = rng
				in.names[path+typ] = nameRange
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
		return cty.ObjectVal(vals), props
	}
	attrs, ds := body.JustAttributes()
	mi.l.addHCL("TF002", ds)
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
		v := mi.evalIn(a.Expr, ctx, in.addr)
		vals[n] = v
		in.ranges[path+n] = a.Expr.Range()
		in.names[path+n] = a.NameRange
		props.Fields = append(props.Fields, model.Field{Key: n, KeyRange: toRange(a.NameRange), Value: ctyToValue(v, toRange(a.Expr.Range()))})
	}
	return cty.ObjectVal(vals), props
}

func (mi *modInst) evalDynamic(b *hclsyntax.Block, ctx *hcl.EvalContext, in *instance, path string, add func(string, hcl.Range, hcl.Range, cty.Value, *model.Value)) {
	l := mi.l
	if len(b.Labels) != 1 {
		l.diagOnce(errorf("TF002", b.TypeRange, in.addr, "Write dynamic \"BLOCK_TYPE\" { for_each = ...; content { ... } }.", "a dynamic block needs exactly one label, the block type to generate"))
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
		l.diagOnce(errorf("TF002", b.TypeRange, in.addr, "A dynamic block needs a for_each argument and a content block.", "incomplete dynamic block %q", typ))
		return
	}
	coll := mi.evalIn(forEach, ctx, in.addr)
	if !coll.IsKnown() || coll.IsNull() || !coll.CanIterateElements() {
		if coll.IsKnown() && !coll.IsNull() {
			l.diagOnce(errorf("TF005", forEach.Range(), in.addr, "for_each in a dynamic block takes a list, set, map or object.", "invalid dynamic for_each value of type %s", typeString(coll.Type())))
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
