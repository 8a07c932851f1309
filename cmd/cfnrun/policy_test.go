package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// policyCFN and policyTF are one API with a resource policy, in each
// language: everyone may call it, but /admin is denied to loopback
// callers, and a statement on aws:SourceVpce is not evaluated.
const policyCFN = `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: policy
      Policy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: execute-api:Invoke
            Resource: execute-api:/*
          - Effect: Deny
            Principal: "*"
            Action: execute-api:Invoke
            Resource: !Sub arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/GET/admin
            Condition:
              IpAddress:
                aws:SourceIp: [127.0.0.0/8, "::1/128"]
          - Sid: vpce
            Effect: Deny
            Principal: "*"
            Action: execute-api:Invoke
            Resource: execute-api:/*
            Condition:
              StringNotEquals:
                aws:SourceVpce: vpce-0123
  Admin:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: admin
  AdminGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Admin
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates:
          application/json: '{"statusCode": 200}'
        IntegrationResponses:
          - StatusCode: "200"
      MethodResponses:
        - StatusCode: "200"
  RootGet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates:
          application/json: '{"statusCode": 200}'
        IntegrationResponses:
          - StatusCode: "200"
      MethodResponses:
        - StatusCode: "200"
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [AdminGet, RootGet]
    Properties:
      RestApiId: !Ref Api
      StageName: prod
`

const policyTF = `data "aws_iam_policy_document" "p" {
  statement {
    actions   = ["execute-api:Invoke"]
    resources = ["execute-api:/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
  statement {
    effect    = "Deny"
    actions   = ["execute-api:Invoke"]
    resources = ["${aws_api_gateway_rest_api.api.execution_arn}/*/GET/admin"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "IpAddress"
      variable = "aws:SourceIp"
      values   = ["127.0.0.0/8", "::1/128"]
    }
  }
  statement {
    sid       = "vpce"
    effect    = "Deny"
    actions   = ["execute-api:Invoke"]
    resources = ["execute-api:/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "StringNotEquals"
      variable = "aws:SourceVpce"
      values   = ["vpce-0123"]
    }
  }
}

resource "aws_api_gateway_rest_api" "api" {
  name = "policy"
}

resource "aws_api_gateway_rest_api_policy" "p" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  policy      = data.aws_iam_policy_document.p.json
}

resource "aws_api_gateway_resource" "admin" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "admin"
}

resource "aws_api_gateway_method" "m" {
  for_each      = { root = aws_api_gateway_rest_api.api.root_resource_id, admin = aws_api_gateway_resource.admin.id }
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = each.value
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "i" {
  for_each    = aws_api_gateway_method.m
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = each.value.resource_id
  http_method = each.value.http_method
  type        = "MOCK"
  request_templates = {
    "application/json" = jsonencode({ statusCode = 200 })
  }
}

resource "aws_api_gateway_method_response" "r" {
  for_each    = aws_api_gateway_method.m
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = each.value.resource_id
  http_method = each.value.http_method
  status_code = "200"
}

resource "aws_api_gateway_integration_response" "r" {
  for_each    = aws_api_gateway_integration.i
  rest_api_id = aws_api_gateway_rest_api.api.id
  resource_id = each.value.resource_id
  http_method = each.value.http_method
  status_code = aws_api_gateway_method_response.r[each.key].status_code
}

resource "aws_api_gateway_deployment" "d" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  triggers = {
    redeployment = sha1(jsonencode([aws_api_gateway_method.m, aws_api_gateway_integration.i, aws_api_gateway_integration_response.r, aws_api_gateway_rest_api_policy.p]))
  }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.d.id
  stage_name    = "prod"
}
`

// TestUpResourcePolicy serves the same resource policy from CloudFormation
// (YAML with !Sub) and Terraform (aws_iam_policy_document, rest_api_policy):
// loopback callers are denied /admin with AWS's AccessDenied answer, the
// rest is allowed, and the statement on aws:SourceVpce is said to be
// skipped at start.
func TestUpResourcePolicy(t *testing.T) {
	for _, tc := range []struct{ file, src string }{{"template.yaml", policyCFN}, {"main.tf", policyTF}} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tc.file)
			if err := os.WriteFile(path, []byte(tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.file == "main.tf" {
				path = filepath.Dir(path)
			}
			up := startUp(t, "--no-watch", path)
			out := up.output()
			if want := "cfnrun up does not evaluate StringNotEquals aws:SourceVpce"; !strings.Contains(out, want) {
				t.Errorf("start-up output lacks %q:\n%s", want, out)
			}
			base := "http://" + up.http + "/prod"
			if a := call(t, "GET", base+"/", ""); a.status != 200 {
				t.Errorf("GET /: %d %s", a.status, a.body)
			}
			a := call(t, "GET", base+"/admin", "")
			if a.status != 403 || a.header.Get("x-amzn-ErrorType") != "AccessDeniedException" ||
				!strings.HasPrefix(a.body, `{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:********9012:`) ||
				!strings.HasSuffix(a.body, `/prod/GET/admin with an explicit deny"}`) {
				t.Errorf("GET /admin: %d %s %v", a.status, a.body, a.header)
			}
		})
	}
}
