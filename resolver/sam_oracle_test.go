package resolver

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// samShape is a template's resources after the SAM transform: type and
// the resources each refers to.
type samShape map[string]struct {
	Type string   `json:"type"`
	Deps []string `json:"deps"`
}

// samOracleExceptions are the templates whose shape cfnrun does not
// mirror (yet), each with the reason; every other SAM template of the
// repository must match aws-sam-translator exactly.
var samOracleExceptions = map[string]string{}

// TestSAMShapeOracle runs aws-sam-translator (the SAM transform itself,
// installed as a Python package; skipped when absent) on every SAM
// template of the repository and compares the resources it generates —
// logical ids, types, and what each refers to — with the graph cfnrun
// builds: the dependency shape decides which cycles exist.
func TestSAMShapeOracle(t *testing.T) {
	if err := exec.Command("python3", "-c", "import samtranslator").Run(); err != nil {
		t.Skip("aws-sam-translator is not installed (pip install aws-sam-translator)")
	}
	templates := map[string][]byte{}
	archives, _ := filepath.Glob("testdata/*.txtar")
	for _, a := range archives {
		ar, err := txtar.ParseFile(a)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".yaml") || strings.HasSuffix(f.Name, ".json") {
				templates[a] = f.Data
			}
		}
	}
	more, _ := filepath.Glob("../examples/*/template.*")
	real, _ := filepath.Glob("testdata/real/*")
	for _, p := range append(more, real...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		templates[p] = b
	}
	dir := t.TempDir()
	n := 0
	for name, src := range templates {
		if !bytes.Contains(src, []byte("AWS::Serverless-2016-10-31")) {
			continue
		}
		n++
		t.Run(strings.TrimPrefix(name, "../"), func(t *testing.T) {
			if why, ok := samOracleExceptions[name]; ok {
				t.Skip(why)
			}
			cmd := exec.Command("python3", "testdata/sam/shape.py")
			cmd.Stdin = bytes.NewReader(src)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Skipf("the SAM transform rejects the template: %v\n%s", err, lastLine(stderr.String()))
			}
			var want samShape
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "t"+filepath.Ext(name))
			if filepath.Ext(name) == ".txtar" {
				path = filepath.Join(dir, "t.yaml")
			}
			if err := os.WriteFile(path, src, 0o644); err != nil {
				t.Fatal(err)
			}
			r := Resolve(context.Background(), []string{path}, Options{})
			if r.Template == nil {
				t.Fatal("no template")
			}
			got := samShape{}
			for _, node := range r.Template.Nodes {
				var deps []string
				for _, e := range node.Deps {
					if !slices.Contains(deps, e.To) {
						deps = append(deps, e.To)
					}
				}
				slices.Sort(deps)
				got[node.Address] = struct {
					Type string   `json:"type"`
					Deps []string `json:"deps"`
				}{samTypeAfter(node.Type), deps}
			}
			if diff := cmp.Diff(want, got, cmp.Transformer("nilDeps", func(d []string) []string {
				if d == nil {
					return []string{}
				}
				return d
			})); diff != "" {
				t.Errorf("shape differs from the SAM transform's (-sam +cfnrun):\n%s", diff)
			}
		})
	}
	if n == 0 {
		t.Fatal("no SAM template found")
	}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
