package tf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestBodyPositions: the elements imported from a REST API's body point
// at their key inside it when the body is written in place (jsonencode of
// an object, a heredoc with or without interpolations, a flush heredoc) or
// read by file(); otherwise at the attribute, and Template.Unplaced says
// why.
func TestBodyPositions(t *testing.T) {
	const doc = `{"swagger": "2.0", "paths": {"/p": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}}}`
	for _, tc := range []struct {
		name, body string
		// want: resource, method, integration positions; unplaced: the
		// note's reason ("" for none).
		want     string
		unplaced string
	}{
		{name: "jsonencode", body: "jsonencode({\n  swagger = \"2.0\"\n  paths = {\n    \"/p\" = { get = {\n      x-amazon-apigateway-integration = { type = \"mock\" } } }\n  }\n})",
			want: "main.tf:5:5 main.tf:5:14 main.tf:6:7"},
		{name: "jsonencode part from a local", body: "jsonencode({ swagger = \"2.0\", paths = local.paths })",
			want: "main.tf:2:40 main.tf:2:40 main.tf:2:40"},
		{name: "heredoc with interpolation", body: "<<EOT\n{\"swagger\": \"${local.v}\",\n \"paths\": {\"/p\": {\"get\": {\n   \"x-amazon-apigateway-integration\": {\"type\": \"mock\"}}}}}\nEOT",
			want: "main.tf:4:12 main.tf:4:19 main.tf:5:4"},
		{name: "flush heredoc", body: "<<-EOT\n    swagger: \"2.0\"\n    paths:\n      /p:\n        get:\n          x-amazon-apigateway-integration: {type: mock}\n    EOT",
			want: "main.tf:5:7 main.tf:6:9 main.tf:7:11"},
		{name: "file", body: `file("${path.module}/doc.json")`, want: "doc.json:1:30 doc.json:1:37 doc.json:1:45"},
		{name: "templatefile", body: `templatefile("${path.module}/doc.json", {})`, want: "main.tf:2:10 main.tf:2:10 main.tf:2:10",
			unplaced: "it is built by templatefile(...)"},
		{name: "local", body: `local.doc`, want: "main.tf:2:10 main.tf:2:10 main.tf:2:10", unplaced: "it comes from local.doc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			locals := "locals {\n  v = \"2.0\"\n  doc = " + fmt.Sprintf("%q", doc) + "\n  paths = jsondecode(local.doc).paths\n}\n"
			src := "resource \"aws_api_gateway_rest_api\" \"a\" {\n  body = " + tc.body + "\n}\n" + locals
			for name, data := range map[string]string{"main.tf": src, "doc.json": doc} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tm, _ := Load(context.Background(), []string{dir}, Options{}, nil)
			if len(tm.APIs) != 1 || len(tm.APIs[0].Resources) != 2 {
				t.Fatalf("APIs %v", tm.APIs)
			}
			res := tm.APIs[0].Resources[1]
			m := res.Methods[0]
			var got []string
			for _, r := range []string{res.Range.String(), m.Range.String(), m.Integration.Range.String()} {
				got = append(got, strings.TrimPrefix(r, dir+string(filepath.Separator)))
			}
			if d := cmp.Diff(tc.want, strings.Join(got, " ")); d != "" {
				t.Errorf("resource, method, integration (-want +got):\n%s", d)
			}
			var why string
			if len(tm.Unplaced) > 0 {
				why = tm.Unplaced[0].Why
			}
			if (tc.unplaced == "") != (why == "") || !strings.Contains(why, tc.unplaced) {
				t.Errorf("unplaced %q, want %q", why, tc.unplaced)
			}
		})
	}
}
