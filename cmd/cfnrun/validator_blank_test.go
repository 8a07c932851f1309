package main

import (
	"os"
	"path/filepath"
	"testing"
)

// validatorBlankTF is aws-samples/serverless-patterns
// apigw-data-validation-tf/main.tf, trimmed to the validated method (its
// Lambda integration is a MOCK here): order and custom-agent are required
// request parameters of a validator with validate_request_parameters.
const validatorBlankTF = `
resource "aws_api_gateway_rest_api" "main_api" {
  name = "validation-api"
}

resource "aws_api_gateway_resource" "api_resource" {
  rest_api_id = aws_api_gateway_rest_api.main_api.id
  parent_id   = aws_api_gateway_rest_api.main_api.root_resource_id
  path_part   = "{id}"
}

resource "aws_api_gateway_method" "api_method" {
  rest_api_id   = aws_api_gateway_rest_api.main_api.id
  resource_id   = aws_api_gateway_resource.api_resource.id
  http_method   = "POST"
  authorization = "NONE"

  request_parameters = {
    "method.request.querystring.order" = true
    "method.request.header.custom-agent" = true
  }

  request_validator_id = aws_api_gateway_request_validator.validator.id
}

resource "aws_api_gateway_request_validator" "validator" {
  name                        = "validator"
  rest_api_id                 = aws_api_gateway_rest_api.main_api.id
  validate_request_body       = true
  validate_request_parameters = true
}

resource "aws_api_gateway_integration" "mock" {
  rest_api_id       = aws_api_gateway_rest_api.main_api.id
  resource_id       = aws_api_gateway_resource.api_resource.id
  http_method       = aws_api_gateway_method.api_method.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_method_response" "ok" {
  rest_api_id = aws_api_gateway_rest_api.main_api.id
  resource_id = aws_api_gateway_resource.api_resource.id
  http_method = aws_api_gateway_method.api_method.http_method
  status_code = "200"
}

resource "aws_api_gateway_integration_response" "ok" {
  rest_api_id = aws_api_gateway_rest_api.main_api.id
  resource_id = aws_api_gateway_resource.api_resource.id
  http_method = aws_api_gateway_method.api_method.http_method
  status_code = aws_api_gateway_method_response.ok.status_code
}

resource "aws_api_gateway_deployment" "api_deployment" {
  rest_api_id = aws_api_gateway_rest_api.main_api.id
  triggers    = { redeployment = sha1(jsonencode([aws_api_gateway_method.api_method, aws_api_gateway_integration.mock])) }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "prod" {
  deployment_id = aws_api_gateway_deployment.api_deployment.id
  rest_api_id   = aws_api_gateway_rest_api.main_api.id
  stage_name    = "Prod"
}
`

// TestUpRequiredParameterBlank: API Gateway's request validator wants
// required parameters "included and not blank", so ?order= (like an
// empty header) is a missing parameter: 400, the integration does not run.
func TestUpRequiredParameterBlank(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(validatorBlankTF), 0o644); err != nil {
		t.Fatal(err)
	}
	up := startUp(t, "--no-watch", dir)
	base := "http://" + up.http + "/Prod/42"
	for _, tc := range []struct {
		name, query string
		hdr         []string
		status      int
		body        string
	}{
		{"present", "?order=1", []string{"custom-agent", "x"}, 200, ""},
		{"blank query", "?order=", []string{"custom-agent", "x"}, 400, `{"message": "Missing required request parameters: [order]"}`},
		{"bare query", "?order", []string{"custom-agent", "x"}, 400, `{"message": "Missing required request parameters: [order]"}`},
		{"blank then set", "?order=&order=2", []string{"custom-agent", "x"}, 200, ""},
		{"blank header", "?order=1", []string{"custom-agent", ""}, 400, `{"message": "Missing required request parameters: [custom-agent]"}`},
		{"neither", "", nil, 400, `{"message": "Missing required request parameters: [custom-agent, order]"}`},
	} {
		a := call(t, "POST", base+tc.query, "", tc.hdr...)
		if a.status != tc.status || (tc.body != "" && a.body != tc.body) {
			t.Errorf("%s: %d %s, want %d %s", tc.name, a.status, a.body, tc.status, tc.body)
		}
	}
}
