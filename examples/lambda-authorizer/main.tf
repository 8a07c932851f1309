# The Terraform twin of template.yaml: the same API, authorizer, functions
# and permissions. archive_file zips src/ for `terraform apply`; cfnrun runs
# both functions straight from src/, so the zip need not exist.

locals {
  # route key -> path and whether the authorizer guards it
  routes = {
    "GET /me"     = { path = "me", auth = true }
    "DELETE /me"  = { path = "me", auth = true }
    "GET /public" = { path = "public", auth = false }
  }
}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/code.zip"
}

resource "aws_iam_role" "function" {
  name = "lambda-authorizer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_lambda_function" "auth" {
  function_name    = "lambda-authorizer-auth"
  runtime          = "nodejs22.x"
  handler          = "auth.handler"
  timeout          = 10
  role             = aws_iam_role.function.arn
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
}

resource "aws_lambda_function" "app" {
  function_name    = "lambda-authorizer-app"
  runtime          = "nodejs22.x"
  handler          = "app.handler"
  timeout          = 10
  role             = aws_iam_role.function.arn
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
}

resource "aws_api_gateway_rest_api" "api" {
  name = "lambda-authorizer"
}

resource "aws_api_gateway_authorizer" "token" {
  name                             = "TokenAuth"
  rest_api_id                      = aws_api_gateway_rest_api.api.id
  type                             = "TOKEN"
  authorizer_uri                   = aws_lambda_function.auth.invoke_arn
  identity_source                  = "method.request.header.Authorization"
  identity_validation_expression   = "Bearer .+"
  authorizer_result_ttl_in_seconds = 300
}

resource "aws_lambda_permission" "authorizer" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.auth.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/authorizers/*"
}

resource "aws_api_gateway_resource" "me" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "me"
}

resource "aws_api_gateway_resource" "public" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "public"
}

locals {
  resource_ids = {
    "me"     = aws_api_gateway_resource.me.id
    "public" = aws_api_gateway_resource.public.id
  }
}

resource "aws_api_gateway_method" "route" {
  for_each      = local.routes
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = local.resource_ids[each.value.path]
  http_method   = split(" ", each.key)[0]
  authorization = each.value.auth ? "CUSTOM" : "NONE"
  authorizer_id = each.value.auth ? aws_api_gateway_authorizer.token.id : null
}

resource "aws_api_gateway_integration" "route" {
  for_each                = local.routes
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_method.route[each.key].resource_id
  http_method             = aws_api_gateway_method.route[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.app.invoke_arn
}

resource "aws_lambda_permission" "route" {
  for_each      = local.routes
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.app.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/${split(" ", each.key)[0]}/${each.value.path}"
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
