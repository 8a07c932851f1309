package tf

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"unsafe"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

var ruleProviderFunc = newRule("TF017", sevInfo,
	"a call to a function of a provider other than `aws` (`provider::NAME::FUNCTION`), which cfnrun does not emulate: its result is unknown",
	"`terraform validate` accepts it once the provider is installed; cfnrun goes on with an unknown value.")

var ruleUnknownFunc = newRule("TF004", sevError,
	"call to an unknown function (did-you-mean)",
	"`terraform validate` fails with \"Call to unknown function\".")

func toPos(p hcl.Pos) diag.Pos { return diag.Pos{Line: p.Line, Column: p.Column, Byte: p.Byte} }

func toRange(r hcl.Range) diag.Range {
	return diag.Range{Filename: r.Filename, Start: toPos(r.Start), End: toPos(r.End)}
}

// addHCL converts HCL diagnostics, keeping their ranges.
func (l *loader) addHCL(rule *Rule, ds hcl.Diagnostics) {
	for _, d := range ds {
		l.diags = append(l.diags, l.convert(rule, d, ""))
	}
}

func (l *loader) convert(rule *Rule, d *hcl.Diagnostic, resource string) diag.Diagnostic {
	out := diag.Diagnostic{Rule: rule.ID, Summary: d.Summary, Detail: d.Detail, Resource: resource}
	if d.Severity == hcl.DiagWarning {
		out.Severity = diag.Warning
	}
	switch {
	case d.Subject != nil:
		out.Range = toRange(*d.Subject)
	case d.Context != nil:
		out.Range = toRange(*d.Context)
	}
	out.Summary = lowerFirst(out.Summary)
	return out
}

func lowerFirst(s string) string {
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z') {
		return strings.ToLower(s[:1]) + s[1:]
	}
	return s
}

// addEvalDiags converts expression evaluation diagnostics: unknown
// functions get TF004 and a did-you-mean from our function table, names
// the scope does not hold TF003, others are type and value errors (TF005).
// The kind is read from each diagnostic's Extra and Expression, never from
// its text.
func (l *loader) addEvalDiags(ds hcl.Diagnostics, resource string) {
	for _, d := range ds {
		if unk, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallUnknownDiagExtra](d); ok {
			name := unk.CalledFunctionNamespace() + unk.CalledFunctionName()
			if ns := unk.CalledFunctionNamespace(); strings.HasPrefix(ns, "provider::") && ns != "provider::aws::" {
				// Another provider's function: terraform validate knows
				// it once the provider is installed; its result is unknown
				// here, and evaluation goes on.
				cd := l.convert(ruleProviderFunc, d, resource)
				cd.Severity = diag.Info
				cd.Summary = fmt.Sprintf("%s is a function of provider %q, which cfnrun does not emulate: its result is not known here", name, strings.TrimSuffix(strings.TrimPrefix(ns, "provider::"), "::"))
				cd.Detail = "Values that depend on it are treated as known only after apply."
				l.diagOnce(cd)
				continue
			}
			cd := l.convert(ruleUnknownFunc, d, resource)
			cd.Summary = fmt.Sprintf("call to unknown function %q", name)
			cd.Detail = cmp.Or(diag.DidYouMean(name, diag.Names(l.funcs)), "See docs/terraform.md for the functions cfnrun supports.")
			l.diagOnce(cd)
			continue
		}
		rule := ruleValue
		if unresolvedRoot(d) {
			rule = ruleUndeclared
		}
		cd := l.convert(rule, d, resource)
		if fe := fileErrorOf(d); fe != nil && fe.missing {
			// A build artifact (lambda.zip) that is not there before the
			// build: cfnrun goes on with an unknown value.
			cd.Severity = diag.Warning
			cd.Summary = "file not found: values that depend on it are unknown"
			cd.Detail = fmt.Sprintf("There is no file at %s. Build the file first if it is a build artifact; cfnrun does not need it to serve the API.", fe.path)
			if fc, ok := d.Expression.(*hclsyntax.FunctionCallExpr); ok && len(fc.Args) > 0 {
				cd.Range = toRange(fc.Args[0].Range())
			}
		}
		l.diagOnce(cd)
	}
}

// unresolvedRoot reports whether d says that the first name of a
// reference is not in scope (hcl's "Unknown variable" and "Variables not
// allowed"): its subject is the traversal's root.
func unresolvedRoot(d *hcl.Diagnostic) bool {
	st, ok := d.Expression.(*hclsyntax.ScopeTraversalExpr)
	if !ok || d.Subject == nil || len(st.Traversal) == 0 {
		return false
	}
	return *d.Subject == st.Traversal[0].SourceRange()
}

// fileErrorOf returns the file function error behind d, or nil.
func fileErrorOf(d *hcl.Diagnostic) *fileError {
	fc, ok := hcl.DiagnosticExtra[hclsyntax.FunctionCallDiagExtra](d)
	if !ok {
		return nil
	}
	var fe *fileError
	if errors.As(fc.FunctionCallError(), &fe) {
		return fe
	}
	return nil
}

// diagOnce records d unless the same finding was already recorded (an
// expression evaluated once per instance reports once).
func (l *loader) diagOnce(d diag.Diagnostic) {
	if l.split != nil {
		// A worker of a split batch: the loader replays it in order.
		l.split.once = append(l.split.once, len(l.diags))
		l.diags = append(l.diags, d)
		return
	}
	k := fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%s", d.Rule, d.Range.Filename, d.Range.Start.Byte, d.Range.End.Byte, d.Summary)
	if l.reported[k] {
		return
	}
	l.reported[k] = true
	l.diags = append(l.diags, d)
}

func readFileIfExists(path string) ([]byte, error) {
	b, err := readConfig(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

func typeString(t cty.Type) string {
	if t == cty.NilType {
		return "nil"
	}
	return typeexpr.TypeString(t)
}

// ctyString renders a known primitive as Terraform would interpolate it;
// null, unknown and collections give "".
func ctyString(v cty.Value) string {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return ""
	}
	v, _ = v.Unmark()
	switch v.Type() {
	case cty.String:
		return v.AsString()
	case cty.Number:
		return numString(v)
	case cty.Bool:
		return strconv.FormatBool(v.True())
	}
	return ""
}

func numString(v cty.Value) string {
	bf := v.AsBigFloat()
	if bf.IsInt() {
		i, _ := bf.Int(nil)
		return i.String()
	}
	f, _ := bf.Float64()
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// displayString renders any value for outputs and parameters: primitives
// as text, collections as JSON, unknown as "(known after apply)".
func displayString(v cty.Value) string {
	if v == cty.NilVal || v.IsNull() {
		return ""
	}
	// encodeJSON writes what cty's json.Marshal writes, without its
	// allocations per value (a 200-route default: 4% of validate's
	// instructions); on one goroutine: showDefaults runs this beside the
	// evaluation already. It writes only values wholly known and without
	// marks, so it goes first: the look at whether v is wholly known and
	// the deep unmarking below walk all of v (the unmarking rebuilding
	// every collection), and are for what it leaves.
	if !v.Type().IsPrimitiveType() {
		e := jsonEncoder{}
		if b, err := e.encode(nil, v, v.Type()); err == nil {
			return unsafe.String(unsafe.SliceData(b), len(b)) // b is the string's alone
		}
	}
	if !v.IsWhollyKnown() {
		return "(known after apply)"
	}
	v, _ = v.UnmarkDeep()
	if v.Type().IsPrimitiveType() {
		return ctyString(v)
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return ""
	}
	return string(b)
}

// ctyToValue converts an evaluated value to the model's value tree.
func ctyToValue(v cty.Value, rng diag.Range) *model.Value {
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return &model.Value{Kind: model.Null, Range: rng}
	}
	v, _ = v.Unmark()
	ty := v.Type()
	switch {
	case ty == cty.String:
		return &model.Value{Kind: model.String, Str: v.AsString(), Range: rng}
	case ty == cty.Number:
		return &model.Value{Kind: model.Number, Str: numString(v), Range: rng}
	case ty == cty.Bool:
		return &model.Value{Kind: model.Bool, Str: strconv.FormatBool(v.True()), Range: rng}
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		out := &model.Value{Kind: model.List, Range: rng}
		for it := v.ElementIterator(); it.Next(); {
			_, x := it.Element()
			out.Items = append(out.Items, ctyToValue(x, rng))
		}
		return out
	case ty.IsMapType() || ty.IsObjectType():
		out := &model.Value{Kind: model.Map, Range: rng}
		for it := v.ElementIterator(); it.Next(); {
			k, x := it.Element()
			out.Fields = append(out.Fields, model.Field{Key: k.AsString(), KeyRange: rng, Value: ctyToValue(x, rng)})
		}
		return out
	}
	return &model.Value{Kind: model.Null, Range: rng}
}

func gzipBase64(s string) string {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write([]byte(s))
	_ = w.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}
