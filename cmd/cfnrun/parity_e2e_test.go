package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// TestValidatePythonImportNotInCode: the shape of a SAM hello-world whose
// requirements.txt was never installed into CodeUri. Locally the import
// may succeed from the machine's python3; on Lambda, and under sam local
// start-api without sam build, every invocation fails with
// Runtime.ImportModuleError, so validate warns (W3420), and only for the
// package nothing provides.
func TestValidatePythonImportNotInCode(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"template.yaml": `Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: hello_world/
      Handler: app.lambda_handler
      Runtime: python3.13
      Events:
        Api: {Type: Api, Properties: {Path: /hello, Method: get}}
`,
		"hello_world/app.py":           "import json\nimport boto3\nimport requests\nfrom shared import util\n\ndef lambda_handler(event, context):\n    return {}\n",
		"hello_world/shared/util.py":   "",
		"hello_world/requirements.txt": "requests\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errb bytes.Buffer
	run(context.Background(), []string{"validate", filepath.Join(dir, "template.yaml")}, nil, &out, &errb)
	got := out.String() + errb.String()
	if strings.Count(got, "W3420") != 1 || !strings.Contains(got, "app.py imports requests") {
		t.Errorf("want one W3420 for requests:\n%s", got)
	}
}
