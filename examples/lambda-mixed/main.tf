# Terraform twin of template.json: a Lambda function behind AWS_PROXY, an
# SQS queue behind an AWS service integration, and an HTTP route, with the
# IAM roles and the Lambda permission. cfnrun serves the HTTP route and
# lists the AWS ones as not served.

variable "function_memory" {
  type    = number
  default = 256
  validation {
    condition     = contains([128, 256, 512, 1024], var.function_memory)
    error_message = "function_memory must be 128, 256, 512 or 1024."
  }
}

data "aws_region" "current" {}
data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

resource "aws_iam_role" "function" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  managed_policy_arns = ["arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
}

resource "aws_lambda_function" "hello" {
  function_name = "hello"
  runtime       = "python3.12"
  handler       = "index.handler"
  memory_size   = var.function_memory
  timeout       = 10
  role          = aws_iam_role.function.arn
  filename      = data.archive_file.hello.output_path
  environment {
    variables = {
      QUEUE_URL = aws_sqs_queue.jobs.url
    }
  }
}

# The same inline code as the CloudFormation template's Code.ZipFile, zipped
# by Terraform; cfnrun runs it from the source block without the zip.
data "archive_file" "hello" {
  type        = "zip"
  output_path = "${path.module}/build/hello.zip"
  source {
    filename = "index.py"
    content  = <<-EOT
      import json
      def handler(event, context):
          return {"statusCode": 200, "body": json.dumps({"hello": event["path"]})}
    EOT
  }
}

resource "aws_sqs_queue" "jobs" {
  visibility_timeout_seconds = 60
}

resource "aws_iam_role" "api_sqs" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  inline_policy {
    name = "send-to-queue"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "sqs:SendMessage", Resource = aws_sqs_queue.jobs.arn }]
    })
  }
}

resource "aws_api_gateway_rest_api" "api" {
  name = "lambda-mixed"
  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "path" {
  for_each    = toset(["hello", "jobs", "status"])
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = each.key
}

# GET /hello → the Lambda function (AWS_PROXY).
resource "aws_api_gateway_method" "hello_get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.path["hello"].id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "hello_get" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.path["hello"].id
  http_method             = aws_api_gateway_method.hello_get.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = aws_lambda_function.hello.invoke_arn
}

resource "aws_lambda_permission" "hello" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.hello.arn
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.api.execution_arn}/*/GET/hello"
}

# POST /jobs → SQS SendMessage (an AWS service integration).
resource "aws_api_gateway_method" "jobs_post" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.path["jobs"].id
  http_method   = "POST"
  authorization = "AWS_IAM"
}

resource "aws_api_gateway_integration" "jobs_post" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.path["jobs"].id
  http_method             = aws_api_gateway_method.jobs_post.http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = "arn:${data.aws_partition.current.partition}:apigateway:${data.aws_region.current.name}:sqs:path/${data.aws_caller_identity.current.account_id}/${aws_sqs_queue.jobs.name}"
  credentials             = aws_iam_role.api_sqs.arn
  passthrough_behavior    = "NEVER"
  request_parameters = {
    "integration.request.header.Content-Type" = "'application/x-www-form-urlencoded'"
  }
  request_templates = {
    "application/json" = "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"
  }
}

resource "aws_api_gateway_method_response" "jobs_post_202" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.path["jobs"].id
  http_method = aws_api_gateway_method.jobs_post.http_method
  status_code = "202"
}

resource "aws_api_gateway_integration_response" "jobs_post_202" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.path["jobs"].id
  http_method = aws_api_gateway_method.jobs_post.http_method
  status_code = aws_api_gateway_method_response.jobs_post_202.status_code
  response_templates = {
    "application/json" = "{\"accepted\": true}"
  }
  depends_on = [aws_api_gateway_integration.jobs_post]
}

# GET /status → a plain HTTP backend.
resource "aws_api_gateway_method" "status_get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.path["status"].id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "status_get" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.path["status"].id
  http_method             = aws_api_gateway_method.status_get.http_method
  type                    = "HTTP"
  integration_http_method = "GET"
  uri                     = "http://localhost:9003/status"
  timeout_milliseconds    = 2000
}

resource "aws_api_gateway_method_response" "status_get_200" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.path["status"].id
  http_method = aws_api_gateway_method.status_get.http_method
  status_code = "200"
}

resource "aws_api_gateway_integration_response" "status_get_200" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = aws_api_gateway_resource.path["status"].id
  http_method = aws_api_gateway_method.status_get.http_method
  status_code = aws_api_gateway_method_response.status_get_200.status_code
  depends_on  = [aws_api_gateway_integration.status_get]
}

resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.path,
      aws_api_gateway_method.hello_get, aws_api_gateway_integration.hello_get,
      aws_api_gateway_method.jobs_post, aws_api_gateway_integration.jobs_post,
      aws_api_gateway_method.status_get, aws_api_gateway_integration.status_get,
    ]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "live" {
  rest_api_id          = aws_api_gateway_rest_api.api.id
  deployment_id        = aws_api_gateway_deployment.api.id
  stage_name           = "live"
  xray_tracing_enabled = true
}

output "HelloUrl" {
  value = "${aws_api_gateway_stage.live.invoke_url}/hello"
}

output "FunctionArn" {
  value = aws_lambda_function.hello.arn
}
