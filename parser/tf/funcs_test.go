package tf

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/go-cty-funcs/crypto"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// TestFunctions checks Terraform's semantics where they differ from
// go-cty's, and the Terraform-only functions, expression by expression.
func TestFunctions(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.tpl"), []byte("%{ for k, v in m }${k}=${v};%{ endfor }"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "list.tpl"), []byte("${l}"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := newLoader(context.Background(), Options{}, diag.NewFiles())
	funcs := l.functions(dir)
	tests := []struct {
		expr, want, wantErr string
	}{
		{expr: `length("héllo")`, want: "5"},
		{expr: `length([1, 2, 3])`, want: "3"},
		{expr: `length({a = 1})`, want: "1"},
		{expr: `replace("a-b_c", "/[-_]/", ".")`, want: "a.b.c"},
		{expr: `replace("v1.2", "/v(\\d+)\\.(\\d+)/", "$2.$1")`, want: "2.1"},
		{expr: `replace("a/b", "/", "-")`, want: "a-b"},
		{expr: `index(["a", "b"], "b")`, want: "1"},
		{expr: `index(["a"], "z")`, wantErr: "item not found"},
		{expr: `lookup({a = "1"}, "a", "d")`, want: "1"},
		{expr: `lookup({a = "1"}, "b", "d")`, want: "d"},
		{expr: `coalesce(null, "", "x")`, want: "x"},
		{expr: `tostring(one([]))`, want: ""},
		{expr: `one(["x"])`, want: "x"},
		{expr: `one(["x", "y"])`, wantErr: "zero or one"},
		{expr: `sum([1, 2.5])`, want: "3.5"},
		{expr: `sum([])`, wantErr: "empty"},
		{expr: `alltrue([])`, want: "true"},
		{expr: `anytrue([])`, want: "false"},
		{expr: `startswith("/pets", "/")`, want: "true"},
		{expr: `endswith("/pets", "s")`, want: "true"},
		{expr: `strcontains("pets", "et")`, want: "true"},
		{expr: `base64sha256("hello")`, want: "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="},
		{expr: `templatefile("t.tpl", {m = {a = 1, b = 2}})`, want: "a=1;b=2;"},
		{expr: `templatefile("missing.tpl", {})`, wantErr: "no file exists at missing.tpl"},
		// Terraform's semantics where go-cty's or go-cty-funcs' differ
		// (see docs/terraform.md, "Functions").
		{expr: `lookup({a = "1"}, "a")`, want: "1"},
		{expr: `lookup({a = "1"}, "b")`, wantErr: "has no attribute \"b\""},
		{expr: `lookup(tomap({a = "1"}), "b")`, wantErr: "lookup failed to find key"},
		{expr: `lookup({a = "1"}, "b", null) == null`, want: "true"},
		{expr: `lookup(tomap({a = "1"}), "b", null) == null`, want: "true"},
		{expr: `lookup({a = "1"}, unks, "d")`, want: "(known after apply)"},
		{expr: `alltrue(["true", true])`, want: "true"},
		{expr: `alltrue([false, unk])`, want: "false"},
		{expr: `alltrue([unk, true])`, want: "(known after apply)"},
		{expr: `anytrue([unk, true])`, want: "true"},
		{expr: `anytrue([unk, false])`, want: "(known after apply)"},
		{expr: `index([], "a")`, wantErr: "cannot search an empty list"},
		{expr: `index(["a", unks], "b")`, want: "(known after apply)"},
		{expr: `jsonencode(matchkeys(["a", "b"], ["x", "y"], []))`, want: `[]`},
		{expr: `startswith("pre-${unks}", "pre")`, want: "true"},
		{expr: `startswith("pre-${unks}", "x")`, want: "false"},
		{expr: `startswith(unks, "x")`, want: "(known after apply)"},
		{expr: `base64decode("aGk=")`, want: "hi"},
		{expr: `base64decode("/w==")`, wantErr: "not valid UTF-8"},
		{expr: `textencodebase64("hé", "UTF-16LE")`, want: "aADpAA=="},
		{expr: `textdecodebase64("aADpAA==", "UTF-16LE")`, want: "hé"},
		{expr: `textencodebase64("x", "no-such-encoding")`, wantErr: "not a supported IANA encoding"},
		{expr: `yamlencode({a = "b", c = [1, true, 1.5, null]})`, want: "\"a\": \"b\"\n\"c\":\n  - 1\n  - true\n  - 1.5\n  - null\n"},
		{expr: `uuid()`, want: "(known after apply)"},
		{expr: `bcrypt("secret")`, want: "(known after apply)"},
		{expr: `issensitive(sensitive("s"))`, want: "(known after apply)"},
		{expr: `cidrhost("10.0.0.0/8", -1)`, want: "10.255.255.255"},
		{expr: `cidrhost("fd00::/8", 18446744073709551617)`, want: "fd00:0:0:1::1"},
		{expr: `cidrsubnet("010.0.0.0/16", 8, 2)`, want: "10.0.2.0/24"},
		{expr: `jsonencode(cidrsubnets("010.1.0.0/16", 4, 4, 8))`, want: `["10.1.0.0/20","10.1.16.0/20","10.1.32.0/24"]`},
		{expr: `cidrsubnets("10.0.0.0/30", 1, 1, 1)`, wantErr: "not enough remaining address space"},
		{expr: `cidrnetmask("172.16.0.0/12")`, want: "255.240.0.0"},
		{expr: `cidrnetmask("fd00::/8")`, wantErr: "IPv6 addresses cannot have a netmask"},
		{expr: `templatefile("t.tpl", {"1bad" = 1, m = {}})`, wantErr: "invalid template variable name"},
		{expr: `templatefile("t.tpl", {})`, wantErr: "vars map does not contain key \"m\""},
		{expr: `length(templatefile("list.tpl", {l = [1, 2]}))`, want: "2"},
		{expr: `templatestring("Hi $${n}", {n = "you"})`, want: "Hi you"},
		{expr: `timecmp("2024-01-01T00:00:00Z", "2023-12-31T23:00:00-02:00")`, want: "-1"},
		{expr: `plantimestamp()`, want: fixedTimestamp},
		{expr: `ephemeralasnull("x")`, want: "x"},
		{expr: `list("a")`, wantErr: "use tolist([ ... ])"},
		{expr: `map("a", 1)`, wantErr: "use tomap({ ... })"},
		{expr: `provider::aws::arn_parse("arn:aws:lambda:eu-west-1:123456789012:function:f").service`, want: "lambda"},
		{expr: `provider::aws::arn_build("aws", "iam", "", "123456789012", "role/r")`, want: "arn:aws:iam::123456789012:role/r"},
		{expr: `provider::aws::trim_iam_role_path("arn:aws:iam::123456789012:role/a/b/r")`, want: "arn:aws:iam::123456789012:role/r"},
		{expr: `try(tonumber("x"), 7)`, want: "7"},
		{expr: `can(tonumber("x"))`, want: "false"},
		{expr: `timestamp()`, want: fixedTimestamp},
		{expr: `jsonencode(yamldecode("a: [1, 2]"))`, want: `{"a":[1,2]}`},
		{expr: `join(",", matchkeys(["a", "b", "c"], ["x", "y", "z"], ["y"]))`, want: "b"},
		{expr: `cidrsubnet("10.0.0.0/16", 8, 2)`, want: "10.0.2.0/24"},
		{expr: `textdecodebase64(textencodebase64("hé", "UTF-8"), "UTF-8")`, want: "hé"},
		{expr: `nonsensitive(sensitive("s"))`, want: "s"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			expr, ds := hclsyntax.ParseExpression([]byte(tt.expr), "test.tf", hcl.InitialPos)
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			v, ds := expr.Value(&hcl.EvalContext{Functions: funcs, Variables: map[string]cty.Value{
				"unk": cty.UnknownVal(cty.Bool), "unks": cty.UnknownVal(cty.String),
			}})
			if tt.wantErr != "" {
				if !ds.HasErrors() || !strings.Contains(ds.Error(), tt.wantErr) {
					t.Fatalf("want error containing %q, got %v (%#v)", tt.wantErr, ds, v)
				}
				return
			}
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			if got := displayString(v); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestJSONEncodeMatchesStdlib checks that jsonencode, which skips the
// walks for marks, gives what stdlib.JSONEncodeFunc gives, refinements of
// unknown results included.
func TestJSONEncodeMatchesStdlib(t *testing.T) {
	obj := cty.ObjectVal(map[string]cty.Value{
		"id": cty.StringVal("abc<&>\u2028"), "n": cty.NumberFloatVal(1.5), "big": cty.MustParseNumberVal("123456789012345678901234567890"),
		"list": cty.ListVal([]cty.Value{cty.True, cty.False}), "null": cty.NullVal(cty.String),
		"map": cty.MapVal(map[string]cty.Value{"b": cty.StringVal("2"), "a": cty.StringVal("1")}),
		"set": cty.SetVal([]cty.Value{cty.StringVal("y"), cty.StringVal("x")}),
	})
	for _, v := range []cty.Value{
		obj,
		cty.TupleVal([]cty.Value{obj, cty.EmptyObjectVal, cty.EmptyTupleVal, cty.NullVal(cty.DynamicPseudoType)}),
		cty.StringVal(""), cty.NullVal(cty.DynamicPseudoType), cty.NullVal(cty.Object(map[string]cty.Type{"a": cty.String})),
		cty.DynamicVal, cty.UnknownVal(cty.String), cty.UnknownVal(cty.String).RefineNotNull(),
		cty.UnknownVal(cty.EmptyObject).RefineNotNull(), cty.ListVal([]cty.Value{cty.UnknownVal(cty.String)}),
		cty.ObjectVal(map[string]cty.Value{"a": cty.UnknownVal(cty.Number)}),
		cty.StringVal("marked").Mark("sensitive"),
	} {
		want, werr := stdlib.JSONEncodeFunc.Call([]cty.Value{v})
		got, gerr := jsonEncodeFunc.Get().Call([]cty.Value{v})
		if (werr != nil) != (gerr != nil) || werr == nil && !got.RawEquals(want) {
			t.Errorf("jsonencode(%#v) = %#v, %v; stdlib gives %#v, %v", v, got, gerr, want, werr)
		}
	}
}

// TestJSONEncodeRandom compares jsonencode with stdlib.JSONEncodeFunc on
// random nested values: objects, lists, sets, tuples and maps of strings
// that need escaping or not, numbers of every kind, bools and typed nulls.
func TestJSONEncodeRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	strs := []string{"", "plain", "a<b>&c", "quote\"back\\slash", "é", "\u2028\u2029", "\x00\x1f", "\xff\xfe", "tab\there", "${x}", "~\x7f"}
	nums := []cty.Value{cty.Zero, cty.NumberIntVal(-7), cty.NumberIntVal(1 << 62), cty.NumberFloatVal(1.5), cty.NumberFloatVal(-0.25),
		cty.NumberFloatVal(math.Copysign(0, -1)), cty.MustParseNumberVal("1e30"), cty.MustParseNumberVal("-123456789012345678901234567890"),
		cty.NumberFloatVal(1e-9), cty.NumberIntVal(math.MinInt64)}
	var gen func(depth int) cty.Value
	gen = func(depth int) cty.Value {
		k := rng.IntN(9)
		if depth > 3 {
			k = rng.IntN(4)
		}
		switch k {
		case 0:
			return cty.StringVal(strs[rng.IntN(len(strs))])
		case 1:
			return nums[rng.IntN(len(nums))]
		case 2:
			return cty.BoolVal(rng.IntN(2) == 0)
		case 3:
			return cty.NullVal([]cty.Type{cty.String, cty.DynamicPseudoType, cty.List(cty.Number)}[rng.IntN(3)])
		case 4, 5:
			attrs := map[string]cty.Value{}
			for range rng.IntN(5) {
				attrs[strs[rng.IntN(len(strs))]+"k"] = gen(depth + 1)
			}
			return cty.ObjectVal(attrs)
		case 6:
			var items []cty.Value
			for range rng.IntN(4) {
				items = append(items, gen(depth+1))
			}
			return cty.TupleVal(items)
		case 7:
			var items []cty.Value
			for range 1 + rng.IntN(3) {
				items = append(items, cty.StringVal(strs[rng.IntN(len(strs))]))
			}
			if rng.IntN(2) == 0 {
				return cty.SetVal(items)
			}
			return cty.ListVal(items)
		default:
			m := map[string]cty.Value{}
			for range 1 + rng.IntN(3) {
				m[strs[rng.IntN(len(strs))]] = nums[rng.IntN(len(nums))]
			}
			return cty.MapVal(m)
		}
	}
	own := 0 // values encodeJSON writes itself
	for range 3000 {
		if checkJSONEncode(t, gen(0)) {
			own++
		}
	}
	if own < 1000 {
		t.Errorf("encodeJSON wrote only %d of 3,000 values itself; the test compares too little of it", own)
	}
	t.Logf("encodeJSON wrote %d of 3,000 values itself", own)
}

// TestJSONEncodeLarge checks the collections encodeJSON writes in two
// halves (splitJSON elements or more) against the stdlib function: objects,
// tuples, lists and sets of 64 to 300 elements, large ones inside large
// ones (the halves do not split again), and values it leaves to cty (a map,
// a fraction, an unknown) in the first half, the second or both.
func TestJSONEncodeLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	leaf := func(i int) cty.Value {
		switch rng.IntN(6) {
		case 0:
			return cty.NumberIntVal(int64(i))
		case 1:
			return cty.BoolVal(i%2 == 0)
		case 2:
			return cty.NullVal(cty.String)
		case 3:
			return cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal(fmt.Sprintf("r%03d", i)), "path": cty.StringVal("/a<b>/" + fmt.Sprint(i))})
		}
		return cty.StringVal(fmt.Sprintf("v%d\"", i))
	}
	odd := []cty.Value{cty.MapVal(map[string]cty.Value{"k": cty.True}), cty.NumberFloatVal(0.5), cty.UnknownVal(cty.String)}
	var gen func(depth int) cty.Value
	gen = func(depth int) cty.Value {
		n := splitJSON + rng.IntN(240)
		if depth > 0 && rng.IntN(2) == 0 {
			n = rng.IntN(8)
		}
		items := make([]cty.Value, n)
		for i := range items {
			if depth < 2 && rng.IntN(40) == 0 {
				items[i] = gen(depth + 1)
			} else {
				items[i] = leaf(i)
			}
		}
		if n > 0 && rng.IntN(8) == 0 { // something cty writes, in either half
			items[rng.IntN(n)] = odd[rng.IntN(len(odd))]
		}
		switch rng.IntN(4) {
		case 0:
			attrs := make(map[string]cty.Value, n)
			for i, v := range items {
				attrs[fmt.Sprintf("k%03d", (i*37)%n)+strings.Repeat("x", i%3)] = v
			}
			return cty.ObjectVal(attrs)
		case 1:
			if n > 0 {
				for i := range items {
					items[i] = cty.StringVal(fmt.Sprintf("s%d", i))
				}
				if rng.IntN(2) == 0 {
					return cty.SetVal(items)
				}
				return cty.ListVal(items)
			}
		}
		return cty.TupleVal(items)
	}
	own := 0
	for range 80 {
		if checkJSONEncode(t, gen(0)) {
			own++
		}
	}
	if own < 30 {
		t.Errorf("encodeJSON wrote only %d of 80 large values itself; the test compares too little of it", own)
	}
}

// TestCallValueMatchesHCL checks that callValue, which encodes jsonencode's
// argument without function.Call, gives what hcl's own evaluation of the
// call gives: the value (refinements of unknown results included) and the
// diagnostics, for known, null, unknown, marked and failing arguments, and
// leaves a jsonencode that a context shadows to hcl.
func TestCallValueMatchesHCL(t *testing.T) {
	shadow := function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true}},
		Type:   function.StaticReturnType(cty.String),
		Impl:   func([]cty.Value, cty.Type) (cty.Value, error) { return cty.StringVal("shadowed"), nil },
	})
	root := &hcl.EvalContext{
		Functions: map[string]function.Function{"jsonencode": jsonEncodeFunc.Get(), "tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType))},
		Variables: map[string]cty.Value{
			"obj":     cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal("a<b>"), "n": cty.NumberIntVal(3), "l": cty.ListVal([]cty.Value{cty.True})}),
			"unknown": cty.UnknownVal(cty.String).RefineNotNull(),
			"dyn":     cty.DynamicVal,
			"secret":  cty.StringVal("s").Mark("sensitive"),
			"null":    cty.NullVal(cty.String),
		},
	}
	child := root.NewChild()
	child.Variables = map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal("k")})}
	shadowed := root.NewChild()
	shadowed.Functions = map[string]function.Function{"jsonencode": shadow}
	exprs := []string{
		`jsonencode(obj)`, `jsonencode([obj, obj.id, 1.5, -0, true, null])`, `jsonencode({b = 1, a = "x"})`,
		`jsonencode(null)`, `jsonencode(obj.nosuch)`, `jsonencode(nosuch)`, `jsonencode(unknown)`, `jsonencode(dyn)`,
		`jsonencode([unknown])`, `jsonencode(secret)`, `jsonencode({s = secret})`, `jsonencode(tomap({a = 1}))`,
		`jsonencode(each.key)`, `jsonencode()`, `jsonencode(obj, obj)`, `jsonencode([obj]...)`, `jsonencode(null.x)`,
	}
	for _, src := range exprs {
		for name, ctx := range map[string]*hcl.EvalContext{"root": root, "child": child, "shadowed": shadowed} {
			expr, ds := hclsyntax.ParseExpression([]byte(src), "t.tf", hcl.InitialPos)
			if ds.HasErrors() {
				t.Fatalf("%s: %v", src, ds)
			}
			want, wds := expr.Value(ctx)
			got, gds := callValue(expr, ctx)
			if !got.RawEquals(want) {
				t.Errorf("%s in %s: callValue gives %#v; hcl gives %#v", src, name, got, want)
			}
			if len(gds) != len(wds) {
				t.Errorf("%s in %s: callValue gives %d diagnostics (%v); hcl gives %d (%v)", src, name, len(gds), gds, len(wds), wds)
				continue
			}
			for i := range gds {
				if gds[i].Severity != wds[i].Severity || gds[i].Summary != wds[i].Summary || gds[i].Detail != wds[i].Detail || *gds[i].Subject != *wds[i].Subject {
					t.Errorf("%s in %s: diagnostic %d is %v; hcl gives %v", src, name, i, gds[i], wds[i])
				}
			}
		}
	}
}

// checkJSONEncode fails the test unless jsonencode of v gives what go-cty's
// stdlib gives (value or error), and reports whether encodeJSON wrote v
// itself rather than falling back.
func checkJSONEncode(t *testing.T, v cty.Value) (own bool) {
	t.Helper()
	_, err := encodeJSON(nil, v, v.Type())
	want, werr := stdlib.JSONEncodeFunc.Call([]cty.Value{v})
	got, gerr := jsonEncodeFunc.Get().Call([]cty.Value{v})
	if (werr != nil) != (gerr != nil) || werr == nil && !got.RawEquals(want) {
		t.Fatalf("jsonencode(%#v) = %#v, %v; stdlib gives %#v, %v", v, got, gerr, want, werr)
	}
	// displayString writes a wholly known collection as cty's json.Marshal.
	if v.IsWhollyKnown() && !v.IsNull() && !v.Type().IsPrimitiveType() {
		uv, _ := v.UnmarkDeep()
		b, merr := ctyjson.Marshal(uv, uv.Type())
		if got := displayString(v); merr == nil && got != string(b) {
			t.Fatalf("displayString(%#v) = %s; cty's json.Marshal gives %s", v, got, b)
		}
	}
	return err == nil
}

// TestJSONEncodeSharedTypes checks jsonencode against the stdlib function
// on objects that share their type, as the instances of a resource do
// (objectBuilder): encodeJSON lists and sorts a type's names once and
// reads them for every object of it. Runs of objects keep or change their
// shape, nest objects of shared types of their own, and fill collections
// large enough to be written in two halves (each half's encoder keeps its
// own names).
func TestJSONEncodeSharedTypes(t *testing.T) {
	if !ctyLayoutOK.Get() {
		t.Skip("cty.Value's layout differs: objectBuilder is cty.ObjectVal")
	}
	rng := rand.New(rand.NewPCG(11, 13))
	outer, inner := &objectBuilder{}, &objectBuilder{}
	names := []string{"id", "arn", "a<b", "z", "rest_api_id", "tags", "é", "path"}
	shape := func() []string {
		var s []string
		for _, n := range names {
			if rng.IntN(3) > 0 {
				s = append(s, n)
			}
		}
		return s
	}
	cur, curInner := shape(), shape()
	obj := func(i int) cty.Value {
		if rng.IntN(25) == 0 {
			cur = shape()
		}
		if rng.IntN(25) == 0 {
			curInner = shape()
		}
		attrs := map[string]cty.Value{}
		for _, n := range cur {
			switch {
			case n == "tags":
				in := map[string]cty.Value{}
				for _, m := range curInner {
					in[m] = cty.StringVal(fmt.Sprintf("%s-%d", m, i))
				}
				attrs[n] = inner.objectVal(in)
			case n == "z" && rng.IntN(2) == 0:
				attrs[n] = cty.NumberIntVal(int64(i))
			default:
				attrs[n] = cty.StringVal(fmt.Sprintf("%s&%d", n, i))
			}
		}
		return outer.objectVal(attrs)
	}
	for range 40 {
		n := rng.IntN(3 * splitJSON)
		items := make([]cty.Value, n)
		for i := range items {
			items[i] = obj(i)
		}
		checkJSONEncode(t, cty.TupleVal(items))
		if n > 0 {
			attrs := make(map[string]cty.Value, n)
			for i, v := range items {
				attrs[fmt.Sprintf("k%03d", i)] = v
			}
			checkJSONEncode(t, cty.ObjectVal(attrs))
			checkJSONEncode(t, cty.TupleVal([]cty.Value{cty.ObjectVal(attrs), cty.TupleVal(items), items[0]}))
		}
	}
}

// TestJSONSpecial8: the eight-byte look finds every byte appendJSONString
// must escape, in each of the eight places, and passes plain ASCII.
func TestJSONSpecial8(t *testing.T) {
	special := func(c byte) bool {
		return c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&'
	}
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 8; pos++ {
			for _, fill := range []byte{'a', ' ', '~', '!', '0'} {
				w := []byte{fill, fill, fill, fill, fill, fill, fill, fill}
				w[pos] = byte(c)
				x := uint64(0)
				for i := 7; i >= 0; i-- {
					x = x<<8 | uint64(w[i])
				}
				if got, want := jsonSpecial8(x), special(byte(c)); got != want {
					t.Fatalf("jsonSpecial8(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
	for _, s := range []string{"", "abcdefgh", "abcdefghi", "route /pets/{id} GET http://svc0.internal", "abcdefgh\"ij", "0123456789<", "héllo wörld, 8 bytes+", "tab\there and more text"} {
		got, err := appendJSONString(nil, s)
		want, _ := json.Marshal(s)
		if err != nil || string(got) != string(want) {
			t.Errorf("appendJSONString(%q) = %s, %v; want %s", s, got, err, want)
		}
	}
}

// TestHashFuncsMatchCrypto: md5, sha1, sha256 and sha512, which hash the
// string where it is, answer as go-cty-funcs' crypto functions do, on
// known, unknown, null and refined strings.
func TestHashFuncsMatchCrypto(t *testing.T) {
	ours := map[string]function.Function{"md5": hashHexFunc(md5.New), "sha1": hashHexFunc(sha1.New), "sha256": hashHexFunc(sha256.New), "sha512": hashHexFunc(sha512.New)}
	theirs := map[string]function.Function{"md5": crypto.Md5Func, "sha1": crypto.Sha1Func, "sha256": crypto.Sha256Func, "sha512": crypto.Sha512Func}
	args := []cty.Value{cty.StringVal(""), cty.StringVal("hello"), cty.StringVal(strings.Repeat("héllo\x00", 5000)),
		cty.UnknownVal(cty.String), cty.UnknownVal(cty.String).RefineNotNull(), cty.NullVal(cty.String), cty.NumberIntVal(3)}
	for name, f := range ours {
		for _, a := range args {
			got, gotErr := f.Call([]cty.Value{a})
			want, wantErr := theirs[name].Call([]cty.Value{a})
			if (gotErr == nil) != (wantErr == nil) || gotErr == nil && !got.RawEquals(want) {
				t.Errorf("%s(%#v) = %#v, %v; want %#v, %v", name, a, got, gotErr, want, wantErr)
			}
		}
	}
}
