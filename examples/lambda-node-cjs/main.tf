# The Terraform twin of template.yaml: the same API, function and
# permissions. archive_file zips src/ for `terraform apply`; cfnrun runs the
# function straight from src/, so the zip need not exist.

locals {
  # route key -> path, as the SAM events declare them
  routes = {
    "GET /hello"      = "hello"
    "GET /items/{id}" = "items/{id}"
    "POST /items"     = "items"
    "GET /headers"    = "headers"
    "GET /error"      = "error"
  }
}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/code.zip"
}

resource "aws_iam_role" "function" {
  name = "lambda-node-cjs"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_lambda_function" "items" {
  function_name    = "lambda-node-cjs"
  runtime          = "nodejs22.x"
  handler          = "index.handler"
  timeout          = 10
  memory_size      = 256
  role             = aws_iam_role.function.arn
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
  environment {
    variables = {
      GREETING = "hello"
    }
  }
}

resource "aws_api_gateway_rest_api" "api" {
  name = "lambda-node-cjs"
}

resource "aws_api_gateway_resource" "hello" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "hello"
}

resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "items"
}

resource "aws_api_gateway_resource" "item" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_resource.items.id
  path_part   = "{id}"
}

resource "aws_api_gateway_resource" "headers" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "headers"
}

resource "aws_api_gateway_resource" "error" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "error"
}

locals {
  resource_ids = {
    "hello"      = aws_api_gateway_resource.hello.id
    "items"      = aws_api_gateway_resource.items.id
    "items/{id}" = aws_api_gateway_resource.item.id
    "headers"    = aws_api_gateway_resource.headers.id
    "error"      = aws_api_gateway_resource.error.id
  }
}

resource "aws_api_gateway_method" "route" {
  for_each      = local.routes
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = local.resource_ids[each.value]
  http_method   = split(" ", each.key)[0]
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "route" {
  for_each                = local.routes
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_method.route[each.key].resource_id
  http_method             = aws_api_gateway_method.route[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.items.invoke_arn
}

resource "aws_lambda_permission" "route" {
  for_each      = local.routes
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.items.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/${split(" ", each.key)[0]}/${replace(each.value, "{id}", "*")}"
}

resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  triggers = {
    redeployment = sha1(jsonencode([aws_api_gateway_method.route, aws_api_gateway_integration.route]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
  stage_name    = "prod"
}

output "Url" {
  value = aws_api_gateway_stage.prod.invoke_url
}
