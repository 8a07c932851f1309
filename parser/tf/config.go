package tf

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/cfnrun/cfnrun/internal/model"
)

var ruleSyntax = newRule("TF001", sevError|sevInfo,
	"a file cannot be read, or HCL syntax error (error); an override of a `.tf.json` block, which cfnrun does not merge (info)",
	"Terraform cannot parse the configuration.")

var ruleBlock = newRule("TF002", sevError,
	"malformed block: unknown top-level block, duplicate declaration, override of an undeclared block, bad `depends_on`, incomplete `dynamic` block, `count` with `for_each`",
	"`terraform validate` rejects it.")

// module is the static configuration of one module directory.
type module struct {
	dir       string
	files     []string
	variables []*variable
	varByName map[string]*variable
	locals    map[string]*hcl.Attribute
	localList []*hcl.Attribute
	outputs   []*output
	resources map[string]*resource // "type.name" or "data.type.name"
	resList   []*resource
	calls     map[string]*moduleCall
	callList  []*moduleCall
	// raw holds each declaration's block ("resource.T.N", "data.T.N",
	// "variable.N", "output.N", "module.N") for override files.
	raw        map[string]*hcl.Block
	overriding bool
	// moved are the module's moved blocks, addresses relative to it.
	moved []movedBlock
	// awsRegion is the region argument of the default (unaliased) aws
	// provider block, or nil.
	awsRegion hcl.Expression
}

// movedBlock is one moved block: the object at from (module-relative,
// such as "aws_api_gateway_resource.items" or "module.api") now lives at to.
type movedBlock struct {
	from, to string
}

type variable struct {
	name        string
	typ         cty.Type
	defaults    *typeexpr.Defaults
	hasType     bool
	def         hcl.Expression
	sensitive   bool
	nullable    bool
	validations []validation
	declRange   hcl.Range
}

type validation struct {
	cond, msg hcl.Expression
}

type output struct {
	name        string
	expr        hcl.Expression
	description string
	sensitive   bool
	dependsOn   []hcl.Traversal
	declRange   hcl.Range
}

type resource struct {
	data      bool
	typ, name string
	addr      string // key(), made when the block is decoded
	declRange hcl.Range
	typeRange hcl.Range
	body      hcl.Body
	count     hcl.Expression
	forEach   hcl.Expression
	dependsOn []hcl.Traversal
	cbd       bool // lifecycle.create_before_destroy
	// travs caches the body's references (see bodyTraversals).
	travs     []hcl.Traversal
	travsDone bool
	// refs caches the references depsOf walks, in its order.
	refs     []refGroup
	refsDone bool
	// ranges and names are the argument ranges every instance has, kept
	// from the first when the body has no dynamic block (evalInstance).
	ranges, names map[string]hcl.Range
	// cfnRanges is ranges mapped to CloudFormation property names, made
	// once by lowering (instance.cfnRanges).
	cfnRanges model.Ranges
	// edgeHint is the number of edges depsOf found for the last instance.
	edgeHint int
}

// key is the resource's address inside its module ("type.name" or
// "data.type.name").
func (r *resource) key() string {
	if r.addr != "" {
		// Made once: evaluation asks for it per instance (1,200 times
		// on 200 routes).
		return r.addr
	}
	if r.data {
		return "data." + r.typ + "." + r.name
	}
	return r.typ + "." + r.name
}

type moduleCall struct {
	name        string
	source      string
	sourceRange hcl.Range
	declRange   hcl.Range
	body        hcl.Body // inputs
	count       hcl.Expression
	forEach     hcl.Expression
	dependsOn   []hcl.Traversal
}

var fileSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "moved"},
	{Type: "import"},
	{Type: "check", LabelNames: []string{"name"}},
	{Type: "removed"},
}}

var movedSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "from", Required: true}, {Name: "to", Required: true}}}

var providerSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "region"}, {Name: "alias"}}}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"}, {Name: "nullable"}, {Name: "ephemeral"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "condition", Required: true}, {Name: "error_message", Required: true}}}

var outputSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "value", Required: true}, {Name: "description"}, {Name: "sensitive"}, {Name: "depends_on"}, {Name: "ephemeral"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "precondition"}},
}

var resourceMetaSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "count"}, {Name: "for_each"}, {Name: "depends_on"}, {Name: "provider"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "lifecycle"}, {Type: "provisioner", LabelNames: []string{"type"}}, {Type: "connection"}},
}

var lifecycleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "create_before_destroy"}, {Name: "prevent_destroy"}, {Name: "ignore_changes"}, {Name: "replace_triggered_by"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "precondition"}, {Type: "postcondition"}},
}

var moduleMetaSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "source", Required: true}, {Name: "version"}, {Name: "count"}, {Name: "for_each"}, {Name: "depends_on"}, {Name: "providers"}},
}

// metaArgs are the names every resource block accepts besides its type's
// schema.
var metaArgs = map[string]bool{"count": true, "for_each": true, "depends_on": true, "provider": true, "lifecycle": true, "provisioner": true, "connection": true}

// isConfigFile reports whether name is a Terraform configuration file.
func isConfigFile(name string) bool {
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")
}

// IsConfig reports whether path names a Terraform configuration: a .tf or
// .tf.json file, or a directory holding at least one. The resolver uses it
// to dispatch.
func IsConfig(path string) bool {
	if isConfigFile(path) {
		return true
	}
	ents, err := os.ReadDir(path)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if !e.IsDir() && isConfigFile(e.Name()) && !isIgnored(e.Name()) {
			return true
		}
	}
	return false
}

// isIgnored mirrors Terraform: editor backups and hidden files are skipped.
func isIgnored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~") || strings.HasSuffix(name, "#")
}

// configFiles expands paths into configuration files. A directory yields
// its .tf and .tf.json files (override files last, as Terraform merges
// them). Returns the module directory (the first path's directory).
func (l *loader) configFiles(paths []string) (dir string, out []string) {
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			l.diags = append(l.diags, ruleSyntax.errorf(hcl.Range{Filename: p}, "", "Check the path and try again.", "cannot read %s: %s", p, errText(err)))
			continue
		}
		if !st.IsDir() {
			if dir == "" {
				dir = filepath.Dir(p)
			}
			out = append(out, p)
			continue
		}
		if dir == "" {
			dir = p
		}
		fs, _ := dirFiles(p)
		if len(fs) == 0 {
			l.diags = append(l.diags, ruleSyntax.errorf(hcl.Range{Filename: p}, "", "Point cfnrun at a directory holding .tf or .tf.json files, or at one such file.", "no Terraform configuration files in %s", p))
		}
		out = append(out, fs...)
	}
	return dir, out
}

func (m *module) setRaw(b *hcl.Block) {
	if m.raw == nil {
		m.raw = map[string]*hcl.Block{}
	}
	m.raw[b.Type+"."+strings.Join(b.Labels, ".")] = b
}

// isOverride reports whether path is a Terraform override file.
func isOverride(path string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".json"), ".tf")
	return base == "override" || strings.HasSuffix(base, "_override")
}

func dirFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var primary, override []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || isIgnored(n) || !isConfigFile(n) {
			continue
		}
		base := strings.TrimSuffix(strings.TrimSuffix(n, ".json"), ".tf")
		if base == "override" || strings.HasSuffix(base, "_override") {
			override = append(override, filepath.Join(dir, n))
		} else {
			primary = append(primary, filepath.Join(dir, n))
		}
	}
	slices.Sort(primary)
	slices.Sort(override)
	return append(primary, override...), nil
}

func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// parseFile reads and parses one file, registering its source.
func (l *loader) parseFile(path string) *hcl.File {
	if a := l.ahead[path]; a != nil {
		delete(l.ahead, path)
		if a.err != nil {
			l.diags = append(l.diags, ruleSyntax.errorf(hcl.Range{Filename: path}, "", "Check the path and permissions.", "cannot read %s: %s", path, errText(a.err)))
			return nil
		}
		return l.parseSourceAhead(path, a.src, a)
	}
	src, err := readConfig(path)
	if err != nil {
		l.diags = append(l.diags, ruleSyntax.errorf(hcl.Range{Filename: path}, "", "Check the path and permissions.", "cannot read %s: %s", path, errText(err)))
		return nil
	}
	return l.parseSource(path, src)
}

func (l *loader) parseSource(path string, src []byte) *hcl.File {
	return l.parseSourceAhead(path, src, nil)
}

// parsedAhead is a native-syntax file read, checked for nesting and
// parsed by parseAhead, for parseFile to take in its turn.
type parsedAhead struct {
	src  []byte
	err  error // reading it
	deep *hcl.Diagnostic
	f    *hcl.File
	ds   hcl.Diagnostics
}

// parseAheadMin is the size of a module's native-syntax files, together,
// from which loadModule reads and parses them at once before it decodes
// them one by one (a variable: the tests set it to 0).
var parseAheadMin int64 = 16 << 10

// parseAhead reads and parses a module's native-syntax files (two or more,
// of parseAheadMin bytes or more together) on as many goroutines as the
// process has cores, into l.ahead: lexing and parsing are most of a large
// module's load before evaluation, and every file's are independent. What
// is reported, and in which order, is parseFile's business as before;
// a file whose parse panicked is left to parseFile, which parses it again
// where Load recovers.
func (l *loader) parseAhead(paths []string) {
	var todo []string
	var size int64
	for _, p := range paths {
		if strings.HasSuffix(p, ".json") {
			continue
		}
		if st, err := os.Stat(p); err == nil {
			size += st.Size()
		}
		todo = append(todo, p)
	}
	if len(todo) < 2 || size < parseAheadMin {
		return
	}
	out := make([]*parsedAhead, len(todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(todo); i = int(next.Add(1) - 1) {
				out[i] = parseOneAhead(todo[i])
			}
		}()
	}
	wg.Wait()
	if l.ahead == nil {
		l.ahead = map[string]*parsedAhead{}
	}
	for i, a := range out {
		if a != nil {
			l.ahead[todo[i]] = a
		}
	}
}

// parseOneAhead is parseAhead's work on one file; nil when it panicked.
func parseOneAhead(path string) (a *parsedAhead) {
	defer func() {
		if recover() != nil {
			a = nil
		}
	}()
	src, err := readConfig(path)
	if err != nil {
		return &parsedAhead{err: err}
	}
	a = &parsedAhead{src: src, deep: checkNesting(src, path, hcl.InitialPos, nestConfig)}
	if a.deep == nil {
		a.f, a.ds = hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	}
	return a
}

// splitParse is parseSplit for a file the parser has not parsed before,
// which it then holds as ParseHCL would.
func (l *loader) splitParse(src []byte, path string) (*hcl.File, bool) {
	if l.parser.Files()[path] != nil {
		return nil, false
	}
	f, ok := parseSplit(src, path)
	if ok {
		l.parser.AddFile(path, f)
	}
	return f, ok
}

// parseSourceAhead is parseSource, with the nesting check and the parse
// taken from a when parseAhead did them.
func (l *loader) parseSourceAhead(path string, src []byte, a *parsedAhead) *hcl.File {
	l.files.Add(path, src)
	var f *hcl.File
	var ds hcl.Diagnostics
	var deep *hcl.Diagnostic
	switch {
	case a != nil:
		deep = a.deep
	case strings.HasSuffix(path, ".json"):
		deep = checkJSONNesting(src, path)
	default:
		deep = checkNesting(src, path, hcl.InitialPos, nestConfig)
	}
	if deep != nil {
		l.diags = append(l.diags, l.convert(ruleNesting, deep, ""))
		return nil
	}
	if strings.HasSuffix(path, ".json") {
		f, ds = l.parser.ParseJSON(src, path)
	} else {
		if a != nil && l.parser.Files()[path] == nil {
			// As ParseHCL: a file parsed before is the parser's.
			l.parser.AddFile(path, a.f)
			f, ds = a.f, a.ds
		} else if sf, ok := l.splitParse(src, path); ok {
			f = sf
		} else {
			f, ds = l.parser.ParseHCL(src, path)
		}
		if f != nil {
			if body, ok := f.Body.(*hclsyntax.Body); ok {
				l.budget.instrumentSource(body, src)
			}
		}
	}
	l.addHCL(ruleSyntax, ds)
	return f
}

// loadModule parses every file of a module and collects its declarations.
func (l *loader) loadModule(dir string, paths []string) *module {
	m := &module{
		dir:       dir,
		varByName: map[string]*variable{},
		locals:    map[string]*hcl.Attribute{},
		resources: map[string]*resource{},
		calls:     map[string]*moduleCall{},
	}
	l.parseAhead(paths)
	var overrides []string
	for _, p := range paths {
		if isOverride(p) {
			overrides = append(overrides, p)
			continue
		}
		f := l.parseFile(p)
		if f == nil || f.Body == nil {
			continue
		}
		m.files = append(m.files, p)
		l.read = append(l.read, p)
		content, ds := f.Body.Content(fileSchema)
		l.addHCL(ruleBlock, ds)
		for _, b := range content.Blocks {
			l.decodeBlock(m, b)
		}
	}
	for _, p := range overrides {
		l.applyOverride(m, p)
	}
	return m
}

// applyOverride merges an override file into the declarations it names,
// as Terraform does: each argument replaces the base's, each nested block
// type replaces the base's blocks of that type, locals replace locals.
func (l *loader) applyOverride(m *module, path string) {
	f := l.parseFile(path)
	if f == nil || f.Body == nil {
		return
	}
	m.files = append(m.files, path)
	l.read = append(l.read, path)
	content, ds := f.Body.Content(fileSchema)
	l.addHCL(ruleBlock, ds)
	m.overriding = true
	defer func() { m.overriding = false }()
	for _, b := range content.Blocks {
		switch b.Type {
		case "locals":
			l.decodeBlock(m, b)
			continue
		case "resource", "data", "variable", "output", "module":
		default:
			continue
		}
		key := b.Type + "." + strings.Join(b.Labels, ".")
		base := m.raw[key]
		if base == nil {
			l.diags = append(l.diags, ruleBlock.errorf(b.DefRange, "", "An override file can only change blocks declared in the module's other files.", "missing base %s for override %s", b.Type, strings.Join(b.Labels, ".")))
			continue
		}
		bb, ok1 := base.Body.(*hclsyntax.Body)
		ob, ok2 := b.Body.(*hclsyntax.Body)
		if !ok1 || !ok2 {
			l.diags = append(l.diags, ruleSyntax.infof(b.DefRange, "", "Merge its settings into the main files to have cfnrun see them.", "override of a JSON block is not applied"))
			continue
		}
		merged := *base
		merged.Body = mergeBodies(bb, ob)
		l.decodeBlock(m, &merged)
	}
}

// mergeBodies applies an override body to a base body.
func mergeBodies(base, over *hclsyntax.Body) *hclsyntax.Body {
	out := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: base.SrcRange, EndRange: base.EndRange}
	for n, a := range base.Attributes {
		out.Attributes[n] = a
	}
	for n, a := range over.Attributes {
		out.Attributes[n] = a
	}
	replaced := map[string]bool{}
	for _, b := range over.Blocks {
		replaced[b.Type] = true
	}
	for _, b := range base.Blocks {
		if !replaced[b.Type] {
			out.Blocks = append(out.Blocks, b)
		}
	}
	out.Blocks = append(out.Blocks, over.Blocks...)
	return out
}

func (l *loader) decodeBlock(m *module, b *hcl.Block) {
	switch b.Type {
	case "moved":
		c, ds := b.Body.Content(movedSchema)
		l.addHCL(ruleBlock, ds)
		var mb movedBlock
		for _, n := range []string{"from", "to"} {
			a := c.Attributes[n]
			if a == nil {
				return // Content reported the missing argument
			}
			tr, ds := hcl.AbsTraversalForExpr(a.Expr)
			if ds.HasErrors() {
				l.diags = append(l.diags, ruleBlock.errorf(a.Expr.Range(), "", "moved takes resource or module addresses, such as from = aws_api_gateway_resource.items.", "invalid moved %s address", n))
				return
			}
			if n == "from" {
				mb.from = traversalString(tr)
			} else {
				mb.to = traversalString(tr)
			}
		}
		m.moved = append(m.moved, mb)
	case "provider":
		if len(b.Labels) != 1 || b.Labels[0] != "aws" {
			return
		}
		// Only region and alias matter here; assume_role, default_tags and
		// the rest are left alone (no diagnostics for arguments the
		// provider documents).
		c, _, _ := b.Body.PartialContent(providerSchema)
		if c.Attributes["alias"] != nil {
			return
		}
		if a := c.Attributes["region"]; a != nil {
			m.awsRegion = a.Expr
		}
	case "variable":
		l.decodeVariable(m, b)
	case "locals":
		attrs, ds := b.Body.JustAttributes()
		l.addHCL(ruleBlock, ds)
		names := make([]string, 0, len(attrs))
		for n := range attrs {
			names = append(names, n)
		}
		slices.SortFunc(names, func(a, b string) int { return attrs[a].Range.Start.Byte - attrs[b].Range.Start.Byte })
		for _, n := range names {
			a := attrs[n]
			if prev, dup := m.locals[n]; dup {
				if m.overriding {
					m.locals[n] = a
					m.localList[slices.Index(m.localList, prev)] = a
					continue
				}
				l.diags = append(l.diags, ruleBlock.errorf(a.NameRange, "", fmt.Sprintf("The first definition is at %s; remove one of them.", rangeString(prev.NameRange)), "duplicate local value %q", n))
				continue
			}
			m.locals[n] = a
			m.localList = append(m.localList, a)
		}
	case "output":
		c, ds := b.Body.Content(outputSchema)
		l.addHCL(ruleBlock, ds)
		o := &output{name: b.Labels[0], declRange: b.DefRange}
		if a := c.Attributes["value"]; a != nil {
			o.expr = a.Expr
		}
		if a := c.Attributes["description"]; a != nil {
			v, _ := a.Expr.Value(nil)
			if v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
				o.description = v.AsString()
			}
		}
		if a := c.Attributes["sensitive"]; a != nil {
			v, _ := a.Expr.Value(nil)
			o.sensitive = v.Type() == cty.Bool && v.IsKnown() && !v.IsNull() && v.True()
		}
		if a := c.Attributes["depends_on"]; a != nil {
			o.dependsOn = l.decodeDependsOn(a, "")
		}
		if m.overriding {
			for i, prev := range m.outputs {
				if prev.name == o.name {
					m.outputs[i] = o
					return
				}
			}
		}
		m.setRaw(b)
		m.outputs = append(m.outputs, o)
	case "resource", "data":
		r := &resource{data: b.Type == "data", typ: b.Labels[0], name: b.Labels[1], declRange: b.DefRange, typeRange: b.LabelRanges[0]}
		r.addr = r.key()
		c, rest, ds := b.Body.PartialContent(resourceMetaSchema)
		l.addHCL(ruleBlock, ds)
		r.body = rest
		if a := c.Attributes["count"]; a != nil {
			r.count = a.Expr
		}
		if a := c.Attributes["for_each"]; a != nil {
			r.forEach = a.Expr
		}
		if r.count != nil && r.forEach != nil {
			l.diags = append(l.diags, ruleBlock.errorf(c.Attributes["for_each"].NameRange, r.key(), "Use either count or for_each, not both.", "invalid combination of \"count\" and \"for_each\""))
		}
		if a := c.Attributes["depends_on"]; a != nil {
			r.dependsOn = l.decodeDependsOn(a, r.key())
		}
		for _, lb := range c.Blocks {
			if lb.Type != "lifecycle" {
				continue
			}
			lc, ds := lb.Body.Content(lifecycleSchema)
			l.addHCL(ruleBlock, ds)
			if a := lc.Attributes["create_before_destroy"]; a != nil {
				v, _ := a.Expr.Value(nil)
				r.cbd = v.Type() == cty.Bool && v.IsKnown() && !v.IsNull() && v.True()
			}
		}
		if prev, dup := m.resources[r.key()]; dup {
			if m.overriding {
				m.resources[r.key()] = r
				m.resList[slices.Index(m.resList, prev)] = r
				return
			}
			l.diags = append(l.diags, ruleBlock.errorf(r.declRange, r.key(), fmt.Sprintf("The first declaration is at %s; each resource needs a unique name within its type.", rangeString(prev.declRange)), "duplicate %s %q configuration", b.Type, r.key()))
			return
		}
		m.setRaw(b)
		m.resources[r.key()] = r
		m.resList = append(m.resList, r)
	case "module":
		c, rest, ds := b.Body.PartialContent(moduleMetaSchema)
		l.addHCL(ruleBlock, ds)
		mc := &moduleCall{name: b.Labels[0], declRange: b.DefRange, body: rest}
		if a := c.Attributes["source"]; a != nil {
			mc.sourceRange = a.Expr.Range()
			v, vds := a.Expr.Value(nil)
			if vds.HasErrors() || v.Type() != cty.String || v.IsNull() || !v.IsKnown() {
				l.diags = append(l.diags, ruleModuleSource.errorf(a.Expr.Range(), "module."+mc.name, "Module sources must be literal strings, such as \"./modules/api\".", "invalid module source"))
			} else {
				mc.source = v.AsString()
			}
		}
		if a := c.Attributes["count"]; a != nil {
			mc.count = a.Expr
		}
		if a := c.Attributes["for_each"]; a != nil {
			mc.forEach = a.Expr
		}
		if a := c.Attributes["depends_on"]; a != nil {
			mc.dependsOn = l.decodeDependsOn(a, "module."+mc.name)
		}
		if prev, dup := m.calls[mc.name]; dup {
			if m.overriding {
				m.calls[mc.name] = mc
				m.callList[slices.Index(m.callList, prev)] = mc
				return
			}
			l.diags = append(l.diags, ruleBlock.errorf(mc.declRange, "module."+mc.name, "Give each module call a unique name.", "duplicate module call %q", mc.name))
			return
		}
		m.setRaw(b)
		m.calls[mc.name] = mc
		m.callList = append(m.callList, mc)
	}
}

func (l *loader) decodeVariable(m *module, b *hcl.Block) {
	c, ds := b.Body.Content(variableSchema)
	l.addHCL(ruleBlock, ds)
	v := &variable{name: b.Labels[0], typ: cty.DynamicPseudoType, declRange: b.DefRange, nullable: true}
	if !hclsyntax.ValidIdentifier(v.name) {
		l.diags = append(l.diags, ruleBlock.errorf(b.LabelRanges[0], "", "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.", "invalid variable name %q", v.name))
	}
	if a := c.Attributes["type"]; a != nil {
		ty, defs, tds := typeexpr.TypeConstraintWithDefaults(a.Expr)
		l.addHCL(ruleValue, tds)
		if !tds.HasErrors() {
			v.typ, v.defaults, v.hasType = ty, defs, true
		}
	}
	if a := c.Attributes["default"]; a != nil {
		v.def = a.Expr
	}
	for _, name := range []string{"sensitive", "nullable"} {
		if a := c.Attributes[name]; a != nil {
			val, _ := a.Expr.Value(nil)
			if val.Type() == cty.Bool && val.IsKnown() && !val.IsNull() {
				if name == "sensitive" {
					v.sensitive = val.True()
				} else {
					v.nullable = val.True()
				}
			}
		}
	}
	for _, vb := range c.Blocks {
		vc, ds := vb.Body.Content(validationSchema)
		l.addHCL(ruleBlock, ds)
		if vc.Attributes["condition"] != nil && vc.Attributes["error_message"] != nil {
			v.validations = append(v.validations, validation{cond: vc.Attributes["condition"].Expr, msg: vc.Attributes["error_message"].Expr})
		}
	}
	if prev, dup := m.varByName[v.name]; dup {
		if m.overriding {
			m.varByName[v.name] = v
			m.variables[slices.Index(m.variables, prev)] = v
			return
		}
		l.diags = append(l.diags, ruleBlock.errorf(v.declRange, "", "Remove one of the declarations.", "duplicate variable %q", v.name))
		return
	}
	m.setRaw(b)
	m.varByName[v.name] = v
	m.variables = append(m.variables, v)
}

var ruleQuotedRef = newRule("TF014", sevWarning,
	"a quoted reference in `depends_on` (`[\"aws_x.y\"]`, Terraform 0.11 syntax)",
	"Terraform 1.x accepts it with a deprecation warning and will remove it; write the reference without quotes.")

var ruleSelfDep = newRule("TF015", sevWarning,
	"`depends_on` naming the block itself (ignored)",
	"A resource cannot wait for itself; cfnrun ignores the entry instead of reporting a dependency cycle.")

// decodeDependsOn reads a depends_on list. self is the declaring block's
// module-local address ("aws_x.y", "data.t.n", "module.m"), whose own
// entry is ignored with a warning; a quoted reference is read, with
// Terraform's deprecation warning.
func (l *loader) decodeDependsOn(a *hcl.Attribute, self string) []hcl.Traversal {
	exprs, ds := hcl.ExprList(a.Expr)
	l.addHCL(ruleBlock, ds)
	var out []hcl.Traversal
	for _, e := range exprs {
		tr, ds := hcl.AbsTraversalForExpr(e)
		if ds.HasErrors() {
			if s, ok := quotedString(e); ok && checkNesting([]byte(s), e.Range().Filename, e.Range().Start, nestExpression) == nil {
				qtr, qds := hclsyntax.ParseTraversalAbs([]byte(s), e.Range().Filename, e.Range().Start)
				if !qds.HasErrors() {
					l.diags = append(l.diags, ruleQuotedRef.warnf(e.Range(), self, fmt.Sprintf("Remove the quotes: depends_on = [%s].", s), "quoted references are deprecated: %q", s))
					tr, ds = qtr, nil
				}
			}
		}
		if ds.HasErrors() {
			l.diags = append(l.diags, ruleBlock.errorf(e.Range(), "", "depends_on takes references to resources, data sources or modules, such as aws_api_gateway_method.get.", "invalid depends_on reference"))
			continue
		}
		if self != "" && traversalString(tr) == self {
			l.diags = append(l.diags, ruleSelfDep.warnf(e.Range(), self, "Remove the entry.", "%s depends on itself; the entry is ignored", self))
			continue
		}
		out = append(out, tr)
	}
	return out
}

// quotedString returns the text of a string literal written in quotes.
func quotedString(e hcl.Expression) (string, bool) {
	t, ok := e.(*hclsyntax.TemplateExpr)
	if !ok || len(t.Parts) != 1 {
		return "", false
	}
	lit, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok || lit.Val.Type() != cty.String {
		return "", false
	}
	return lit.Val.AsString(), true
}

func rangeString(r hcl.Range) string {
	return fmt.Sprintf("%s:%d:%d", r.Filename, r.Start.Line, r.Start.Column)
}
