# The same API after the refactoring: aws_api_gateway_resource.items is now
# .things, and a moved block tells Terraform it is the same object, so
# terraform plan shows no changes ("has moved to").
resource "aws_api_gateway_rest_api" "api" {
  name = "inventory"
}

resource "aws_api_gateway_resource" "things" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "items"
}

resource "aws_api_gateway_method" "get_items" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.things.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "get_items" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.things.id
  http_method             = aws_api_gateway_method.get_items.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "https://inventory.example.com/items"
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.api.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.things,
      aws_api_gateway_method.get_items,
      aws_api_gateway_integration.get_items,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = "prod"
}

moved {
  from = aws_api_gateway_resource.items
  to   = aws_api_gateway_resource.things
}
