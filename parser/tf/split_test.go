package tf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// splitConfig is a configuration whose expanded resources evaluate on two
// goroutines: chained for_each, a count with indexed references, nested
// blocks, paths built from parents of another expanded resource, unknown
// values, and findings both once per location (every instance fails the
// same way) and in a few instances only, in either half.
func splitConfig(n int) string {
	var b strings.Builder
	b.WriteString("variable \"routes\" {\n  default = {\n")
	methods := []string{"GET", "POST", "PUT", "DELETE"}
	for i := range n {
		fmt.Fprintf(&b, "    k%03d = %q\n", i, methods[i%4])
	}
	b.WriteString("  }\n}\n")
	fmt.Fprintf(&b, `variable "stage" {}
locals {
  prefix = "v1"
}
resource "aws_api_gateway_rest_api" "api" {
  name = "split"
}
resource "aws_api_gateway_resource" "top" {
  for_each    = var.routes
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "${local.prefix}-${each.key}"
}
resource "aws_api_gateway_resource" "sub" {
  for_each    = aws_api_gateway_resource.top
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = each.value.id
  path_part   = "items"
}
resource "aws_api_gateway_method" "m" {
  for_each      = aws_api_gateway_resource.sub
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = each.value.id
  http_method   = var.routes[each.key]
  authorization = each.key == "k%03d" ? 7 : "NONE"
  request_parameters = {
    "method.request.header.x" = tonumber("not a number")
    "method.request.path.n"   = upper(each.key) == "K%03d" ? tonumber(each.key) : true
  }
}
resource "aws_api_gateway_integration" "i" {
  count                   = %d
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.sub[format("k%%03d", count.index)].id
  http_method             = aws_api_gateway_method.m[format("k%%03d", count.index)].http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "https://${var.stage}.example.com/${count.index}/${join("-", [for i in range(3) : i])}"
  timeout_milliseconds    = count.index == %d ? "slow" : 29000
  request_parameters = {
    "integration.request.header.x" = nosuchfunc(count.index)
  }
}
resource "aws_api_gateway_deployment" "d" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  triggers = {
    redeployment = sha1(jsonencode([aws_api_gateway_resource.sub, aws_api_gateway_method.m, aws_api_gateway_integration.i]))
  }
}
resource "aws_api_gateway_stage" "s" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.d.id
  stage_name    = "test"
}
`, n*3/4, n/3, n, n*5/6)
	return b.String()
}

// loadText loads dir and renders what the golden tests compare.
func loadText(t *testing.T, dir string, opts Options) string {
	t.Helper()
	tm, ds := Load(context.Background(), []string{dir}, opts, diag.NewFiles())
	return model.DumpString(tm, model.DumpOptions{Positions: true, Identity: true}) + "\n--- routes\n" + routeTable(tm) + "\n--- diags\n" + diagText(ds, dir)
}

// TestSplitMatchesSerial loads configurations whose instances evaluate on
// two goroutines and compares everything Load returns with a serial
// evaluation: the model with positions and property trees, the routes,
// the findings and their order. It does so again with evaluation budgets
// small enough to be spent before, inside and after each batch (a batch
// that passes a limit is evaluated again serially, and the refusal is the
// serial one).
func TestSplitMatchesSerial(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(splitConfig(60)), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(n int) { splitMin = n }(splitMin)
	load := func(opts Options, min int) string {
		splitMin = min
		return loadText(t, dir, opts)
	}
	for _, findings := range []bool{false, true} {
		opts := Options{FindingsOnly: findings}
		before := splitBatches.Load()
		serial, split := load(opts, 1<<30), load(opts, 1)
		if d := cmp.Diff(serial, split); d != "" {
			t.Fatalf("FindingsOnly %v: split evaluation differs (-serial +split):\n%s", findings, d)
		}
		if got := splitBatches.Load() - before; got < 4 {
			t.Fatalf("FindingsOnly %v: %d batches split, want the 4 expanded resources", findings, got)
		}
		for _, want := range []string{"TF005", "TF004", "/v1-k000/items"} {
			if !strings.Contains(serial, want) {
				t.Fatalf("the configuration no longer exercises %s:\n%s", want, serial)
			}
		}
	}
	dropped := splitDropped.Load()
	for steps := int64(40); steps < 2600; steps += 173 {
		limits := defaultLimits
		limits.steps = steps
		opts := Options{FindingsOnly: true, limits: &limits}
		serial, split := load(opts, 1<<30), load(opts, 1)
		if d := cmp.Diff(serial, split); d != "" {
			t.Fatalf("steps limit %d: split evaluation differs (-serial +split):\n%s", steps, d)
		}
	}
	if splitDropped.Load() == dropped {
		t.Fatal("no batch passed the budget: the limits no longer reach inside a batch")
	}
}
