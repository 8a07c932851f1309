package resolver

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden resolves each testdata/*.txtar archive's template and compares
// the model dump, the route table and the findings with the archive's
// expected sections; a finding's related places follow it, indented.
// Sections: the template (any *.yaml/*.yml/*.json
// name, or *.tf files: a Terraform configuration), optional "args" (one Name=Value per line: param:, set:,
// allow-extensions), and the expected "model", "routes" and "findings".
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			tpl, opts := goldenInput(t, ar)
			r := Resolve(context.Background(), []string{tpl}, opts)
			got := map[string]string{}
			if r.Template != nil {
				got["model"] = model.DumpString(r.Template, model.DumpOptions{Positions: true, Identity: true})
				var b strings.Builder
				for _, rt := range model.Routes(r.Template) {
					fmt.Fprintf(&b, "%s %s %s -> %s %s %s %s %dms\n", rt.Stage, rt.Method, rt.Path, rt.Integration, rt.IntegrationMethod, rt.URI, rt.ConnectionType, rt.TimeoutMs)
				}
				got["routes"] = b.String()
			}
			var b strings.Builder
			for _, d := range r.Diags {
				fmt.Fprintf(&b, "%d:%d %s[%s] %s\n", d.Range.Start.Line, d.Range.Start.Column, d.Severity, d.Rule, d.Summary)
				for _, rel := range d.Related {
					fmt.Fprintf(&b, "  related %d:%d %s\n", rel.Range.Start.Line, rel.Range.Start.Column, rel.Message)
				}
			}
			got["findings"] = b.String()
			changed := false
			for i, f := range ar.Files {
				want, ok := got[f.Name]
				if !ok {
					continue
				}
				if *update {
					if string(f.Data) != want {
						ar.Files[i].Data = []byte(want)
						changed = true
					}
					delete(got, f.Name)
					continue
				}
				if diff := cmp.Diff(string(f.Data), want); diff != "" {
					t.Errorf("%s (-want +got):\n%s", f.Name, diff)
				}
				delete(got, f.Name)
			}
			if *update {
				for _, name := range []string{"model", "routes", "findings"} {
					if v, ok := got[name]; ok {
						ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(v)})
						changed = true
					}
				}
				if changed {
					if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
		})
	}
}

// goldenInput writes an archive's files to a temporary directory and
// returns the template to resolve (a file, or a Terraform configuration's
// directory) and the options its "args" section gives.
func goldenInput(t *testing.T, ar *txtar.Archive) (tpl string, opts Options) {
	t.Helper()
	dir := t.TempDir()
	for _, f := range ar.Files {
		switch {
		case f.Name == "args":
			for _, line := range strings.Split(strings.TrimSpace(string(f.Data)), "\n") {
				kind, kv, _ := strings.Cut(line, " ")
				k, v, _ := strings.Cut(kv, "=")
				switch kind {
				case "param":
					if opts.Params == nil {
						opts.Params = map[string]string{}
					}
					opts.Params[k] = v
				case "set":
					if opts.Sets == nil {
						opts.Sets = map[string]string{}
					}
					opts.Sets[k] = v
				case "allow-extensions":
					opts.AllowExtensions = true
				case "region":
					opts.Region = kv
				case "code":
					if opts.Code == nil {
						opts.Code = map[string]string{}
					}
					opts.Code[k] = filepath.Join(dir, v)
				case "today":
					d, err := time.Parse("2006-01-02", kv)
					if err != nil {
						t.Fatal(err)
					}
					opts.Today = d
				case "external":
					opts.ExternalFunctions = append(opts.ExternalFunctions, kv)
				}
			}
		case f.Name == "model" || f.Name == "routes" || f.Name == "findings":
		default:
			// The template is the first top-level YAML or JSON
			// file; other files (function code) go next to it.
			fp := filepath.Join(dir, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(fp, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			if tpl == "" && !strings.Contains(f.Name, "/") && (strings.HasSuffix(f.Name, ".yaml") || strings.HasSuffix(f.Name, ".yml") || strings.HasSuffix(f.Name, ".json")) {
				tpl = fp
			}
			if tpl == "" && !strings.Contains(f.Name, "/") && strings.HasSuffix(f.Name, ".tf") {
				tpl = dir // a Terraform configuration is its directory
			}
		}
	}
	return tpl, opts
}
