package tf

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/cfnrun/cfnrun/internal/gen"
)

// plainRun wraps item lines in a variable's default, as a map of routes
// is written.
func plainRun(lines ...string) []byte {
	var b bytes.Buffer
	b.WriteString("variable \"routes\" {\n  default = {\n")
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	b.WriteString("  }\n}\n\nlocals {\n  n = 1\n}\n")
	return b.Bytes()
}

// TestParsePlain checks that parsePlain builds hcl's very nodes and
// ranges for the lines it takes, and gives up on the others (parseSplit
// then parses as before).
func TestParsePlain(t *testing.T) {
	check := func(t *testing.T, src []byte, want bool) {
		t.Helper()
		open, k, m, _ := splitRun(src, 1)
		if k < 0 {
			t.Fatalf("no run in:\n%s", src)
		}
		f, ok := parsePlain(src, "main.tf", open, m)
		if ok != want {
			t.Fatalf("parsePlain ok %v, want %v, for:\n%s", ok, want, src)
		}
		if !ok {
			return
		}
		whole, ds := hclsyntax.ParseConfig(src, "main.tf", hcl.InitialPos)
		if len(ds) > 0 {
			t.Fatalf("taken, but hcl reports %v for:\n%s", ds, src)
		}
		if !reflect.DeepEqual(whole.Body, f.Body) || !bytes.Equal(f.Bytes, src) {
			t.Fatalf("differs from hcl's parse of:\n%s", src)
		}
	}
	defer func(b, l int) { parseSplitMinBytes, parseSplitMinLines = b, l }(parseSplitMinBytes, parseSplitMinLines)
	defer func(b, l int) { parsePlainMinBytes, parsePlainMinLines = b, l }(parsePlainMinBytes, parsePlainMinLines)
	parseSplitMinBytes, parseSplitMinLines, parsePlainMinBytes, parsePlainMinLines = 0, 1, 0, 1
	for _, n := range []int{50, 200, 1000} {
		check(t, []byte(gen.Terraform(n)), true)
	}
	taken := [][]string{
		{`    a = { m = "GET", b = "x" }`},
		{`    a = { m = "GET", b = "x", }`, `    b = {}`, `    c = { }`},
		{"\ta\t=\t{\tm\t=\t\"GET\"\t,\tb = \"x\"\t}\t", "", "   ", `    d = "text"`},
		{`    a-b_c9 = { _x-1 = "a b:c/d?e=f&g" }`, `    Z = { Y = "~!@^*()[]{}<>|;'" }`},
		{`    trueish = { nullable = "x", format = "y", fork = "z" }`},
		{`    a={m="1",n="2"}`, `    b ="c"`},
	}
	for i, lines := range taken {
		t.Run(fmt.Sprint("taken", i), func(t *testing.T) { check(t, plainRun(lines...), true) })
	}
	refused := [][]string{
		{`    true = { m = "x" }`},
		{`    a = { null = "x" }`},
		{`    for = { m = "x" }`},
		{`    a = { for = "x" }`},
		{`    a = { m = "" }`},
		{`    a = ""`},
		{`    a = { m = 1 }`},
		{`    a = 1`},
		{`    a = true`},
		{`    a = { m = "x" b = "y" }`},
		{`    a = { m = "x" }, b = { m = "y" }`},
		{`    a = { m = "x" },`},
		{`    a: { m = "x" }`},
		{`    "a" = { m = "x" }`},
		{`    a = { "m" = "x" }`},
		{`    a = { m = ["x"] }`},
		{`    a = { m = { n = "x" } }`},
		{`    a = { m = "x" }  `, `    b = { m = "é" }`},
		{`    a = { m = 'x' }`},
		{`    9a = { m = "x" }`},
		{`    a.b = { m = "x" }`},
		{`    a = b`},
		{`    a = (b)`},
	}
	for i, lines := range refused {
		t.Run(fmt.Sprint("refused", i), func(t *testing.T) {
			src := plainRun(lines...)
			if open, k, _, _ := splitRun(src, 1); k < 0 || open < 0 {
				t.Skip("not a run splitRun finds")
			}
			check(t, src, false)
			checkParseSplit(t, src)
		})
	}
}
