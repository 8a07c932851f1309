# The Terraform twin of template.yaml: the same WebSocket API, functions,
# authorizer, routes, stage (route throttles and access log), API keys and
# usage plans. archive_file zips src/ for `terraform apply`; cfnrun runs
# the functions straight from src/.

locals {
  keys = {
    gold = "gold-key-0123456789abcdef"
    free = "free-key-0123456789abcdef"
  }
  two_way = ["echo", "$default"]
}

data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/code.zip"
}

resource "aws_iam_role" "function" {
  name = "websocket-limits"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_lambda_function" "chat" {
  function_name    = "websocket-limits-chat"
  runtime          = "nodejs22.x"
  handler          = "index.handle"
  timeout          = 10
  role             = aws_iam_role.function.arn
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
}

resource "aws_lambda_function" "auth" {
  function_name    = "websocket-limits-auth"
  runtime          = "nodejs22.x"
  handler          = "index.authorize"
  timeout          = 10
  role             = aws_iam_role.function.arn
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
  environment {
    variables = {
      GOLD_KEY = local.keys.gold
      FREE_KEY = local.keys.free
    }
  }
}

resource "aws_apigatewayv2_api" "chat" {
  name                         = "websocket-limits"
  protocol_type                = "WEBSOCKET"
  route_selection_expression   = "$request.body.action"
  api_key_selection_expression = "$context.authorizer.usageIdentifierKey"
}

resource "aws_apigatewayv2_authorizer" "token" {
  api_id           = aws_apigatewayv2_api.chat.id
  name             = "token"
  authorizer_type  = "REQUEST"
  authorizer_uri   = aws_lambda_function.auth.invoke_arn
  identity_sources = ["route.request.querystring.token"]
}

resource "aws_apigatewayv2_integration" "chat" {
  api_id           = aws_apigatewayv2_api.chat.id
  integration_type = "AWS_PROXY"
  integration_uri  = aws_lambda_function.chat.invoke_arn
}

resource "aws_apigatewayv2_route" "connect" {
  api_id             = aws_apigatewayv2_api.chat.id
  route_key          = "$connect"
  authorization_type = "CUSTOM"
  authorizer_id      = aws_apigatewayv2_authorizer.token.id
  api_key_required   = true
  target             = "integrations/${aws_apigatewayv2_integration.chat.id}"
}

resource "aws_apigatewayv2_route" "disconnect" {
  api_id    = aws_apigatewayv2_api.chat.id
  route_key = "$disconnect"
  target    = "integrations/${aws_apigatewayv2_integration.chat.id}"
}

resource "aws_apigatewayv2_route" "two_way" {
  for_each                            = toset(local.two_way)
  api_id                              = aws_apigatewayv2_api.chat.id
  route_key                           = each.key
  route_response_selection_expression = "$default"
  target                              = "integrations/${aws_apigatewayv2_integration.chat.id}"
}

resource "aws_apigatewayv2_route_response" "two_way" {
  for_each           = aws_apigatewayv2_route.two_way
  api_id             = aws_apigatewayv2_api.chat.id
  route_id           = each.value.id
  route_response_key = "$default"
}

# Deployed once every route exists, as the template's Deployment (DependsOn).
# triggers: a deployment is immutable, so a later change to a route or the
# integration must replace it to go live (TF030).
resource "aws_apigatewayv2_deployment" "chat" {
  api_id     = aws_apigatewayv2_api.chat.id
  depends_on = [aws_apigatewayv2_route.connect, aws_apigatewayv2_route.disconnect, aws_apigatewayv2_route.two_way]
  triggers = {
    redeployment = sha1(jsonencode([aws_apigatewayv2_integration.chat, aws_apigatewayv2_route.connect, aws_apigatewayv2_route.disconnect, aws_apigatewayv2_route.two_way]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "websocket-limits-access"
  retention_in_days = 7
}

resource "aws_apigatewayv2_stage" "prod" {
  api_id        = aws_apigatewayv2_api.chat.id
  name          = "prod"
  deployment_id = aws_apigatewayv2_deployment.chat.id
  default_route_settings {
    throttling_burst_limit = 100
    throttling_rate_limit  = 50
  }
  route_settings {
    route_key              = "echo"
    throttling_burst_limit = 10
    throttling_rate_limit  = 5
  }
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId    = "$context.requestId"
      eventType    = "$context.eventType"
      routeKey     = "$context.routeKey"
      status       = "$context.status"
      error        = "$context.error.message"
      connectionId = "$context.connectionId"
      principal    = "$context.authorizer.principalId"
    })
  }
}

resource "aws_api_gateway_api_key" "client" {
  for_each = local.keys
  name     = each.key
  value    = each.value
}

resource "aws_api_gateway_usage_plan" "gold" {
  name = "gold"
  api_stages {
    api_id = aws_apigatewayv2_api.chat.id
    stage  = aws_apigatewayv2_stage.prod.name
  }
  throttle_settings {
    burst_limit = 200
    rate_limit  = 100
  }
}

resource "aws_api_gateway_usage_plan" "free" {
  name = "free"
  api_stages {
    api_id = aws_apigatewayv2_api.chat.id
    stage  = aws_apigatewayv2_stage.prod.name
  }
  quota_settings {
    limit  = 5
    period = "DAY"
  }
}

resource "aws_api_gateway_usage_plan_key" "gold" {
  key_id        = aws_api_gateway_api_key.client["gold"].id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.gold.id
}

resource "aws_api_gateway_usage_plan_key" "free" {
  key_id        = aws_api_gateway_api_key.client["free"].id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.free.id
}

resource "aws_lambda_permission" "chat" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.chat.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.chat.execution_arn}/*"
}

resource "aws_lambda_permission" "auth" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.auth.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.chat.execution_arn}/authorizers/*"
}

output "Url" {
  value = aws_apigatewayv2_stage.prod.invoke_url
}
