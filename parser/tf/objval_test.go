package tf

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestObjectBuilderMatchesObjectVal builds runs of objects whose
// attributes keep or change their names and types (strings, numbers,
// nulls of any type, unknowns, marked values, nested objects and lists)
// with one objectBuilder and compares each with cty.ObjectVal of the same
// attributes: the same type, the same value, the same rendering. Objects
// of the same attribute types share the builder's type.
func TestObjectBuilderMatchesObjectVal(t *testing.T) {
	if !ctyLayoutOK.Get() {
		t.Fatal("cty.Value's layout is not the one objval.go assumes: objectVal falls back to cty.ObjectVal for every object")
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	value := func(i int) cty.Value {
		switch rnd.IntN(9) {
		case 0:
			return cty.StringVal(fmt.Sprint("s", i))
		case 1:
			return cty.NumberIntVal(int64(i))
		case 2:
			return cty.NullVal(cty.DynamicPseudoType)
		case 3:
			return cty.NullVal(cty.String)
		case 4:
			return cty.UnknownVal(cty.String)
		case 5:
			return cty.StringVal("secret").Mark("sensitive")
		case 6:
			return cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x"), "b": cty.NumberIntVal(int64(i))})
		case 7:
			return cty.ListVal([]cty.Value{cty.StringVal("x"), cty.StringVal(fmt.Sprint(i))})
		}
		return cty.BoolVal(i%2 == 0)
	}
	names := []string{"id", "arn", "name", "path", "rest_api_id", "x"}
	shared, attrsRead := 0, 0
	for run := range 200 {
		var b objectBuilder
		attrs := map[string]cty.Value{}
		for _, n := range names[:1+run%len(names)] {
			attrs[n] = value(run)
		}
		var prev map[string]cty.Type
		for i := range 30 {
			switch rnd.IntN(4) {
			case 0: // another value of the same type, mostly
				for n, v := range attrs {
					if v.Type() == cty.String && v.IsKnown() && !v.IsMarked() && !v.IsNull() {
						attrs[n] = cty.StringVal(fmt.Sprint(n, i))
					}
				}
			case 1: // a value of any type
				attrs[names[rnd.IntN(len(names))]] = value(i)
			case 2: // an attribute more or less
				n := names[rnd.IntN(len(names))]
				if _, ok := attrs[n]; ok && len(attrs) > 1 {
					delete(attrs, n)
				} else {
					attrs[n] = value(i)
				}
			}
			want := cty.ObjectVal(attrs)
			got := b.objectVal(attrs)
			if !got.Type().Equals(want.Type()) || !got.RawEquals(want) || got.GoString() != want.GoString() {
				t.Fatalf("run %d object %d: objectVal gives %#v, cty.ObjectVal %#v", run, i, got, want)
			}
			for n := range want.Type().AttributeTypes() {
				checkObjectAttr(t, got, n)
				checkObjectAttr(t, want, n)
				checkObjectAttr(t, want.Mark("sensitive"), n)
				attrsRead++
			}
			at := got.Type().AttributeTypes()
			if prev != nil && reflect.ValueOf(at).Pointer() == reflect.ValueOf(prev).Pointer() {
				shared++
			}
			prev = at
		}
	}
	if shared < 1000 {
		t.Fatalf("only %d objects reused the previous object's type", shared)
	}
	if attrsRead < 10000 {
		t.Fatalf("objectAttr compared on only %d attributes", attrsRead)
	}
	// A name that is not ASCII is left to cty.ObjectVal, which normalises it.
	var b objectBuilder
	attrs := map[string]cty.Value{"cafe\u0301": cty.StringVal("x")}
	if got, want := b.objectVal(attrs), cty.ObjectVal(attrs); !got.Type().Equals(want.Type()) || !got.RawEquals(want) {
		t.Fatalf("non-ASCII name: objectVal gives %#v, cty.ObjectVal %#v", got, want)
	}
	// objectAttr on a non-ASCII name (normalised in the type), and on
	// objects that are unknown, or known with unknown attributes.
	obj := cty.ObjectVal(attrs)
	for n := range obj.Type().AttributeTypes() {
		checkObjectAttr(t, obj, n)
	}
	ty := cty.Object(map[string]cty.Type{"a": cty.String, "b": cty.List(cty.String)})
	for _, v := range []cty.Value{
		cty.UnknownVal(ty),
		cty.UnknownVal(ty).RefineNotNull(),
		cty.UnknownVal(ty).Mark("sensitive"),
		cty.ObjectVal(map[string]cty.Value{"a": cty.UnknownVal(cty.String), "b": cty.NullVal(cty.List(cty.String))}),
		cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x").Mark("m"), "b": cty.ListValEmpty(cty.String)}),
	} {
		checkObjectAttr(t, v, "a")
		checkObjectAttr(t, v, "b")
	}
}

// checkObjectAttr compares objectAttr(obj, name) with obj.GetAttr(name).
func checkObjectAttr(t *testing.T, obj cty.Value, name string) {
	t.Helper()
	got, want := objectAttr(obj, name), obj.GetAttr(name)
	if !got.Type().Equals(want.Type()) || !got.RawEquals(want) || got.GoString() != want.GoString() {
		t.Fatalf("attribute %q of %#v: objectAttr gives %#v, GetAttr %#v", name, obj, got, want)
	}
}

// TestTraverseKnownMatchesHCL compares traverseKnown with hcl's
// evaluation of the same reference on variables of every kind along the
// path (known objects, shared-type objects, unknown, marked, null, maps,
// lists, dynamic values, missing and non-NFC names, index and splat
// steps): where traverseKnown answers, hcl gives the same value without a
// diagnostic; the plain object paths are answered.
func TestTraverseKnownMatchesHCL(t *testing.T) {
	if !ctyLayoutOK.Get() {
		t.Skip("cty.Value's layout differs: traverseKnown leaves every reference to hcl")
	}
	b := &objectBuilder{}
	inst := b.objectVal(map[string]cty.Value{"id": cty.StringVal("r1"), "path": cty.StringVal("/a"), "nul": cty.NullVal(cty.String),
		"unk": cty.UnknownVal(cty.String), "sec": cty.StringVal("s").Mark("sensitive"),
		"obj":  cty.ObjectVal(map[string]cty.Value{"x": cty.StringVal("1"), "caf\u00e9": cty.True}),
		"nobj": cty.NullVal(cty.Object(map[string]cty.Type{"x": cty.String})), "uobj": cty.UnknownVal(cty.Object(map[string]cty.Type{"x": cty.String})),
		"mobj": cty.ObjectVal(map[string]cty.Value{"x": cty.StringVal("2")}).Mark("m"), "map": cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v")}),
		"list": cty.ListVal([]cty.Value{cty.StringVal("l")}), "dyn": cty.DynamicVal})
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal("r1"), "value": inst}),
		"res":  cty.ObjectVal(map[string]cty.Value{"api": b.objectVal(map[string]cty.Value{"id": cty.StringVal("r2"), "path": cty.StringVal("/b"), "nul": cty.NullVal(cty.String), "unk": cty.UnknownVal(cty.String), "sec": cty.StringVal("t"), "obj": cty.EmptyObjectVal, "nobj": cty.NullVal(cty.EmptyObject), "uobj": cty.DynamicVal, "mobj": cty.EmptyObjectVal, "map": cty.MapValEmpty(cty.String), "list": cty.ListValEmpty(cty.String), "dyn": cty.True})}),
		"str":  cty.StringVal("s"), "null": cty.NullVal(cty.DynamicPseudoType), "unknown": cty.DynamicVal,
		"marked": cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x")}).Mark("m"),
	}}
	child := ctx.NewChild()
	child.Variables = map[string]cty.Value{"local": cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("c")})}
	attrs := []string{"id", "path", "nul", "unk", "sec", "obj", "nobj", "uobj", "mobj", "map", "list", "dyn", "x", "caf\u00e9", "cafe\u0301", "k", "missing"}
	var refs []string
	for _, root := range []string{"each.value", "res.api", "each", "str", "null", "unknown", "marked", "nope", "local"} {
		refs = append(refs, root, root+"[0]", root+".key", root+".a")
		for _, a := range attrs {
			refs = append(refs, root+"."+a, root+`["`+a+`"]`)
			for _, a2 := range attrs {
				refs = append(refs, root+"."+a+"."+a2, root+"."+a+"[0]", root+"."+a+`["`+a2+`"]`)
			}
		}
	}
	answered := 0
	for _, c := range []*hcl.EvalContext{ctx, child, {}, nil} {
		for _, ref := range refs {
			tr, ds := hclsyntax.ParseTraversalAbs([]byte(ref), "t.tf", hcl.InitialPos)
			if ds.HasErrors() {
				t.Fatalf("%s: %v", ref, ds)
			}
			got, ok := traverseKnown(tr, c)
			if !ok {
				continue
			}
			answered++
			want, ds := tr.TraverseAbs(c)
			if ds.HasErrors() || !got.RawEquals(want) {
				t.Errorf("%s: traverseKnown gives %#v; hcl gives %#v, %v", ref, got, want, ds)
			}
		}
	}
	for _, ref := range []string{"each.value.id", "res.api.path", "each.key", "each.value.obj.x", "each.value.nul", "each.value.unk", "each.value.sec", "each.value", "str"} {
		tr, _ := hclsyntax.ParseTraversalAbs([]byte(ref), "t.tf", hcl.InitialPos)
		if _, ok := traverseKnown(tr, ctx); !ok {
			t.Errorf("%s: traverseKnown left it to hcl", ref)
		}
	}
	t.Logf("%d of %d references answered", answered, 4*len(refs))
}

// TestKnownValueMatchesHCL compares knownValue with hcl's evaluation of
// relative traversals and index expressions (var.routes[each.key].method)
// over maps, objects, lists and tuples with string, number, marked,
// unknown, null and missing keys, in a context and in a child whose
// parent holds the roots: where knownValue answers, hcl gives the same
// value without a diagnostic; the plain forms are answered.
func TestKnownValueMatchesHCL(t *testing.T) {
	if !ctyLayoutOK.Get() {
		t.Skip("cty.Value's layout differs: knownValue leaves every expression to hcl")
	}
	b := &objectBuilder{}
	route := func(m, be string) cty.Value {
		return b.objectVal(map[string]cty.Value{"method": cty.StringVal(m), "backend": cty.StringVal(be)})
	}
	routes := cty.MapVal(map[string]cty.Value{"r1": route("GET", "http://a"), "r2": route("POST", "http://b"), "caf\u00e9": route("PUT", "http://c"),
		"sec": route("PATCH", "http://d").Mark("s"), "nul": cty.NullVal(route("", "").Type())})
	parent := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{
			"routes":  routes,
			"mroutes": routes.Mark("m"),
			"obj":     cty.ObjectVal(map[string]cty.Value{"r1": route("GET", "x"), "n": cty.NullVal(cty.String)}),
			"list":    cty.ListVal([]cty.Value{cty.StringVal("l0"), cty.StringVal("l1")}),
			"tuple":   cty.TupleVal([]cty.Value{cty.StringVal("t0"), cty.True}),
			"umap":    cty.UnknownVal(routes.Type()),
			"nmap":    cty.NullVal(routes.Type()),
			"dyn":     cty.DynamicVal,
			"one":     cty.NumberIntVal(1),
			"half":    cty.NumberFloatVal(0.5),
		}),
	}}
	eachOf := func(k cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"key": k, "value": cty.EmptyObjectVal})
	}
	keys := []cty.Value{cty.StringVal("r1"), cty.StringVal("r2"), cty.StringVal("cafe\u0301"), cty.StringVal("nope"), cty.StringVal("sec"), cty.StringVal("nul"),
		cty.StringVal("r1").Mark("k"), cty.UnknownVal(cty.String), cty.NullVal(cty.String), cty.NumberIntVal(0), cty.NumberIntVal(1), cty.True, cty.DynamicVal}
	var exprs []string
	for _, coll := range []string{"var.routes", "var.mroutes", "var.obj", "var.list", "var.tuple", "var.umap", "var.nmap", "var.dyn", "var.nope", "nope"} {
		for _, key := range []string{"each.key", `"r1"`, "0", "1", "var.one", "var.half", "each.value", "each.nope", "var.routes"} {
			for _, rest := range []string{"", ".method", ".backend", ".nope", `["method"]`, "[0]", ".method.x"} {
				exprs = append(exprs, coll+"["+key+"]"+rest)
			}
		}
		exprs = append(exprs, coll+".r1.method", coll+`["r1"].method`, coll+"[0]")
	}
	answered := 0
	for _, k := range keys {
		own := &hcl.EvalContext{Variables: map[string]cty.Value{"each": eachOf(k), "var": parent.Variables["var"]}}
		child := parent.NewChild()
		child.Variables = map[string]cty.Value{"each": eachOf(k)}
		nilVars := child.NewChild() // no variables of its own: hcl looks in the parents
		for _, ctx := range []*hcl.EvalContext{own, child, nilVars} {
			for _, src := range exprs {
				e, ds := hclsyntax.ParseExpression([]byte(src), "t.tf", hcl.InitialPos)
				if ds.HasErrors() {
					t.Fatalf("%s: %v", src, ds)
				}
				got, ok := knownValue(e, ctx)
				if !ok {
					continue
				}
				answered++
				want, ds := e.Value(ctx)
				if len(ds) > 0 || !got.RawEquals(want) {
					t.Errorf("%s (key %#v): knownValue gives %#v; hcl gives %#v, %v", src, k, got, want, ds)
				}
			}
		}
	}
	ctx := parent.NewChild()
	ctx.Variables = map[string]cty.Value{"each": eachOf(cty.StringVal("r2"))}
	for _, src := range []string{"var.routes[each.key].method", "var.routes[each.key]", `var.routes["r1"].backend`, "var.list[var.one]", "var.obj.r1.method", "each.key", `var.routes["sec"]`, `var.routes["nul"]`} {
		e, _ := hclsyntax.ParseExpression([]byte(src), "t.tf", hcl.InitialPos)
		if _, ok := knownValue(e, ctx); !ok {
			t.Errorf("%s: knownValue left it to hcl", src)
		}
	}
	t.Logf("%d of %d expressions answered", answered, 3*len(keys)*len(exprs))
}

// TestStringValMatchesCty compares stringVal with cty.StringVal on ASCII
// strings of every length up to 40 with a non-ASCII character (NFC, or
// decomposed, which cty composes) at every position, and on large JSON.
func TestStringValMatchesCty(t *testing.T) {
	check := func(s string) {
		t.Helper()
		got, want := stringVal(s), cty.StringVal(s)
		if !got.Type().Equals(want.Type()) || !got.RawEquals(want) || got.AsString() != want.AsString() || got.GoString() != want.GoString() {
			t.Fatalf("%q: stringVal gives %#v, cty.StringVal %#v", s, got, want)
		}
	}
	for n := 0; n <= 40; n++ {
		base := strings.Repeat("a", n)
		check(base)
		for i := 0; i <= n; i++ {
			for _, x := range []string{"\u00e9", "e\u0301", "\x80", "\u212b", "\xff"} {
				check(base[:i] + x + base[i:])
			}
		}
	}
	check(strings.Repeat(`{"id":"abc","path":"/r1"},`, 5000))
	if ctyLayoutOK.Get() && !isASCIIString(strings.Repeat("x", 1000)) {
		t.Fatal("ASCII string not recognised")
	}
}

// TestExportValMatchesObjectVal: exportVal, when it answers, gives what
// cty.ObjectVal gives for the map loader.exported built before it: the
// arguments, a's strings over them, nulls for the listed names set by
// neither; and it answers once the builder has made the type (runs of
// instances whose arguments keep or change their names and types).
func TestExportValMatchesObjectVal(t *testing.T) {
	if !ctyLayoutOK.Get() {
		t.Skip("cty.Value's layout differs: exportVal never answers")
	}
	rnd := rand.New(rand.NewPCG(5, 7))
	argNames := []string{"name", "parent_id", "path_part", "rest_api_id", "tags"}
	attrNames := []string{"id", "arn", "path", "name"}
	value := func(i int) cty.Value {
		switch rnd.IntN(6) {
		case 0:
			return cty.NumberIntVal(int64(i))
		case 1:
			return cty.UnknownVal(cty.String)
		case 2:
			return cty.NullVal(cty.String)
		case 3:
			return cty.ObjectVal(map[string]cty.Value{"k": cty.StringVal(fmt.Sprint(i))})
		}
		return cty.StringVal(fmt.Sprint("v", i, "é"[:rnd.IntN(2)*2]))
	}
	answered := 0
	for run := range 100 {
		var b objectBuilder
		argv := map[string]cty.Value{}
		for _, n := range argNames[:1+run%len(argNames)] {
			argv[n] = value(run)
		}
		a := map[string]string{"id": "x"}
		for i := range 20 {
			switch rnd.IntN(5) {
			case 0:
				argv[argNames[rnd.IntN(len(argNames))]] = value(i)
			case 1:
				a[attrNames[rnd.IntN(len(attrNames))]] = fmt.Sprint("a", i)
			case 2:
				switch rnd.IntN(4) {
				case 0:
					argv["nön"] = cty.StringVal("x")
				case 1: // an argument unset again: null, or another type
					delete(argv, argNames[rnd.IntN(len(argNames))])
				case 2: // an attribute no longer computed
					delete(a, attrNames[1+rnd.IntN(len(attrNames)-1)])
				default:
					delete(argv, "nön")
				}
			default: // same names and types, other strings
				for n, v := range argv {
					if v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
						argv[n] = cty.StringVal(fmt.Sprint(n, i))
					}
				}
			}
			obj := map[string]cty.Value{}
			for k, v := range argv {
				obj[k] = v
			}
			for _, n := range argNames {
				if _, ok := obj[n]; !ok {
					obj[n] = cty.NullVal(cty.DynamicPseudoType)
				}
			}
			for k, v := range a {
				obj[k] = cty.StringVal(v)
			}
			for _, n := range attrNames {
				if _, ok := obj[n]; !ok {
					obj[n] = cty.NullVal(cty.DynamicPseudoType)
				}
			}
			want := cty.ObjectVal(obj)
			got, ok := b.exportVal(argv, a, argNames, attrNames)
			if !ok {
				got = b.objectVal(obj)
			} else {
				answered++
			}
			if !got.Type().Equals(want.Type()) || !got.RawEquals(want) || got.GoString() != want.GoString() {
				t.Fatalf("run %d object %d (exportVal answered: %v): %#v, want %#v", run, i, ok, got, want)
			}
		}
	}
	if answered < 500 {
		t.Errorf("exportVal answered %d of 2000 objects: the builder's type is not reused", answered)
	}
}

// TestLiteralTemplateMatchesHCL: knownValue answers a template of literal
// parts with what hcl's TemplateExpr gives, and leaves every other
// template to hcl.
func TestLiteralTemplateMatchesHCL(t *testing.T) {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{"x": cty.StringVal("v")})}}
	answer := []string{`"NONE"`, `""`, `"caf\u00e9"`, "\"cafe\u0301\"", "\"e\u0301\u0301\"", `"a$${b}"`, `"%%{x}"`, `"a\nb"`, `"\u00e9e\u0301"`,
		"<<EOT\nabc\nEOT\n", "<<-EOT\n  a\n  b$${x}\n  EOT\n", "<<EOT\ncafe\u0301\nx\u0301\nEOT\n", `"\\"`}
	leave := []string{`"${var.x}"`, `"a${var.x}"`, `"a${"b"}"`, `"${1}"`, `"a%{if true}b%{endif}"`, `"${null}"`}
	for _, srcs := range [][]string{answer, leave} {
		for _, src := range srcs {
			e, ds := hclsyntax.ParseExpression([]byte(src), "t.tf", hcl.InitialPos)
			if ds.HasErrors() {
				t.Fatalf("%s: %v", src, ds)
			}
			got, ok := knownValue(e, ctx)
			if ok != (&srcs[0] == &answer[0]) {
				t.Errorf("%s: knownValue answered %v", src, ok)
			}
			if !ok {
				continue
			}
			want, ds := e.Value(ctx)
			if len(ds) > 0 || !got.RawEquals(want) || got.GoString() != want.GoString() {
				t.Errorf("%s: knownValue gives %#v; hcl gives %#v, %v", src, got, want, ds)
			}
		}
	}
	// The parser joins literal parts; a template built of several (a
	// combining mark in the second joins the first's last letter) is
	// answered as hcl answers it, and one with a part that is not a known,
	// unmarked, non-null string is left to hcl.
	lit := func(v cty.Value) hclsyntax.Expression { return &hclsyntax.LiteralValueExpr{Val: v} }
	for _, parts := range [][]hclsyntax.Expression{
		{lit(cty.StringVal("a")), lit(cty.StringVal("b"))},
		{lit(cty.StringVal("cafe")), lit(cty.StringVal("\u0301x"))},
		{lit(cty.StringVal("")), lit(cty.StringVal("é")), lit(cty.StringVal(""))},
		{},
		{lit(cty.StringVal("a")), lit(cty.NumberIntVal(1))},
		{lit(cty.StringVal("a").Mark("m"))},
		{lit(cty.NullVal(cty.String))},
		{lit(cty.UnknownVal(cty.String))},
	} {
		e := &hclsyntax.TemplateExpr{Parts: parts}
		want, ds := e.Value(ctx)
		got, ok := knownValue(e, ctx)
		if ok && (len(ds) > 0 || !got.RawEquals(want) || got.GoString() != want.GoString()) {
			t.Errorf("%d parts: knownValue gives %#v; hcl gives %#v, %v", len(parts), got, want, ds)
		}
		allStrings := true
		for _, p := range parts {
			v := p.(*hclsyntax.LiteralValueExpr).Val
			allStrings = allStrings && v.Type() == cty.String && v.IsKnown() && !v.IsNull() && !v.IsMarked()
		}
		if ok != allStrings {
			t.Errorf("%#v: knownValue answered %v", parts, ok)
		}
	}
}

// TestInstanceAddr: instanceAddr(base, k) is base + instanceKey(k).
func TestInstanceAddr(t *testing.T) {
	keys := []cty.Value{cty.NilVal, cty.StringVal("r1"), cty.StringVal(""), cty.StringVal(`a"b`), cty.StringVal(`a\b`), cty.StringVal("caf\u00e9"),
		cty.StringVal("a\x7f"), cty.StringVal("tab\t"), cty.StringVal("x").Mark("m"), cty.UnknownVal(cty.String), cty.NullVal(cty.String),
		cty.NumberIntVal(0), cty.NumberIntVal(12), cty.True}
	for _, base := range []string{"", "aws_x.y", `module.m["k"].aws_x.y`} {
		for _, k := range keys {
			if got, want := instanceAddr(base, k), base+instanceKey(k); got != want {
				t.Errorf("instanceAddr(%q, %#v) = %q, want %q", base, k, got, want)
			}
		}
	}
}
