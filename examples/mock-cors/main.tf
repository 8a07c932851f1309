# Terraform twin of template.yaml: a backend-less API. MOCK integrations
# answer from mapping templates, with integration responses that map
# headers, and a CORS preflight (OPTIONS) that browsers call before a
# cross-origin POST.

resource "aws_api_gateway_rest_api" "mock" {
  name        = "mock-cors"
  description = "Answers from mapping templates, CORS enabled"
}

resource "aws_api_gateway_resource" "health" {
  rest_api_id = aws_api_gateway_rest_api.mock.id
  parent_id   = aws_api_gateway_rest_api.mock.root_resource_id
  path_part   = "health"
}

resource "aws_api_gateway_resource" "greetings" {
  rest_api_id = aws_api_gateway_rest_api.mock.id
  parent_id   = aws_api_gateway_rest_api.mock.root_resource_id
  path_part   = "greetings"
}

# GET /health: always 200 with a small JSON body.
resource "aws_api_gateway_method" "health_get" {
  rest_api_id   = aws_api_gateway_rest_api.mock.id
  resource_id   = aws_api_gateway_resource.health.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "health_get" {
  rest_api_id = aws_api_gateway_rest_api.mock.id
  resource_id = aws_api_gateway_resource.health.id
  http_method = aws_api_gateway_method.health_get.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "health_get_200" {
  rest_api_id = aws_api_gateway_rest_api.mock.id
  resource_id = aws_api_gateway_resource.health.id
  http_method = aws_api_gateway_method.health_get.http_method
  status_code = "200"
  response_parameters = {
    "method.response.header.Cache-Control" = true
  }
}

resource "aws_api_gateway_integration_response" "health_get_200" {
  rest_api_id = aws_api_gateway_rest_api.mock.id
  resource_id = aws_api_gateway_resource.health.id
  http_method = aws_api_gateway_method.health_get.http_method
  status_code = aws_api_gateway_method_response.health_get_200.status_code
  response_parameters = {
    "method.response.header.Cache-Control" = "'no-store'"
  }
  response_templates = {
    "application/json" = "{\"status\": \"ok\", \"requestId\": \"$context.requestId\"}"
  }
  depends_on = [aws_api_gateway_integration.health_get]
}

# POST /greetings: the request template picks the status code from the
# body; a missing name selects the 400 response.
resource "aws_api_gateway_method" "greetings_post" {
  rest_api_id   = aws_api_gateway_rest_api.mock.id
  resource_id   = aws_api_gateway_resource.greetings.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "greetings_post" {
  rest_api_id          = aws_api_gateway_rest_api.mock.id
  resource_id          = aws_api_gateway_resource.greetings.id
  http_method          = aws_api_gateway_method.greetings_post.http_method
  type                 = "MOCK"
  passthrough_behavior = "WHEN_NO_TEMPLATES"
  request_templates = {
    "application/json" = <<-VTL
      #set($name = $input.path('$.name'))
      #if($name && $name != "")
      {"statusCode": 201}
      #else
      {"statusCode": 400}
      #end
    VTL
  }
}

locals {
  greetings = {
    "201" = "{\"greeting\": \"hello\"}"
    "400" = "{\"message\": \"name is required\"}"
  }
}

resource "aws_api_gateway_method_response" "greetings_post" {
  for_each    = local.greetings
  rest_api_id = aws_api_gateway_rest_api.mock.id
  resource_id = aws_api_gateway_resource.greetings.id
  http_method = aws_api_gateway_method.greetings_post.http_method
  status_code = each.key
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = true
  }
}

resource "aws_api_gateway_integration_response" "greetings_post" {
  for_each          = aws_api_gateway_method_response.greetings_post
  rest_api_id       = aws_api_gateway_rest_api.mock.id
  resource_id       = aws_api_gateway_resource.greetings.id
  http_method       = aws_api_gateway_method.greetings_post.http_method
  status_code       = each.value.status_code
  selection_pattern = each.key
  response_parameters = {
    "method.response.header.Access-Control-Allow-Origin" = "'*'"
  }
  response_templates = {
    "application/json" = local.greetings[each.key]
  }
  depends_on = [aws_api_gateway_integration.greetings_post]
}

# OPTIONS /greetings: the CORS preflight, answered by API Gateway itself.
locals {
  cors = {
    "Access-Control-Allow-Headers" = "'Content-Type,Authorization,X-Api-Key'"
    "Access-Control-Allow-Methods" = "'OPTIONS,POST'"
    "Access-Control-Allow-Origin"  = "'*'"
    "Access-Control-Max-Age"       = "'600'"
  }
}

resource "aws_api_gateway_method" "greetings_options" {
  rest_api_id   = aws_api_gateway_rest_api.mock.id
  resource_id   = aws_api_gateway_resource.greetings.id
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "greetings_options" {
  rest_api_id = aws_api_gateway_rest_api.mock.id
  resource_id = aws_api_gateway_resource.greetings.id
  http_method = aws_api_gateway_method.greetings_options.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "greetings_options_204" {
  rest_api_id         = aws_api_gateway_rest_api.mock.id
  resource_id         = aws_api_gateway_resource.greetings.id
  http_method         = aws_api_gateway_method.greetings_options.http_method
  status_code         = "204"
  response_parameters = { for h in keys(local.cors) : "method.response.header.${h}" => true }
}

resource "aws_api_gateway_integration_response" "greetings_options_204" {
  rest_api_id         = aws_api_gateway_rest_api.mock.id
  resource_id         = aws_api_gateway_resource.greetings.id
  http_method         = aws_api_gateway_method.greetings_options.http_method
  status_code         = aws_api_gateway_method_response.greetings_options_204.status_code
  response_parameters = { for h, v in local.cors : "method.response.header.${h}" => v }
  response_templates = {
    "application/json" = ""
  }
  depends_on = [aws_api_gateway_integration.greetings_options]
}

# Provider v5 form: the deployment creates the v1 stage itself.
resource "aws_api_gateway_deployment" "mock" {
  rest_api_id       = aws_api_gateway_rest_api.mock.id
  stage_name        = "v1"
  stage_description = "created by the deployment"
  variables = {
    greeting = "hello"
  }
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.health_get, aws_api_gateway_integration.health_get,
      aws_api_gateway_method.greetings_post, aws_api_gateway_integration.greetings_post,
      aws_api_gateway_method.greetings_options, aws_api_gateway_integration.greetings_options,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

output "Url" {
  value = "${aws_api_gateway_deployment.mock.invoke_url}/health"
}
