# Terraform twin of template.yaml: ANY /{proxy+} forwards every path and
# verb to one HTTP backend over HTTP/2 (cfnrun's connection_type = "HTTP2"
# extension); the h1 stage turns HTTP/2 off towards clients with
# http2_enabled = false. Validate with --allow-extensions: both extensions
# are reported as info.

resource "aws_api_gateway_rest_api" "proxy" {
  name               = "greedy-proxy"
  binary_media_types = ["*/*"]
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.proxy.id
  parent_id   = aws_api_gateway_rest_api.proxy.root_resource_id
  path_part   = "{proxy+}"
}

# ANY / : the root itself is not matched by {proxy+}.
resource "aws_api_gateway_method" "root_any" {
  rest_api_id   = aws_api_gateway_rest_api.proxy.id
  resource_id   = aws_api_gateway_rest_api.proxy.root_resource_id
  http_method   = "ANY"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "root_any" {
  rest_api_id             = aws_api_gateway_rest_api.proxy.id
  resource_id             = aws_api_gateway_method.root_any.resource_id
  http_method             = aws_api_gateway_method.root_any.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "ANY"
  uri                     = "http://$${stageVariables.upstream}/"
  connection_type         = "HTTP2"
}

# ANY /{proxy+}: every deeper path, forwarded as is.
resource "aws_api_gateway_method" "proxy_any" {
  rest_api_id   = aws_api_gateway_rest_api.proxy.id
  resource_id   = aws_api_gateway_resource.proxy.id
  http_method   = "ANY"
  authorization = "NONE"
  request_parameters = {
    "method.request.path.proxy" = true
  }
}

resource "aws_api_gateway_integration" "proxy_any" {
  rest_api_id             = aws_api_gateway_rest_api.proxy.id
  resource_id             = aws_api_gateway_method.proxy_any.resource_id
  http_method             = aws_api_gateway_method.proxy_any.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "ANY"
  uri                     = "http://$${stageVariables.upstream}/{proxy}"
  connection_type         = "HTTP2"
  timeout_milliseconds    = 5000
  request_parameters = {
    "integration.request.path.proxy"           = "method.request.path.proxy"
    "integration.request.header.X-Forwarded-Via" = "'cfnrun'"
  }
  cache_key_parameters = ["method.request.path.proxy"]
}

resource "aws_api_gateway_deployment" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.proxy.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.root_any,
      aws_api_gateway_integration.root_any,
      aws_api_gateway_method.proxy_any,
      aws_api_gateway_integration.proxy_any,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

# h2: HTTP/2 to clients (the default) and to the backend.
resource "aws_api_gateway_stage" "h2" {
  rest_api_id   = aws_api_gateway_rest_api.proxy.id
  deployment_id = aws_api_gateway_deployment.proxy.id
  stage_name    = "h2"
  variables = {
    upstream = "localhost:9001"
  }
}

# h1: the same routes, HTTP/1.1 only towards clients.
resource "aws_api_gateway_stage" "h1" {
  rest_api_id   = aws_api_gateway_rest_api.proxy.id
  deployment_id = aws_api_gateway_deployment.proxy.id
  stage_name    = "h1"
  http2_enabled = false
  variables = {
    upstream = "localhost:9001"
  }
}
