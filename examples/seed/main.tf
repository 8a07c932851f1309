# The Terraform twin of template.yaml: the article's template, mistakes
# included, written the way a Terraform user would. `cfnrun validate`
# reports the same problems on both files; `cfnrun routes` gives the same
# route table.

resource "aws_api_gateway_rest_api" "my_api_gateway" {
  name = "MyHttp2Api"
}

resource "aws_api_gateway_resource" "my_resource" {
  rest_api_id = aws_api_gateway_rest_api.my_api_gateway.id
  parent_id   = aws_api_gateway_rest_api.my_api_gateway.root_resource_id
  path_part   = "myresource"
}

resource "aws_api_gateway_method" "my_method" {
  rest_api_id   = aws_api_gateway_rest_api.my_api_gateway.id
  resource_id   = aws_api_gateway_resource.my_resource.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "my_method" {
  rest_api_id             = aws_api_gateway_rest_api.my_api_gateway.id
  resource_id             = aws_api_gateway_resource.my_resource.id
  http_method             = aws_api_gateway_method.my_method.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET" # This should match the HttpMethod of the client request
  uri                     = "http://${aws_ecs_service.my_http2_backend_service.name}.example.com/path"
  connection_type         = "HTTP2" # This is the key for HTTP/2 to the backend
  passthrough_behavior    = "WHEN_NO_MATCH"
}

resource "aws_api_gateway_method_response" "my_method_200" {
  rest_api_id = aws_api_gateway_rest_api.my_api_gateway.id
  resource_id = aws_api_gateway_resource.my_resource.id
  http_method = aws_api_gateway_method.my_method.http_method
  status_code = "200"
  response_models = {
    "application/json" = "Empty"
  }
}

resource "aws_api_gateway_deployment" "my_deployment" {
  rest_api_id = aws_api_gateway_rest_api.my_api_gateway.id
  stage_name  = "prod"
}

resource "aws_api_gateway_stage" "my_stage" {
  rest_api_id   = aws_api_gateway_rest_api.my_api_gateway.id
  stage_name    = "prod"
  auto_deploy   = true
  http2_enabled = true # Ensure this is set for the stage
}
