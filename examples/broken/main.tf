# Terraform twin of template.yaml, deliberately broken: every resource below
# carries a mistake that Terraform, the AWS provider or API Gateway rejects
# (or that breaks the API once deployed). `cfnrun validate` reports each on
# its line; the README shows the output.

variable "stage" {
  type    = string
  default = "test"
}

variable "unused_bucket_name" {
  type    = string
  default = "my-bucket"
}

resource "aws_api_gateway_rest_api" "broken" {
  name = "broken"
}

resource "aws_api_gateway_resource" "items" {
  rest_api_id = aws_api_gateway_rest_api.broken.id
  parent_id   = aws_api_gateway_rest_api.broken.root_resource_id
  path_part   = "items"
}

# Same path part under the same parent as aws_api_gateway_resource.items.
resource "aws_api_gateway_resource" "another_items" {
  rest_api_id = aws_api_gateway_rest_api.broken.id
  parent_id   = aws_api_gateway_rest_api.broken.root_resource_id
  path_part   = "items"
}

# A greedy variable with a child below it.
resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.broken.id
  parent_id   = aws_api_gateway_resource.items.id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_resource" "details" {
  rest_api_id = aws_api_gateway_rest_api.broken.id
  parent_id   = aws_api_gateway_resource.proxy.id
  path_part   = "details"
}

# A uri placeholder without a request parameter mapping, and a timeout
# above API Gateway's 29 s limit.
resource "aws_api_gateway_method" "items_get" {
  rest_api_id   = aws_api_gateway_rest_api.broken.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "items_get" {
  rest_api_id             = aws_api_gateway_rest_api.broken.id
  resource_id             = aws_api_gateway_resource.items.id
  http_method             = aws_api_gateway_method.items_get.http_method
  type                    = "HTTP"
  integration_http_method = "GET"
  uri                     = "http://backend.example.com/items/{itemId}"
  timeout_milliseconds    = 60000
}

# A MOCK integration without a statusCode template, and an integration
# response without a matching method response.
resource "aws_api_gateway_method" "items_post" {
  rest_api_id   = aws_api_gateway_rest_api.broken.id
  resource_id   = aws_api_gateway_resource.items.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "items_post" {
  rest_api_id = aws_api_gateway_rest_api.broken.id
  resource_id = aws_api_gateway_resource.items.id
  http_method = aws_api_gateway_method.items_post.http_method
  type        = "MOCK"
}

resource "aws_api_gateway_method_response" "items_post_200" {
  rest_api_id = aws_api_gateway_rest_api.broken.id
  resource_id = aws_api_gateway_resource.items.id
  http_method = aws_api_gateway_method.items_post.http_method
  status_code = "200"
}

resource "aws_api_gateway_integration_response" "items_post_201" {
  rest_api_id = aws_api_gateway_rest_api.broken.id
  resource_id = aws_api_gateway_resource.items.id
  http_method = aws_api_gateway_method.items_post.http_method
  status_code = "201"
  response_parameters = { "method.response.header.Location" = "'/items/1'" }
  depends_on  = [aws_api_gateway_integration.items_post]
}
# Two resources that need each other.
resource "aws_lambda_function" "order" {
  function_name = "template-OrderFunction-J2X3OWX0FAN0" # the name CloudFormation generates for the twin
  runtime       = "nodejs22.x"
  handler       = "index.handler"
  role          = aws_iam_role.order.arn
  filename      = data.archive_file.order.output_path
}

data "archive_file" "order" {
  type        = "zip"
  output_path = "order.zip"
  source {
    filename = "index.js"
    content  = "exports.handler = async () => ({statusCode: 200});"
  }
}

resource "aws_iam_role" "order" {
  name = "order"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  inline_policy {
    name = "self"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "lambda:InvokeFunction", Resource = aws_lambda_function.order.arn }]
    })
  }
}

# A typo in depends_on (item_get), and vars instead of var.
resource "aws_api_gateway_deployment" "broken" {
  rest_api_id = aws_api_gateway_rest_api.broken.id
  description = "Stage"
  depends_on  = [aws_api_gateway_method.item_get, aws_api_gateway_method.items_post]
}

resource "aws_api_gateway_stage" "broken" {
  rest_api_id   = aws_api_gateway_rest_api.broken.id
  deployment_id = aws_api_gateway_deployment.broken.id
  stage_name    = var.stage
  variables = {
    "bad-name" = "value"
  }
  tags = {
    stage = vars.stage
  }
}

# A typo in a reference: the did-you-mean hint names the right resource.
output "ApiId" {
  value = aws_api_gateway_rest_api.broken_api.id
}
