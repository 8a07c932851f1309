package tf

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// TestFunctions checks Terraform's semantics where they differ from
// go-cty's, and the Terraform-only functions, expression by expression.
func TestFunctions(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "t.tpl"), []byte("%{ for k, v in m }${k}=${v};%{ endfor }"), 0o644); err != nil {
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
		{expr: `templatefile("missing.tpl", {})`, wantErr: "cannot read"},
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
			v, ds := expr.Value(&hcl.EvalContext{Functions: funcs})
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
