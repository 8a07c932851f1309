package tf

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/tools/txtar"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/gen"
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

// smallLimits keep the budget tests fast; the default limits are a
// thousand times larger.
var smallLimits = budgetLimits{steps: 20000, nodes: 50000, bytes: 1 << 20, instances: 500}

// TestBudget runs configurations of a few hundred bytes that ask for
// unbounded work: each ends with one TF071 finding at the file and line
// of the expression that passed the limit, naming the limit, and with no
// pending notes (the values are unknown because evaluation stopped).
func TestBudget(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		line  int
		limit string // in the summary
	}{
		{"nested for over range", map[string]string{"main.tf": "locals {\n  x = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\n"}, 2, "evaluation steps"},
		{"nested for over a local list", map[string]string{"main.tf": "locals {\n  l = [for i in range(100) : i]\n  x = [for a in local.l : [for b in local.l : [for c in local.l : 1]]]\n}\n"}, 3, "evaluation steps"},
		{"join over nested for", map[string]string{"main.tf": "locals {\n  x = join(\",\", flatten([for a in range(50) : [for b in range(50) : \"${a}-${b}-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]]))\n  y = join(local.x, [local.x, local.x, local.x])\n}\n"}, 3, "bytes of strings"},
		{"doubling templates", map[string]string{"main.tf": "locals {\n  a0 = \"xxxxxxxxxxxxxxxx\"\n  a1 = \"${local.a0}${local.a0}${local.a0}${local.a0}${local.a0}${local.a0}${local.a0}${local.a0}\"\n  a2 = \"${local.a1}${local.a1}${local.a1}${local.a1}${local.a1}${local.a1}${local.a1}${local.a1}\"\n  a3 = \"${local.a2}${local.a2}${local.a2}${local.a2}${local.a2}${local.a2}${local.a2}${local.a2}\"\n  a4 = \"${local.a3}${local.a3}${local.a3}${local.a3}${local.a3}${local.a3}${local.a3}${local.a3}\"\n  a5 = \"${local.a4}${local.a4}${local.a4}${local.a4}${local.a4}${local.a4}${local.a4}${local.a4}\"\n  a6 = \"${local.a5}${local.a5}${local.a5}${local.a5}${local.a5}${local.a5}${local.a5}${local.a5}\"\n  a7 = \"${local.a6}${local.a6}${local.a6}${local.a6}${local.a6}${local.a6}${local.a6}${local.a6}\"\n}\n"}, 8, "bytes of strings"},
		{"range", map[string]string{"main.tf": "locals {\n  x = range(100000000)\n}\n"}, 2, "collection elements"},
		{"setproduct", map[string]string{"main.tf": "locals {\n  l = range(100)\n  x = setproduct(local.l, local.l, local.l, local.l)\n}\n"}, 3, "collection elements"},
		{"format width", map[string]string{"main.tf": "locals {\n  x = format(\"%999999999999d\", 1)\n}\n"}, 2, "format width"},
		{"replace with empty substring", map[string]string{"main.tf": "locals {\n  s = join(\"\", [for i in range(1000) : \"abcdefghij\"])\n  x = replace(local.s, \"\", local.s)\n}\n"}, 3, "bytes of strings"},
		{"template directives", map[string]string{"main.tf": "locals {\n  l = range(100)\n  x = \"%{for a in local.l}%{for b in local.l}%{for c in local.l}x%{endfor}%{endfor}%{endfor}\"\n}\n"}, 3, "evaluation steps"},
		{"templatefile loops", map[string]string{"main.tf": "locals {\n  x = templatefile(\"t.tpl\", { l = range(100) })\n}\n", "t.tpl": "%{for a in l}%{for b in l}%{for c in l}x%{endfor}%{endfor}%{endfor}"}, 1, "evaluation steps"},
		{"tf.json nested for", map[string]string{"main.tf.json": "{\"locals\": {\n  \"l\": \"${range(100)}\",\n  \"x\": [\"${[for a in local.l : [for b in local.l : [for c in local.l : 1]]]}\"]\n}}\n"}, 3, "evaluation steps"},
		{"tf.json doubling templates", map[string]string{"main.tf.json": "{\"locals\": {\n\"a0\": \"xxxxxxxxxxxxxxxx\",\n\"a1\": \"${local.a0}${local.a0}${local.a0}${local.a0}${local.a0}${local.a0}${local.a0}${local.a0}\",\n\"a2\": \"${local.a1}${local.a1}${local.a1}${local.a1}${local.a1}${local.a1}${local.a1}${local.a1}\",\n\"a3\": \"${local.a2}${local.a2}${local.a2}${local.a2}${local.a2}${local.a2}${local.a2}${local.a2}\",\n\"a4\": \"${local.a3}${local.a3}${local.a3}${local.a3}${local.a3}${local.a3}${local.a3}${local.a3}\",\n\"a5\": \"${local.a4}${local.a4}${local.a4}${local.a4}${local.a4}${local.a4}${local.a4}${local.a4}\",\n\"a6\": \"${local.a5}${local.a5}${local.a5}${local.a5}${local.a5}${local.a5}${local.a5}${local.a5}\",\n\"a7\": \"${local.a6}${local.a6}${local.a6}${local.a6}${local.a6}${local.a6}${local.a6}${local.a6}\"\n}}\n"}, 8, "bytes of strings"},
		{"module count around resource count", map[string]string{
			"main.tf":   "module \"m\" {\n  source = \"./m\"\n  count  = 10000\n}\n",
			"m/main.tf": "resource \"aws_api_gateway_rest_api\" \"a\" {\n  count = 10000\n  name  = \"a${count.index}\"\n}\n",
		}, 3, "instances"},
		{"many module instances", map[string]string{
			"main.tf":   "module \"m\" {\n  source = \"./m\"\n  count  = 400\n}\n",
			"m/main.tf": "resource \"aws_api_gateway_rest_api\" \"a\" {\n  count = 2\n  name  = \"a${count.index}\"\n}\n",
		}, 2, "instances"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limits := smallLimits
			ds := loadFiles(t, context.Background(), tt.files, Options{limits: &limits})
			d := findRule(t, ds, "TF071")
			if d.Range.Filename == "" || d.Range.Start.Line != tt.line {
				t.Errorf("finding at %s:%d, want line %d", d.Range.Filename, d.Range.Start.Line, tt.line)
			}
			if !strings.Contains(d.Summary, tt.limit) {
				t.Errorf("summary %q does not name %q", d.Summary, tt.limit)
			}
			n := 0
			for _, d := range ds {
				switch d.Rule {
				case "TF071":
					n++
				case "TF016":
					t.Errorf("pending note after the budget stopped evaluation: %s", d.Summary)
				}
			}
			if n != 1 {
				t.Errorf("%d TF071 findings, want 1", n)
			}
		})
	}
}

// TestBudgetDefaultsPassRealConfigurations loads every golden case with
// the small limits' big brother, the defaults, and the generated
// 200-route configuration: none spends the budget (TestGolden checks the
// findings; this names the bound if one ever does).
func TestBudgetDefaultsPassRealConfigurations(t *testing.T) {
	ds := loadFiles(t, context.Background(), map[string]string{"main.tf": gen.Terraform(200)}, Options{})
	for _, d := range ds {
		if d.Rule == "TF071" || d.Rule == "TF070" {
			t.Errorf("%s: %s", d.Rule, d.Summary)
		}
	}
}

// TestCancelledLoad checks that evaluation stops when its context ends: a
// configuration that would spend the whole default budget does almost
// nothing under a cancelled context, and reports no finding for it (the
// command says it was interrupted).
func TestCancelledLoad(t *testing.T) {
	dir := t.TempDir()
	src := "locals {\n  x = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := newLoader(ctx, Options{}, diag.NewFiles())
	cancel()
	l.run([]string{dir})
	if l.budget.used.steps > 1000 {
		t.Errorf("%d evaluation steps after the context was cancelled", l.budget.used.steps)
	}
	for _, d := range l.diags {
		if d.Rule == "TF071" {
			t.Errorf("cancellation reported as %s: %s", d.Rule, d.Summary)
		}
	}
}

// nestingAlphabet are the pieces random sources are made of: every byte
// and pair the lexer treats specially (brackets, quotes, sequences,
// escapes, comments, heredocs, operators, newlines) and some plain text.
var nestingAlphabet = []string{"{", "}", "[", "]", "(", ")", `"`, "${", "${~", "~}", "%{", "$${", "%%{", "$", "%", `\`, `\"`,
	"\n", "\r\n", "\r", "#", "//", "/*", "*/", "/", "*", "<<", "<<EOT\n", "EOT\n", "<", ">", "=", "==", "!=", "!", "-", "+", "&&", "||",
	"?", ":", ",", " ", "a", "1", "1e-5", "a-b", "é", "\xff", "\x00", ".", "...", "=>"}

// nestingCommon are the pieces of nestingAlphabet withinNesting follows.
var nestingCommon = []string{"{", "}", "[", "]", "(", ")", `"`, `"`, "${", "${~", "~}", "$${", "%%{", "$", "%", `\"`, `\\`,
	"\n", "\r\n", "# c\n", "// c\n", "/* c */", "/", "*", "<", ">", "=", "==", "!=", "!", "-", "+", "&&", "||", "?", ":", ",", " ", "a", "1", "1e-5", "a-b", "é", "."}

// TestWithinNestingNeverUnder checks withinNesting against the lexer on
// random sources with small bounds: whenever it says a source is within
// them, scanNesting over hcl's tokens must find nothing, for every pair of
// bounds. It must also say so often enough to be worth the test.
func TestWithinNestingNeverUnder(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 19))
	within := 0
	const runs = 20000
	for range runs {
		var b strings.Builder
		for range rng.IntN(40) {
			switch rng.IntN(8) {
			case 0, 1:
				b.WriteString(nestingAlphabet[rng.IntN(8)]) // brackets, more often
			case 2:
				b.WriteString(nestingAlphabet[rng.IntN(len(nestingAlphabet))])
			default: // what withinNesting follows rather than gives up on
				b.WriteString(nestingCommon[rng.IntN(len(nestingCommon))])
			}
		}
		src := []byte(b.String())
		checkWithinNesting(t, src, &within)
	}
	if within < runs/10 {
		t.Errorf("withinNesting vouched for only %d of %d sources (at some bounds); the test compares too little", within, runs)
	}
	t.Logf("withinNesting vouched for %d of %d sources", within, runs)
}

// checkWithinNesting asserts that withinNesting answers as
// withinNestingSwitch (every byte through the switch, as before its byte
// tables) for bounds -1-6 (depth) and -1-4 (chain), and, for bounds 1-6
// and 1-4, never vouches for src where scanNesting finds something;
// within counts the sources it vouched for at some bounds.
func checkWithinNesting(t *testing.T, src []byte, within *int) {
	t.Helper()
	toks, _ := hclsyntax.LexConfig(src, "main.tf", hcl.InitialPos)
	vouched := false
	for depth := -1; depth <= 6; depth++ {
		for chain := -1; chain <= 4; chain++ {
			got := withinNesting(src, depth, chain)
			if want := withinNestingSwitch(src, depth, chain); got != want {
				t.Fatalf("withinNesting(%q, %d, %d) = %v; withinNestingSwitch gives %v", src, depth, chain, got, want)
			}
			if !got || depth < 1 || chain < 1 {
				continue
			}
			vouched = true
			if d := scanNesting(toks, depth, chain); d != nil {
				t.Fatalf("withinNesting(%q, %d, %d) vouches for it, but the lexer's tokens give %q at %s", src, depth, chain, d.Summary, d.Subject)
			}
		}
	}
	if vouched {
		*within++
	}
}

// FuzzWithinNesting is TestWithinNestingNeverUnder on the fuzzer's
// sources; seeds are FuzzLoad's (the nesting cases, the golden cases'
// configurations, the seed example) and one of strings and comments.
func FuzzWithinNesting(f *testing.F) {
	addLoadSeeds(f)
	f.Add([]byte("a = \"${ { b = \"}\" } }\" # \"\n/* \" */ c = [-1, !x ? y : z]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		var n int
		checkWithinNesting(t, src, &n)
	})
}

// TestWithinNestingTakesRealConfigurations checks that the configurations
// of the golden cases, the examples and the generated benchmark take the
// fast path: the bound is only worth having if they do.
func TestWithinNestingTakesRealConfigurations(t *testing.T) {
	var srcs [][]byte
	paths, _ := filepath.Glob("testdata/*.txtar")
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range ar.Files {
			if filepath.Ext(file.Name) == ".tf" {
				srcs = append(srcs, file.Data)
			}
		}
	}
	examples, _ := filepath.Glob("../../examples/*/*.tf")
	for _, p := range examples {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, src)
	}
	srcs = append(srcs, []byte(gen.Terraform(200)))
	fast := 0
	for _, src := range srcs {
		if withinNesting(src, maxNesting, maxOperatorChain) {
			fast++
		} else if strings.Contains(string(src), "<<") || strings.Contains(string(src), "%{") {
			continue // heredocs and directives go to the lexer
		} else {
			t.Errorf("withinNesting does not vouch for:\n%s", src)
		}
	}
	if fast < len(srcs)/2 {
		t.Errorf("only %d of %d real configurations take the fast path", fast, len(srcs))
	}
	t.Logf("%d of %d real configurations take the fast path", fast, len(srcs))
}

// TestInstanceKeyQuotes: a string instance key is written as strconv.Quote
// writes it, whether it takes the plain path or not.
func TestInstanceKeyQuotes(t *testing.T) {
	for _, s := range []string{"", "r000", "a b", `a"b`, `a\b`, "é", "\x7f", "\t", "~!", "a\nb", "\u2028"} {
		if got, want := instanceKey(cty.StringVal(s)), "["+strconv.Quote(cty.StringVal(s).AsString())+"]"; got != want {
			t.Errorf("instanceKey(%q) = %s, want %s", s, got, want)
		}
	}
	if got := instanceKey(cty.NumberIntVal(7)); got != "[7]" {
		t.Errorf("instanceKey(7) = %s", got)
	}
}
