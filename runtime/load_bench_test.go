package runtime

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cfnrun/cfnrun/internal/gen"
	"github.com/cfnrun/cfnrun/resolver"
	"github.com/cfnrun/cfnrun/runtime/lambda"
)

// BenchmarkLoad2000 is what `cfnrun up` spends compiling a 2,000-resource
// template (400 functions, 800 routes) before it serves: Gateway.Load with
// the Lambda service up starts, as a fresh gateway's first Load.
//
//	go test -run X -bench Load2000 -benchmem ./runtime/
func BenchmarkLoad2000(b *testing.B) {
	src, _ := gen.CFNYAML(2000, 0)
	path := filepath.Join(b.TempDir(), "t.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		b.Fatal(err)
	}
	r := resolver.Resolve(context.Background(), []string{path}, resolver.Options{AllowExtensions: true})
	if len(r.Diags.Errors()) > 0 {
		b.Fatal(r.Diags.Errors()[0].Error())
	}
	cache := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		svc := lambda.New(context.Background(), lambda.Config{NoWatch: true, CacheDir: cache})
		g, err := New(Config{Lambda: svc, MapAll: "127.0.0.1:1"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := g.Load(r.Template); err != nil {
			b.Fatal(err)
		}
		g.Close()
		svc.Close()
	}
}
