package resolver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/gen"
	"github.com/cfnrun/cfnrun/internal/model"
	"golang.org/x/tools/txtar"
)

// TestOneCoreSameAsDefault holds a resolve with OneCore (every step on the
// calling goroutine: one JSON or YAML reader, the schema check, graph, ids
// and Lambda checks in line) to the default one, which spreads them over
// goroutines: the same findings in the same order, the same model with
// positions and ids, and the same graph with the same properties, as diff
// reads them (LazyProps, extensions allowed, no nested stacks) and as
// validate does. Inputs: every golden archive's template, the real
// templates, the template with a finding of every kind, and generated
// 2,000-resource JSON and YAML ones, which are large enough for the second
// reader and the ids computed ahead.
func TestOneCoreSameAsDefault(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	type input struct {
		path string
		opts Options
	}
	var inputs []input
	archives, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range archives {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		tpl, opts := goldenInput(t, ar)
		inputs = append(inputs, input{tpl, opts})
	}
	real, _ := filepath.Glob("testdata/real/*")
	for _, p := range append(real, "testdata/checks-every-kind.yaml") {
		inputs = append(inputs, input{path: p})
	}
	dir := t.TempDir()
	for _, g := range []struct {
		name    string
		variant int
		yaml    bool
	}{{"gen0.json", 0, false}, {"gen1.json", 1, false}, {"gen0.yaml", 0, true}} {
		src, _ := gen.CFNJSON(2000, g.variant)
		if g.yaml {
			src, _ = gen.CFNYAML(2000, g.variant)
		}
		p := filepath.Join(dir, g.name)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{path: p, opts: Options{StackName: "gen"}})
	}
	for _, in := range inputs {
		for _, diff := range []bool{false, true} {
			opts := in.opts
			if diff {
				opts.AllowExtensions, opts.LazyProps, opts.NoNestedStacks = true, true, true
			} else {
				opts.FindingsOnly = true
			}
			def := Resolve(context.Background(), []string{in.path}, opts)
			opts.OneCore = true
			one := Resolve(context.Background(), []string{in.path}, opts)
			name := fmt.Sprintf("%s (diff's options %v)", in.path, diff)
			if !reflect.DeepEqual(one.Diags, def.Diags) {
				t.Errorf("%s: findings differ:\ndefault:\n%v\none core:\n%v", name, def.Diags, one.Diags)
			}
			if (one.Template == nil) != (def.Template == nil) {
				t.Fatalf("%s: template read by one and not the other", name)
			}
			if def.Template == nil {
				continue
			}
			if got, want := oneCoreDump(one.Template), oneCoreDump(def.Template); got != want {
				t.Errorf("%s: models differ:\ndefault:\n%s\none core:\n%s", name, want, got)
			}
			if len(one.Template.Nodes) != len(def.Template.Nodes) {
				t.Errorf("%s: %d graph nodes, default %d", name, len(one.Template.Nodes), len(def.Template.Nodes))
				continue
			}
			for i, n := range def.Template.Nodes {
				if o := one.Template.Nodes[i]; !model.Equal(o.Properties(), n.Properties()) {
					t.Errorf("%s: properties of %s differ", name, n.Address)
				}
			}
		}
	}
}

// oneCoreDump is the model with positions and ids, then the graph.
func oneCoreDump(t *model.Template) string {
	var b strings.Builder
	b.WriteString(model.DumpString(t, model.DumpOptions{Positions: true, Identity: true}))
	for _, n := range t.Nodes {
		fmt.Fprintln(&b, n.Address, n.Type, n.Attrs, n.Generated, n.Placeholder, n.Range)
		for _, e := range n.Deps {
			fmt.Fprintln(&b, " ", e.To, e.Attr, e.Range)
		}
	}
	return b.String()
}
