package diff_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cfnrun/cfnrun/diff"
	"github.com/cfnrun/cfnrun/resolver"
)

// FuzzLazyProps resolves pairs of CloudFormation templates (seeded from
// testdata/pairs) with the property copies built eagerly and on demand
// (resolver.Options.LazyProps, what cfnrun diff uses), and requires the
// same diff, in text and JSON, from both.
//
//	go test -run '^$' -fuzz FuzzLazyProps -fuzztime 60s ./diff/
func FuzzLazyProps(f *testing.F) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "pairs", "*"))
	for _, dir := range dirs {
		var src [2]string
		for i, side := range []string{"old", "new"} {
			for _, ext := range []string{".yaml", ".json"} {
				if b, err := os.ReadFile(filepath.Join(dir, side+ext)); err == nil {
					src[i] = string(b)
				}
			}
		}
		if src[0] != "" && src[1] != "" {
			f.Add(src[0], src[1])
		}
	}
	f.Fuzz(func(t *testing.T, oldSrc, newSrc string) {
		dir := t.TempDir()
		paths := []string{filepath.Join(dir, "old.yaml"), filepath.Join(dir, "new.yaml")}
		for i, src := range []string{oldSrc, newSrc} {
			if err := os.WriteFile(paths[i], []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var out [2]bytes.Buffer
		for i, lazy := range []bool{false, true} {
			opts := resolver.Options{StackName: "fuzz", AllowExtensions: true, LazyProps: lazy}
			old := resolver.Resolve(context.Background(), paths[:1], opts)
			nw := resolver.Resolve(context.Background(), paths[1:], opts)
			if old.Template == nil || nw.Template == nil || old.HasInputErrors() || nw.HasInputErrors() {
				return
			}
			r, err := diff.Compare(context.Background(), old.Template, nw.Template)
			if err != nil {
				t.Fatal(err)
			}
			if err := diff.WriteText(&out[i], r, false); err != nil {
				t.Fatal(err)
			}
			if err := diff.WriteJSON(&out[i], r); err != nil {
				t.Fatal(err)
			}
		}
		if out[0].String() != out[1].String() {
			t.Fatalf("the diff differs with LazyProps:\neager:\n%s\nlazy:\n%s", out[0].String(), out[1].String())
		}
	})
}
