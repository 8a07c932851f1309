package main

// The end-to-end test builds the real binary once (TestMain) and runs it
// the way a user does, from the repository root, on every example under
// examples/. Outputs are compared with golden files under
// testdata/e2e/<example>.txtar, one section per command line; run
// `go test ./cmd/cfnrun -run E2E -update` to rewrite them.

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"github.com/cfnrun/cfnrun/internal/model"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// cfnrunBin is the binary TestMain builds; repoRoot is where it runs.
var cfnrunBin, repoRoot string

func TestMain(m *testing.M) {
	// Other test files of this package may define -update too; define it
	// only once.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
	flag.Parse()
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "cfnrun-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	cfnrunBin = filepath.Join(dir, "cfnrun")
	build := exec.Command("go", "build", "-o", cfnrunBin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		return 1
	}
	repoRoot, err = filepath.Abs("../..")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// result is one run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

// cfnrun runs the built binary from the repository root.
func cfnrun(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), cfnrunBin, args...)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("cfnrun %s: %v", strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	return result{stdout.String(), stderr.String(), code}
}

// exampleSpec says how an example is expected to validate.
type exampleSpec struct {
	// flags are added to every command line (e.g. --allow-extensions).
	validateFlags []string
	// exit is validate's expected exit code.
	exit int
	// errors is true for examples that exist to show errors.
	errors bool
}

// examples lists every example directory; an example missing here fails
// the test, so each new example states how it validates.
var examples = map[string]exampleSpec{
	"seed":                  {exit: 1, errors: true},
	"broken":                {exit: 1, errors: true},
	"greedy-proxy":          {validateFlags: []string{"--allow-extensions"}},
	"petstore":              {},
	"mock-cors":             {},
	"parameters-conditions": {},
	"lambda-mixed":          {},
	"lambda-node-cjs":       {},
	"lambda-node-esm":       {},
	"lambda-python":         {},
	"lambda-go":             {},
	"lambda-authorizer":     {},
	"access":                {},
	"http-api-node":         {},
	"websocket-echo":        {},
	"websocket-limits":      {},
	"websocket-mock":        {},
	"custom-domain":         {},
}

// exampleTemplates returns example name → template path (relative to the
// repository root) for every examples/*/template.{yaml,yml,json}.
func exampleTemplates(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, pat := range []string{"template.yaml", "template.yml", "template.json"} {
		matches, err := filepath.Glob(filepath.Join(repoRoot, "examples", "*", pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			rel, _ := filepath.Rel(repoRoot, m)
			out[filepath.Base(filepath.Dir(m))] = filepath.ToSlash(rel)
		}
	}
	if len(out) == 0 {
		t.Fatal("no examples found under examples/")
	}
	return out
}

func TestE2EExamples(t *testing.T) {
	templates := exampleTemplates(t)
	for name := range examples {
		if _, ok := templates[name]; !ok {
			t.Errorf("examples/%s has no template.yaml or template.json", name)
		}
	}
	names := make([]string, 0, len(templates))
	for name := range templates {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		tpl := templates[name]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			spec, ok := examples[name]
			if !ok {
				t.Fatalf("examples/%s is not listed in the examples table of e2e_test.go; add it with its expected validate result", name)
			}
			if _, err := os.Stat(filepath.Join(repoRoot, "examples", name, "README.md")); err != nil {
				t.Errorf("examples/%s has no README.md", name)
			}
			vflags := spec.validateFlags
			lines := [][]string{
				append(append([]string{"validate"}, vflags...), tpl),
				append(append([]string{"validate", "--format", "json"}, vflags...), tpl),
				{"routes", "--format", "json", tpl},
				{"graph", "--format", "dot", tpl},
				{"graph", "--format", "json", tpl},
			}
			got := map[string]result{}
			for _, args := range lines {
				got[strings.Join(args, " ")] = cfnrun(t, args...)
			}

			// The contract, independent of the golden files.
			text := got[strings.Join(lines[0], " ")]
			if text.code != spec.exit {
				t.Errorf("validate exit code = %d, want %d\n%s%s", text.code, spec.exit, text.stdout, text.stderr)
			}
			var findings struct {
				Findings []struct {
					Rule, Severity, File, Message, Resource string
					Line, Column                            int
				}
				Summary struct{ Errors, Warnings, Infos int }
			}
			vj := got[strings.Join(lines[1], " ")]
			if err := json.Unmarshal([]byte(vj.stdout), &findings); err != nil {
				t.Fatalf("validate --format json: %v\n%s", err, vj.stdout)
			}
			if vj.code != spec.exit {
				t.Errorf("validate --format json exit code = %d, want %d", vj.code, spec.exit)
			}
			for _, f := range findings.Findings {
				if f.File != tpl || f.Line < 1 || f.Column < 1 || f.Rule == "" || f.Message == "" {
					t.Errorf("finding without a usable position or rule: %+v", f)
				}
				if f.Severity == "error" && !spec.errors {
					t.Errorf("%s is expected to validate without errors, got %s:%d:%d %s %s", name, f.File, f.Line, f.Column, f.Rule, f.Message)
				}
			}
			if spec.errors && findings.Summary.Errors == 0 {
				t.Errorf("%s is expected to show errors, got none", name)
			}
			var routes struct {
				Routes []struct {
					API, Stage, Method, Path, Integration, URI, ConnectionType string
					TimeoutMs                                                  int
				}
				WebSocketRoutes []struct{ API, Stage, RouteKey, Integration string }
			}
			rj := got[strings.Join(lines[2], " ")]
			if err := json.Unmarshal([]byte(rj.stdout), &routes); err != nil {
				t.Fatalf("routes --format json: %v\n%s", err, rj.stdout)
			}
			if rj.code != 0 {
				t.Errorf("routes exit code = %d, want 0\n%s", rj.code, rj.stderr)
			}
			if len(routes.Routes) == 0 && len(routes.WebSocketRoutes) == 0 {
				t.Errorf("%s has no routes", name)
			}
			for _, r := range routes.WebSocketRoutes {
				if r.API == "" || r.Stage == "" || r.RouteKey == "" || r.Integration == "" {
					t.Errorf("incomplete WebSocket route: %+v", r)
				}
			}
			for _, r := range routes.Routes {
				if r.API == "" || r.Method == "" || !strings.HasPrefix(r.Path, "/") && r.Path != model.RouteKeyDefault || r.Integration == "" {
					t.Errorf("incomplete route: %+v", r)
				}
			}
			gd := got[strings.Join(lines[3], " ")]
			if gd.code != 0 || !strings.HasPrefix(gd.stdout, "digraph ") || !strings.HasSuffix(gd.stdout, "}\n") {
				t.Errorf("graph --format dot: exit %d, output not a digraph:\n%s", gd.code, gd.stdout)
			}
			var graph struct {
				Nodes []struct{ Address string }
				Edges []struct{ From, To string }
			}
			gj := got[strings.Join(lines[4], " ")]
			if err := json.Unmarshal([]byte(gj.stdout), &graph); err != nil || gj.code != 0 {
				t.Fatalf("graph --format json: exit %d, %v\n%s", gj.code, err, gj.stdout)
			}
			if len(graph.Nodes) == 0 {
				t.Errorf("graph has no nodes")
			}

			compareGolden(t, filepath.Join("testdata", "e2e", name+".txtar"), lines, got)
		})
	}
}

// compareGolden checks each command line's output against its section of
// the golden archive (or rewrites the archive with -update).
func compareGolden(t *testing.T, file string, lines [][]string, got map[string]result) {
	t.Helper()
	ar := &txtar.Archive{Comment: []byte("Golden output of the cfnrun binary; rewrite with: go test ./cmd/cfnrun -run E2E -update\n")}
	for _, args := range lines {
		key := strings.Join(args, " ")
		ar.Files = append(ar.Files, txtar.File{Name: "cfnrun " + key, Data: []byte(formatResult(got[key]))})
	}
	if updating() {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	wantBy := map[string]string{}
	for _, f := range want.Files {
		wantBy[f.Name] = string(f.Data)
	}
	for _, f := range ar.Files {
		w, ok := wantBy[f.Name]
		if !ok {
			t.Errorf("%s: no golden section %q (run with -update)", file, f.Name)
			continue
		}
		if diff := cmp.Diff(w, string(f.Data)); diff != "" {
			t.Errorf("%s: %s (-want +got):\n%s", file, f.Name, diff)
		}
	}
}

func formatResult(r result) string {
	var b strings.Builder
	b.WriteString(r.stdout)
	if r.stderr != "" {
		b.WriteString("[stderr]\n")
		b.WriteString(r.stderr)
	}
	if !strings.HasSuffix(b.String(), "\n") && b.Len() > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "[exit %d]\n", r.code)
	return b.String()
}

func TestE2EVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := cfnrun(t, args...)
		if r.code != 0 || r.stdout != "cfnrun dev\n" || r.stderr != "" {
			t.Errorf("cfnrun %s = %q, %q, exit %d; want \"cfnrun dev\\n\", exit 0", args[0], r.stdout, r.stderr, r.code)
		}
	}
}

// TestE2EHelp runs --help of every command: exit 0, the usage line, the
// flags and an example on stdout.
func TestE2EHelp(t *testing.T) {
	top := cfnrun(t, "--help")
	if top.code != 0 || !strings.Contains(top.stdout, "Commands:") {
		t.Errorf("cfnrun --help: exit %d\n%s%s", top.code, top.stdout, top.stderr)
	}
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if c.summary == "(not built yet)" {
				t.Skipf("cfnrun %s is a placeholder on this branch", c.name)
			}
			for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
				r := cfnrun(t, args...)
				if r.code != 0 {
					t.Errorf("cfnrun %s: exit %d, want 0\n%s", strings.Join(args, " "), r.code, r.stderr)
				}
				if !strings.Contains(r.stdout, c.usage) {
					t.Errorf("cfnrun %s: usage line %q missing:\n%s", strings.Join(args, " "), c.usage, r.stdout)
				}
				if !strings.Contains(r.stdout, "Example:") || !strings.Contains(r.stdout, "cfnrun "+c.name) {
					t.Errorf("cfnrun %s: no example:\n%s", strings.Join(args, " "), r.stdout)
				}
			}
		})
	}
}

// TestE2EExitCodes checks the exit-code contract: 0 ok, 1 findings, 2 the
// command could not run.
func TestE2EExitCodes(t *testing.T) {
	const seed = "examples/seed/template.yaml"
	const clean = "examples/petstore/template.yaml"
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring expected on stderr ("" = no check)
	}{
		{"unknown command", []string{"valdate", seed}, 2, `Did you mean "validate"?`},
		{"validate bad flag", []string{"validate", "--nope", seed}, 2, "flag provided but not defined"},
		{"routes bad flag", []string{"routes", "--nope", seed}, 2, "flag provided but not defined"},
		{"graph bad flag", []string{"graph", "--nope", seed}, 2, "flag provided but not defined"},
		{"validate bad format", []string{"validate", "--format", "yaml", seed}, 2, `unknown --format "yaml"`},
		{"routes bad format", []string{"routes", "--format", "xml", seed}, 2, `unknown --format "xml"`},
		{"graph bad format", []string{"graph", "--format", "png", seed}, 2, `unknown --format "png"`},
		{"validate bad param", []string{"validate", "--param", "NoEquals", clean}, 2, "Name=Value"},
		{"version bad flag", []string{"version", "--nope"}, 2, "flag provided but not defined"},
		{"version extra argument", []string{"version", "x"}, 2, "takes no arguments"},
		{"validate no file", []string{"validate"}, 2, "name at least one template"},
		{"routes no file", []string{"routes"}, 2, "name a template"},
		{"graph no file", []string{"graph"}, 2, "name a template"},
		{"validate missing file", []string{"validate", "examples/nope/template.yaml"}, 2, ""},
		{"routes missing file", []string{"routes", "examples/nope/template.yaml"}, 2, "examples/nope/template.yaml"},
		{"graph missing file", []string{"graph", "examples/nope/template.yaml"}, 2, "examples/nope/template.yaml"},
		{"validate missing and good file", []string{"validate", clean, "examples/nope.yaml"}, 2, ""},
		{"validate broken", []string{"validate", "examples/broken/template.yaml"}, 1, ""},
		{"validate broken json", []string{"validate", "--format", "json", "examples/broken/template.yaml"}, 1, ""},
		{"validate broken sarif", []string{"validate", "--format", "sarif", "examples/broken/template.yaml"}, 1, ""},
		{"validate seed", []string{"validate", seed}, 1, ""},
		{"validate clean", []string{"validate", clean}, 0, ""},
		{"validate clean strict", []string{"validate", "--strict", clean}, 0, ""},
		{"validate two clean", []string{"validate", clean, "examples/mock-cors/template.yaml"}, 0, ""},
		{"validate flags after file", []string{"validate", clean, "--strict"}, 0, ""},
		{"routes broken still prints", []string{"routes", "examples/broken/template.yaml"}, 0, "error(s) that would stop a deployment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cfnrun(t, tt.args...)
			if r.code != tt.code {
				t.Errorf("cfnrun %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(tt.args, " "), r.code, tt.code, r.stdout, r.stderr)
			}
			if tt.stderr != "" && !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("cfnrun %s: stderr does not contain %q:\n%s", strings.Join(tt.args, " "), tt.stderr, r.stderr)
			}
		})
	}
}

// TestE2EMissingFileNamesPath checks that a missing file is reported with
// its path, in text and JSON.
func TestE2EMissingFileNamesPath(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		r := cfnrun(t, "validate", "--format", format, "examples/nope/template.yaml")
		if r.code != 2 || !strings.Contains(r.stdout+r.stderr, "examples/nope/template.yaml") {
			t.Errorf("--format %s: exit %d, output does not name the file:\n%s%s", format, r.code, r.stdout, r.stderr)
		}
	}
}

// TestE2ESARIF checks that SARIF output is a 2.1.0 log with one result per
// finding of the JSON output.
func TestE2ESARIF(t *testing.T) {
	const tpl = "examples/broken/template.yaml"
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	r := cfnrun(t, "validate", "--format", "sarif", tpl)
	if err := json.Unmarshal([]byte(r.stdout), &sarif); err != nil {
		t.Fatalf("SARIF is not JSON: %v\n%s", err, r.stdout)
	}
	var js struct{ Findings []struct{ Rule string } }
	if err := json.Unmarshal([]byte(cfnrun(t, "validate", "--format", "json", tpl).stdout), &js); err != nil {
		t.Fatal(err)
	}
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != len(js.Findings) {
		t.Fatalf("SARIF version %q, %d runs; want 2.1.0 with %d results", sarif.Version, len(sarif.Runs), len(js.Findings))
	}
	for i, res := range sarif.Runs[0].Results {
		if res.RuleID != js.Findings[i].Rule {
			t.Errorf("result %d: rule %s, JSON has %s", i, res.RuleID, js.Findings[i].Rule)
		}
	}
}

// TestE2EBrokenREADMEIsCurrent keeps the output pasted into
// examples/broken/README.md equal to what the binary prints.
func TestE2EBrokenREADMEIsCurrent(t *testing.T) {
	r := cfnrun(t, "validate", "examples/broken/template.yaml")
	readme, err := os.ReadFile(filepath.Join(repoRoot, "examples", "broken", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```\n"+r.stdout+"```") {
		t.Errorf("examples/broken/README.md does not show the current output of 'cfnrun validate examples/broken/template.yaml'; paste it in its last code block:\n%s", r.stdout)
	}
}
