package resolver

import (
	"context"
	"os"
	"path/filepath"
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
