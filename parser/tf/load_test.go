package tf

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestGolden loads every testdata/*.txtar case: its files are written to a
// temporary directory and loaded as a configuration directory; the model
// dump, route table and diagnostics are compared with the archive's
// "dump", "routes" and "diags" sections. An "options" section holds one
// setting per line: var NAME=VALUE, set ADDR.ATTR=VALUE, env NAME=VALUE,
// varfile PATH, region NAME, path PATH (load that path instead of the
// directory; repeatable).
func TestGolden(t *testing.T) {
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			opts, load := Options{}, []string{}
			env := map[string]string{}
			want := map[string]string{}
			for _, f := range ar.Files {
				switch f.Name {
				case "dump", "routes", "diags":
					want[f.Name] = string(f.Data)
					continue
				case "options":
					for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
						kind, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
						k, v, _ := strings.Cut(rest, "=")
						switch kind {
						case "var":
							if opts.Vars == nil {
								opts.Vars = map[string]string{}
							}
							opts.Vars[k] = v
						case "set":
							if opts.Sets == nil {
								opts.Sets = map[string]string{}
							}
							opts.Sets[k] = v
						case "env":
							env[k] = v
						case "varfile":
							opts.VarFiles = append(opts.VarFiles, filepath.Join(dir, rest))
						case "region":
							opts.Region = rest
						case "code":
							if opts.Code == nil {
								opts.Code = map[string]string{}
							}
							opts.Code[k] = filepath.Join(dir, v)
						case "path":
							load = append(load, filepath.Join(dir, rest))
						case "":
						default:
							t.Fatalf("unknown option %q", line)
						}
					}
					continue
				}
				fp := filepath.Join(dir, f.Name)
				if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(fp, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opts.Getenv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
			if len(load) == 0 {
				load = []string{dir}
			}
			files := diag.NewFiles()
			tm, ds := Load(context.Background(), load, opts, files)
			checkDeclared(t, ds)
			got := map[string]string{
				"dump":   model.DumpString(tm, model.DumpOptions{Positions: true, Identity: true}),
				"routes": routeTable(tm),
				"diags":  diagText(ds, dir),
			}
			if *update {
				for i, f := range ar.Files {
					if g, ok := got[f.Name]; ok {
						ar.Files[i].Data = []byte(g)
						delete(got, f.Name)
					}
				}
				for _, n := range []string{"dump", "routes", "diags"} {
					if g, ok := got[n]; ok {
						ar.Files = append(ar.Files, txtar.File{Name: n, Data: []byte(g)})
					}
				}
				if err := os.WriteFile(p, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, n := range []string{"dump", "routes", "diags"} {
				if d := cmp.Diff(want[n], got[n]); d != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", n, d)
				}
			}
			// validate loads with FindingsOnly: no property trees (the
			// dump shows none), the same model, routes and findings. This
			// load also parses every module's files ahead, at once
			// (parseAhead; the cases are below its threshold), and it and
			// the next evaluate every resource's instances after the
			// first on two goroutines where splittable allows (split.go;
			// the cases are below splitMin too), and object defaults of
			// two items or more in two halves (evalDefault).
			fopts := opts
			fopts.FindingsOnly = true
			defer func(n int64) { parseAheadMin = n }(parseAheadMin)
			parseAheadMin = 0
			defer func(n int) { splitMin = n }(splitMin)
			splitMin = 1
			defer func(n int) { defaultSplitMin = n }(defaultSplitMin)
			defaultSplitMin = 2
			for _, o := range []Options{fopts, opts} {
				ftm, fds := Load(context.Background(), load, o, diag.NewFiles())
				fgot := map[string]string{
					"dump":   model.DumpString(ftm, model.DumpOptions{Positions: true, Identity: true}),
					"routes": routeTable(ftm),
					"diags":  diagText(fds, dir),
				}
				for _, n := range []string{"dump", "routes", "diags"} {
					if d := cmp.Diff(want[n], fgot[n]); d != "" {
						t.Errorf("FindingsOnly %v, split: %s mismatch (-want +got):\n%s", o.FindingsOnly, n, d)
					}
				}
			}
		})
	}
}

func routeTable(tm *model.Template) string {
	var b strings.Builder
	for _, r := range model.Routes(tm) {
		fmt.Fprintf(&b, "%s %s %s %s %s %s %d\n", orDash(r.Stage), r.Method, r.Path, orDash(r.Integration), orDash(r.URI), orDash(r.ConnectionType), r.TimeoutMs)
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func diagText(ds diag.Diagnostics, dir string) string {
	var b bytes.Buffer
	for _, d := range ds {
		file := d.Range.Filename
		if rel, err := filepath.Rel(dir, file); err == nil && !strings.HasPrefix(rel, "..") {
			file = filepath.ToSlash(rel)
		}
		fmt.Fprintf(&b, "%s:%d:%d: %s[%s]: %s\n", file, d.Range.Start.Line, d.Range.Start.Column, d.Severity, d.Rule, d.Summary)
		if d.Detail != "" {
			fmt.Fprintf(&b, "  hint: %s\n", strings.ReplaceAll(strings.ReplaceAll(d.Detail, dir+string(filepath.Separator), ""), dir, "DIR"))
		}
	}
	return b.String()
}

// TestPathModuleRelative checks that path.module and path.root are
// relative to the root module, as in Terraform, so file("${path.module}/x")
// reads the file next to the configuration whatever directory cfnrun runs
// in.
func TestPathModuleRelative(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "modules", "m"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"main.tf":           "module \"m\" {\n  source = \"./modules/m\"\n}\noutput \"root\" { value = file(\"${path.module}/a.txt\") }\noutput \"child\" { value = module.m.v }\noutput \"mod\" { value = module.m.p }\n",
		"a.txt":             "root",
		"modules/m/main.tf": "output \"v\" { value = file(\"${path.module}/b.txt\") }\noutput \"p\" { value = path.module }\n",
		"modules/m/b.txt":   "child",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tm, ds := Load(context.Background(), []string{dir}, Options{}, nil)
	if len(ds) > 0 {
		t.Fatalf("findings: %v", ds)
	}
	got := map[string]string{}
	for _, o := range tm.Outputs {
		got[o.Name] = o.Value
	}
	want := map[string]string{"root": "root", "child": "child", "mod": "modules/m"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("outputs (-want +got):\n%s", d)
	}
}

// checkDeclared fails the test for a finding whose rule is not declared,
// or is reported with a severity its declaration does not list.
func checkDeclared(t *testing.T, ds diag.Diagnostics) {
	t.Helper()
	for _, d := range ds {
		r := lookupRule(d.Rule)
		if r == nil {
			t.Errorf("finding of undeclared rule %s: %s", d.Rule, d.Summary)
			continue
		}
		if !r.Allows(d.Severity) {
			t.Errorf("%s reported as %s, but declared %s: %s", d.Rule, d.Severity, r.Severity, d.Summary)
		}
	}
}

// TestEdgeFirstReference: an edge read several times (here from three
// attributes of a nested block, which hcl holds in a map) keeps the range
// of its first reference in the source, whatever order the block's
// attributes are visited in. graph printed line 34 or 35 of
// testdata/trust_nested_blocks by chance.
func TestEdgeFirstReference(t *testing.T) {
	dir := t.TempDir()
	src := `resource "aws_apigatewayv2_domain_name" "d" {
  domain_name = "api.example.com"
}

resource "aws_route53_record" "r" {
  name = "x"
  alias {
    name    = aws_apigatewayv2_domain_name.d.domain_name_configuration[0].target_domain_name
    zone_id = aws_apigatewayv2_domain_name.d.domain_name_configuration[0].hosted_zone_id
    other   = aws_apigatewayv2_domain_name.d.domain_name_configuration[0].x
    more    = aws_apigatewayv2_domain_name.d.domain_name_configuration[0].y
  }
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	// Map order is random per iteration: several loads make a wrong
	// pick show.
	for range 20 {
		tm, _ := Load(context.Background(), []string{dir}, Options{}, nil)
		var got []string
		for _, n := range tm.Nodes {
			if n.Address != "aws_route53_record.r" {
				continue
			}
			for _, e := range n.Deps {
				got = append(got, fmt.Sprintf("%s %s .%s %d:%d", e.To, e.Kind, e.Attr, e.Range.Start.Line, e.Range.Start.Column))
			}
		}
		want := []string{"aws_apigatewayv2_domain_name.d reference .domain_name_configuration 8:15"}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("edges (-want +got):\n%s", d)
		}
	}
}

// TestInstanceRanges checks the argument ranges of each instance: the
// instances of a resource without dynamic blocks share the first one's
// (they are the same), and those of a resource with one keep their own, a
// dynamic block's content appearing only where it has elements.
func TestInstanceRanges(t *testing.T) {
	dir := t.TempDir()
	src := `resource "aws_api_gateway_rest_api" "a" {
  for_each = toset(["x", "y"])
  name     = each.key
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_stage" "s" {
  count         = 2
  rest_api_id   = aws_api_gateway_rest_api.a["x"].id
  deployment_id = "d"
  stage_name    = "s${count.index}"
  dynamic "access_log_settings" {
    for_each = range(count.index)
    content {
      destination_arn = "arn:aws:logs:us-east-1:123456789012:log-group:g"
      format          = "$context.requestId"
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	l := newLoader(context.Background(), Options{}, diag.NewFiles())
	l.run([]string{dir})
	by := map[string]*instance{}
	for _, in := range l.insts {
		by[in.addr] = in
	}
	x, y := by[`aws_api_gateway_rest_api.a["x"]`], by[`aws_api_gateway_rest_api.a["y"]`]
	s0, s1 := by["aws_api_gateway_stage.s[0]"], by["aws_api_gateway_stage.s[1]"]
	if x == nil || y == nil || s0 == nil || s1 == nil {
		t.Fatalf("instances: %v", slices.Collect(maps.Keys(by)))
	}
	for _, k := range []string{"name", "endpoint_configuration", "endpoint_configuration.types"} {
		if _, ok := y.ranges[k]; !ok || y.ranges[k] != x.ranges[k] || y.names[k] != x.names[k] {
			t.Errorf("%s: range %v / %v, want the first instance's %v / %v", k, y.ranges[k], y.names[k], x.ranges[k], x.names[k])
		}
	}
	if !y.sharedRanges || x.sharedRanges {
		t.Errorf("shared: first %v, second %v; want false, true", x.sharedRanges, y.sharedRanges)
	}
	if s0.sharedRanges || s1.sharedRanges {
		t.Error("the instances of a resource with a dynamic block share their ranges")
	}
	if _, ok := s0.ranges["access_log_settings.format"]; ok {
		t.Error("s[0] has a range inside a dynamic block it has no element of")
	}
	if r, ok := s1.ranges["access_log_settings.format"]; !ok || r.Start.Line != 18 {
		t.Errorf("s[1] access_log_settings.format at %v (%v), want line 18", r, ok)
	}
	// Instances sharing their ranges have equal CloudFormation ranges,
	// each its own: lowering may Set one in place.
	px, py := x.cfnRanges(), y.cfnRanges()
	if len(px) == 0 || !slices.Equal(px, py) {
		t.Errorf("cfnRanges %v / %v, want equal and not empty", px, py)
	} else if &px[0] == &py[0] {
		t.Error("two instances' cfnRanges share their elements")
	}
	byKey := func(r model.Ranges) model.Ranges {
		return slices.SortedFunc(slices.Values(r), func(a, b model.KeyRange) int { return strings.Compare(a.Key, b.Key) })
	}
	if p, want := byKey(s1.cfnRanges()), byKey(cfnRangesOf(s1.ranges)); !slices.Equal(p, want) {
		t.Errorf("s[1] cfnRanges %v, want %v", p, want)
	}
}
