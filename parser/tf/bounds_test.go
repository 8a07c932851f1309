package tf

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// loadFiles writes files into a temporary directory and loads it.
func loadFiles(t *testing.T, ctx context.Context, files map[string]string, opts Options) diag.Diagnostics {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, ds := Load(ctx, []string{dir}, opts, diag.NewFiles())
	return ds
}

// findRule returns the first diagnostic of rule, failing the test when
// there is none.
func findRule(t *testing.T, ds diag.Diagnostics, rule string) diag.Diagnostic {
	t.Helper()
	for _, d := range ds {
		if d.Rule == rule {
			return d
		}
	}
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.Rule + " " + d.Summary + "\n")
	}
	t.Fatalf("no %s finding; got:\n%s", rule, b.String())
	return diag.Diagnostic{}
}

// TestNesting feeds sources nested far deeper than hcl's recursive parser
// survives (60,000 levels: a stack overflow is a fatal error no recover
// catches): each is a TF070 finding at the file and line where the limit
// is passed.
func TestNesting(t *testing.T) {
	const n = 60000
	deep := strings.Repeat("[", n) + strings.Repeat("]", n)
	tests := []struct {
		name  string
		files map[string]string
		opts  Options
		file  string // where the finding is; "" for a -var
		line  int
	}{
		{"brackets", map[string]string{"main.tf": "locals {\n  x = " + deep + "\n}\n"}, Options{}, "main.tf", 2},
		{"objects", map[string]string{"main.tf": "locals {\n  x = " + strings.Repeat("{a = ", n) + "1" + strings.Repeat("}", n) + "\n}\n"}, Options{}, "main.tf", 2},
		{"parentheses", map[string]string{"main.tf": "locals {\n  x = " + strings.Repeat("(", n) + "1" + strings.Repeat(")", n) + "\n}\n"}, Options{}, "main.tf", 2},
		{"unary minus", map[string]string{"main.tf": "locals {\n  x = " + strings.Repeat("-", n) + "1\n}\n"}, Options{}, "main.tf", 2},
		{"not", map[string]string{"main.tf": "locals {\n  x = " + strings.Repeat("!", n) + "true\n}\n"}, Options{}, "main.tf", 2},
		{"conditionals", map[string]string{"main.tf": "locals {\n  x = " + strings.Repeat("true ? 1 : ", n) + "1\n}\n"}, Options{}, "main.tf", 2},
		{"operators", map[string]string{"main.tf": "locals {\n  x = 1" + strings.Repeat(" + 1", n) + "\n}\n"}, Options{}, "main.tf", 2},
		{"interpolations", map[string]string{"main.tf": "locals {\n  x = " + strings.Repeat(`"${`, n/2) + "1" + strings.Repeat(`}"`, n/2) + "\n}\n"}, Options{}, "main.tf", 2},
		{"template directives", map[string]string{"main.tf": "locals {\n  x = \"" + strings.Repeat("%{ if true }", n/4) + strings.Repeat("%{ endif }", n/4) + "\"\n}\n"}, Options{}, "main.tf", 2},
		{"tf.json", map[string]string{"main.tf.json": `{"locals": {"x": ` + deep + "}}\n"}, Options{}, "main.tf.json", 1},
		{"tf.json template", map[string]string{"main.tf.json": "{\"locals\": {\n\"x\": \"${" + deep + "}\"}}\n"}, Options{}, "main.tf.json", 2},
		{"tfvars", map[string]string{"main.tf": "variable \"x\" {}\n", "terraform.tfvars": "\n\nx = " + deep + "\n"}, Options{}, "terraform.tfvars", 3},
		{"tfvars.json", map[string]string{"main.tf": "variable \"x\" {}\n", "terraform.tfvars.json": `{"x": ` + deep + "}"}, Options{}, "terraform.tfvars.json", 1},
		{"-var", map[string]string{"main.tf": "variable \"x\" {\n  type = list(any)\n}\n"}, Options{Vars: map[string]string{"x": deep}}, "main.tf", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := findRule(t, loadFiles(t, context.Background(), tt.files, tt.opts), "TF070")
			if filepath.Base(d.Range.Filename) != tt.file || d.Range.Start.Line != tt.line {
				t.Errorf("finding at %s:%d, want %s:%d", d.Range.Filename, d.Range.Start.Line, tt.file, tt.line)
			}
			if !strings.Contains(d.Summary, "200") && !strings.Contains(d.Summary, "10000") {
				t.Errorf("the finding does not name the limit: %s", d.Summary)
			}
		})
	}
}

// TestNestingAllowsRealConfigurations checks that ordinary nesting,
// negative numbers in long lists and long conditions pass the bound.
func TestNestingAllowsRealConfigurations(t *testing.T) {
	var b strings.Builder
	b.WriteString("locals {\n  nums = [")
	for range 5000 {
		b.WriteString("-1, ")
	}
	b.WriteString("]\n  obj = {\n")
	for range 5000 {
		b.WriteString("    k = -1\n")
	}
	b.WriteString("  }\n  deep = " + strings.Repeat("[", 150) + strings.Repeat("]", 150) + "\n}\n")
	for _, src := range []string{b.String(), "locals {\n  x = \"" + strings.Repeat("%{ if true }a%{ endif }", 5000) + "\"\n}\n"} {
		if d := checkNesting([]byte(src), "main.tf", hcl.InitialPos, nestConfig); d != nil {
			t.Errorf("false finding: %s at %s", d.Summary, d.Subject)
		}
	}
}
