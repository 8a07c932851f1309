package tf_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/parser/tf"
)

// Load a configuration directory and print its route table.
func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "cfnrun-example")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`
variable "paths" {
  default = ["pets", "owners"]
}

resource "aws_api_gateway_rest_api" "api" {
  name = "example"
}

resource "aws_api_gateway_resource" "r" {
  for_each    = toset(var.paths)
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = each.key
}

resource "aws_api_gateway_method" "get" {
  for_each      = aws_api_gateway_resource.r
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = each.value.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "get" {
  for_each                = aws_api_gateway_method.get
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = each.value.resource_id
  http_method             = each.value.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "https://backend.example.com/${each.key}"
}
`), 0o644)
	t, ds := tf.Load(context.Background(), []string{dir}, tf.Options{Vars: map[string]string{}}, diag.NewFiles())
	for _, r := range model.Routes(t) {
		fmt.Println(r.Method, r.Path, "→", r.URI)
	}
	fmt.Println(len(ds.Errors()), "errors")
	// Output:
	// GET /owners → https://backend.example.com/owners
	// GET /pets → https://backend.example.com/pets
	// 0 errors
}
