package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The same HTTP API defined by an OpenAPI body in both front ends: an
// AWS::ApiGatewayV2::Api Body and a Terraform aws_apigatewayv2_api body
// (jsonencode, the functions' ARNs known only after apply). The document
// declares a JWT authorizer (a Cognito issuer, a scope on one route) and a
// Lambda authorizer (payload 2.0, simple responses) as security schemes,
// CORS as x-amazon-apigateway-cors, Lambda routes, and a $default route
// proxied to a real backend.

const bodyHandler = `exports.handler = async (e) => ({ statusCode: 200,
  body: JSON.stringify({ routeKey: e.routeKey, rawPath: e.rawPath, params: e.pathParameters || null,
                         authorizer: e.requestContext.authorizer || null }) });
`

const bodyAuthHandler = `exports.handler = async (e) => ({ isAuthorized: e.identitySource[0] === "let-me-in", context: { who: e.identitySource[0] } });
`

func bodyCFNTemplate(backend string) string {
	return `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Hello:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fns
      Code:
        ZipFile: |
` + indent(bodyHandler, "          ") + `
  Gate:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fns
      Code:
        ZipFile: |
` + indent(bodyAuthHandler, "          ") + `
  HelloPermission:
    Type: AWS::Lambda::Permission
    Properties: {Action: lambda:InvokeFunction, FunctionName: !Ref Hello, Principal: apigateway.amazonaws.com}
  GatePermission:
    Type: AWS::Lambda::Permission
    Properties: {Action: lambda:InvokeFunction, FunctionName: !Ref Gate, Principal: apigateway.amazonaws.com}
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Body:
        openapi: 3.0.1
        info: {title: body-api, version: "1"}
        x-amazon-apigateway-cors: {allowOrigins: [https://app.example], allowMethods: [GET, POST], maxAge: 600}
        components:
          securitySchemes:
            pool:
              type: oauth2
              x-amazon-apigateway-authorizer:
                type: jwt
                identitySource: $request.header.Authorization
                jwtConfiguration: {issuer: https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bodyTest1, audience: [bodyclient]}
            gate:
              type: apiKey
              name: Unused
              in: header
              x-amazon-apigateway-authorizer:
                type: request
                identitySource: [$request.header.X-Token]
                authorizerUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Gate.Arn}/invocations
                authorizerPayloadFormatVersion: "2.0"
                enableSimpleResponses: true
        paths:
          /hello/{name}:
            get:
              x-amazon-apigateway-integration: {type: aws_proxy, uri: !GetAtt Hello.Arn, payloadFormatVersion: "2.0"}
          /me:
            get:
              security: [{pool: [me/read]}]
              x-amazon-apigateway-integration: {type: aws_proxy, uri: !GetAtt Hello.Arn, payloadFormatVersion: "2.0"}
          /simple:
            get:
              security: [{gate: []}]
              x-amazon-apigateway-integration: {type: aws_proxy, uri: !GetAtt Hello.Arn, payloadFormatVersion: "2.0"}
          $default:
            x-amazon-apigateway-any-method:
              x-amazon-apigateway-integration: {type: http_proxy, httpMethod: ANY, uri: "` + backend + `", payloadFormatVersion: "1.0"}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Api, StageName: $default, AutoDeploy: true}
`
}

func bodyTerraform(backend string) string {
	return `provider "aws" {
  region = "us-east-1"
}

data "archive_file" "fns" {
  type        = "zip"
  source_dir  = "${path.module}/fns"
  output_path = "${path.module}/build/fns.zip"
}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "aws_lambda_function" "hello" {
  filename      = data.archive_file.fns.output_path
  function_name = "hello-${random_id.suffix.hex}"
  role          = "arn:aws:iam::123456789012:role/fns"
  handler       = "hello.handler"
  runtime       = "nodejs22.x"
}

resource "aws_lambda_function" "gate" {
  filename      = data.archive_file.fns.output_path
  function_name = "gate-${random_id.suffix.hex}"
  role          = "arn:aws:iam::123456789012:role/fns"
  handler       = "gate.handler"
  runtime       = "nodejs22.x"
}

resource "aws_lambda_permission" "hello" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.hello.function_name
  principal     = "apigateway.amazonaws.com"
}

resource "aws_lambda_permission" "gate" {
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.gate.function_name
  principal     = "apigateway.amazonaws.com"
}

locals {
  hello = {
    type                 = "aws_proxy"
    uri                  = aws_lambda_function.hello.invoke_arn
    payloadFormatVersion = "2.0"
  }
}

resource "aws_apigatewayv2_api" "api" {
  name          = "body-api"
  protocol_type = "HTTP"
  body = jsonencode({
    openapi = "3.0.1"
    info    = { title = "body-api", version = "1" }
    "x-amazon-apigateway-cors" = {
      allowOrigins = ["https://app.example"]
      allowMethods = ["GET", "POST"]
      maxAge       = 600
    }
    components = {
      securitySchemes = {
        pool = {
          type = "oauth2"
          "x-amazon-apigateway-authorizer" = {
            type             = "jwt"
            identitySource   = "$request.header.Authorization"
            jwtConfiguration = { issuer = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_bodyTest1", audience = ["bodyclient"] }
          }
        }
        gate = {
          type = "apiKey"
          name = "Unused"
          in   = "header"
          "x-amazon-apigateway-authorizer" = {
            type                           = "request"
            identitySource                 = ["$request.header.X-Token"]
            authorizerUri                  = aws_lambda_function.gate.invoke_arn
            authorizerPayloadFormatVersion = "2.0"
            enableSimpleResponses          = true
          }
        }
      }
    }
    paths = {
      "/hello/{name}" = { get = { "x-amazon-apigateway-integration" = local.hello } }
      "/me" = { get = { security = [{ pool = ["me/read"] }], "x-amazon-apigateway-integration" = local.hello } }
      "/simple" = { get = { security = [{ gate = [] }], "x-amazon-apigateway-integration" = local.hello } }
      "$default" = {
        "x-amazon-apigateway-any-method" = {
          "x-amazon-apigateway-integration" = { type = "http_proxy", httpMethod = "ANY", uri = "` + backend + `", payloadFormatVersion = "1.0" }
        }
      }
    }
  })
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.api.id
  name        = "$default"
  auto_deploy = true
}
`
}

func indent(s, by string) string {
	return by + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+by)
}

// TestUpHTTPAPIBody serves the HTTP API of an OpenAPI body from both front
// ends with `cfnrun up` and checks, over HTTP/2, what API Gateway would
// answer: Lambda routes with payload format 2.0 events, the JWT
// authorizer (token, audience, scope), the Lambda authorizer, CORS from
// the document, and the $default route proxied to the backend. Before,
// the Terraform body was ignored (no routes) and the CloudFormation
// body's JWT authorizer had no issuer (its routes answered 500).
func TestUpHTTPAPIBody(t *testing.T) {
	if testing.Short() {
		t.Skip("starts functions")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "backend saw %s %s", r.Method, r.URL.Path)
	}))
	defer backend.Close()
	cfnDir, tfDir := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(cfnDir, "template.yaml"), []byte(bodyCFNTemplate(backend.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"main.tf": bodyTerraform(backend.URL), "fns/hello.js": bodyHandler, "fns/gate.js": bodyAuthHandler} {
		p := filepath.Join(tfDir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, src := range []struct{ name, path string }{{"cloudformation", filepath.Join(cfnDir, "template.yaml")}, {"terraform", tfDir}} {
		t.Run(src.name, func(t *testing.T) {
			// Terraform's two functions are named only after apply (TF063, info).
			if out := cfnrunOut(t, "validate", src.path); !strings.Contains(out, "no findings") && !strings.Contains(out, "0 errors, 0 warnings,") {
				t.Errorf("validate:\n%s", out)
			}
			key := filepath.Join(t.TempDir(), "key.pem")
			p := startUp(t, "--no-watch", "--token-key", key, src.path)
			out := p.output()
			if strings.Contains(out, "not served") || !strings.Contains(out, "stage $default") || !strings.Contains(out, "http://"+p.http+"/hello/{name}") {
				t.Fatalf("up:\n%s", out)
			}
			c := lambdaClient()
			base := "http://" + p.http
			r := lambdaDo(t, c, "GET", base+"/hello/ann", "")
			if r.status != 200 || r.proto != "HTTP/2.0" || r.body["routeKey"] != "GET /hello/{name}" || r.body["rawPath"] != "/hello/ann" {
				t.Fatalf("GET /hello/ann: %d %s %s\n%s", r.status, r.proto, r.raw, p.output())
			}
			if ps, _ := r.body["params"].(map[string]any); ps["name"] != "ann" {
				t.Errorf("pathParameters: %s", r.raw)
			}
			withScope := cfnrunOut(t, "token", "--token-key", key, "--client", "bodyclient", "--scope", "me/read", src.path)
			noScope := cfnrunOut(t, "token", "--token-key", key, "--client", "bodyclient", "--scope", "other", src.path)
			otherClient := cfnrunOut(t, "token", "--token-key", key, "--client", "someone-else", "--scope", "me/read", src.path)
			r = lambdaDo(t, c, "GET", base+"/me", "", "Authorization", "Bearer "+withScope)
			if jw, _ := r.body["authorizer"].(map[string]any)["jwt"].(map[string]any); r.status != 200 || jw == nil {
				t.Fatalf("GET /me with a token that has the scope: %d %s\n%s", r.status, r.raw, p.output())
			}
			for _, tc := range []struct {
				name, method, path string
				hdr                []string
				status             int
				body               string
			}{
				{"no token", "GET", "/me", nil, 401, `{"message":"Unauthorized"}`},
				{"token of another client", "GET", "/me", []string{"Authorization", "Bearer " + otherClient}, 401, `{"message":"Unauthorized"}`},
				{"token without the scope", "GET", "/me", []string{"Authorization", "Bearer " + noScope}, 403, `{"message":"Forbidden"}`},
				{"Lambda authorizer denies", "GET", "/simple", []string{"X-Token", "nope"}, 403, `{"message":"Forbidden"}`},
				{"Lambda authorizer, no identity", "GET", "/simple", nil, 401, `{"message":"Unauthorized"}`},
				{"$default route to the backend", "DELETE", "/any/thing", nil, 200, "backend saw DELETE /any/thing"},
			} {
				r := lambdaDo(t, c, tc.method, base+tc.path, "", tc.hdr...)
				if r.status != tc.status || r.raw != tc.body {
					t.Errorf("%s: %d %s, want %d %s", tc.name, r.status, r.raw, tc.status, tc.body)
				}
			}
			r = lambdaDo(t, c, "GET", base+"/simple", "", "X-Token", "let-me-in", "Origin", "https://app.example")
			if l, _ := r.body["authorizer"].(map[string]any)["lambda"].(map[string]any); r.status != 200 || l["who"] != "let-me-in" ||
				r.header.Get("Access-Control-Allow-Origin") != "https://app.example" {
				t.Errorf("Lambda authorizer allows: %d %v %s", r.status, r.header, r.raw)
			}
			r = lambdaDo(t, c, "OPTIONS", base+"/me", "", "Origin", "https://app.example", "Access-Control-Request-Method", "GET")
			if r.status != 204 || r.header.Get("Access-Control-Allow-Methods") != "GET,POST" || r.header.Get("Access-Control-Max-Age") != "600" {
				t.Errorf("preflight: %d %v", r.status, r.header)
			}
		})
	}
}
