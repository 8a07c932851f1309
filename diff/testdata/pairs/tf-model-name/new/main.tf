# A Terraform API whose method validates its body with a named model. The
# new side changes the model's content type (ForceNew): Terraform replaces
# the model under the same name, so the method, which reads only
# aws_api_gateway_model.item.name, does not change.
resource "aws_api_gateway_rest_api" "api" {
  name = "inventory"
}

resource "aws_api_gateway_model" "item" {
  rest_api_id  = aws_api_gateway_rest_api.api.id
  name         = "Item"
  content_type = "application/xml"
  schema       = jsonencode({ type = "object" })
}

resource "aws_api_gateway_method" "post_items" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_rest_api.api.root_resource_id
  http_method   = "POST"
  authorization = "NONE"
  request_models = {
    "application/json" = aws_api_gateway_model.item.name
  }
}

resource "aws_api_gateway_integration" "post_items" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_rest_api.api.root_resource_id
  http_method = aws_api_gateway_method.post_items.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  triggers = {
    redeployment = sha1(jsonencode([aws_api_gateway_model.item, aws_api_gateway_method.post_items, aws_api_gateway_integration.post_items]))
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
