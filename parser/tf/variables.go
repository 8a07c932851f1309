package tf

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

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
		dv, ds := v.def.Value(nil)
		mi.l.addHCL(ruleValue, ds)
		val = dv
		rng = v.def.Range()
	}
	if v.defaults != nil && !val.IsNull() && val.IsWhollyKnown() {
		val = v.defaults.Apply(val)
	}
	if v.hasType {
		cv, err := convert.Convert(val, v.typ)
		if err != nil {
			mi.l.diags = append(mi.l.diags, ruleValue.errorf(rng, strings.TrimSuffix(mi.prefix, "."), fmt.Sprintf("Variable %q is declared at %s with type %s.", v.name, rangeString(v.declRange), typeString(v.typ)), "invalid value for variable %q: %s", v.name, err))
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
