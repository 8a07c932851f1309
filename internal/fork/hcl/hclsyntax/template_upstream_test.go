// Copyright IBM Corp. 2014, 2026
// SPDX-License-Identifier: MPL-2.0

// The cfnrun fork's TemplateExpr.Value (FORK.md) against upstream's: the
// same value (type, marks, refinements) and the same diagnostics for
// templates of every kind of part.

package hclsyntax

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// upstreamTemplateValue is upstream's (*TemplateExpr).Value, v2.25.0.
func upstreamTemplateValue(e *TemplateExpr, ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	buf := &bytes.Buffer{}
	var diags hcl.Diagnostics
	isKnown := true

	// Maintain a set of marks for values used in the template
	marks := make(cty.ValueMarks)

	for _, part := range e.Parts {
		partVal, partDiags := part.Value(ctx)
		diags = append(diags, partDiags...)

		if partVal.IsNull() {
			diags = append(diags, &hcl.Diagnostic{
				Severity:    hcl.DiagError,
				Summary:     "Invalid template interpolation value",
				Detail:      "The expression result is null. Cannot include a null value in a string template.",
				Subject:     part.Range().Ptr(),
				Context:     &e.SrcRange,
				Expression:  part,
				EvalContext: ctx,
			})
			continue
		}

		// Unmark the part and merge its marks into the set
		unmarkedVal, partMarks := partVal.Unmark()
		for k, v := range partMarks {
			marks[k] = v
		}

		if !partVal.IsKnown() {
			// If any part is unknown then the result as a whole must be
			// unknown too. We'll keep on processing the rest of the parts
			// anyway, because we want to still emit any diagnostics resulting
			// from evaluating those.
			isKnown = false
			continue
		}

		strVal, err := convert.Convert(unmarkedVal, cty.String)
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid template interpolation value",
				Detail: fmt.Sprintf(
					"Cannot include the given value in a string template: %s.",
					err.Error(),
				),
				Subject:     part.Range().Ptr(),
				Context:     &e.SrcRange,
				Expression:  part,
				EvalContext: ctx,
			})
			continue
		}

		// If we're just continuing to validate after we found an unknown value
		// then we'll skip appending so that "buf" will contain only the
		// known prefix of the result.
		if isKnown && !diags.HasErrors() {
			buf.WriteString(strVal.AsString())
		}
	}

	var ret cty.Value
	if !isKnown {
		ret = cty.UnknownVal(cty.String)
		if !diags.HasErrors() { // Invalid input means our partial result buffer is suspect
			if knownPrefix := buf.String(); knownPrefix != "" {
				byteLen := len(knownPrefix)
				// Impose a reasonable upper limit to avoid producing too long a prefix.
				// The 128 B is about 10% of the safety limits in cty's msgpack decoder.
				// @see https://github.com/zclconf/go-cty/blob/v1.13.2/cty/msgpack/unknown.go#L170-L175
				//
				// This operation is safe because StringPrefix removes incomplete trailing grapheme clusters.
				if byteLen > 128 { // arbitrarily-decided threshold
					byteLen = 128
				}
				ret = ret.Refine().StringPrefix(knownPrefix[:byteLen]).NewValue()
			}
		}
	} else {
		ret = cty.StringVal(buf.String())
	}

	// A template rendering result is never null.
	ret = ret.RefineNotNull()

	// Apply the full set of marks to the returned value
	return ret.WithMarks(marks), diags
}

// templateAtoms are the pieces the compared templates are made of: every
// kind of part value (strings, numbers, bools, collections that do not
// convert, null, unknown with and without a prefix, marked, non-NFC joins,
// prefixes past 128 bytes, errors) and the template directives.
var templateAtoms = []string{
	"lit", "é", "e", "${s}", "${n}", "${b}", "${l}", "${nul}", "${unk}", "${unkp}",
	"${sens}", "${sens2}", "${acute}", "${long}", "${dyn}", "${unksens}", "${nsens}",
	"${nulsens}", "${nosuchvariable}", "${obj.missing}", "${upper(s)}", "${upper(unk)}",
	"%{ if b }x%{ else }${unk}%{ endif }", "%{ for x in l }${x}%{ endfor }",
	"%{ if unk == \"\" }y%{ endif }", "${e}${acute}",
}

func templateCtx() *hcl.EvalContext {
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"s":       cty.StringVal("hello"),
			"n":       cty.NumberIntVal(5),
			"b":       cty.True,
			"l":       cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
			"nul":     cty.NullVal(cty.String),
			"unk":     cty.UnknownVal(cty.String),
			"unkp":    cty.UnknownVal(cty.String).Refine().StringPrefix("pre").NewValue(),
			"sens":    cty.StringVal("secret").Mark("sensitive"),
			"sens2":   cty.StringVal("other").Mark("ephemeral").Mark("sensitive"),
			"e":       cty.StringVal("e"),
			"acute":   cty.StringVal("\u0301"),
			"long":    cty.StringVal(strings.Repeat("x", 120) + "\u00e9"),
			"dyn":     cty.DynamicVal,
			"unksens": cty.UnknownVal(cty.String).Mark("sensitive"),
			"nsens":   cty.NumberIntVal(7).Mark("sensitive"),
			"nulsens": cty.NullVal(cty.String).Mark("sensitive"),
			"obj":     cty.EmptyObjectVal,
		},
		Functions: map[string]function.Function{"upper": stdlib.UpperFunc},
	}
}

// compareTemplates evaluates the template src with the fork's Value and
// upstream's and fails on any difference (a template nested in a
// directive is evaluated by the fork's Value in both). It returns 1 when
// src is a TemplateExpr (not one interpolation alone).
func compareTemplates(t *testing.T, src string, ctx *hcl.EvalContext) int {
	t.Helper()
	expr, ds := ParseTemplate([]byte(src), "t.tmpl", hcl.InitialPos)
	if ds.HasErrors() {
		t.Fatalf("%q: %s", src, ds.Error())
	}
	te, ok := expr.(*TemplateExpr)
	if !ok {
		return 0
	}
	got, gotDs := te.Value(ctx)
	want, wantDs := upstreamTemplateValue(te, ctx)
	// RawEquals compares the marks and the refinements too; GoString
	// shows the marks in map order, so it is compared unmarked.
	gotU, _ := got.Unmark()
	wantU, _ := want.Unmark()
	if !got.RawEquals(want) || gotU.GoString() != wantU.GoString() {
		t.Errorf("%q: value %#v, upstream %#v", src, got, want)
	}
	if !reflect.DeepEqual(gotDs, wantDs) {
		t.Errorf("%q: diagnostics\n%s\nupstream\n%s", src, gotDs.Error(), wantDs.Error())
	}
	return 1
}

func TestTemplateValueMatchesUpstream(t *testing.T) {
	ctx := templateCtx()
	n := 0
	for _, a := range templateAtoms {
		for _, b := range templateAtoms {
			n += compareTemplates(t, a+b, ctx)
		}
	}
	// Three parts and more, after a part of each kind that changes what
	// follows (null, unknown, marked, an error, a conversion error, a
	// long or non-NFC prefix).
	for _, a := range []string{"lit", "${s}", "${nul}", "${unk}", "${sens}", "${nosuchvariable}", "${l}", "${unksens}", "${long}", "${acute}"} {
		for _, b := range templateAtoms {
			for _, c := range templateAtoms {
				n += compareTemplates(t, a+"/"+b+c, ctx)
			}
		}
	}
	// More parts than the fork's array holds, known and not.
	n += compareTemplates(t, strings.Repeat("${s}-", 20), ctx)
	n += compareTemplates(t, strings.Repeat("${long}", 3)+"${unk}", ctx)
	n += compareTemplates(t, strings.Repeat("${sens}${n}", 9)+"${unkp}", ctx)
	// Without an evaluation context.
	n += compareTemplates(t, "a${1}b${true}", nil)
	if n < 11*len(templateAtoms)*len(templateAtoms) {
		t.Fatalf("only %d templates compared", n)
	}
}
