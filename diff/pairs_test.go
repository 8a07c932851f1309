package diff_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/diff"
	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/resolver"
	"github.com/google/go-cmp/cmp"
)

// TestPairs diffs every real-looking template pair under testdata/pairs
// (old.yaml|json and new.yaml|json, or old/ and new/ Terraform modules)
// through the resolver, as `cfnrun diff`
// does, and compares the text output with expected.txt (rewritten with
// -update).
func TestPairs(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "pairs", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no pairs: %v", err)
	}
	// -update is defined by golden_test.go; both files build into one
	// test binary.
	update := false
	if f := flag.Lookup("update"); f != nil {
		update = f.Value.String() == "true"
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			old := resolvePair(t, dir, "old")
			nw := resolvePair(t, dir, "new")
			r, err := diff.Compare(context.Background(), old, nw)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := diff.WriteText(&b, r, false); err != nil {
				t.Fatal(err)
			}
			// No stand-in cfnrun made up reaches the output: not a
			// generated name's suffix, an id, nor a parameter placeholder.
			for _, side := range []*model.Template{old, nw} {
				for _, n := range side.Nodes {
					if ref := n.Attrs["Ref"]; n.Generated && len(ref) >= 6 && strings.Contains(b.String(), ref) {
						t.Errorf("the stand-in %q for %s is printed", ref, n.Address)
					}
				}
				for _, p := range side.Parameters {
					if p.Source == "placeholder" && strings.HasPrefix(p.Value, "placeholder-") && strings.Contains(b.String(), p.Value) {
						t.Errorf("the placeholder %q of parameter %s is printed", p.Value, p.Name)
					}
				}
			}
			golden := filepath.Join(dir, "expected.txt")
			if update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if d := cmp.Diff(string(want), b.String()); d != "" {
				t.Errorf("%s (-want +got):\n%s", golden, d)
			}
			// cfnrun diff resolves with Props built on demand
			// (LazyProps): every output is the same as with the eager
			// copies.
			lr, err := diff.Compare(context.Background(), resolvePairWith(t, dir, "old", true), resolvePairWith(t, dir, "new", true))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []struct {
				format string
				write  func(io.Writer, *diff.Result) error
			}{
				{"text", func(w io.Writer, r *diff.Result) error { return diff.WriteText(w, r, false) }},
				{"json", diff.WriteJSON},
				{"markdown", diff.WriteMarkdown},
				{"github", diff.WriteGitHub},
			} {
				var eb, lb bytes.Buffer
				if err := w.write(&eb, r); err != nil {
					t.Fatal(err)
				}
				if err := w.write(&lb, lr); err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(eb.String(), lb.String()); d != "" {
					t.Errorf("%s with LazyProps differs (-eager +lazy):\n%s", w.format, d)
				}
			}
		})
	}
}

func resolvePair(t *testing.T, dir, side string) *model.Template {
	t.Helper()
	return resolvePairWith(t, dir, side, false)
}

// resolvePairWith resolves one side, with Props built on demand when lazy
// (as cfnrun diff does).
func resolvePairWith(t *testing.T, dir, side string, lazy bool) *model.Template {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(dir, side+".*"))
	if fi, err := os.Stat(filepath.Join(dir, side)); err == nil && fi.IsDir() {
		matches = append(matches, filepath.Join(dir, side)) // a Terraform module
	}
	// side.path names an input elsewhere in the repository (an example),
	// relative to the pair's directory, so pairs need not copy it.
	if b, err := os.ReadFile(filepath.Join(dir, side+".path")); err == nil {
		matches = []string{filepath.Join(dir, strings.TrimSpace(string(b)))}
	}
	if len(matches) != 1 {
		t.Fatalf("%s: want exactly one %s.yaml, %s.json or %s/ (Terraform), found %v", dir, side, side, side, matches)
	}
	r := resolver.Resolve(context.Background(), matches, resolver.Options{StackName: "pair", AllowExtensions: true, LazyProps: lazy})
	if r.HasInputErrors() || r.Template == nil {
		var b bytes.Buffer
		_ = diag.WriteText(&b, r.Files, r.Diags.Errors())
		t.Fatalf("%s does not resolve:\n%s", matches[0], b.String())
	}
	return r.Template
}

// TestTriggersAgree checks that validate and diff judge a Terraform
// deployment's triggers the same way: the new side of a pair draws TF030
// from validate exactly when diff reports the deployment as not
// re-created (terraform-deployment-not-triggered).
func TestTriggersAgree(t *testing.T) {
	for _, tt := range []struct {
		pair string
		want bool // TF030 and the hazard expected
	}{
		{"tf-triggers", true},        // triggers read only the ids
		{"tf-triggers-whole", false}, // triggers jsonencode the whole resources
	} {
		t.Run(tt.pair, func(t *testing.T) {
			dir := filepath.Join("testdata", "pairs", tt.pair)
			r := resolver.Resolve(context.Background(), []string{filepath.Join(dir, "new")}, resolver.Options{StackName: "pair", AllowExtensions: true})
			tf030 := false
			for _, d := range r.Diags {
				if d.Rule == "TF030" {
					tf030 = true
				}
			}
			res, err := diff.Compare(context.Background(), resolvePair(t, dir, "old"), resolvePair(t, dir, "new"))
			if err != nil {
				t.Fatal(err)
			}
			hazard := false
			for _, h := range res.Hazards {
				if h.Kind == "terraform-deployment-not-triggered" {
					hazard = true
				}
			}
			if tf030 != tt.want || hazard != tt.want {
				t.Errorf("validate TF030 = %v, diff hazard = %v; want both %v", tf030, hazard, tt.want)
			}
		})
	}
}
