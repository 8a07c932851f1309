# Terraform twin of template.yaml: the pet store REST API, /pets and
# /pets/{petId} proxied to an HTTP backend whose host comes from a stage
# variable, so each stage talks to its own backend.

variable "backend_host" {
  type        = string
  default     = "petstore.execute-api.us-east-1.amazonaws.com"
  description = "Host name of the backend the prod stage proxies to."
}

data "aws_region" "current" {}
data "aws_partition" "current" {}

resource "aws_api_gateway_rest_api" "pet_store" {
  name        = "PetStore"
  description = "Pets, proxied to an HTTP backend"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "pets" {
  rest_api_id = aws_api_gateway_rest_api.pet_store.id
  parent_id   = aws_api_gateway_rest_api.pet_store.root_resource_id
  path_part   = "pets"
}

resource "aws_api_gateway_resource" "pet" {
  rest_api_id = aws_api_gateway_rest_api.pet_store.id
  parent_id   = aws_api_gateway_resource.pets.id
  path_part   = "{petId}"
}

# The four operations, one map entry each: the method, its integration and
# their parameters come from the same place.
locals {
  operations = {
    ListPets = {
      resource = "pets", method = "GET", uri = "pets", timeout = 10000, api_key = false
      method_params = {
        "method.request.querystring.type" = false
        "method.request.querystring.page" = false
      }
      integration_params = {
        "integration.request.querystring.type" = "method.request.querystring.type"
        "integration.request.querystring.page" = "method.request.querystring.page"
      }
    }
    CreatePet = {
      resource = "pets", method = "POST", uri = "pets", timeout = null, api_key = false
      method_params = {}, integration_params = {}
    }
    GetPet = {
      resource = "pet", method = "GET", uri = "pets/{id}", timeout = null, api_key = false
      method_params      = { "method.request.path.petId" = true }
      integration_params = { "integration.request.path.id" = "method.request.path.petId" }
    }
    DeletePet = {
      resource = "pet", method = "DELETE", uri = "pets/{petId}", timeout = null, api_key = true
      method_params = {
        "method.request.path.petId"         = true
        "method.request.header.X-Request-Id" = false
      }
      integration_params = {
        "integration.request.path.petId"         = "method.request.path.petId"
        "integration.request.header.X-Request-Id" = "method.request.header.X-Request-Id"
        "integration.request.header.X-Source"     = "'cfnrun-petstore'"
      }
    }
  }
  resource_ids = {
    pets = aws_api_gateway_resource.pets.id
    pet  = aws_api_gateway_resource.pet.id
  }
}

resource "aws_api_gateway_method" "op" {
  for_each           = local.operations
  rest_api_id        = aws_api_gateway_rest_api.pet_store.id
  resource_id        = local.resource_ids[each.value.resource]
  http_method        = each.value.method
  authorization      = "NONE"
  operation_name     = each.key
  api_key_required   = each.value.api_key
  request_parameters = length(each.value.method_params) > 0 ? each.value.method_params : null
}

resource "aws_api_gateway_integration" "op" {
  for_each                = aws_api_gateway_method.op
  rest_api_id             = aws_api_gateway_rest_api.pet_store.id
  resource_id             = each.value.resource_id
  http_method             = each.value.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = each.value.http_method
  # $${...} keeps the stage variable for API Gateway to substitute.
  uri                  = "http://$${stageVariables.backend}/petstore/${local.operations[each.key].uri}"
  timeout_milliseconds = local.operations[each.key].timeout
  request_parameters   = length(local.operations[each.key].integration_params) > 0 ? local.operations[each.key].integration_params : null
}

# The deployment snapshots the API: triggers replace it whenever a method
# or integration changes, so the change goes live.
resource "aws_api_gateway_deployment" "pet_store" {
  rest_api_id = aws_api_gateway_rest_api.pet_store.id
  description = "Pet store deployment"
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.pets,
      aws_api_gateway_resource.pet,
      aws_api_gateway_method.op,
      aws_api_gateway_integration.op,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.pet_store.id
  deployment_id = aws_api_gateway_deployment.pet_store.id
  stage_name    = "prod"
  variables = {
    backend = var.backend_host
  }
}

resource "aws_api_gateway_method_settings" "prod_all" {
  rest_api_id = aws_api_gateway_rest_api.pet_store.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"
  settings {
    throttling_burst_limit = 100
    throttling_rate_limit  = 50
  }
}

resource "aws_api_gateway_stage" "dev" {
  rest_api_id   = aws_api_gateway_rest_api.pet_store.id
  deployment_id = aws_api_gateway_deployment.pet_store.id
  stage_name    = "dev"
  variables = {
    backend = "localhost:9000"
  }
}

output "ProdUrl" {
  description = "Invoke URL of the prod stage"
  value       = aws_api_gateway_stage.prod.invoke_url
}

output "DevUrl" {
  value = aws_api_gateway_stage.dev.invoke_url
}
