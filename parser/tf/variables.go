package tf

import (
	"fmt"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

var ruleValidation = newRule("TF006", sevError,
	"a variable's `validation` condition is false",
	"`terraform plan` fails with the `error_message`.")

var ruleVarValue = newRule("TF007", sevError|sevWarning|sevInfo,
	"module call without a required input, `-var` for an undeclared variable, unreadable `-var-file` (error); tfvars entry for an undeclared variable (warning); root variable without a value (info: its value is unknown, as in `terraform validate`)",
	"Terraform asks for, or rejects, the value.")

// Input variables: the root module's values from every source Terraform
// reads (defaults, TF_VAR_, tfvars files, -var-file, -var), type
// conversion and validation blocks.

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
				l.diags = append(l.diags, ruleVarValue.errorf(hcl.Range{Filename: path}, "", "Check the -var-file path.", "cannot read variables file %s: %s", path, msg))
			}
			return
		}
		f := l.parseSource(path, src)
		if f == nil || f.Body == nil {
			return
		}
		attrs, ds := f.Body.JustAttributes()
		l.addHCL(ruleVarValue, ds)
		for name, a := range attrs {
			v, ds := a.Expr.Value(&hcl.EvalContext{Functions: l.funcs})
			l.addHCL(ruleValue, ds)
			if _, ok := m.varByName[name]; !ok {
				l.diags = append(l.diags, ruleVarValue.warnf(a.NameRange, "", diag.DidYouMean(name, diag.Names(m.varByName)), "value for undeclared variable %q", name))
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
			l.diags = append(l.diags, ruleVarValue.errorf(hcl.Range{}, "", diag.DidYouMean(name, diag.Names(m.varByName)), "-var %s: the root module declares no variable %q", name, name))
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
	var shown []cty.Value
	var shownNames []string
	for _, v := range m.variables {
		if _, ok := vals[v.name]; ok || v.def == nil {
			if !ok && v.def == nil {
				l.params = append(l.params, model.Parameter{Name: v.name, Type: typeName(v), NoEcho: v.sensitive, Source: "", Range: toRange(v.declRange)})
			}
			continue
		}
		// evalVariable takes this value (and reports its diagnostics)
		// instead of evaluating the default a second time.
		dv, ds := evalDefault(v.def)
		if mi.defaults == nil {
			mi.defaults = map[string]evaluated{}
		}
		mi.defaults[v.name] = evaluated{dv, ds}
		l.params = append(l.params, model.Parameter{Name: v.name, Type: typeName(v), NoEcho: v.sensitive, Source: "default", Range: toRange(v.declRange)})
		shown = append(shown, dv)
		shownNames = append(shownNames, v.name)
	}
	if len(shown) > 0 {
		l.showDefaults(shownNames, shown)
	}
	slices.SortStableFunc(l.params, func(a, b model.Parameter) int {
		return a.Range.Start.Byte - b.Range.Start.Byte + 1000000*strings.Compare(a.Range.Filename, b.Range.Filename)
	})
}

// evaluated is an expression's value and the diagnostics of its
// evaluation.
type evaluated struct {
	val cty.Value
	ds  hcl.Diagnostics
}

// showDefaults sets the Value of the parameters of the variables names[i]
// shown with their defaults to the display strings of vals[i]. A large
// default (a map of routes) takes as long to show as to convert to the
// variable's type, and nothing reads what is shown before the template is
// built: the strings are made on another goroutine meanwhile, and run
// waits for them (joinParams) before it hands the parameters over.
func (l *loader) showDefaults(names []string, vals []cty.Value) {
	strs := make([]string, len(vals))
	done := make(chan bool, 1)
	go func() {
		ok := false
		defer func() {
			recover() // redone by joinParams, where Load recovers and reports it
			done <- ok
		}()
		for i, v := range vals {
			strs[i] = displayString(v)
		}
		ok = true
	}()
	l.joinParams = func() {
		if !<-done {
			for i, v := range vals {
				strs[i] = displayString(v)
			}
		}
		at := make(map[string]int, len(names))
		for i, n := range names {
			at[n] = i
		}
		for i := range l.params {
			p := &l.params[i]
			if j, ok := at[p.Name]; ok && p.Source == "default" {
				p.Value = strs[j]
			}
		}
	}
}

// parseRawVar interprets a -var or TF_VAR_ string as Terraform does: the
// raw string for string (and untyped) variables, an HCL expression for
// everything else.
func (l *loader) parseRawVar(v *variable, raw, source string) cty.Value {
	if !v.hasType || v.typ == cty.String || v.typ == cty.DynamicPseudoType {
		return cty.StringVal(raw)
	}
	if d := checkNesting([]byte(raw), "<"+source+" "+v.name+">", hcl.InitialPos, nestExpression); d != nil {
		l.diags = append(l.diags, ruleNesting.errorf(toHCLRange(v.declRange), "", d.Detail, "value for variable %q from %s: %s", v.name, source, d.Summary))
		return cty.DynamicVal
	}
	expr, ds := hclsyntax.ParseExpression([]byte(raw), "<"+source+" "+v.name+">", hcl.InitialPos)
	if ds.HasErrors() {
		l.diags = append(l.diags, ruleValue.errorf(toHCLRange(v.declRange), "", "Write the value as an HCL expression, such as [\"a\", \"b\"] or {k = \"v\"}.", "invalid value for variable %q from %s: %s", v.name, source, ds[0].Summary))
		return cty.DynamicVal
	}
	l.budget.instrument(expr)
	val, ds := expr.Value(nil)
	if ds.HasErrors() {
		l.diags = append(l.diags, ruleValue.errorf(toHCLRange(v.declRange), "", "Values given on the command line may not refer to other objects.", "invalid value for variable %q from %s: %s", v.name, source, ds[0].Summary))
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
				mi.l.diags = append(mi.l.diags, ruleVarValue.errorf(v.declRange, strings.TrimSuffix(mi.prefix, "."), fmt.Sprintf("Add %s = ... to the module block that calls this module.", v.name), "no value for required variable %q", v.name))
				mi.vars[v.name] = cty.UnknownVal(v.typ)
				return
			}
			// terraform validate accepts a root variable without a value
			// (plan would prompt for it): its value is unknown, and every
			// value derived from it is unknown too, as in validate.
			mi.l.diags = append(mi.l.diags, ruleVarValue.infof(v.declRange, "", fmt.Sprintf("Set it with -var %s=..., in terraform.tfvars, or with the TF_VAR_%s environment variable, to see what depends on it.", v.name, v.name), "no value for variable %q: values that depend on it are not known before apply", v.name))
			mi.vars[v.name] = cty.UnknownVal(v.typ)
			return
		}
		e, ok := mi.defaults[v.name]
		if ok {
			delete(mi.defaults, v.name)
		} else {
			e.val, e.ds = evalDefault(v.def)
		}
		mi.l.addHCL(ruleValue, e.ds)
		val = e.val
		rng = v.def.Range()
	}
	if v.defaults != nil && !val.IsNull() && val.IsWhollyKnown() {
		val = v.defaults.Apply(val)
	}
	if v.hasType {
		cv, err := convertVariable(val, v.typ)
		if err != nil {
			mi.l.diags = append(mi.l.diags, ruleValue.errorf(rng, strings.TrimSuffix(mi.prefix, "."), fmt.Sprintf("Variable %q is declared at %s with type %s.", v.name, rangeString(v.declRange), typeString(v.typ)), "invalid value for variable %q: %s", v.name, err))
			val = cty.UnknownVal(v.typ)
		} else {
			val = cv
		}
	}
	mi.vars[v.name] = val
}

// convertVariable is convert.Convert(val, want), without its work when a
// map variable is given an object all of whose attributes already have
// the map's element type: the usual map(object({...})) of routes written
// as a literal. cty then checks and unifies the attributes' types pairwise
// and copies each into a new map, most of the variables' evaluation; the
// result is the map of the object's attributes, which is what this
// returns. Anything else (marks, unknown or null objects, element types
// with collections, optional attributes or dynamic parts, which unify or
// convert differently) is left to convert.Convert.
func convertVariable(val cty.Value, want cty.Type) (cty.Value, error) {
	if want.IsMapType() && val.Type().IsObjectType() && val.IsKnown() && !val.IsNull() && !attrsMarked(val) && plainType(want.ElementType()) {
		ety := want.ElementType()
		atys := val.Type().AttributeTypes()
		same := len(atys) > 0
		for _, aty := range atys {
			if !aty.Equals(ety) {
				same = false
				break
			}
		}
		if same {
			return objectAsMap(val), nil
		}
	}
	return convert.Convert(val, want)
}

// objectAsMap is cty.MapVal(obj.AsValueMap()) for a known, non-null object
// with attributes, none of them marked and all of one type. AsValueMap
// goes through the element iterator (the names sorted, each made a cty
// string, normalised to NFC, and read with GetAttr, which normalises it
// again) and MapVal normalises each key once more; an object's attribute
// names are NFC already (cty normalises them when it makes the type), so
// the map is the object's internal values under the same names, of the
// type MapVal gives it (a map of one attribute's type).
func objectAsMap(obj cty.Value) cty.Value {
	m, ok := (*ctyValue)(unsafe.Pointer(&obj)).v.(map[string]any)
	if !ctyLayoutOK.Get() || !ok {
		return cty.MapVal(obj.AsValueMap())
	}
	var ety cty.Type
	for _, t := range obj.Type().AttributeTypes() {
		ety = t
		break
	}
	out := ctyValue{ty: cty.Map(ety), v: maps.Clone(m)}
	return *(*cty.Value)(unsafe.Pointer(&out))
}

// attrsMarked reports whether obj or one of its attributes is marked:
// then cty.MapVal would lift the attributes' marks onto the map, where
// convert keeps them on the elements. Marks deeper down stay where they are
// either way, so they need no look (cty's ContainsMarked walks the whole
// value, 8% of validate's instructions on 200 routes).
func attrsMarked(obj cty.Value) bool {
	if obj.IsMarked() {
		return true
	}
	// Each attribute read in place (objectAttr): the element iterator
	// sorts the names and makes each a cty string, normalised to NFC.
	for name := range obj.Type().AttributeTypes() {
		if objectAttr(obj, name).IsMarked() {
			return true
		}
	}
	return false
}

// plainType reports whether t is a primitive type or an object type of
// plain types without optional attributes: the types that cty's
// unification returns unchanged when every type given is the same.
func plainType(t cty.Type) bool {
	switch {
	case t.IsPrimitiveType():
		return true
	case t.IsObjectType():
		if len(t.OptionalAttributes()) > 0 {
			return false
		}
		for _, a := range t.AttributeTypes() {
			if !plainType(a) {
				return false
			}
		}
		return true
	}
	return false
}

func (mi *modInst) checkValidations(v *variable) {
	// Without validation rules there is nothing to check: the look at
	// whether the value is wholly known walks all of it (a map of 200
	// routes: its keys sorted, each attribute name normalised).
	if len(v.validations) == 0 {
		return
	}
	val := mi.vars[v.name]
	if !val.IsWhollyKnown() {
		return
	}
	for _, vd := range v.validations {
		ctx := mi.ctxFor(vd.cond, nil)
		cv, ds := vd.cond.Value(ctx)
		mi.l.addHCL(ruleValue, ds)
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
		mi.l.diags = append(mi.l.diags, ruleValidation.errorf(rng, strings.TrimSuffix(mi.prefix, "."), fmt.Sprintf("The validation rule is at %s.", rangeString(vd.cond.Range())), "invalid value for variable %q: %s", v.name, msg))
	}
}

// defaultSplitMin is the fewest items of a default's object constructor
// that evalDefault evaluates in two halves (a variable: the tests lower it).
var defaultSplitMin = 128

// evalDefault is def.Value(nil), a variable's default evaluated. A large
// object constructor of plain literal items (a map of routes: ~0.4 ms of
// a 200-route validate, on one core) has its second half of items
// evaluated on another goroutine meanwhile, and the halves' attributes
// joined: that is hcl's value when both halves evaluate without a
// diagnostic to known, unmarked objects whose ASCII keys are all
// different (with a duplicate key or a non-ASCII one, which key wins is
// hcl's business). Anything else, or an item that is not plain
// (plainDefault: no function call, for expression or binary operator,
// nothing that charges the budget), is evaluated whole, as before. A
// smaller constructor of literal items is literalItems' object.
func evalDefault(def hcl.Expression) (cty.Value, hcl.Diagnostics) {
	obj, ok := def.(*hclsyntax.ObjectConsExpr)
	if !ok || len(obj.Items) == 0 {
		return def.Value(nil)
	}
	if len(obj.Items) >= defaultSplitMin && runtime.GOMAXPROCS(0) >= 2 {
		if v, ok := splitDefault(obj); ok {
			return v, nil
		}
	} else if m, ok := literalItems(obj.Items); ok {
		var ob objectBuilder // literalItems' names are ASCII
		return ob.objectVal(m), nil
	}
	return def.Value(nil)
}

// splitDefault is evalDefault's evaluation in two halves; false when the
// default is to be evaluated whole.
func splitDefault(obj *hclsyntax.ObjectConsExpr) (cty.Value, bool) {
	half := func(items []hclsyntax.ObjectConsItem) (map[string]cty.Value, bool) {
		if m, ok := literalItems(items); ok {
			return m, true
		}
		for _, it := range items {
			if !plainDefault(it.KeyExpr) || !plainDefault(it.ValueExpr) {
				return nil, false
			}
		}
		e := *obj
		e.Items = items
		v, ds := e.Value(nil)
		if len(ds) > 0 || !v.IsKnown() || v.IsMarked() || !v.Type().IsObjectType() || v.LengthInt() != len(items) {
			return nil, false
		}
		m := v.AsValueMap()
		for k := range m {
			if !isASCII(k) {
				return nil, false
			}
		}
		return m, true
	}
	mid := len(obj.Items) / 2
	var second map[string]cty.Value
	done := make(chan bool, 1)
	go func() {
		ok := false
		defer func() {
			recover() // evaluated whole instead
			done <- ok
		}()
		second, ok = half(obj.Items[mid:])
	}()
	first, ok := half(obj.Items[:mid])
	if !<-done || !ok {
		return cty.NilVal, false
	}
	for k, v := range second {
		if _, dup := first[k]; dup {
			return cty.NilVal, false
		}
		first[k] = v
	}
	// The names are ASCII (half): objectVal makes what cty.ObjectVal
	// makes, without normalising each name twice.
	var ob objectBuilder
	return ob.objectVal(first), true
}

// literalItems is the attributes of an object constructor of items
// (hcl's ObjectConsExpr.Value, as a map) when each key is a bare name or
// a quoted string without interpolations, ASCII and not repeated, and
// each value is literalValue's; false otherwise (the caller evaluates
// them with hcl). A map of routes is such a constructor: hcl makes each
// key a cty string, normalised to NFC, each string value in a buffer,
// normalised, refined as not null, and each route object through
// cty.ObjectVal (its names normalised again, three maps); here the
// strings are the parser's and the routes' objects of one shape share
// their type (objectBuilder).
func literalItems(items []hclsyntax.ObjectConsItem) (map[string]cty.Value, bool) {
	var ob objectBuilder
	m := make(map[string]cty.Value, len(items))
	for _, it := range items {
		k, ok := literalKey(it.KeyExpr)
		if !ok {
			return nil, false
		}
		if _, dup := m[k]; dup {
			return nil, false
		}
		v, ok := literalValue(it.ValueExpr, &ob)
		if !ok {
			return nil, false
		}
		m[k] = v
	}
	return m, true
}

// literalKey is the string an object constructor's key evaluates to when
// it is a bare name (ObjectConsKeyExpr's literal name) or a template of
// literal parts, and ASCII; false otherwise.
func literalKey(e hclsyntax.Expression) (string, bool) {
	ke, ok := e.(*hclsyntax.ObjectConsKeyExpr)
	if !ok {
		return "", false
	}
	var k string
	switch w := ke.Wrapped.(type) {
	case *hclsyntax.ScopeTraversalExpr:
		if ke.ForceNonLiteral || len(w.Traversal) != 1 {
			return "", false
		}
		k = w.Traversal.RootName()
	case *hclsyntax.TemplateExpr:
		v, ok := literalTemplate(w)
		if !ok {
			return "", false
		}
		k = v.AsString()
	default:
		return "", false
	}
	return k, isASCII(k)
}

// literalValue is e.Value(nil) for a literal, a template of literal parts,
// or an object constructor of literalItems' items (made by ob); false for
// anything else.
func literalValue(e hclsyntax.Expression, ob *objectBuilder) (cty.Value, bool) {
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		return e.Val, true
	case *hclsyntax.TemplateExpr:
		return literalTemplate(e)
	case *hclsyntax.ObjectConsExpr:
		if len(e.Items) == 0 {
			return cty.NilVal, false
		}
		attrs := make(map[string]cty.Value, len(e.Items))
		for _, it := range e.Items {
			k, ok := literalKey(it.KeyExpr)
			if !ok {
				return cty.NilVal, false
			}
			if _, dup := attrs[k]; dup {
				return cty.NilVal, false
			}
			// Nested objects are of other shapes: their own builder.
			v, ok := literalValue(it.ValueExpr, &objectBuilder{})
			if !ok {
				return cty.NilVal, false
			}
			attrs[k] = v
		}
		return ob.objectVal(attrs), true
	}
	return cty.NilVal, false
}

// plainDefault reports whether e is made only of object and tuple
// constructors, literals, negations (-2.5 is one of a literal), templates
// without directives or interpolations of anything else, and bare names
// (an object key): what evaluates the same on any goroutine, charging
// nothing.
func plainDefault(e hclsyntax.Expression) bool {
	plain := true
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n.(type) {
		case *hclsyntax.ObjectConsExpr, *hclsyntax.ObjectConsKeyExpr, *hclsyntax.TupleConsExpr, *hclsyntax.LiteralValueExpr,
			*hclsyntax.TemplateExpr, *hclsyntax.TemplateWrapExpr, *hclsyntax.ScopeTraversalExpr, *hclsyntax.UnaryOpExpr:
		default:
			plain = false
		}
		return nil
	})
	return plain
}
