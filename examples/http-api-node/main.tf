# The Terraform twin of template.yaml: the same HTTP API, function and
# permissions. archive_file zips src/ for `terraform apply`; cfnrun runs the
# function straight from src/, so the zip need not exist.

locals {
  routes = ["$default", "GET /hello", "GET /items/{id}", "POST /items"]
}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/code.zip"
}

resource "aws_iam_role" "function" {
  name = "http-api-node"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_lambda_function" "items" {
  function_name    = "http-api-node"
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

resource "aws_apigatewayv2_api" "api" {
  name          = "http-api-node"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins = ["https://example.com"]
    allow_methods = ["GET", "POST"]
    allow_headers = ["content-type"]
    max_age       = 600
  }
}

resource "aws_apigatewayv2_integration" "items" {
  api_id                 = aws_apigatewayv2_api.api.id
  integration_type       = "AWS_PROXY"
  integration_method     = "POST"
  integration_uri        = aws_lambda_function.items.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "route" {
  for_each  = toset(local.routes)
  api_id    = aws_apigatewayv2_api.api.id
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.items.id}"
}

# One permission for every stage, method and path, as SAM generates it for
# the $default event (and then none for the function's other events).
resource "aws_lambda_permission" "api" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.items.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.api.execution_arn}/*/*"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.api.id
  name        = "$default"
  auto_deploy = true
}

output "Url" {
  value = aws_apigatewayv2_api.api.api_endpoint
}
