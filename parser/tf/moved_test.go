package tf

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/model"
)

// TestMoved checks that moved blocks are recorded in Template.Moved (new
// address -> old address, per instance, chains followed, module moves
// included) and that a moved object keeps the id it had at its old
// address, as it keeps its state in Terraform.
func TestMoved(t *testing.T) {
	const api = `
resource "aws_api_gateway_rest_api" "api" {
  name = "a"
}
`
	tests := []struct {
		name  string
		files map[string]string
		want  map[string]string
		// before is the configuration with the objects at their old
		// addresses, for the id check.
		before string
	}{
		{
			name: "resource renamed",
			files: map[string]string{"main.tf": api + `
resource "aws_api_gateway_resource" "things" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "items"
}
moved {
  from = aws_api_gateway_resource.items
  to   = aws_api_gateway_resource.things
}
`},
			want: map[string]string{"aws_api_gateway_resource.things": "aws_api_gateway_resource.items"},
			before: api + `
resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "items"
}
`,
		},
		{
			name: "chain and for_each instances",
			files: map[string]string{"main.tf": api + `
resource "aws_api_gateway_resource" "c" {
  for_each    = toset(["x", "y"])
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = each.key
}
moved {
  from = aws_api_gateway_resource.a
  to   = aws_api_gateway_resource.b
}
moved {
  from = aws_api_gateway_resource.b
  to   = aws_api_gateway_resource.c
}
`},
			want: map[string]string{
				`aws_api_gateway_resource.c["x"]`: `aws_api_gateway_resource.a["x"]`,
				`aws_api_gateway_resource.c["y"]`: `aws_api_gateway_resource.a["y"]`,
			},
		},
		{
			name: "module call renamed",
			files: map[string]string{
				"main.tf": `
module "v2" {
  source = "./api"
}
moved {
  from = module.v1
  to   = module.v2
}
`,
				"api/main.tf": api,
			},
			want:   map[string]string{"module.v2.aws_api_gateway_rest_api.api": "module.v1.aws_api_gateway_rest_api.api"},
			before: "module \"v1\" {\n  source = \"./api\"\n}\n",
		},
		{
			name:  "nothing moved",
			files: map[string]string{"main.tf": api},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range tt.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			tmpl, ds := Load(context.Background(), []string{dir}, Options{}, nil)
			if ds.HasErrors() {
				t.Fatalf("unexpected errors: %v", ds)
			}
			if d := cmp.Diff(tt.want, tmpl.Moved); d != "" {
				t.Errorf("Moved (-want +got):\n%s", d)
			}
			if tt.before == "" {
				return
			}
			// The moved object keeps the id it had at its old address.
			bdir := t.TempDir()
			for name, body := range tt.files {
				if name == "main.tf" {
					body = tt.before
				}
				p := filepath.Join(bdir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			old, _ := Load(context.Background(), []string{bdir}, Options{}, nil)
			ids := func(tm *model.Template) map[string]string {
				out := map[string]string{}
				for _, n := range tm.Nodes {
					out[n.Address] = n.Attrs["id"]
				}
				return out
			}
			oldIDs, newIDs := ids(old), ids(tmpl)
			for newAddr, oldAddr := range tmpl.Moved {
				if newIDs[newAddr] == "" || newIDs[newAddr] != oldIDs[oldAddr] {
					t.Errorf("%s id = %q, want %q (the id of %s before the move)", newAddr, newIDs[newAddr], oldIDs[oldAddr], oldAddr)
				}
			}
		})
	}
}
