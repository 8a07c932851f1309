# The Terraform twin of template.yaml: the same WebSocket API of MOCK
# integrations, routes, route responses and integration responses.

resource "aws_apigatewayv2_api" "mock" {
  name                       = "websocket-mock"
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
}

# $connect admits a client with ?name=..., refuses the others (403).
resource "aws_apigatewayv2_integration" "connect" {
  api_id                        = aws_apigatewayv2_api.mock.id
  integration_type              = "MOCK"
  template_selection_expression = "\\$default"
  request_templates = {
    "$default" = "{\"statusCode\": #if($input.params('name') != \"\")200#{else}403#end}"
  }
}

resource "aws_apigatewayv2_route" "connect" {
  api_id    = aws_apigatewayv2_api.mock.id
  route_key = "$connect"
  target    = "integrations/${aws_apigatewayv2_integration.connect.id}"
}

# ping: always 200, answered by the $default integration response.
resource "aws_apigatewayv2_integration" "ping" {
  api_id                        = aws_apigatewayv2_api.mock.id
  integration_type              = "MOCK"
  template_selection_expression = "\\$default"
  request_templates             = { "$default" = "{\"statusCode\": 200}" }
}

resource "aws_apigatewayv2_route" "ping" {
  api_id                              = aws_apigatewayv2_api.mock.id
  route_key                           = "ping"
  route_response_selection_expression = "$default"
  target                              = "integrations/${aws_apigatewayv2_integration.ping.id}"
}

resource "aws_apigatewayv2_route_response" "ping" {
  api_id             = aws_apigatewayv2_api.mock.id
  route_id           = aws_apigatewayv2_route.ping.id
  route_response_key = "$default"
}

resource "aws_apigatewayv2_integration_response" "ping" {
  api_id                        = aws_apigatewayv2_api.mock.id
  integration_id                = aws_apigatewayv2_integration.ping.id
  integration_response_key      = "$default"
  template_selection_expression = "\\$default"
  response_templates            = { "$default" = "{\"pong\": \"$context.routeKey\", \"stage\": \"$context.stage\"}" }
}

# lookup: the message's id picks the template (1 is found, any other id
# 404), and the status picks the integration response.
resource "aws_apigatewayv2_integration" "lookup" {
  api_id                        = aws_apigatewayv2_api.mock.id
  integration_type              = "MOCK"
  template_selection_expression = "$${request.body.id}"
  request_templates = {
    "1"        = "{\"statusCode\": 200}"
    "$default" = "{\"statusCode\": 404}"
  }
}

resource "aws_apigatewayv2_route" "lookup" {
  api_id                              = aws_apigatewayv2_api.mock.id
  route_key                           = "lookup"
  route_response_selection_expression = "$default"
  target                              = "integrations/${aws_apigatewayv2_integration.lookup.id}"
}

resource "aws_apigatewayv2_route_response" "lookup" {
  api_id             = aws_apigatewayv2_api.mock.id
  route_id           = aws_apigatewayv2_route.lookup.id
  route_response_key = "$default"
}

resource "aws_apigatewayv2_integration_response" "lookup_found" {
  api_id                   = aws_apigatewayv2_api.mock.id
  integration_id           = aws_apigatewayv2_integration.lookup.id
  integration_response_key = "$default"
  response_templates       = { "application/json" = "{\"id\": 1, \"name\": \"lamp\"}" }
}

resource "aws_apigatewayv2_integration_response" "lookup_missing" {
  api_id                        = aws_apigatewayv2_api.mock.id
  integration_id                = aws_apigatewayv2_integration.lookup.id
  integration_response_key      = "/4\\d{2}/"
  template_selection_expression = "$${integration.response.statuscode}"
  response_templates            = { "404" = "{\"error\": \"no such item\"}" }
}

# $default: every other message gets the list of actions.
resource "aws_apigatewayv2_integration" "default" {
  api_id                        = aws_apigatewayv2_api.mock.id
  integration_type              = "MOCK"
  template_selection_expression = "\\$default"
  request_templates             = { "$default" = "{\"statusCode\": 200}" }
}

resource "aws_apigatewayv2_route" "default" {
  api_id                              = aws_apigatewayv2_api.mock.id
  route_key                           = "$default"
  route_response_selection_expression = "$default"
  target                              = "integrations/${aws_apigatewayv2_integration.default.id}"
}

resource "aws_apigatewayv2_route_response" "default" {
  api_id             = aws_apigatewayv2_api.mock.id
  route_id           = aws_apigatewayv2_route.default.id
  route_response_key = "$default"
}

resource "aws_apigatewayv2_integration_response" "default" {
  api_id                   = aws_apigatewayv2_api.mock.id
  integration_id           = aws_apigatewayv2_integration.default.id
  integration_response_key = "$default"
  response_templates       = { "application/json" = "{\"error\": \"unknown action\", \"actions\": [\"ping\", \"lookup\"]}" }
}

resource "aws_apigatewayv2_deployment" "prod" {
  api_id = aws_apigatewayv2_api.mock.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_apigatewayv2_integration.connect, aws_apigatewayv2_route.connect,
      aws_apigatewayv2_integration.ping, aws_apigatewayv2_route.ping, aws_apigatewayv2_integration_response.ping,
      aws_apigatewayv2_integration.lookup, aws_apigatewayv2_route.lookup,
      aws_apigatewayv2_integration_response.lookup_found, aws_apigatewayv2_integration_response.lookup_missing,
      aws_apigatewayv2_integration.default, aws_apigatewayv2_route.default, aws_apigatewayv2_integration_response.default,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_apigatewayv2_stage" "prod" {
  api_id        = aws_apigatewayv2_api.mock.id
  name          = "prod"
  deployment_id = aws_apigatewayv2_deployment.prod.id
}

output "WebSocketURL" {
  value = "${aws_apigatewayv2_stage.prod.invoke_url}"
}
