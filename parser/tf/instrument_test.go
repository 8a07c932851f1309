package tf

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"golang.org/x/tools/txtar"
)

// instrumentSources are configurations for the instrumentSource tests: the
// golden cases' .tf files, the examples', 200 routes, and attributes that
// hold what instrument wraps in every place (calls, for expressions,
// templates, heredocs, nested blocks) next to ones that hold none.
func instrumentSources(t testing.TB) map[string][]byte {
	out := map[string][]byte{
		"tf200": []byte(splitConfig(200)),
		"mixed": []byte(`variable "v" {
  default = { a = "x", b = [1, 2], c = { d = "e" } }
}
locals {
  f = upper("a")
  g = [for s in ["a"] : s]
  h = "${local.f}-x"
  i = "a%{ if true }y%{ endif }"
  j = { k = { l = [lower("M")] } }
  m = <<EOT
plain
EOT
  n = <<EOT
with ${local.f}
EOT
  o = local.f == "A" ? "b" : join(",", ["c"])
  p = [for k, v in { a = 1 } : k if v > 0]
  q = { format = "no call" }
  r = "$${literal}"
}
resource "x" "y" {
  a = 1
  dynamic "d" {
    for_each = toset(["a"])
    content {
      v = d.value
      w = "${d.key}!"
    }
  }
  nested {
    deep = max(1, 2)
    flat = "z"
  }
}
`),
	}
	paths, _ := filepath.Glob("testdata/*.txtar")
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if filepath.Ext(f.Name) == ".tf" {
				out[p+"/"+f.Name] = f.Data
			}
		}
	}
	ex, _ := filepath.Glob("../../examples/*/*.tf")
	for _, p := range ex {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = src
	}
	return out
}

// checkInstrumentSource parses src twice and instruments one parse with
// instrument and the other with instrumentSource, with one budget: the
// bodies must be the same, node for node.
func checkInstrumentSource(t *testing.T, name string, src []byte) {
	t.Helper()
	parse := func() *hclsyntax.Body {
		f, _ := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		if f == nil {
			return nil
		}
		body, _ := f.Body.(*hclsyntax.Body)
		return body
	}
	whole, skipping := parse(), parse()
	if whole == nil || skipping == nil {
		return
	}
	b := newBudget(context.Background(), budgetLimits{})
	b.instrument(whole)
	b.instrumentSource(skipping, src)
	if !reflect.DeepEqual(whole, skipping) {
		t.Fatalf("%s: instrumentSource's body differs from instrument's", name)
	}
}

// TestInstrumentSourceMatchesInstrument: instrumentSource wraps what
// instrument wraps, on every source above.
func TestInstrumentSourceMatchesInstrument(t *testing.T) {
	srcs := instrumentSources(t)
	if len(srcs) < 20 {
		t.Fatalf("only %d sources", len(srcs))
	}
	for name, src := range srcs {
		checkInstrumentSource(t, name, src)
	}
}

func FuzzInstrumentSource(f *testing.F) {
	for _, src := range instrumentSources(f) {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkInstrumentSource(t, "fuzz.tf", src)
	})
}
