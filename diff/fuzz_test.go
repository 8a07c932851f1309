package diff

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzCompare feeds pairs of templates (seeded from the golden archives)
// through Compare and every renderer: whatever the models look like,
// Compare must not panic, must be deterministic, and a template compared
// with itself must show no change.
func FuzzCompare(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		a := parseArchive(string(src))
		o, _ := a.get("old.json")
		n, _ := a.get("new.json")
		f.Add(o, n)
	}
	f.Fuzz(func(t *testing.T, oldSrc, newSrc string) {
		old, err := buildTemplate("old.json", oldSrc)
		if err != nil {
			return
		}
		nw, err := buildTemplate("new.json", newSrc)
		if err != nil {
			return
		}
		ctx := context.Background()
		r, err := Compare(ctx, old, nw)
		if err != nil {
			t.Fatal(err)
		}
		var b1, b2 bytes.Buffer
		if err := WriteText(&b1, r, true); err != nil {
			t.Fatal(err)
		}
		if err := WriteMarkdown(&b1, r); err != nil {
			t.Fatal(err)
		}
		if err := WriteJSON(&b1, r); err != nil {
			t.Fatal(err)
		}
		if err := WriteGitHub(&b1, r); err != nil {
			t.Fatal(err)
		}
		r2, _ := Compare(ctx, old, nw)
		_ = WriteText(&b2, r2, true)
		_ = WriteMarkdown(&b2, r2)
		_ = WriteJSON(&b2, r2)
		_ = WriteGitHub(&b2, r2)
		if b1.String() != b2.String() {
			t.Fatal("Compare is not deterministic")
		}
		same, err := Compare(ctx, nw, nw)
		if err != nil {
			t.Fatal(err)
		}
		if !same.Empty() {
			t.Fatalf("a template compared with itself shows changes: %+v", brief(same))
		}
	})
}
