package tf

import (
	"context"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
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
	// ahead holds the files parseAhead read and parsed, until parseFile
	// takes them.
	ahead map[string]*parsedAhead
	// exportObjs make the exported values of each resource's instances
	// (objval.go).
	exportObjs map[*resource]*objectBuilder
	modules    map[string]*module // by directory
	insts      []*instance        // every resource and data instance, all modules
	params     []model.Parameter
	// joinParams, when set, fills in the Value of the parameters shown
	// with their defaults (showDefaults).
	joinParams func()
	outputs    []model.Output
	// reported dedups diagnostics emitted once per source location.
	reported map[string]bool
	// relAttrs are attribute names read through splats and relative
	// traversals anywhere; placeholder objects expose them too.
	relAttrs map[string]bool
	// subAttrs are, for "KEY.ATTR" (a resource key and one of its
	// attributes), the attribute names references read inside it
	// (aws_x.d.domain_name_configuration[0].target_domain_name): a
	// placeholder's nested blocks expose them, unknown.
	subAttrs map[string]map[string]bool
	// read lists every configuration file read, modules included.
	read []string
	// bareCtx evaluates expressions that refer to nothing.
	bareCtx *hcl.EvalContext
	// attrOrders caches the attribute names of bodies in source order.
	attrOrders map[*hclsyntax.Body][]string
	// pathByID maps resource ids to their paths, for the path attribute.
	pathByID map[string]string
	// installed are the remote modules terraform init installed, by key
	// (nil until read).
	installed map[string]string
	// pending are the elements not known before apply (model.Pending).
	pending []model.Pending
	// budget bounds the work evaluation may do.
	budget *budget
	// nativeExprs are .tf.json expressions rebuilt in the native syntax
	// so the budget charges them (jsonnative.go), by original.
	nativeExprs map[hcl.Expression]hcl.Expression
	// split is set on the copies of the loader that evaluate a batch of
	// instances on two goroutines (split.go): what they would write to
	// the loader's shared state is logged there instead.
	split *splitLog
	// wsAPIIDs are the ids of the WebSocket APIs (aws_apigatewayv2_api
	// with protocol_type WEBSOCKET) made so far, for their stages'
	// invoke_url.
	wsAPIIDs map[string]bool
}

func newLoader(ctx context.Context, opts Options, files *diag.Files) *loader {
	// An empty Region is settled in run: the root module's default aws
	// provider block's region, else us-east-1.
	if opts.AccountID == "" {
		opts.AccountID = "123456789012"
	}
	limits := defaultLimits
	if opts.limits != nil {
		limits = *opts.limits
	}
	return &loader{ctx: ctx, opts: opts, files: files, parser: hclparse.NewParser(), modules: map[string]*module{}, reported: map[string]bool{}, relAttrs: map[string]bool{}, subAttrs: map[string]map[string]bool{}, pathByID: map[string]string{}, budget: newBudget(ctx, limits)}
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
	// argv are the evaluated arguments and blocks, by name; args is them
	// as an object, made when first asked for (argsValue): the schema
	// check reads one instance's, and the exported value is built from
	// argv.
	argv   map[string]cty.Value
	args   cty.Value
	value  cty.Value // args plus exported attributes
	attrs  map[string]string
	ranges map[string]hcl.Range // argument path ("uri", "settings.logging_level") → value range
	names  map[string]hcl.Range // argument path → name range
	// sharedRanges is true when ranges and names are the resource's,
	// written by its first instance (resource.ranges): read only.
	sharedRanges bool
	// noProps is true when props is not built (Options.FindingsOnly).
	noProps bool
	props   *model.Value
	deps    []model.Edge
	// placeholder is true for types cfnrun does not model.
	placeholder bool
	// template is true for the one instance that stands for instances not
	// known before apply (unknown count or for_each, here or on a module
	// call above): checked, kept in the graph, not lowered into the API.
	template bool
	// exprs are the argument expressions by path, and unknownText the
	// text an unknown string argument stands for ("${var.stage}",
	// "prod-${random_id.x.hex}"), for the model and for pending notes.
	exprs       map[string]hcl.Expression
	unknownText map[string]string
}

// argsValue returns the instance's arguments as an object.
func (in *instance) argsValue() cty.Value {
	if in.args == cty.NilVal {
		in.args = cty.ObjectVal(in.argv)
	}
	return in.args
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
	// key is the module's key in .terraform/modules/modules.json: the
	// call names from the root, joined by dots ("api.lambda"); "" for the
	// root.
	key string
	// template is true for a module instance standing for instances not
	// known before apply; everything in it is a template.
	template bool
	children map[string]*modInst // non-expanded module calls
	allDone  bool
	vars     map[string]cty.Value
	locals   map[string]cty.Value
	values   map[string]cty.Value // resource key → value
	calls    map[string]cty.Value // module call → value
	state    map[string]uint8
	refAttrs map[string]map[string]bool
	insts    map[string][]*instance
	bodyCtx  map[*resource]*bodyCtx // see instanceCtx
	outputs  map[string]cty.Value
	// defaults are the root variables' defaults evaluated by
	// rootVariables, for evalVariable to take.
	defaults map[string]evaluated
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
	if d := l.budget.refusal; d != nil {
		l.diags = append(l.diags, l.convert(ruleBudget, d, ""))
	}
	for _, o := range root.outputs {
		v := mi.outputs[o.name]
		l.outputs = append(l.outputs, model.Output{Name: o.name, Value: displayString(v), Description: o.description, Sensitive: o.sensitive, Range: toRange(o.declRange)})
	}
	t.Files = l.read
	t.Outputs = l.outputs
	if l.joinParams != nil {
		l.joinParams()
		l.joinParams = nil
	}
	t.Parameters = l.params
	l.lower(t)
	l.validate(t)
	if l.budget.spent {
		// Values are unknown because evaluation stopped (TF071, or a
		// cancelled context), not because they are known only after
		// apply: no pending notes.
		l.diags = slices.DeleteFunc(l.diags, func(d diag.Diagnostic) bool { return d.Rule == rulePending.ID })
		t.Pending = nil
	}
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
		if mi.l.ctx.Err() != nil || !mi.l.budget.ok() {
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
