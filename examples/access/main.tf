# Terraform twin of template.yaml: API keys in a usage plan with a throttle
# and a daily quota, per-method throttles, a request validator with JSON
# Schema models, a Cognito user pool authorizer with OAuth scopes, a
# resource policy, and gateway responses that reshape the gateway's own
# errors. Every integration is a MOCK, so it runs as is.

resource "aws_api_gateway_rest_api" "pets" {
  name           = "access-demo"
  api_key_source = "HEADER"
}

# Everyone may call the API, except a documentation network that the
# explicit Deny shuts out.
resource "aws_api_gateway_rest_api_policy" "pets" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
      },
      {
        Effect    = "Deny"
        Principal = "*"
        Action    = "execute-api:Invoke"
        Resource  = "execute-api:/*"
        Condition = {
          IpAddress = { "aws:SourceIp" = "203.0.113.0/24" }
        }
      },
    ]
  })
}

resource "aws_cognito_user_pool" "users" {
  name = "access-demo-users"
}

# The pool's app client: its tokens carry its id as aud / client_id,
# which the authorizer checks (cfnrun token mints for it).
resource "aws_cognito_user_pool_client" "web" {
  name         = "access-demo-web"
  user_pool_id = aws_cognito_user_pool.users.id
}

resource "aws_api_gateway_resource" "pets" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  parent_id   = aws_api_gateway_rest_api.pets.root_resource_id
  path_part   = "pets"
}

resource "aws_api_gateway_resource" "me" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  parent_id   = aws_api_gateway_rest_api.pets.root_resource_id
  path_part   = "me"
}

# Models: a Pet refers to the Tag model by its model URL.
resource "aws_api_gateway_model" "tag" {
  rest_api_id  = aws_api_gateway_rest_api.pets.id
  name         = "Tag"
  content_type = "application/json"
  schema = jsonencode({
    "$schema" = "http://json-schema.org/draft-04/schema#"
    title     = "Tag"
    type      = "string"
    minLength = 1
    maxLength = 20
  })
}

resource "aws_api_gateway_model" "pet" {
  rest_api_id  = aws_api_gateway_rest_api.pets.id
  name         = "Pet"
  content_type = "application/json"
  schema = jsonencode({
    "$schema" = "http://json-schema.org/draft-04/schema#"
    title     = "Pet"
    type      = "object"
    required  = ["name", "type"]
    properties = {
      name  = { type = "string" }
      type  = { type = "string", enum = ["dog", "cat", "fish"] }
      price = { type = "number", minimum = 0 }
      tags = {
        type  = "array"
        items = { "$ref" = "https://apigateway.amazonaws.com/restapis/${aws_api_gateway_rest_api.pets.id}/models/Tag" }
      }
    }
    additionalProperties = false
  })
}

resource "aws_api_gateway_request_validator" "body_and_params" {
  rest_api_id                 = aws_api_gateway_rest_api.pets.id
  name                        = "body-and-params"
  validate_request_body       = true
  validate_request_parameters = true
}

resource "aws_api_gateway_authorizer" "cognito" {
  rest_api_id     = aws_api_gateway_rest_api.pets.id
  name            = "cognito"
  type            = "COGNITO_USER_POOLS"
  identity_source = "method.request.header.Authorization"
  provider_arns   = [aws_cognito_user_pool.users.arn]
}

# GET /pets: an API key of the usage plan is required.
resource "aws_api_gateway_method" "pets_get" {
  rest_api_id      = aws_api_gateway_rest_api.pets.id
  resource_id      = aws_api_gateway_resource.pets.id
  http_method      = "GET"
  authorization    = "NONE"
  api_key_required = true
}

resource "aws_api_gateway_integration" "pets_get" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  resource_id = aws_api_gateway_resource.pets.id
  http_method = aws_api_gateway_method.pets_get.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "pets_get_200" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  resource_id = aws_api_gateway_resource.pets.id
  http_method = aws_api_gateway_method.pets_get.http_method
  status_code = "200"
}

resource "aws_api_gateway_integration_response" "pets_get_200" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  resource_id = aws_api_gateway_resource.pets.id
  http_method = aws_api_gateway_method.pets_get.http_method
  status_code = aws_api_gateway_method_response.pets_get_200.status_code
  response_templates = {
    "application/json" = "[{\"name\": \"Rex\", \"type\": \"dog\"}]"
  }
}

# POST /pets: the body must be a Pet and the X-Request-Source header set.
resource "aws_api_gateway_method" "pets_post" {
  rest_api_id          = aws_api_gateway_rest_api.pets.id
  resource_id          = aws_api_gateway_resource.pets.id
  http_method          = "POST"
  authorization        = "NONE"
  api_key_required     = true
  request_validator_id = aws_api_gateway_request_validator.body_and_params.id
  request_parameters = {
    "method.request.header.X-Request-Source" = true
  }
  request_models = {
    "application/json" = aws_api_gateway_model.pet.name
  }
}

resource "aws_api_gateway_integration" "pets_post" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  resource_id = aws_api_gateway_resource.pets.id
  http_method = aws_api_gateway_method.pets_post.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 201}"
  }
}

resource "aws_api_gateway_method_response" "pets_post_201" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  resource_id = aws_api_gateway_resource.pets.id
  http_method = aws_api_gateway_method.pets_post.http_method
  status_code = "201"
}

resource "aws_api_gateway_integration_response" "pets_post_201" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  resource_id = aws_api_gateway_resource.pets.id
  http_method = aws_api_gateway_method.pets_post.http_method
  status_code = aws_api_gateway_method_response.pets_post_201.status_code
  response_templates = {
    "application/json" = "{\"created\": true}"
  }
}

# GET /me: a Cognito access token with the profile scope.
resource "aws_api_gateway_method" "me_get" {
  rest_api_id          = aws_api_gateway_rest_api.pets.id
  resource_id          = aws_api_gateway_resource.me.id
  http_method          = "GET"
  authorization        = "COGNITO_USER_POOLS"
  authorizer_id        = aws_api_gateway_authorizer.cognito.id
  authorization_scopes = ["access-demo/profile"]
}

resource "aws_api_gateway_integration" "me_get" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  resource_id = aws_api_gateway_resource.me.id
  http_method = aws_api_gateway_method.me_get.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 200}"
  }
}

resource "aws_api_gateway_method_response" "me_get_200" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  resource_id = aws_api_gateway_resource.me.id
  http_method = aws_api_gateway_method.me_get.http_method
  status_code = "200"
}

resource "aws_api_gateway_integration_response" "me_get_200" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  resource_id = aws_api_gateway_resource.me.id
  http_method = aws_api_gateway_method.me_get.http_method
  status_code = aws_api_gateway_method_response.me_get_200.status_code
  response_templates = {
    "application/json" = "{\"sub\": \"$context.authorizer.claims.sub\", \"username\": \"$context.authorizer.claims.username\"}"
  }
}

# The gateway's own errors, reshaped: every 4XX carries a CORS header, and
# a body that fails validation says why.
resource "aws_api_gateway_gateway_response" "default_4xx" {
  rest_api_id   = aws_api_gateway_rest_api.pets.id
  response_type = "DEFAULT_4XX"
  response_parameters = {
    "gatewayresponse.header.Access-Control-Allow-Origin" = "'*'"
  }
}

resource "aws_api_gateway_gateway_response" "bad_body" {
  rest_api_id   = aws_api_gateway_rest_api.pets.id
  response_type = "BAD_REQUEST_BODY"
  status_code   = "422"
  response_templates = {
    "application/json" = "{\"message\": $context.error.messageString, \"errors\": \"$context.error.validationErrorString\"}"
  }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  depends_on = [
    aws_api_gateway_integration.pets_get,
    aws_api_gateway_integration.pets_post,
    aws_api_gateway_integration.me_get,
  ]
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.pets.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = "prod"
}

# Every method: 100 requests per second, 50 at once.
resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"
  settings {
    throttling_rate_limit  = 100
    throttling_burst_limit = 50
  }
}

# POST /pets: 5 per second, 2 at once.
resource "aws_api_gateway_method_settings" "pets_post" {
  rest_api_id = aws_api_gateway_rest_api.pets.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "pets/POST"
  settings {
    throttling_rate_limit  = 5
    throttling_burst_limit = 2
  }
}

# A usage plan: 10 requests per second per key (20 at once), 1000 a day,
# and GET /pets limited to 2 per second per key.
resource "aws_api_gateway_usage_plan" "basic" {
  name        = "basic"
  description = "Partners on the free tier"
  api_stages {
    api_id = aws_api_gateway_rest_api.pets.id
    stage  = aws_api_gateway_stage.prod.stage_name
    throttle {
      path        = "/pets/GET"
      rate_limit  = 2
      burst_limit = 4
    }
  }
  throttle_settings {
    rate_limit  = 10
    burst_limit = 20
  }
  quota_settings {
    limit  = 1000
    period = "DAY"
  }
}

# A key with a fixed value, and one whose value API Gateway generates
# (cfnrun generates it too, the same on every start, and prints it).
resource "aws_api_gateway_api_key" "partner" {
  name  = "partner"
  value = "partner-key-0123456789abcdef"
}

resource "aws_api_gateway_api_key" "generated" {
  name = "generated"
}

resource "aws_api_gateway_usage_plan_key" "partner" {
  key_id        = aws_api_gateway_api_key.partner.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.basic.id
}

resource "aws_api_gateway_usage_plan_key" "generated" {
  key_id        = aws_api_gateway_api_key.generated.id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.basic.id
}

output "UserPoolId" {
  value = aws_cognito_user_pool.users.id
}
