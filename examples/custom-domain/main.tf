# Terraform twin of template.yaml: the shop REST API behind api.example.com
# (prod at the root, beta under /beta) and shop.example.com (prod under the
# two-level base path shop/v1).

variable "certificate_arn" {
  type        = string
  default     = "arn:aws:acm:us-east-1:123456789012:certificate/5f2d1c3e-8f7a-4b6c-9d0e-1a2b3c4d5e6f"
  description = "An ACM certificate for api.example.com and shop.example.com, in the API's region."
}

resource "aws_api_gateway_rest_api" "shop" {
  name = "shop"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  parent_id   = aws_api_gateway_rest_api.shop.root_resource_id
  path_part   = "items"
}

resource "aws_api_gateway_method" "get_items" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "get_items" {
  rest_api_id       = aws_api_gateway_rest_api.shop.id
  resource_id       = aws_api_gateway_resource.items.id
  http_method       = aws_api_gateway_method.get_items.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_method_response" "get_items_200" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  resource_id = aws_api_gateway_resource.items.id
  http_method = aws_api_gateway_method.get_items.http_method
  status_code = "200"
}

resource "aws_api_gateway_integration_response" "get_items_200" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  resource_id = aws_api_gateway_resource.items.id
  http_method = aws_api_gateway_method.get_items.http_method
  status_code = aws_api_gateway_method_response.get_items_200.status_code
  response_templates = {
    "application/json" = "{\"stage\": \"$context.stage\", \"path\": \"$context.path\", \"resource\": \"$context.resourcePath\", \"domain\": \"$context.domainName\"}"
  }
  depends_on = [aws_api_gateway_integration.get_items]
}

resource "aws_api_gateway_deployment" "shop" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  triggers = {
    redeployment = sha1(jsonencode([aws_api_gateway_resource.items, aws_api_gateway_method.get_items, aws_api_gateway_integration.get_items]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  deployment_id = aws_api_gateway_deployment.shop.id
  stage_name    = "prod"
}

resource "aws_api_gateway_stage" "beta" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  deployment_id = aws_api_gateway_deployment.shop.id
  stage_name    = "beta"
}

resource "aws_api_gateway_domain_name" "api" {
  domain_name              = "api.example.com"
  regional_certificate_arn = var.certificate_arn
  security_policy          = "TLS_1_2"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_base_path_mapping" "root" {
  api_id      = aws_api_gateway_rest_api.shop.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  domain_name = aws_api_gateway_domain_name.api.domain_name
}

resource "aws_api_gateway_base_path_mapping" "beta" {
  api_id      = aws_api_gateway_rest_api.shop.id
  stage_name  = aws_api_gateway_stage.beta.stage_name
  domain_name = aws_api_gateway_domain_name.api.domain_name
  base_path   = "beta"
}

resource "aws_apigatewayv2_domain_name" "shop" {
  domain_name = "shop.example.com"
  domain_name_configuration {
    certificate_arn = var.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}

resource "aws_apigatewayv2_api_mapping" "shop" {
  api_id          = aws_api_gateway_rest_api.shop.id
  domain_name     = aws_apigatewayv2_domain_name.shop.id
  stage           = aws_api_gateway_stage.prod.stage_name
  api_mapping_key = "shop/v1"
}

output "ApiUrl" {
  value = "https://${aws_api_gateway_domain_name.api.domain_name}/items"
}

output "BetaUrl" {
  value = "https://${aws_api_gateway_domain_name.api.domain_name}/beta/items"
}

output "ShopUrl" {
  value = "https://${aws_apigatewayv2_domain_name.shop.domain_name}/shop/v1/items"
}

output "RegionalTarget" {
  description = "The name api.example.com's DNS record points at (an alias or CNAME)."
  value       = aws_api_gateway_domain_name.api.regional_domain_name
}
