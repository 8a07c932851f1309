package diff_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cfnrun/cfnrun/diff"
	"github.com/cfnrun/cfnrun/internal/gen"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/resolver"
)

// resolveGen resolves the generated CloudFormation JSON template of n
// resources (variant as gen.CFNJSON) the way `cfnrun diff` does (Props
// built on demand).
func resolveGen(b *testing.B, n, variant int) *model.Template {
	b.Helper()
	src, _ := gen.CFNJSON(n, variant)
	path := filepath.Join(b.TempDir(), "t.json")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	r := resolver.Resolve(context.Background(), []string{path}, resolver.Options{StackName: "gen", AllowExtensions: true, LazyProps: true})
	if r.HasInputErrors() || r.Template == nil {
		b.Fatalf("the generated template does not resolve: %v", r.Diags.Errors())
	}
	return r.Template
}

// BenchmarkCompareGenerated2000 compares and prints the two generated
// 2,000-resource templates `cfnrun diff` is measured on (docs/performance.md):
// the diff's own share of that process, without the resolve.
func BenchmarkCompareGenerated2000(b *testing.B) {
	old, nw := resolveGen(b, 2000, 0), resolveGen(b, 2000, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r, err := diff.Compare(ctx, old, nw)
		if err != nil {
			b.Fatal(err)
		}
		if err := diff.WriteText(io.Discard, r, false); err != nil {
			b.Fatal(err)
		}
	}
}
