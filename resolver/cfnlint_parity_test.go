package resolver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/parser/cfn"
	"golang.org/x/tools/txtar"
)

// cfn-lint parity: for every CloudFormation template in the repository (the
// examples, every testdata file, and every template section of a testdata
// txtar archive — found by walking, so new templates join by themselves),
// every error cfn-lint reports that concerns API Gateway, Lambda (and SAM)
// or the intrinsic functions must also be an error of ours: on the same
// line, or with the same rule id on the same resource (cfn-lint reports a
// missing property at the resource, a cycle at each of its members). A
// difference cfnrun means to keep is one line in cfnlintExceptions; its
// reason is rendered into docs/rules.md ("Where cfnrun differs from
// cfn-lint"). The test skips when cfn-lint is not installed, and with
// -short.

// cfnlintException excuses one cfn-lint rule, in every template (file "")
// or in one (file relative to the repository root; a txtar section as
// "archive.txtar/section"). why is the argument, as docs/rules.md shows it.
type cfnlintException struct {
	rule, file, why string
}

// cfnlintExceptions: one line per argued difference.
var cfnlintExceptions = []cfnlintException{
	{"E0001", "resolver/testdata/sam-request-model.txtar/template.yaml",
		"A SAM `Api` with `Models` and no `DefinitionBody`: before it runs the SAM transform, cfn-lint 1.51 gives such an API a placeholder S3 `DefinitionUri`, and the transform then refuses `Models` (\"Models works only with inline Swagger specified in 'DefinitionBody' property\"); aws-sam-translator itself (1.110, the SAM shape oracle's) generates the definition from the API's events and accepts it, as the serverless-patterns apigw-data-validation pattern relies on."},
	{"E1020", "resolver/testdata/foreach.txtar/template.yaml",
		"`Ref: Res${Name}` inside `Fn::ForEach`: the transform replaces every `${Identifier}` in the loop's output value, `Ref` targets included (Fn::ForEach reference), and cfnrun expands the loop before resolving references; cfn-lint 1.51 checks the unexpanded name."},
	{"E1021", "resolver/testdata/real/cfn-lint-good-functions-sub.yaml",
		"`Fn::Base64` of `Fn::Transform`: the macro runs first and returns the string Base64 encodes. The template is one of cfn-lint's own \"good\" test templates."},
	{"E3002", "resolver/schema/testdata/unknown_property.txtar/template.yaml",
		"`Http2Enabled` on `AWS::ApiGateway::Stage` is cfnrun's extension, reported as [E9001](#e9001) on the stages of the REST APIs cfnrun lowers; this test template's stage names no API, so there is none to report it on."},
	{"E2533", "",
		"Deprecated Lambda runtimes whose update is blocked: cfnrun reports them as [E3402](#e3402) at the `Runtime` line (in `Globals` when SAM's globals set it), from the same deprecation table; on SAM templates cfn-lint reports the transformed function at its logical id, so the lines differ."},
	{"E3034", "resolver/testdata/lambda-globals-position.txtar/template.yaml",
		"A `Timeout` out of range that SAM's `Globals` gives several functions: cfnrun reports it as [E3407](#e3407) once, at the `Globals` line, naming the other functions; cfn-lint reports each transformed function at its logical id."},
	{"E3678", "",
		"A .zip Lambda function without `Runtime`: cfnrun reports it as [E3404](#e3404) at the function's logical id, cfn-lint at its `Code`."},
}

// cfnlintFinding is one entry of `cfn-lint --format json`.
type cfnlintFinding struct {
	Rule struct {
		ID string `json:"Id"`
	} `json:"Rule"`
	Level    string `json:"Level"`
	Message  string `json:"Message"`
	Filename string `json:"Filename"`
	Location struct {
		Start struct {
			LineNumber   int `json:"LineNumber"`
			ColumnNumber int `json:"ColumnNumber"`
		} `json:"Start"`
		Path []any `json:"Path"`
	} `json:"Location"`
}

// parityTemplate is one template to compare: path is what both tools read,
// name what messages show (relative to the repository root).
type parityTemplate struct {
	path, name string
	types      map[string]string // logical id -> resource type
}

func TestCfnLintParity(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint is not installed")
	}
	if testing.Short() {
		t.Skip("cfn-lint parity runs cfn-lint over every template; skipped with -short")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	templates := parityTemplates(t, root, t.TempDir())
	if len(templates) < 20 {
		t.Fatalf("found only %d templates under %s", len(templates), root)
	}
	byPath := map[string]*parityTemplate{}
	args := []string{"--format", "json", "--regions", "us-east-1", "--"}
	for i := range templates {
		byPath[templates[i].path] = &templates[i]
		args = append(args, templates[i].path)
	}
	// One cfn-lint process over every template (its start-up, ~1 s of
	// CPU, is paid once). It takes about 90 s at load 18 on two cores and
	// over 10 minutes at load 60, so it gets the time go test gives the
	// package (-timeout; make test gives 30m), less a margin for the rest
	// of this test: a slow machine then fails here with a message that says
	// so, not with go test's panic, and never with a fixed cap shorter than
	// the run's own timeout.
	limit := 30 * time.Minute
	if d, ok := t.Deadline(); ok {
		limit = time.Until(d) * 9 / 10
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, lint, args...)
	cmd.Dir = t.TempDir() // no .cfnlintrc of ours applies
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	if ctx.Err() != nil {
		load, _ := os.ReadFile("/proc/loadavg")
		t.Fatalf("cfn-lint did not finish over %d templates in %v (load average %s); the parity was not checked. "+
			"The machine is too slow for this run's -timeout: rerun with a larger one (make test uses -timeout 30m), or at lower load",
			len(templates), time.Since(start).Round(time.Second), strings.TrimSpace(string(load)))
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		// cfn-lint exits non-zero when it finds something; only a failure
		// to run at all is fatal.
		t.Fatalf("cfn-lint: %v\n%s", err, stderr.String())
	}
	var found []cfnlintFinding
	if err := json.Unmarshal(stdout.Bytes(), &found); err != nil {
		t.Fatalf("cfn-lint output is not JSON: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	ours := map[string]diag.Diagnostics{}
	for _, tp := range templates {
		r := Resolve(context.Background(), []string{tp.path}, Options{})
		ours[tp.path] = r.Diags.Errors()
	}
	checked, excused := 0, 0
	used := map[int]bool{}
	for _, f := range found {
		tp := byPath[f.Filename]
		if tp == nil {
			if abs, err := filepath.Abs(f.Filename); err == nil {
				tp = byPath[abs]
			}
		}
		if tp == nil || f.Level != "Error" || !parityConcerns(f, tp) {
			continue
		}
		checked++
		matched := parityMatched(f, ours[tp.path])
		if i := parityExcused(f.Rule.ID, tp.name); i >= 0 {
			excused++
			if !matched {
				used[i] = true
			}
			continue
		}
		if !matched {
			line := f.Location.Start.LineNumber
			t.Errorf("%s:%d:%d: cfn-lint %s is not an error of cfnrun (on that line, or with that rule on resource %s): %s\n  (fix cfnrun, or argue the difference: a line in cfnlintExceptions)",
				tp.name, line, f.Location.Start.ColumnNumber, f.Rule.ID, parityResource(f), f.Message)
			for _, d := range ours[tp.path] {
				t.Logf("  cfnrun: %s", d.Error())
			}
		}
	}
	for i, e := range cfnlintExceptions {
		if !used[i] {
			// Not a failure: another engineer's new rule may have made
			// the exception moot; say so, so the line gets removed.
			t.Logf("cfnlintExceptions[%d] (%s %s) excused nothing: cfnrun now matches cfn-lint there, or the template changed; remove the line", i, e.rule, e.file)
		}
	}
	t.Logf("%d templates; %d cfn-lint errors about API Gateway, Lambda or intrinsics compared, %d excused", len(templates), checked, excused)
}

// parityMatched reports whether one of our errors answers cfn-lint's
// finding f: an error on its line or, when cfn-lint points at a whole
// resource or its Properties (a missing property, a cycle), one with its
// rule id about the same resource (by logical id, or naming it, as a cycle
// does).
func parityMatched(f cfnlintFinding, ours diag.Diagnostics) bool {
	line := f.Location.Start.LineNumber
	id := parityResource(f)
	whole := id != "" && len(f.Location.Path) <= 3
	return slices.ContainsFunc(ours, func(d diag.Diagnostic) bool {
		if d.Range.Start.Line <= line && line <= max(d.Range.End.Line, d.Range.Start.Line) {
			return true
		}
		return whole && d.Rule == f.Rule.ID && (d.Resource == id || strings.Contains(d.Summary, id))
	})
}

// parityResource is the logical id a cfn-lint finding is about, or "".
func parityResource(f cfnlintFinding) string {
	p := f.Location.Path
	if len(p) < 2 || p[0] != "Resources" {
		return ""
	}
	id, _ := p[1].(string)
	return id
}

// parityConcerns reports whether a cfn-lint finding is in the scope of the
// parity promise: an intrinsic-function rule (E1010–E1099: GetAtt,
// FindInMap, Ref, Sub, Join, Select, Split, If, ForEach, …), or a finding
// inside a resource of an API Gateway, Lambda or SAM type.
func parityConcerns(f cfnlintFinding, tp *parityTemplate) bool {
	if id := f.Rule.ID; len(id) == 5 && id >= "E1010" && id <= "E1099" {
		return true
	}
	typ := tp.types[parityResource(f)]
	for _, pre := range []string{"AWS::ApiGateway::", "AWS::ApiGatewayV2::", "AWS::Lambda::", "AWS::Serverless::"} {
		if strings.HasPrefix(typ, pre) {
			return true
		}
	}
	return false
}

// parityExcused returns the index of the exception that excuses rule in
// the template called name, or -1.
func parityExcused(rule, name string) int {
	for i, e := range cfnlintExceptions {
		if e.rule == rule && (e.file == "" || e.file == filepath.ToSlash(name)) {
			return i
		}
	}
	return -1
}

// writeCfnLintDifferences renders cfnlintExceptions for docs/rules.md.
func writeCfnLintDifferences(b *strings.Builder) {
	b.WriteString("\n## Where cfnrun differs from cfn-lint\n\n")
	b.WriteString("A test (`resolver/cfnlint_parity_test.go`, run when `cfn-lint` is installed) runs cfn-lint over every\n")
	b.WriteString("template in this repository (examples and test data) and requires every cfn-lint error about API\n")
	b.WriteString("Gateway, Lambda, SAM or the intrinsic functions to be an error of cfnrun too, except these:\n\n")
	b.WriteString("| cfn-lint rule | where | why |\n|---|---|---|\n")
	for _, e := range cfnlintExceptions {
		where := "every template"
		if e.file != "" {
			where = "`" + e.file + "`"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", e.rule, where, e.why)
	}
}

// parityTemplates finds every CloudFormation template under root's
// examples/ and testdata/ directories, and writes the template sections of
// txtar archives there to tmp.
func parityTemplates(t *testing.T, root, tmp string) []parityTemplate {
	t.Helper()
	var out []parityTemplate
	add := func(path, name string, src []byte) {
		if types := cfnTypes(name, src); types != nil {
			out = append(out, parityTemplate{path: path, name: name, types: types})
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasPrefix(rel, "examples"+string(filepath.Separator)) && !strings.Contains(rel, "testdata"+string(filepath.Separator)) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch ext := filepath.Ext(path); ext {
		case ".yaml", ".yml", ".json", ".template":
			add(path, rel, src)
		case ".txtar":
			for _, f := range txtar.Parse(src).Files {
				switch filepath.Ext(f.Name) {
				case ".yaml", ".yml", ".json", ".template":
				default:
					continue
				}
				name := rel + "/" + f.Name
				p := filepath.Join(tmp, strings.NewReplacer("/", "__", "\\", "__").Replace(name))
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					return err
				}
				add(p, name, f.Data)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cfnTypes returns the resource types of a CloudFormation template by
// logical id, or nil when src is not one (OpenAPI bodies, parameter files,
// Terraform plans, ...): it needs a Resources mapping whose entries have a
// Type.
func cfnTypes(name string, src []byte) map[string]string {
	root, _ := cfn.Parse(name, src)
	if root == nil {
		return nil
	}
	res := root.Get("Resources")
	if res == nil || res.Kind != cfn.Mapping || len(res.Fields) == 0 {
		return nil
	}
	types := map[string]string{}
	for _, f := range res.Fields {
		if tn := f.Value.Get("Type"); tn != nil && tn.Kind == cfn.Scalar {
			types[f.Key] = tn.Value
		}
	}
	if len(types) == 0 {
		return nil
	}
	return types
}
