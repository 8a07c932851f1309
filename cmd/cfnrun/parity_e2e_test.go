package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Parity checks found by trying public templates with `cfnrun up` as a new
// user would: each test writes a template of the shape that answered
// otherwise than API Gateway, and asks it over HTTP/2 with real functions.

// openAPIValidateTemplate is the shape of mindit-io/aws-sam-serverless-services
// template-li-validate.yaml: request validation declared in the OpenAPI
// body (a Swagger 2.0 body parameter whose schema names a definition),
// in front of a non-proxy Lambda integration that echoes its event.
const openAPIValidateTemplate = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  EchoApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: Prod
      DefinitionBody:
        swagger: "2.0"
        info: {title: EchoAPI}
        x-amazon-apigateway-request-validators:
          Validate Body: {validateRequestBody: true, validateRequestParameters: false}
        paths:
          /echo:
            post:
              consumes: [application/json]
              x-amazon-apigateway-request-validator: Validate Body
              parameters:
                - {in: body, name: Inventor, required: true, schema: {$ref: "#/definitions/Inventor"}}
              x-amazon-apigateway-integration:
                uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${EchoFunc.Arn}/invocations
                responses: {default: {statusCode: 200}}
                passthroughBehavior: when_no_match
                httpMethod: POST
                type: aws
        definitions:
          Inventor:
            type: object
            required: [name, wiki]
            properties:
              name: {type: string}
              wiki: {type: string}
  EchoFunc:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "exports.handler = async (event) => event;"
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Request:
          Type: Api
          Properties: {RestApiId: !Ref EchoApi, Path: /echo, Method: post}
`

// TestUpOpenAPIRequestValidation: a body the OpenAPI definition's model
// rejects answers 400 {"message": "Invalid request body"} without calling
// the function, as API Gateway does; a valid one reaches it.
func TestUpOpenAPIRequestValidation(t *testing.T) {
	if testing.Short() {
		t.Skip("starts functions")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
	tpl := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(tpl, []byte(openAPIValidateTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startUp(t, "--no-watch", tpl)
	c := lambdaClient()
	url := "http://" + p.http + "/Prod/echo"
	ok := lambdaDo(t, c, "POST", url, `{"name":"Tesla","wiki":"w"}`, "Content-Type", "application/json")
	if ok.status != 200 || ok.raw != `{"name":"Tesla","wiki":"w"}` {
		t.Errorf("valid body: %d %s\n%s", ok.status, ok.raw, p.output())
	}
	bad := lambdaDo(t, c, "POST", url, `{"name":"Tesla"}`, "Content-Type", "application/json")
	if bad.status != 400 || bad.raw != `{"message": "Invalid request body"}` {
		t.Errorf("invalid body: %d %s, want 400 {\"message\": \"Invalid request body\"}", bad.status, bad.raw)
	}
}
