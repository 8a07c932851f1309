package diff

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// archive is a txtar archive with the lookups the golden tests need.
type archive struct{ *txtar.Archive }

func parseArchive(src string) archive { return archive{txtar.Parse([]byte(src))} }

func (a archive) format() string { return string(txtar.Format(a.Archive)) }

func (a archive) get(name string) (string, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return string(f.Data), true
		}
	}
	return "", false
}

func (a archive) set(name, data string) {
	for i, f := range a.Files {
		if f.Name == name {
			a.Files[i].Data = []byte(data)
			return
		}
	}
	a.Files = append(a.Files, txtar.File{Name: name, Data: []byte(data)})
}

// TestGolden runs every testdata/golden/*.txtar: the archive holds
// old.json and new.json (CloudFormation, or Terraform-shaped JSON, see
// load_test.go) and the expected output in every format: text, color,
// json, markdown, github. Run with -update to rewrite the expectations.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a := parseArchive(string(src))
			oldSrc, ok1 := a.get("old.json")
			newSrc, ok2 := a.get("new.json")
			if !ok1 || !ok2 {
				t.Fatal("archive needs old.json and new.json")
			}
			r, err := Compare(context.Background(), loadTemplate(t, "old.json", oldSrc), loadTemplate(t, "new.json", newSrc))
			if err != nil {
				t.Fatal(err)
			}
			outputs := map[string]func(*bytes.Buffer) error{
				"text":     func(b *bytes.Buffer) error { return WriteText(b, r, false) },
				"color":    func(b *bytes.Buffer) error { return WriteText(b, r, true) },
				"json":     func(b *bytes.Buffer) error { return WriteJSON(b, r) },
				"markdown": func(b *bytes.Buffer) error { return WriteMarkdown(b, r) },
				"github":   func(b *bytes.Buffer) error { return WriteGitHub(b, r) },
			}
			for _, name := range []string{"text", "color", "json", "markdown", "github"} {
				var b bytes.Buffer
				if err := outputs[name](&b); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				got := b.String()
				if *update {
					a.set(name, got)
					continue
				}
				want, ok := a.get(name)
				if !ok {
					t.Errorf("%s: no expected output in %s; run go test -update", name, file)
					continue
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s output (-want +got):\n%s", name, diff)
				}
			}
			if *update {
				if err := os.WriteFile(file, []byte(a.format()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
