package tf

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// TestEvalDefaultMatchesSerial compares evalDefault with hcl's evaluation
// of the whole default on generated object constructors of 2 to 300
// items: strings, numbers, bools, nulls, nested objects and tuples,
// quoted and non-ASCII keys (composed and decomposed), keys repeated in
// either half or across them, and items that are not plain (a reference,
// an interpolation, a function call, an operator, a for expression), bare
// and instrumented by the budget. The value and the diagnostics must be
// the same; the plain, distinct, ASCII cases are split.
func TestEvalDefaultMatchesSerial(t *testing.T) {
	defer func(n int) { defaultSplitMin = n }(defaultSplitMin)
	defaultSplitMin = 2
	rng := rand.New(rand.NewPCG(5, 8))
	plainVals := []string{`"GET"`, `"http://svc.internal"`, `1`, `-2.5`, `true`, `null`, `{ method = "GET", backend = "b" }`, `["a", 1, { x = [] }]`, `"${"wrapped"}"`, `{}`}
	oddVals := []string{`var.x`, `"${var.x}/a"`, `upper("a")`, `1 + 2`, `[for s in ["a"] : s]`, `local.y`}
	split := 0
	for c := range 300 {
		n := 2 + rng.IntN(300)
		var b strings.Builder
		b.WriteString("default = {\n")
		odd := rng.IntN(4) == 0   // perhaps an item that is not plain
		mixed := rng.IntN(4) == 0 // perhaps non-ASCII or repeated keys
		plain, seen := true, map[string]bool{}
		for i := range n {
			v := plainVals[rng.IntN(len(plainVals))]
			if odd && rng.IntN(n) == 0 {
				v, plain = oddVals[rng.IntN(len(oddVals))], false
			}
			k, name := fmt.Sprintf("k%03d", i), ""
			switch r := rng.IntN(12); {
			case r == 0:
				name = fmt.Sprintf("k %d", i)
				k = fmt.Sprintf("%q", name)
			case mixed && r == 1:
				k, plain = fmt.Sprintf("\"caf\u00e9%d\"", i%7), false
			case mixed && r == 2:
				k, plain = fmt.Sprintf("\"cafe\u0301%d\"", i%7), false
			case mixed && r == 3:
				k = fmt.Sprintf("k%03d", rng.IntN(i+1))
			}
			if name == "" {
				name = k
			}
			if seen[name] {
				plain = false
			}
			seen[name] = true
			fmt.Fprintf(&b, "  %s = %s\n", k, v)
		}
		b.WriteString("}\n")
		for _, instrumented := range []bool{false, true} {
			parse := func() hcl.Expression {
				f, ds := hclsyntax.ParseConfig([]byte(b.String()), "v.tf", hcl.InitialPos)
				if ds.HasErrors() {
					t.Fatalf("case %d: %v\n%s", c, ds, b.String())
				}
				body := f.Body.(*hclsyntax.Body)
				if instrumented {
					newBudget(context.Background(), budgetLimits{}).instrument(body)
				}
				return body.Attributes["default"].Expr
			}
			want, wds := parse().Value(nil)
			got, gds := evalDefault(parse())
			if !got.RawEquals(want) || fmt.Sprint(gds) != fmt.Sprint(wds) {
				t.Fatalf("case %d (instrumented %v): evalDefault gives %#v, %v; hcl gives %#v, %v\n%s", c, instrumented, got, gds, want, wds, b.String())
			}
			// Evaluated whole (a default below defaultSplitMin): the
			// literal items are answered as hcl answers them too.
			defaultSplitMin = 1 << 30
			got, gds = evalDefault(parse())
			defaultSplitMin = 2
			if !got.RawEquals(want) || fmt.Sprint(gds) != fmt.Sprint(wds) {
				t.Fatalf("case %d (instrumented %v, whole): evalDefault gives %#v, %v; hcl gives %#v, %v\n%s", c, instrumented, got, gds, want, wds, b.String())
			}
			_, ok := splitDefault(parse().(*hclsyntax.ObjectConsExpr))
			if ok != plain {
				t.Fatalf("case %d (instrumented %v): split %v, want %v\n%s", c, instrumented, ok, plain, b.String())
			}
			if ok {
				split++
			}
		}
	}
	if split < 100 {
		t.Fatalf("only %d of 600 evaluations split", split)
	}
}
