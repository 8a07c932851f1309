package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// httpAPITemplate is a SAM template with an AWS::Serverless::HttpApi (its
// $default stage, CORS, a JWT authorizer whose issuer is a Cognito user
// pool, a Lambda authorizer with simple responses) and HttpApi events,
// one of them the $default route; Node and Python handlers.
const httpAPITemplate = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: [https://app.example]
        AllowMethods: [GET, POST]
        AllowHeaders: [authorization]
        MaxAge: 600
      Auth:
        Authorizers:
          Pool:
            IdentitySource: $request.header.Authorization
            JwtConfiguration:
              issuer: https://cognito-idp.us-east-1.amazonaws.com/us-east-1_e2eTest1
              audience: [e2eclient]
          Simple:
            FunctionArn: !GetAtt AuthFn.Arn
            AuthorizerPayloadFormatVersion: "2.0"
            EnableSimpleResponses: true
            Identity:
              Headers: [x-token]
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      InlineCode: |
        exports.handler = async (e) => ({ statusCode: 200, cookies: ["seen=1"],
          body: JSON.stringify({ routeKey: e.routeKey, rawPath: e.rawPath, params: e.pathParameters || null,
                                 authorizer: e.requestContext.authorizer || null }) });
      Events:
        Get:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: '/hello/{name}', Method: GET}
        Me:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: /me, Method: GET, Auth: {Authorizer: Pool}}
        Simple:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: /simple, Method: GET, Auth: {Authorizer: Simple}}
  Py:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: |
        def handler(event, context):
            return "python saw " + event["rawPath"] + " as " + event["routeKey"]
      Events:
        Default:
          Type: HttpApi
          Properties: {ApiId: !Ref Api}
  AuthFn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      InlineCode: |
        exports.handler = async (e) => ({ isAuthorized: e.identitySource[0] === "let-me-in", context: { who: e.identitySource[0] } });
  AuthFnPermission:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref AuthFn
      Principal: apigateway.amazonaws.com
`

// TestUpHTTPAPI serves an HTTP API from a SAM template with `cfnrun up`
// and no flags beyond the template (and the token key), over HTTP/2, as
// sam local start-api serves it: $default stage at the root, payload
// format 2.0 events, the format 2.0 inference, cookies, CORS, a JWT
// authorizer checked offline with a `cfnrun token` token, a Lambda
// authorizer.
func TestUpHTTPAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts functions")
	}
	for _, need := range []string{"node", "python3"} {
		if _, err := exec.LookPath(need); err != nil {
			t.Skipf("%s is not on PATH", need)
		}
	}
	dir := t.TempDir()
	tpl := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(tpl, []byte(httpAPITemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "key.pem")
	p := startUp(t, "--no-watch", "--token-key", key, tpl)
	out := p.output()
	if strings.Contains(out, "not served") || !strings.Contains(out, "stage $default") || !strings.Contains(out, "http://"+p.http+"/hello/{name}") {
		t.Fatalf("up:\n%s", out)
	}
	c := lambdaClient()
	base := "http://" + p.http
	r := lambdaDo(t, c, "GET", base+"/hello/ann", "")
	if r.status != 200 || r.proto != "HTTP/2.0" || r.body["routeKey"] != "GET /hello/{name}" || r.body["rawPath"] != "/hello/ann" ||
		r.header.Get("Set-Cookie") != "seen=1" || r.header.Get("Apigw-Requestid") == "" {
		t.Fatalf("GET /hello/ann: %d %s %v %s\n%s", r.status, r.proto, r.header, r.raw, p.output())
	}
	if ps, _ := r.body["params"].(map[string]any); ps["name"] != "ann" {
		t.Errorf("pathParameters: %s", r.raw)
	}
	r = lambdaDo(t, c, "DELETE", base+"/nothing/here", "")
	if r.status != 200 || r.raw != `"python saw /nothing/here as $default"` || r.header.Get("Content-Type") != "application/json" {
		t.Errorf("$default route (Python, inferred response): %d %q %v", r.status, r.raw, r.header)
	}
	tok := cfnrunOut(t, "token", "--token-key", key, tpl)
	r = lambdaDo(t, c, "GET", base+"/me", "", "Authorization", "Bearer "+tok)
	if r.status != 200 {
		t.Fatalf("GET /me with a cfnrun token: %d %s\n%s", r.status, r.raw, p.output())
	}
	au, _ := r.body["authorizer"].(map[string]any)
	jw, _ := au["jwt"].(map[string]any)
	if cl, _ := jw["claims"].(map[string]any); cl["aud"] != "e2eclient" || cl["token_use"] != "id" {
		t.Errorf("requestContext.authorizer: %s", r.raw)
	}
	for _, tc := range []struct {
		name, path string
		hdr        []string
		status     int
		body       string
	}{
		{"no token", "/me", nil, 401, `{"message":"Unauthorized"}`},
		{"forged token", "/me", []string{"Authorization", "Bearer " + tok[:len(tok)-4] + "AAAA"}, 401, `{"message":"Unauthorized"}`},
		{"Lambda authorizer denies", "/simple", []string{"X-Token", "nope"}, 403, `{"message":"Forbidden"}`},
		{"Lambda authorizer, no identity", "/simple", nil, 401, `{"message":"Unauthorized"}`},
	} {
		r := lambdaDo(t, c, "GET", base+tc.path, "", tc.hdr...)
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
}

// TestUpHTTPAPIExample serves examples/http-api-node (the SAM template and
// its Terraform twin) with no flags beyond the file and checks the table
// in its README over HTTP/2.
func TestUpHTTPAPIExample(t *testing.T) {
	if testing.Short() {
		t.Skip("starts functions")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	for _, file := range []string{"template.yaml", "main.tf"} {
		t.Run(file, func(t *testing.T) {
			p := startUp(t, "--no-watch", filepath.Join(repoRoot, "examples", "http-api-node", file))
			if out := p.output(); strings.Contains(out, "not served") || !strings.Contains(out, "stage $default") {
				t.Fatalf("up:\n%s", out)
			}
			c := lambdaClient()
			base := "http://" + p.http
			r := lambdaDo(t, c, "GET", base+"/hello?name=ann", "")
			if r.status != 200 || r.proto != "HTTP/2.0" || !strings.HasSuffix(r.body["message"].(string), " ann") || r.body["requestId"] == "" {
				t.Fatalf("GET /hello: %d %s %s\n%s", r.status, r.proto, r.raw, p.output())
			}
			if r := lambdaDo(t, c, "GET", base+"/items/42", ""); r.status != 200 || r.body["id"] != "42" || r.body["stage"] != "$default" {
				t.Errorf("GET /items/42: %d %s", r.status, r.raw)
			}
			r = lambdaDo(t, c, "POST", base+"/items", `{"id":"7"}`, "Content-Type", "application/json")
			if r.status != 201 || r.header.Get("Location") != "/items/7" {
				t.Errorf("POST /items: %d %v %s", r.status, r.header, r.raw)
			}
			if r := lambdaDo(t, c, "POST", base+"/items", `[]`, "Content-Type", "application/json"); r.status != 400 {
				t.Errorf("POST /items with a list: %d %s", r.status, r.raw)
			}
			r = lambdaDo(t, c, "PUT", base+"/some/where", "")
			if r.status != 200 || r.body["route"] != "$default" || r.body["method"] != "PUT" || r.body["path"] != "/some/where" ||
				r.header.Get("Content-Type") != "application/json" {
				t.Errorf("the $default route: %d %v %s", r.status, r.header, r.raw)
			}
		})
	}
}
