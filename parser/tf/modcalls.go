package tf

import (
	"cmp"
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/cfnrun/cfnrun/internal/diag"
)

var ruleModuleSource = newRule("TF020", sevError,
	"modules nested too deep, or a module that calls itself",
	"Terraform cannot build the module tree.")

var ruleNotInstalled = newRule("TF022", sevInfo,
	"a registry, git or other remote module that `terraform init` has not installed (no entry in `.terraform/modules/modules.json`, or its directory is gone): its outputs are unknown",
	"Terraform needs `terraform init` first; cfnrun goes on with the module's outputs unknown. After `terraform init`, cfnrun loads the installed module like a local one.")

var ruleModulesJSON = newRule("TF023", sevWarning,
	"`.terraform/modules/modules.json` cannot be read",
	"cfnrun cannot find the modules `terraform init` installed; run `terraform init` again.")

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
	keys, extras, mode := mi.expand(c.count, c.forEach, addr, c.declRange)
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
	if mi.depth >= maxModuleDepth {
		l.diagOnce(ruleModuleSource.errorf(c.sourceRange, addr, "A module may not call itself, directly or indirectly.", "modules nested more than %d deep", maxModuleDepth))
		return nil, nil, false
	}
	dir := filepath.Join(mi.m.dir, src)
	if !isLocalSource(src) {
		// A registry, git, S3, ... module: where terraform init put it.
		key := c.name
		if mi.key != "" {
			key = mi.key + "." + c.name
		}
		installed, ok := l.installedModules()[key]
		if !ok {
			l.diagOnce(ruleNotInstalled.infof(c.sourceRange, addr, "Run terraform init in "+l.rootDir+" to install it; cfnrun then loads it from .terraform/modules like a local module.", "module %q (%s) is not installed: its outputs are not known", c.name, src))
			return nil, nil, false
		}
		dir = installed
		if files, err := dirFiles(dir); err != nil || len(files) == 0 {
			l.diagOnce(ruleNotInstalled.infof(c.sourceRange, addr, "Run terraform init again in "+l.rootDir+" to reinstall it.", "module %q (%s) is listed in .terraform/modules/modules.json, but %s holds no .tf files: its outputs are not known", c.name, src, dir))
			return nil, nil, false
		}
	}
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
	ci.key = c.name
	if mi.key != "" {
		ci.key = mi.key + "." + c.name
	}
	ci.inputExtra = extra
	ci.inputExprs = map[string]*hcl.Attribute{}
	for n, a := range attrs {
		if _, ok := child.varByName[n]; ok {
			ci.inputExprs[n] = a
		}
	}
	return ci
}

// isLocalSource reports whether a module source is a local path, which
// Terraform reads in place (anything else terraform init downloads).
func isLocalSource(src string) bool {
	return strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../") || src == "." || src == ".."
}

// installedModules returns, by module key ("api", "api.lambda"), the
// directories terraform init installed remote modules in, read once from
// .terraform/modules/modules.json (under TF_DATA_DIR when set). Empty when
// there is none.
func (l *loader) installedModules() map[string]string {
	if l.installed != nil {
		return l.installed
	}
	l.installed = map[string]string{}
	data := filepath.Join(l.rootDir, ".terraform")
	if l.opts.Getenv != nil {
		if d, ok := l.opts.Getenv("TF_DATA_DIR"); ok && d != "" {
			data = d
			if !filepath.IsAbs(data) {
				data = filepath.Join(l.rootDir, d)
			}
		}
	}
	path := filepath.Join(data, "modules", "modules.json")
	src, err := readFileIfExists(path)
	if err != nil {
		l.diagOnce(ruleModulesJSON.warnf(hcl.Range{Filename: path}, "", "Run terraform init again.", "cannot read %s: %s", path, errText(err)))
		return l.installed
	}
	if src == nil {
		return l.installed
	}
	var manifest struct {
		Modules []struct {
			Key, Source, Dir string
		}
	}
	if err := json.Unmarshal(src, &manifest); err != nil {
		l.diagOnce(ruleModulesJSON.warnf(hcl.Range{Filename: path}, "", "Run terraform init again to rewrite it.", "%s is not a module manifest: %s", path, err))
		return l.installed
	}
	for _, m := range manifest.Modules {
		if m.Key == "" || m.Dir == "" {
			continue // the root module
		}
		dir := filepath.FromSlash(m.Dir)
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(l.rootDir, dir)
		}
		l.installed[m.Key] = dir
	}
	return l.installed
}
