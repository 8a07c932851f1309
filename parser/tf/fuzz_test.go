package tf

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// FuzzLoad feeds arbitrary single-file configurations to Load: it must
// never panic, and every diagnostic must name the file when it has a
// position. Seeds: the .tf files of the golden cases, plus the checked-in
// corpus under testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.txtar")
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			continue
		}
		for _, file := range ar.Files {
			if filepath.Ext(file.Name) == ".tf" {
				f.Add(file.Data)
			}
		}
	}
	if src, err := os.ReadFile("../../examples/seed/main.tf"); err == nil {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "main.tf")
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
		files := diag.NewFiles()
		tm, ds := Load(context.Background(), []string{p}, Options{}, files)
		if tm == nil {
			t.Fatal("nil template")
		}
		_ = model.DumpString(tm, model.DumpOptions{Positions: true, Identity: true})
		_ = model.Routes(tm)
		for _, d := range ds {
			if d.Rule == "" || d.Summary == "" {
				t.Errorf("diagnostic without rule or summary: %+v", d)
			}
			if d.Rule == "TF000" {
				t.Errorf("Load recovered from a panic: %s", d.Summary)
			}
		}
	})
}
