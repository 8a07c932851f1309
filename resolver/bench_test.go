package resolver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/gen"
)

// writeGenerated writes the generated template and checks that it
// resolves cleanly, so the benchmark measures a realistic, valid input.
func writeGenerated(tb testing.TB, n int) string {
	return writeGeneratedAs(tb, n, "yaml")
}

// writeGeneratedAs writes the generated template as YAML or JSON.
func writeGeneratedAs(tb testing.TB, n int, format string) string {
	tb.Helper()
	src, count := gen.CFNYAML(n, 0)
	if format == "json" {
		src, count = gen.CFNJSON(n, 0)
	}
	if count < n-5 || count > n {
		tb.Fatalf("generated %d resources, want about %d", count, n)
	}
	path := filepath.Join(tb.TempDir(), "generated."+format)
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
	r := Resolve(context.Background(), []string{path}, Options{})
	for _, d := range r.Diags.Errors() {
		// Past 1 MB (about 3,000 resources) CloudFormation's size limit is
		// the one finding: the curve goes on, as CDK's output does.
		if d.Rule != "E1002" {
			tb.Fatalf("generated template has errors, the first: %s", d.Error())
		}
	}
	if len(r.Template.Nodes) != count {
		tb.Fatalf("%d graph nodes, want %d", len(r.Template.Nodes), count)
	}
	return path
}

func TestGeneratedTemplateResolvesCleanly(t *testing.T) {
	y := Resolve(context.Background(), []string{writeGeneratedAs(t, 200, "yaml")}, Options{})
	j := Resolve(context.Background(), []string{writeGeneratedAs(t, 200, "json")}, Options{})
	// The two syntaxes describe one API.
	if len(y.Template.APIs) != len(j.Template.APIs) || len(y.Template.Functions) != len(j.Template.Functions) {
		t.Fatalf("YAML and JSON differ: %d/%d APIs, %d/%d functions", len(y.Template.APIs), len(j.Template.APIs), len(y.Template.Functions), len(j.Template.Functions))
	}
}

// BenchmarkResolveScale shows how the cost of a resolve grows with the
// template: go test -run X -bench ResolveScale -benchmem ./resolver/
func BenchmarkResolveScale(b *testing.B) {
	for _, format := range []string{"yaml", "json"} {
		for _, n := range []int{500, 2000, 8000, 16000} {
			b.Run(fmt.Sprintf("%s/%d", format, n), func(b *testing.B) {
				path := writeGeneratedAs(b, n, format)
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if r := Resolve(ctx, []string{path}, Options{}); r.Template == nil {
						b.Fatal("no template")
					}
				}
			})
		}
	}
}

// BenchmarkValidateScale is BenchmarkResolveScale as `cfnrun validate`
// resolves: findings only, no property copy for diff.
// go test -run X -bench ValidateScale -benchmem ./resolver/
func BenchmarkValidateScale(b *testing.B) {
	for _, format := range []string{"yaml", "json"} {
		for _, n := range []int{500, 2000, 8000, 16000} {
			b.Run(fmt.Sprintf("%s/%d", format, n), func(b *testing.B) {
				path := writeGeneratedAs(b, n, format)
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if r := Resolve(ctx, []string{path}, Options{FindingsOnly: true}); r.Template == nil {
						b.Fatal("no template")
					}
				}
			})
		}
	}
}

// BenchmarkDiffScale is BenchmarkResolveScale as `cfnrun diff` resolves
// each side: the property copies built on demand (LazyProps), so none here.
// go test -run X -bench DiffScale -benchmem ./resolver/
func BenchmarkDiffScale(b *testing.B) {
	for _, format := range []string{"yaml", "json"} {
		for _, n := range []int{500, 2000, 8000} {
			b.Run(fmt.Sprintf("%s/%d", format, n), func(b *testing.B) {
				path := writeGeneratedAs(b, n, format)
				ctx := context.Background()
				b.ReportAllocs()
				for b.Loop() {
					if r := Resolve(ctx, []string{path}, Options{AllowExtensions: true, LazyProps: true}); r.Template == nil {
						b.Fatal("no template")
					}
				}
			})
		}
	}
}

// BenchmarkResolveGenerated2000 resolves (parse, graph, evaluate, lower,
// check) a 2,000-resource template: what `cfnrun validate` does in-process.
func BenchmarkResolveGenerated2000(b *testing.B) {
	path := writeGenerated(b, 2000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := Resolve(ctx, []string{path}, Options{})
		if r.Template == nil {
			b.Fatal("no template")
		}
	}
}

// buildCfnrun builds the real binary once per benchmark.
func buildCfnrun(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "cfnrun")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/cfnrun")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runValidate execs `cfnrun validate` and accepts exit codes 0 and 1
// (findings); anything else fails the benchmark.
func runValidate(b *testing.B, bin string, args ...string) {
	cmd := exec.Command(bin, append([]string{"validate"}, args...)...)
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		b.Fatalf("cfnrun validate %s: %v", strings.Join(args, " "), err)
	}
}

// BenchmarkValidateProcessSeed is the whole process a developer waits
// for: exec `cfnrun validate examples/seed/template.yaml`, start to exit.
func BenchmarkValidateProcessSeed(b *testing.B) {
	bin := buildCfnrun(b)
	seed := filepath.Join("..", "examples", "seed", "template.yaml")
	b.ResetTimer()
	for b.Loop() {
		runValidate(b, bin, seed)
	}
}

// BenchmarkValidateProcessGenerated2000 is the whole process on the
// generated 2,000-resource template.
func BenchmarkValidateProcessGenerated2000(b *testing.B) {
	path := writeGenerated(b, 2000)
	bin := buildCfnrun(b)
	b.ResetTimer()
	for b.Loop() {
		runValidate(b, bin, path)
	}
}
