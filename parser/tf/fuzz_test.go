package tf

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// fuzzLimits is a small evaluation budget, so every fuzz input is
// evaluated (not only parsed) and each run stays fast.
var fuzzLimits = budgetLimits{steps: 5000, nodes: 20000, bytes: 1 << 20, instances: 200}

// budgetSeeds are configurations that ask for unbounded work or nest past
// the parser's bound (TestBudget, TestNesting): the fuzzer mutates them.
var budgetSeeds = []string{
	"locals {\n  x = [for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]\n}\n",
	"locals {\n  x = join(\",\", flatten([for a in range(100) : [for b in range(100) : \"${a}-${b}\"]]))\n  y = join(local.x, [local.x, local.x])\n}\n",
	"locals {\n  x = format(\"%999999999d\", 1)\n  y = setproduct(range(50), range(50), range(50))\n  z = replace(\"abc\", \"\", \"abc\")\n}\n",
	"locals {\n  x = \"%{for a in range(50)}%{for b in range(50)}%{for c in range(50)}x%{endfor}%{endfor}%{endfor}\"\n}\n",
	"resource \"aws_api_gateway_rest_api\" \"a\" {\n  count = 10000\n  name  = \"a${count.index}\"\n}\n",
	"locals {\n  x = " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "\n  y = " + strings.Repeat("-", 300) + "1\n}\n",
	"locals {\n  x = file(\"/dev/zero\")\n  y = templatefile(\"/dev/null\", {})\n}\n",
}

// FuzzLoad feeds arbitrary single-file configurations to Load, which
// evaluates them under a small budget: it must never panic, and every
// diagnostic must name the file when it has a position. Seeds: the .tf
// files of the golden cases, the budget and nesting cases, plus the
// checked-in corpus under testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	addLoadSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "main.tf")
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
		files := diag.NewFiles()
		limits := fuzzLimits
		tm, ds := Load(context.Background(), []string{p}, Options{limits: &limits}, files)
		if tm == nil {
			t.Fatal("nil template")
		}
		_ = model.DumpString(tm, model.DumpOptions{Positions: true, Identity: true})
		_ = model.Routes(tm)
		for _, d := range ds {
			if d.Rule == "" || d.Summary == "" {
				t.Errorf("diagnostic without rule or summary: %+v", d)
			}
			if d.Rule == "TF000" {
				t.Errorf("Load recovered from a panic: %s", d.Summary)
			}
		}
	})
}

// FuzzSplit loads arbitrary configurations twice under the fuzz budget,
// with every resource's instances evaluated one after the other and then
// on two goroutines wherever splittable allows (split.go), and variable
// defaults whole and then in halves (evalDefault): the model,
// the routes and the findings must be the same. Seeds: FuzzLoad's and
// TestSplitMatchesSerial's configuration.
func FuzzSplit(f *testing.F) {
	addLoadSeeds(f)
	f.Add([]byte(splitConfig(6)))
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		defer func(n int) { splitMin = n }(splitMin)
		defer func(n int) { defaultSplitMin = n }(defaultSplitMin)
		limits := fuzzLimits
		splitMin, defaultSplitMin = 1<<30, 1<<30
		serial := loadText(t, dir, Options{limits: &limits})
		splitMin, defaultSplitMin = 1, 2
		if split := loadText(t, dir, Options{limits: &limits}); split != serial {
			t.Fatalf("split evaluation differs:\n%s", cmp.Diff(serial, split))
		}
	})
}

// addLoadSeeds adds FuzzLoad's seeds: the budget and nesting cases, the
// .tf files of the golden cases and the seed example.
func addLoadSeeds(f *testing.F) {
	for _, s := range budgetSeeds {
		f.Add([]byte(s))
	}
	paths, _ := filepath.Glob("testdata/*.txtar")
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			continue
		}
		for _, file := range ar.Files {
			if filepath.Ext(file.Name) == ".tf" {
				f.Add(file.Data)
			}
		}
	}
	if src, err := os.ReadFile("../../examples/seed/main.tf"); err == nil {
		f.Add(src)
	}
}

// FuzzLoadJSON is FuzzLoad for .tf.json files, whose strings are
// templates hcl parses when they are evaluated.
func FuzzLoadJSON(f *testing.F) {
	for _, s := range []string{
		`{"locals": {"x": "${[for a in range(1000) : [for b in range(1000) : a]]}"}}`,
		`{"locals": {"x": "${join(\",\", [for a in range(100000) : tostring(a)])}"}}`,
		`{"resource": {"aws_api_gateway_rest_api": {"a": {"name": "a", "count": 100000}}}}`,
		`{"locals": {"x": ` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + `}}`,
		`{"variable": {"v": {"default": "x"}}, "output": {"o": {"value": "${var.v}-${upper(var.v)}"}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		p := filepath.Join(t.TempDir(), "main.tf.json")
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
		limits := fuzzLimits
		tm, ds := Load(context.Background(), []string{p}, Options{limits: &limits}, diag.NewFiles())
		if tm == nil {
			t.Fatal("nil template")
		}
		for _, d := range ds {
			if d.Rule == "TF000" {
				t.Errorf("Load recovered from a panic: %s", d.Summary)
			}
		}
	})
}
