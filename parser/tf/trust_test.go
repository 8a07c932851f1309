package tf_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/resolver"
)

// TestNoFalseErrors resolves configurations written after real Terraform
// modules and projects (and the unknown-value cases terraform validate
// accepts) through the whole resolver, Terraform front end and shared model
// rules both, exactly as `cfnrun validate` does: none of them may report an
// error. Each testdata/trust_*.txtar (and unknowns.txtar) is one case; its
// comment says which public module or project it reproduces.
func TestNoFalseErrors(t *testing.T) {
	paths, _ := filepath.Glob("testdata/trust_*.txtar")
	paths = append(paths, "testdata/unknowns.txtar")
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			root := dir
			for _, f := range ar.Files {
				switch f.Name {
				case "dump", "routes", "diags":
					continue
				case "root":
					root = filepath.Join(dir, strings.TrimSpace(string(f.Data)))
					continue
				}
				fp := filepath.Join(dir, f.Name)
				if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(fp, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := resolver.Resolve(context.Background(), []string{root}, resolver.Options{})
			if errs := r.Diags.Errors(); len(errs) > 0 {
				var b strings.Builder
				_ = diag.WriteText(&b, r.Files, errs)
				t.Errorf("false errors:\n%s", b.String())
			}
			if r.Template == nil || len(r.Template.APIs) == 0 {
				t.Errorf("no REST API lowered")
			}
		})
	}
}

// TestCloudFormationDirectory checks that a directory of CloudFormation
// templates is read as CloudFormation (every template in it, as stacks),
// not as a Terraform configuration without .tf files (TF001).
func TestCloudFormationDirectory(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../examples/seed/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "template.yaml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.yaml"), []byte("todo: [a, b]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if resolver.IsTerraformPath(dir) {
		t.Fatal("a directory of CloudFormation templates is taken for Terraform")
	}
	r := resolver.Resolve(context.Background(), []string{dir}, resolver.Options{})
	for _, d := range r.Diags {
		if strings.HasPrefix(d.Rule, "TF") || d.Rule == "E0100" {
			t.Errorf("unexpected %s: %s", d.Rule, d.Summary)
		}
	}
	if r.Template == nil || len(r.Template.APIs) != 1 {
		t.Fatalf("want the seed template's API, got %+v", r.Template)
	}
	// A directory with .tf files is Terraform, and so is one with
	// neither (the Terraform front end says what it expected).
	tfDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(tfDir, "main.tf"), []byte(`resource "aws_api_gateway_rest_api" "a" { name = "a" }`), 0o644); err != nil {
		t.Fatal(err)
	}
	if !resolver.IsTerraformPath(tfDir) || !resolver.IsTerraformPath(t.TempDir()) {
		t.Error("a directory with .tf files, or an empty one, is not Terraform")
	}
}

// TestRelativeDirectory checks that a relative directory argument does
// not double path.module: `cfnrun routes sub/` reads sub/spec.json for
// file("${path.module}/spec.json"), not sub/sub/spec.json.
func TestRelativeDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"sub/main.tf":   "resource \"aws_api_gateway_rest_api\" \"api\" {\n  name = \"rel\"\n  body = file(\"${path.module}/spec.json\")\n}\n",
		"sub/spec.json": `{"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {"/pets": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}}}`,
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, arg := range []string{"sub/", "sub", "./sub/main.tf"} {
		r := resolver.Resolve(context.Background(), []string{arg}, resolver.Options{})
		for _, d := range r.Diags {
			if strings.HasPrefix(d.Rule, "TF") {
				t.Errorf("%s: %s %s", arg, d.Rule, d.Summary)
			}
		}
		if r.Template == nil || len(r.Template.APIs) != 1 || len(r.Template.APIs[0].Resources) < 2 {
			t.Errorf("%s: the body's /pets was not imported", arg)
		}
	}
}
