package resolver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// hostileTemplates are small inputs that ask for gigabytes or hours when
// evaluated naively (issue 13). Each must end with the finding that names
// the limit it hit, at the place that hit it.
var hostileTemplates = []struct {
	name string
	src  func() string
	// rule and message fragment of the finding that must be reported,
	// and its line.
	rule, want string
	line       int
}{
	{
		// Five levels of Fn::Sub, each repeating the variable of the next
		// 60 times: 60^5 copies of one byte (1.6 KB of template).
		name: "nested-sub-variable-maps",
		src: func() string {
			inner := `"x"`
			for lvl := range 5 {
				v := fmt.Sprintf("v%d", lvl)
				inner = fmt.Sprintf(`{"Fn::Sub": ["%s", {"%s": %s}]}`, strings.Repeat("${"+v+"}", 60), v, inner)
			}
			return `{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": ` + inner + "}}}}\n"
		},
		rule: "E1003", want: "over cfnrun's limit of 4 MiB for one value", line: 1,
	},
	{
		// One anchored 2 KB string joined 20,000 times: 40 MB from 100 KB.
		name: "join-over-aliases",
		src: func() string {
			return "Parameters:\n  P:\n    Type: String\n    Default: &a " + strings.Repeat("x", 2000) + "\n" +
				"Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Join ['', [" + strings.Repeat("*a, ", 19999) + "*a]]\n"
		},
		rule: "E1003", want: "for one value", line: 9,
	},
	{
		// Thirty values of 3 MB each, every one under the limit for one
		// value: the total runs out.
		name: "join-total-bytes",
		src: func() string {
			var b strings.Builder
			b.WriteString("Parameters:\n  P:\n    Type: String\n    Default: &a " + strings.Repeat("y", 3000) + "\nResources:\n")
			for i := range 30 {
				fmt.Fprintf(&b, "  T%d:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Join ['', [%s*a]]\n", i, strings.Repeat("*a, ", 999))
			}
			return b.String()
		},
		rule: "E1003", want: "64 MiB of strings in all", line: 0,
	},
	{
		// Three nested loops of 100 values: a million resources.
		name: "nested-foreach",
		src: func() string {
			vals := func(p string) string {
				var v []string
				for i := range 100 {
					v = append(v, fmt.Sprintf("%s%d", p, i))
				}
				return strings.Join(v, ", ")
			}
			return "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::A:\n    - X\n    - [" + vals("a") + "]\n" +
				"    - Fn::ForEach::B:\n        - Y\n        - [" + vals("b") + "]\n" +
				"        - Fn::ForEach::C:\n            - Z\n            - [" + vals("c") + "]\n" +
				"            - R${X}${Y}${Z}:\n                Type: AWS::SNS::Topic\n"
		},
		rule: "E1003", want: "10000 Fn::ForEach entries", line: 9,
	},
	{
		// A loop body of 30,000 nodes copied for 200 values: 6 million
		// nodes, under the entry limit.
		name: "large-loop-body",
		src: func() string {
			var vals []string
			for i := range 200 {
				vals = append(vals, fmt.Sprintf("v%d", i))
			}
			return "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::A:\n    - X\n    - [" + strings.Join(vals, ", ") + "]\n" +
				"    - R${X}:\n        Type: AWS::SNS::Topic\n        Properties:\n          Tags: [" + strings.Repeat("{Key: k, Value: v}, ", 10000) + "{Key: k, Value: v}]\n"
		},
		rule: "E1003", want: "1000000 lists and maps", line: 0,
	},
	{
		// Fn::Split of a long string into millions of pieces.
		name: "split-bomb",
		src: func() string {
			return "Parameters:\n  P:\n    Type: String\n    Default: \"" + strings.Repeat(",", 900_000) + "\"\n" +
				"Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Select [0, !Split [',', !Join [',', [!Ref P, !Ref P, !Ref P]]]]\n"
		},
		rule: "E1003", want: "lists and maps", line: 0,
	},
	{
		// Fn::ToJsonString over a map whose values are one aliased 4 KB
		// string: the JSON size is bounded before it is rendered.
		name: "tojsonstring-aliases",
		src: func() string {
			var b strings.Builder
			b.WriteString("Transform: AWS::LanguageExtensions\nParameters:\n  P:\n    Type: String\n    Default: &s " + strings.Repeat("<", 4000) + "\n")
			b.WriteString("Resources:\n  A:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !ToJsonString {")
			for i := range 3000 {
				fmt.Fprintf(&b, "k%d: *s, ", i)
			}
			b.WriteString("z: 1}\n")
			return b.String()
		},
		rule: "E1003", want: "for one value", line: 10,
	},
	{
		// A chain of 300 resources, each the parent of the next: every
		// path is a string as long as its depth.
		name: "deep-resource-tree",
		src: func() string {
			var b strings.Builder
			b.WriteString("Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties: {Name: x}\n")
			for i := range 300 {
				parent := fmt.Sprintf("!Ref R%d", i-1)
				if i == 0 {
					parent = "!GetAtt Api.RootResourceId"
				}
				fmt.Fprintf(&b, "  R%d:\n    Type: AWS::ApiGateway::Resource\n    Properties: {RestApiId: !Ref Api, ParentId: %s, PathPart: p}\n", i, parent)
			}
			return b.String()
		},
		rule: "E1003", want: "deeper than 128 levels", line: 0,
	},
	{
		// After the alias limit, every further alias is left out with one
		// finding, not one finding (and source line) each.
		name: "alias-limit-one-finding",
		src: func() string {
			return "Metadata:\n  A: &a [" + strings.Repeat("x, ", 999) + "x]\n  B: [" + strings.Repeat("*a, ", 1999) + "*a]\nResources:\n  T:\n    Type: AWS::SNS::Topic\n"
		},
		rule: "E0006", want: "more than 100000 nodes", line: 3,
	},
}

// TestHostileTemplates: each hostile template ends with its finding, and
// what resolving it allocates in all stays far below what its naive
// evaluation would (the bound is not a timing).
func TestHostileTemplates(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range hostileTemplates {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src()
			if len(src) > cfnTemplateLimit {
				t.Fatalf("the template is %d bytes; these inputs stay under CloudFormation's 1 MB", len(src))
			}
			path := filepath.Join(dir, tt.name+".yaml")
			if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			r := Resolve(context.Background(), []string{path}, Options{})
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 512<<20 {
				t.Errorf("resolving allocated %d MiB in all, want under 512 MiB", alloc>>20)
			}
			var found []diag.Diagnostic
			for _, d := range r.Diags {
				if d.Rule == tt.rule {
					found = append(found, d)
				}
			}
			if len(found) != 1 {
				t.Fatalf("want exactly one %s finding, got %d:\n%s", tt.rule, len(found), findingsText(r.Diags))
			}
			d := found[0]
			if !strings.Contains(d.Summary, tt.want) {
				t.Errorf("finding %q does not name the limit (%q)", d.Summary, tt.want)
			}
			if d.Range.Filename != path || d.Range.Start.Line < 1 || (tt.line > 0 && d.Range.Start.Line != tt.line) {
				t.Errorf("finding at %s, want %s:%d", d.Range, path, tt.line)
			}
		})
	}
}

// countdownCtx is a context that is cancelled at its n-th look: the test
// decides where in the resolution the cancellation lands, without timing.
type countdownCtx struct {
	context.Context
	looks, n int
}

func (c *countdownCtx) Err() error {
	c.looks++
	if c.n > 0 && c.looks >= c.n {
		return context.Canceled
	}
	return nil
}

// TestResolveCancelled: a cancelled context stops the resolution at the
// next look, during evaluation as well as between its steps, with one
// finding that says so (commands turn SIGINT into a cancelled context).
func TestResolveCancelled(t *testing.T) {
	var b strings.Builder
	b.WriteString("Resources:\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "  T%d:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: !Sub \"t-${AWS::Region}-%d\", Tags: [{Key: a, Value: !Join ['-', [x, y, z]]}]}\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// How often a whole resolution looks at its context.
	full := &countdownCtx{Context: context.Background()}
	if r := Resolve(full, []string{path}, Options{}); r.HasInputErrors() {
		t.Fatalf("uncancelled resolution failed:\n%s", findingsText(r.Diags))
	}
	if full.looks < 10 {
		t.Fatalf("the resolution looked at its context %d times; evaluation must look too", full.looks)
	}
	for _, n := range []int{1, 2, 3, full.looks / 2, full.looks - 1} {
		ctx := &countdownCtx{Context: context.Background(), n: n}
		r := Resolve(ctx, []string{path}, Options{})
		var cancelled int
		for _, d := range r.Diags {
			if d.Rule == ruleInput.ID && strings.Contains(d.Summary, "cancelled") {
				cancelled++
			}
		}
		if cancelled != 1 {
			t.Errorf("cancelled at look %d of %d: want one cancelled finding, got:\n%s", n, full.looks, findingsText(r.Diags))
		}
		if ctx.looks > n {
			t.Errorf("cancelled at look %d: the resolution looked again %d times", n, ctx.looks-n)
		}
	}
}
