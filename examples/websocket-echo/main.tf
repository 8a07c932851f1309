# The Terraform twin of template.yaml: the same WebSocket API, function,
# routes, route responses and permission. archive_file zips src/ for
# `terraform apply`; cfnrun runs the function straight from src/.

locals {
  two_way = ["echo", "whoami", "$default"]
}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/code.zip"
}

resource "aws_iam_role" "function" {
  name = "websocket-echo"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_lambda_function" "echo" {
  function_name    = "websocket-echo"
  runtime          = "nodejs22.x"
  handler          = "index.handler"
  timeout          = 10
  role             = aws_iam_role.function.arn
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
}

resource "aws_apigatewayv2_api" "echo" {
  name                       = "websocket-echo"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
}

resource "aws_apigatewayv2_integration" "echo" {
  api_id           = aws_apigatewayv2_api.echo.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.echo.invoke_arn
}

resource "aws_apigatewayv2_route" "connect" {
  api_id    = aws_apigatewayv2_api.echo.id
  route_key = "$connect"
  target    = "integrations/${aws_apigatewayv2_integration.echo.id}"
}

resource "aws_apigatewayv2_route" "disconnect" {
  api_id    = aws_apigatewayv2_api.echo.id
  route_key = "$disconnect"
  target    = "integrations/${aws_apigatewayv2_integration.echo.id}"
}

resource "aws_apigatewayv2_route" "two_way" {
  for_each                            = toset(local.two_way)
  api_id                              = aws_apigatewayv2_api.echo.id
  route_key                           = each.key
  route_response_selection_expression = "$default"
  target                              = "integrations/${aws_apigatewayv2_integration.echo.id}"
}

resource "aws_apigatewayv2_route_response" "two_way" {
  for_each           = aws_apigatewayv2_route.two_way
  api_id             = aws_apigatewayv2_api.echo.id
  route_id           = each.value.id
  route_response_key = "$default"
}

# Deployed once every route exists, as the template's Deployment (DependsOn).
# triggers: a deployment is immutable, so a later change to a route or the
# integration must replace it to go live (TF030).
resource "aws_apigatewayv2_deployment" "echo" {
  api_id     = aws_apigatewayv2_api.echo.id
  depends_on = [aws_apigatewayv2_route.connect, aws_apigatewayv2_route.disconnect, aws_apigatewayv2_route.two_way]
  triggers = {
    redeployment = sha1(jsonencode([aws_apigatewayv2_integration.echo, aws_apigatewayv2_route.connect, aws_apigatewayv2_route.disconnect, aws_apigatewayv2_route.two_way]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_apigatewayv2_stage" "prod" {
  api_id        = aws_apigatewayv2_api.echo.id
  name          = "prod"
  deployment_id = aws_apigatewayv2_deployment.echo.id
}

resource "aws_lambda_permission" "api" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.echo.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.echo.execution_arn}/*"
}

output "Url" {
  value = "${aws_apigatewayv2_stage.prod.invoke_url}"
}
