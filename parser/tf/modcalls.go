package tf

import (
	"cmp"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/cfnrun/cfnrun/internal/diag"
)

var ruleModuleSource = newRule("TF020", sevError,
	"remote module source, or modules nested too deep",
	"cfnrun reads local modules only.")

var ruleModuleDir = newRule("TF021", sevError,
	"local module directory not found",
	"`terraform init` fails.")

// Module calls: loading the called module, its instances (count and
// for_each on the call) and its outputs.

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
		ci.template = ci.template || mode == expandUnknown
		ci.evalAll()
		return outputsObject(ci)
	}
	switch mode {
	case expandUnknown:
		// The module is evaluated once as a template, as terraform
		// validate does; its outputs are unknown.
		instantiate(addr+".", extras[0])
		return cty.DynamicVal
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
		l.diagOnce(ruleModuleSource.errorf(c.sourceRange, addr, "cfnrun reads local modules only: vendor the module into your repository (for example with `terraform get`, then copy .terraform/modules/...) and point source at the local path, such as \"./modules/api\".", "remote module source %q is not supported", src))
		return nil, nil, false
	}
	if mi.depth >= maxModuleDepth {
		l.diagOnce(ruleModuleSource.errorf(c.sourceRange, addr, "A module may not call itself, directly or indirectly.", "modules nested more than %d deep", maxModuleDepth))
		return nil, nil, false
	}
	dir := filepath.Join(mi.m.dir, src)
	for p := mi; p != nil; p = p.parent {
		if filepath.Clean(p.m.dir) == filepath.Clean(dir) {
			l.diagOnce(ruleModuleSource.errorf(c.sourceRange, addr, "A module may not call itself, directly or through other modules.", "module %q calls its own directory %s", c.name, dir))
			return nil, nil, false
		}
	}
	child, ok := l.modules[filepath.Clean(dir)]
	if !ok {
		files, err := dirFiles(dir)
		if err != nil || len(files) == 0 {
			l.diagOnce(ruleModuleDir.errorf(c.sourceRange, addr, "Check the path: it is relative to the directory of the calling module.", "module directory %s not found or holds no .tf files", dir))
			return nil, nil, false
		}
		child = l.loadModule(dir, files)
		l.modules[filepath.Clean(dir)] = child
	}
	attrs, ds := c.body.JustAttributes()
	l.addHCL(ruleBlock, ds)
	for n, a := range attrs {
		if _, ok := child.varByName[n]; !ok {
			l.diagOnce(ruleArgument.errorf(a.NameRange, addr, cmp.Or(diag.DidYouMean(n, diag.Names(child.varByName)), "The module declares no such variable; remove the argument or add a variable block to the module."), "unsupported argument %q: module %q has no variable of that name", n, c.name))
		}
	}
	return child, attrs, true
}

func (mi *modInst) newChild(child *module, c *moduleCall, prefix string, attrs hcl.Attributes, extra map[string]cty.Value) *modInst {
	ci := mi.l.newModInst(child, prefix, mi.depth+1)
	ci.parent = mi
	ci.template = mi.template
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
