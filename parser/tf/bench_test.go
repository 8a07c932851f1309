package tf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// generatedConfig is a configuration with n routes, each a resource, a
// method and an integration created with for_each from one variable, and
// a deployment whose triggers cover them all.
func generatedConfig(n int) string {
	var b strings.Builder
	b.WriteString("variable \"routes\" {\n  type = map(object({ method = string, backend = string }))\n  default = {\n")
	for i := range n {
		fmt.Fprintf(&b, "    r%03d = { method = %q, backend = \"http://svc%d.internal\" }\n", i, []string{"GET", "POST", "PUT", "DELETE"}[i%4], i)
	}
	b.WriteString("  }\n}\n")
	b.WriteString(`
resource "aws_api_gateway_rest_api" "api" {
  name = "bench"
}

resource "aws_api_gateway_resource" "r" {
  for_each    = var.routes
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = each.key
}

resource "aws_api_gateway_method" "m" {
  for_each      = aws_api_gateway_resource.r
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = each.value.id
  http_method   = var.routes[each.key].method
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "i" {
  for_each                = aws_api_gateway_method.m
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = each.value.resource_id
  http_method             = each.value.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = each.value.http_method
  uri                     = "${var.routes[each.key].backend}/${each.key}"
}

resource "aws_api_gateway_deployment" "d" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  triggers = {
    redeployment = sha1(jsonencode([aws_api_gateway_resource.r, aws_api_gateway_method.m, aws_api_gateway_integration.i]))
  }
}

resource "aws_api_gateway_stage" "s" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.d.id
  stage_name    = "bench"
}
`)
	return b.String()
}

func TestGeneratedConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(p, []byte(generatedConfig(200)), 0o644); err != nil {
		t.Fatal(err)
	}
	tm, ds := Load(context.Background(), []string{p}, Options{}, diag.NewFiles())
	if ds.HasErrors() {
		t.Fatalf("unexpected errors: %v", ds)
	}
	if got := len(model.Routes(tm)); got != 200 {
		t.Fatalf("routes = %d, want 200", got)
	}
}

// BenchmarkLoad200Routes resolves the generated 200-route configuration
// (go test -bench Load200 -benchmem ./parser/tf).
func BenchmarkLoad200Routes(b *testing.B) {
	dir := b.TempDir()
	p := filepath.Join(dir, "main.tf")
	if err := os.WriteFile(p, []byte(generatedConfig(200)), 0o644); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		tm, ds := Load(context.Background(), []string{p}, Options{}, diag.NewFiles())
		if ds.HasErrors() || len(tm.APIs) != 1 {
			b.Fatal(ds)
		}
	}
}
