package resolver

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// FuzzResolve feeds arbitrary templates through the whole CloudFormation
// pipeline (parse, graph, evaluate, lower, rules): it must never panic, and
// every finding must carry a position in the file.
func FuzzResolve(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			continue
		}
		for _, af := range ar.Files {
			if ext := filepath.Ext(af.Name); ext == ".yaml" || ext == ".json" {
				f.Add(af.Data)
			}
		}
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		path := filepath.Join(dir, "t.yaml")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		r := Resolve(context.Background(), []string{path}, Options{})
		for _, d := range r.Diags {
			if d.Range.Filename == "" || d.Summary == "" || d.Rule == "" {
				t.Fatalf("finding without file, summary or rule: %+v", d)
			}
		}
	})
}

// fuzzLimits are small evaluation limits, so that a fuzzed expression
// reaches them in microseconds and an amplification that bypasses the
// budget shows as an allocation far above them.
var fuzzLimits = limits{values: 10_000, bytes: 1 << 20, valueBytes: 256 << 10, entries: 200}

// FuzzEvaluate evaluates fuzzed intrinsic expressions — not only parses
// them — inside a template that gives them parameters, mappings,
// conditions, anchors and a loop to work with, under fuzzLimits. Whatever
// the expression, resolving must not panic, every finding must have a
// position, and what it allocates must stay within a small multiple of
// the limits (an amplification the budget does not see fails here).
func FuzzEvaluate(f *testing.F) {
	for _, expr := range []string{
		`!Sub ["${a}${a}${a}", {a: !Join ["", [*s, *s, *s]]}]`,
		`!Join [",", [!Ref L, !Ref L, *s]]`,
		`!Select [1, !Split [",", !Ref P]]`,
		`!Base64 !ToJsonString {a: *s, b: [*s, *s]}`,
		`!If [C, !FindInMap [M, k, v], !GetAZs ""]`,
		`!Cidr ["10.0.0.0/16", 256, 4]`,
		`!Length [!Ref L, *s]`,
		`!Sub "${T.Arn}-${AWS::StackId}"`,
		`!Join ["", [!Sub ["${x}${x}", {x: !Join ["", [*s, *s]]}], !Sub ["${y}${y}", {y: *s}]]]`,
	} {
		f.Add(expr)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, expr string) {
		if strings.Contains(expr, "\n") {
			return // one line, so the template around it stays valid YAML
		}
		src := "Transform: AWS::LanguageExtensions\n" +
			"Parameters:\n  P:\n    Type: String\n    Default: &s 'a,b,c,d'\n  L:\n    Type: CommaDelimitedList\n    Default: x,y\n" +
			"Mappings:\n  M:\n    k:\n      v: w\n" +
			"Conditions:\n  C: !Equals [!Ref P, 'a,b,c,d']\n" +
			"Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: " + expr + "\n" +
			"  Fn::ForEach::Loop:\n    - X\n    - !Ref L\n    - Q${X}:\n        Type: AWS::SQS::Queue\n        Properties:\n          QueueName: " + expr + "\n" +
			"Outputs:\n  O:\n    Value: " + expr + "\n"
		path := filepath.Join(dir, "t.yaml")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := Resolve(context.Background(), []string{path}, Options{limits: &fuzzLimits})
		runtime.ReadMemStats(&after)
		for _, d := range r.Diags {
			if d.Range.Filename == "" || d.Range.Start.Line < 1 || d.Summary == "" || d.Rule == "" {
				t.Fatalf("finding without position, summary or rule: %+v", d)
			}
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Fatalf("evaluating %q allocated %d MiB; the limits allow about %d MiB", expr, alloc>>20, fuzzLimits.bytes>>20)
		}
	})
}
