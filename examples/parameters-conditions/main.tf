# Terraform twin of template.yaml: variables, a lookup map and conditionals
# driving an API. The environment picks the backend and timeout, a count
# adds the admin route only in prod, and the Terraform counterparts of the
# CloudFormation intrinsics appear at least once.

variable "environment" {
  type        = string
  default     = "dev"
  description = "Which environment to deploy."
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "service_name" {
  type    = string
  default = "orders"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,19}$", var.service_name))
    error_message = "lower-case letters, digits and dashes, 3 to 20 characters."
  }
}

variable "api_versions" {
  type        = list(string)
  default     = ["v1", "v2"]
  description = "Versions; the first one is served."
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "rate_limit" {
  type    = number
  default = 50
  validation {
    condition     = var.rate_limit >= 1 && var.rate_limit <= 10000
    error_message = "rate_limit must be between 1 and 10000."
  }
}

variable "admin_token" {
  type      = string
  default   = "local-admin-token"
  sensitive = true
}

locals {
  env_config = {
    dev     = { backend = "localhost:9002", timeout = 3000 }
    staging = { backend = "staging.orders.example.com", timeout = 10000 }
    prod    = { backend = "orders.example.com", timeout = 29000 }
  }
  config      = local.env_config[var.environment]
  is_prod     = var.environment == "prod"
  use_tracing = var.environment != "dev" && (local.is_prod || var.environment == "staging")
  version     = element(var.api_versions, 0)
}

data "aws_region" "current" {}
data "aws_availability_zones" "available" {}

resource "aws_api_gateway_rest_api" "orders" {
  name        = join("-", [var.service_name, var.environment])
  description = format("%s API in %s (%s)", var.service_name, var.environment, data.aws_region.current.name)
  endpoint_configuration {
    types = [local.is_prod ? "EDGE" : "REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "version" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_rest_api.orders.root_resource_id
  path_part   = local.version
}

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_resource.version.id
  # "orders" from the ARN-ish string, to show split and element together.
  path_part = element(split(":", "service:orders:items"), 1)
}

resource "aws_api_gateway_method" "orders_get" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  resource_id   = aws_api_gateway_resource.orders.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "orders_get" {
  rest_api_id             = aws_api_gateway_rest_api.orders.id
  resource_id             = aws_api_gateway_resource.orders.id
  http_method             = aws_api_gateway_method.orders_get.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "http://${local.config.backend}/${local.version}/orders"
  timeout_milliseconds    = local.config.timeout
  request_parameters = {
    "integration.request.header.X-Availability-Zone" = "'${data.aws_availability_zones.available.names[0]}'"
    "integration.request.header.X-Subnet"            = "'${cidrsubnet(var.vpc_cidr, 8, 1)}'"
  }
}

# Only in prod: count is 0 by default, so the resource and its method do
# not exist (-var environment=prod adds them).
resource "aws_api_gateway_resource" "admin" {
  count       = local.is_prod ? 1 : 0
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_resource.version.id
  path_part   = "admin"
}

resource "aws_api_gateway_method" "admin_post" {
  count            = length(aws_api_gateway_resource.admin)
  rest_api_id      = aws_api_gateway_rest_api.orders.id
  resource_id      = aws_api_gateway_resource.admin[count.index].id
  http_method      = "POST"
  authorization    = "NONE"
  api_key_required = true
}

resource "aws_api_gateway_integration" "admin_post" {
  count                   = length(aws_api_gateway_method.admin_post)
  rest_api_id             = aws_api_gateway_rest_api.orders.id
  resource_id             = aws_api_gateway_resource.admin[count.index].id
  http_method             = aws_api_gateway_method.admin_post[count.index].http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "POST"
  uri                     = "http://${local.config.backend}/admin"
  request_parameters = {
    "integration.request.header.X-Admin-Token" = "'${var.admin_token}'"
  }
}

resource "aws_api_gateway_deployment" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  description = "${var.service_name} ${var.environment}"
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_method.orders_get, aws_api_gateway_integration.orders_get,
      aws_api_gateway_method.admin_post, aws_api_gateway_integration.admin_post,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "env" {
  rest_api_id          = aws_api_gateway_rest_api.orders.id
  deployment_id        = aws_api_gateway_deployment.orders.id
  stage_name           = var.environment
  xray_tracing_enabled = local.use_tracing
  description          = local.is_prod ? "production" : null
  variables = {
    service = var.service_name
    encoded = base64encode("orders")
  }
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  stage_name  = aws_api_gateway_stage.env.stage_name
  method_path = "*/*"
  settings {
    throttling_rate_limit  = var.rate_limit
    throttling_burst_limit = 100
  }
}

output "StageUrl" {
  value = aws_api_gateway_stage.env.invoke_url
}

output "AdminPath" {
  value = local.is_prod ? "/${local.version}/admin" : null
}

output "Subnets" {
  description = "The first two /24 blocks of the VPC CIDR."
  value       = join(",", [cidrsubnet(var.vpc_cidr, 8, 0), cidrsubnet(var.vpc_cidr, 8, 1)])
}

output "Region" {
  value = data.aws_availability_zones.available.names[0]
}
