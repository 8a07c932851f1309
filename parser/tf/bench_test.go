package tf

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/gen"
	"github.com/cfnrun/cfnrun/internal/model"
)

func TestGeneratedConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(p, []byte(gen.Terraform(200)), 0o644); err != nil {
		t.Fatal(err)
	}
	tm, ds := Load(context.Background(), []string{p}, Options{}, diag.NewFiles())
	if ds.HasErrors() {
		t.Fatalf("unexpected errors: %v", ds)
	}
	if got := len(model.Routes(tm)); got != 200 {
		t.Fatalf("routes = %d, want 200", got)
	}
}

// BenchmarkLoad200Routes resolves the generated 200-route configuration
// (go test -bench Load200 -benchmem ./parser/tf).
func BenchmarkLoad200Routes(b *testing.B) {
	dir := b.TempDir()
	p := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(p, []byte(gen.Terraform(200)), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tm, ds := Load(context.Background(), []string{p}, Options{}, diag.NewFiles())
		if ds.HasErrors() || len(tm.APIs) != 1 {
			b.Fatal(ds)
		}
	}
}

// BenchmarkLoadScale resolves the generated configurations of 50, 200 and
// 1,000 routes, for the curve in docs/performance.md
// (go test -run '^$' -bench LoadScale -benchmem ./parser/tf), as diff and
// up load them (LoadScale/N) and as validate does (LoadScale/N-findings:
// Options.FindingsOnly).
func BenchmarkLoadScale(b *testing.B) {
	for _, n := range []int{50, 200, 1000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) { loadScale(b, n, Options{}) })
		b.Run(strconv.Itoa(n)+"-findings", func(b *testing.B) { loadScale(b, n, Options{FindingsOnly: true}) })
	}
}

func loadScale(b *testing.B, n int, opts Options) {
	p := filepath.Join(b.TempDir(), "main.tf")
	if err := os.WriteFile(p, []byte(gen.Terraform(n)), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tm, ds := Load(context.Background(), []string{p}, opts, diag.NewFiles())
		if ds.HasErrors() || len(tm.APIs) != 1 {
			b.Fatal(ds)
		}
	}
}
