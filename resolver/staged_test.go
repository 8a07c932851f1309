package resolver

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime"
	"golang.org/x/tools/txtar"
)

// TestResolveStaged checks ResolveStaged against Resolve on every golden
// archive, every real template and the seed: the model (every resource,
// positions and identities included) and the findings, in order, are the
// same; the first part's findings are among the final ones; and a gateway
// compiles the first part's model while finish runs (go test -race sees a
// check that writes what the gateway reads).
func TestResolveStaged(t *testing.T) {
	type input struct {
		name string
		tpl  string
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
		inputs = append(inputs, input{filepath.Base(file), tpl, opts})
	}
	real, _ := filepath.Glob("testdata/real/*")
	real = append(real, "../templates/default.yaml")
	for _, file := range real {
		inputs = append(inputs, input{filepath.Base(file), file, Options{AllowExtensions: true}})
	}
	// A template whose checks find problems of every kind left to finish
	// (a model rule, an unused parameter, a schema finding, a cycle).
	bad := "testdata/checks-every-kind.yaml"
	inputs = append(inputs, input{"bad.yaml", bad, Options{}})

	staged := 0
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			want := Resolve(context.Background(), []string{in.tpl}, in.opts)
			first, finish := ResolveStaged(context.Background(), []string{in.tpl}, in.opts)
			if finish == nil {
				compareResults(t, first, want)
				return
			}
			staged++
			early := slices.Clone(first.Diags)
			done := make(chan *Result, 1)
			go func() { done <- finish() }()
			g, err := runtime.New(runtime.Config{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := g.Load(first.Template); err == nil {
				_ = g.Routes()
			}
			got := <-done
			if got.Template != first.Template {
				t.Errorf("finish returned another template")
			}
			compareResults(t, got, want)
			for _, d := range early {
				if !slices.ContainsFunc(got.Diags, func(e diag.Diagnostic) bool { return reflect.DeepEqual(d, e) }) {
					t.Errorf("first part's finding not in the final ones: %v", d)
				}
			}
		})
	}
	if staged < len(inputs)/2 {
		t.Errorf("only %d of %d inputs were resolved in two parts", staged, len(inputs))
	}
}

func compareResults(t *testing.T, got, want *Result) {
	t.Helper()
	if !reflect.DeepEqual(got.Diags, want.Diags) {
		t.Errorf("findings differ:\ngot  %v\nwant %v", got.Diags, want.Diags)
	}
	if (got.Template == nil) != (want.Template == nil) {
		t.Fatalf("template %v, want %v", got.Template != nil, want.Template != nil)
	}
	if got.Template == nil {
		return
	}
	opts := model.DumpOptions{Positions: true, Identity: true}
	if g, w := model.DumpString(got.Template, opts), model.DumpString(want.Template, opts); g != w {
		t.Errorf("models differ:\ngot\n%s\nwant\n%s", g, w)
	}
	if !reflect.DeepEqual(got.Template.Nodes, want.Template.Nodes) {
		t.Errorf("graph nodes differ")
	}
}
