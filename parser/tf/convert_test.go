package tf

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// convertSeeds are values and type constraints convertVariable sees: the
// objects it converts without cty (every attribute of the element type),
// and the ones it must leave to convert.Convert (a differing, nested,
// optional, collection or dynamic attribute type, an empty object).
var convertSeeds = [][2]string{
	{`{a = {m = "GET", b = "x"}, c = {m = "PUT", b = "y"}}`, `map(object({m = string, b = string}))`},
	{`{a = {m = "GET", b = 1}, c = {m = "PUT", b = "y"}}`, `map(object({m = string, b = string}))`},
	{`{a = {m = "GET", b = "x"}, c = {m = "PUT"}}`, `map(object({m = string, b = string}))`},
	{`{a = {m = "GET", b = "x"}, c = {m = "PUT"}}`, `map(object({m = string, b = optional(string)}))`},
	{`{a = {m = "GET", b = "x", z = true}}`, `map(object({m = string, b = string}))`},
	{`{a = {m = {n = 1}}, c = {m = {n = 2}}}`, `map(object({m = object({n = number})}))`},
	{`{a = {m = ["x"]}, c = {m = ["y", "z"]}}`, `map(object({m = list(string)}))`},
	{`{a = {m = null, b = "x"}, c = {m = "PUT", b = null}}`, `map(object({m = string, b = string}))`},
	{`{a = null, c = {m = "PUT", b = "y"}}`, `map(object({m = string, b = string}))`},
	{`{a = "x", b = "y"}`, `map(string)`},
	{`{a = "x", b = 1}`, `map(string)`},
	{`{a = 1, b = 2}`, `map(number)`},
	{`{a = true, b = false}`, `map(bool)`},
	{`{a = "x", b = 1}`, `map(any)`},
	{`{a = {m = "x"}, b = {m = 1}}`, `map(any)`},
	{`{}`, `map(string)`},
	{`{a = {}, b = {}}`, `map(object({}))`},
	{`null`, `map(string)`},
	{`["x"]`, `map(string)`},
	{`{a = "x"}`, `object({a = string})`},
}

// FuzzConvertVariable checks that convertVariable converts as
// convert.Convert does: the same value (type, marks and refinements
// included, cty's RawEquals), or an error where it fails. Inputs are an HCL literal
// and a type constraint.
func FuzzConvertVariable(f *testing.F) {
	for _, s := range convertSeeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, value, typ string) {
		v, ty, ok := convertInput(value, typ)
		if !ok {
			return
		}
		checkConvert(t, v, ty)
	})
}

// TestConvertVariable runs the seeds, and values a literal cannot give:
// unknown, marked and refined ones, at the top and inside.
func TestConvertVariable(t *testing.T) {
	fast := 0
	for _, s := range convertSeeds {
		v, ty, ok := convertInput(s[0], s[1])
		if !ok {
			t.Fatalf("seed %q %q does not parse", s[0], s[1])
		}
		checkConvert(t, v, ty)
		if ty.IsMapType() && v.Type().IsObjectType() && len(v.Type().AttributeTypes()) > 0 {
			if w, _ := convertVariable(v, ty); w.Type().IsMapType() {
				fast++
			}
		}
	}
	if fast < 5 {
		t.Errorf("only %d seeds convert to maps", fast)
	}
	obj := cty.ObjectVal(map[string]cty.Value{"m": cty.StringVal("GET"), "b": cty.StringVal("x")})
	ety := cty.Object(map[string]cty.Type{"m": cty.String, "b": cty.String})
	for _, v := range []cty.Value{
		cty.UnknownVal(cty.Object(map[string]cty.Type{"a": ety})),
		cty.UnknownVal(cty.Object(map[string]cty.Type{"a": ety})).RefineNotNull(),
		cty.ObjectVal(map[string]cty.Value{"a": obj, "c": cty.UnknownVal(ety)}),
		cty.ObjectVal(map[string]cty.Value{"a": obj, "c": cty.UnknownVal(ety).RefineNotNull()}),
		cty.ObjectVal(map[string]cty.Value{"a": obj, "c": cty.ObjectVal(map[string]cty.Value{"m": cty.UnknownVal(cty.String), "b": cty.StringVal("y")})}),
		cty.ObjectVal(map[string]cty.Value{"a": obj, "c": cty.NullVal(ety)}),
		cty.ObjectVal(map[string]cty.Value{"a": obj}).Mark("sensitive"),
		cty.ObjectVal(map[string]cty.Value{"a": obj.Mark("sensitive"), "c": obj}),
		cty.ObjectVal(map[string]cty.Value{"a": cty.ObjectVal(map[string]cty.Value{"m": cty.StringVal("GET").Mark("sensitive"), "b": cty.StringVal("x")})}),
		cty.NullVal(cty.Object(map[string]cty.Type{"a": ety})),
	} {
		checkConvert(t, v, cty.Map(ety))
	}
}

// convertInput evaluates value and decodes typ; ok is false when either
// does not parse or evaluate.
func convertInput(value, typ string) (cty.Value, cty.Type, bool) {
	if len(value) > 2000 || len(typ) > 200 {
		return cty.NilVal, cty.NilType, false
	}
	if checkNesting([]byte(value), "v", hcl.InitialPos, nestExpression) != nil || checkNesting([]byte(typ), "t", hcl.InitialPos, nestExpression) != nil {
		return cty.NilVal, cty.NilType, false
	}
	ve, ds := hclsyntax.ParseExpression([]byte(value), "v", hcl.InitialPos)
	if ds.HasErrors() {
		return cty.NilVal, cty.NilType, false
	}
	v, ds := ve.Value(nil)
	if ds.HasErrors() {
		return cty.NilVal, cty.NilType, false
	}
	te, ds := hclsyntax.ParseExpression([]byte(typ), "t", hcl.InitialPos)
	if ds.HasErrors() {
		return cty.NilVal, cty.NilType, false
	}
	ty, _, ds := typeexpr.TypeConstraintWithDefaults(te)
	if ds.HasErrors() {
		return cty.NilVal, cty.NilType, false
	}
	return v, ty, true
}

func checkConvert(t *testing.T, v cty.Value, ty cty.Type) {
	t.Helper()
	want, werr := convert.Convert(v, ty)
	got, gerr := convertVariable(v, ty)
	// Only whether it fails: cty names the first element it cannot
	// convert, and it meets them in map order.
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("convert %#v to %s: error %v, convert.Convert %v", v, ty.FriendlyName(), gerr, werr)
	}
	if werr == nil && !got.RawEquals(want) {
		t.Fatalf("convert %#v to %s:\n got %#v\nwant %#v", v, ty.FriendlyName(), got, want)
	}
}

// TestDefaultsShown checks the parameters of root variables: a default is
// shown as its JSON (showDefaults makes the strings on another goroutine),
// a value from terraform.tfvars as given, and a map variable with an
// object default is a map of the right type (convertVariable) that the
// resources' for_each reads.
func TestDefaultsShown(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("main.tf", `variable "routes" {
  type    = map(object({ method = string }))
  default = { a = { method = "GET" }, b = { method = "PUT" } }
}
variable "name" {
  default = "n"
}
variable "given" {
  type    = list(string)
  default = ["x"]
}
variable "unset" {}
resource "aws_api_gateway_rest_api" "api" {
  name = var.name
}
resource "aws_api_gateway_resource" "r" {
  for_each    = var.routes
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "${each.key}-${each.value.method}-${length(var.routes)}"
}
`)
	write("terraform.tfvars", "given = [\"y\", \"z\"]\n")
	tm, _ := Load(context.Background(), []string{dir}, Options{}, nil)
	var got []string
	for _, p := range tm.Parameters {
		got = append(got, p.Name+" "+p.Source+" "+p.Value)
	}
	want := []string{
		`routes default {"a":{"method":"GET"},"b":{"method":"PUT"}}`,
		`name default n`,
		`given tfvars ["y","z"]`,
		`unset  `,
	}
	if !slices.Equal(got, want) {
		t.Errorf("parameters:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var paths []string
	for _, n := range tm.Nodes {
		if n.Type == "aws_api_gateway_resource" {
			paths = append(paths, n.Properties().Get("path_part").Str)
		}
	}
	slices.Sort(paths)
	if !slices.Equal(paths, []string{"a-GET-2", "b-PUT-2"}) {
		t.Errorf("path parts %q", paths)
	}
}

// TestConvertVariableMarks: convertVariable's shortcut (cty.MapVal of an
// object whose attributes all have the element type) gives what
// convert.Convert gives when marks sit anywhere in the value: on the
// object, on an attribute, or deeper (where only the shortcut's shallow
// look is made).
func TestConvertVariableMarks(t *testing.T) {
	elem := func(m string) cty.Value {
		v := cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal("/a"), "method": cty.StringVal("GET")})
		switch m {
		case "attr":
			return v.Mark("s")
		case "deep":
			return cty.ObjectVal(map[string]cty.Value{"path": cty.StringVal("/a").Mark("s"), "method": cty.StringVal("GET")})
		}
		return v
	}
	for _, where := range []string{"none", "object", "attr", "deep"} {
		t.Run(where, func(t *testing.T) {
			obj := cty.ObjectVal(map[string]cty.Value{"a": elem(where), "b": elem("none")})
			if where == "object" {
				obj = obj.Mark("s")
			}
			want := cty.Map(cty.Object(map[string]cty.Type{"path": cty.String, "method": cty.String}))
			got, err := convertVariable(obj, want)
			exp, err2 := convert.Convert(obj, want)
			if err != nil || err2 != nil {
				t.Fatalf("errors %v, %v", err, err2)
			}
			if !got.RawEquals(exp) {
				t.Errorf("convertVariable = %#v\nconvert.Convert = %#v", got, exp)
			}
		})
	}
}
