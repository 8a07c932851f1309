package tf_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/resolver"
)

// TestNoFalseErrors resolves configurations written after real Terraform
// modules and projects (and the unknown-value cases terraform validate
// accepts) through the whole resolver, Terraform front end and shared model
// rules both, exactly as `cfnrun validate` does: none of them may report an
// error. Each testdata/trust_*.txtar (and unknowns.txtar) is one case; its
// comment says which public module or project it reproduces.
func TestNoFalseErrors(t *testing.T) {
	paths, _ := filepath.Glob("testdata/trust_*.txtar")
	paths = append(paths, "testdata/unknowns.txtar")
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			root := dir
			for _, f := range ar.Files {
				switch f.Name {
				case "dump", "routes", "diags":
					continue
				case "root":
					root = filepath.Join(dir, strings.TrimSpace(string(f.Data)))
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
			r := resolver.Resolve(context.Background(), []string{root}, resolver.Options{})
			if errs := r.Diags.Errors(); len(errs) > 0 {
				var b strings.Builder
				_ = diag.WriteText(&b, r.Files, errs)
				t.Errorf("false errors:\n%s", b.String())
			}
			if r.Template == nil || len(r.Template.APIs) == 0 {
				t.Errorf("no REST API lowered")
			}
		})
	}
}
