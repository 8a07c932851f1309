package control_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/resolver"
)

// A nested stack's resources keep their own Tags in the management API:
// the resolver names a nested stack's graph nodes by their stack path
// (Sub/Api), and a parent may use the same logical ids. Here the parent's
// Api and the child's Api have different tags, and the child's Only API
// has a logical id the parent does not use.
func TestNestedStackTags(t *testing.T) {
	dir := t.TempDir()
	api := func(id, name, tag string) string {
		return "  " + id + ":\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: " + name +
			"\n      Tags: [{Key: team, Value: " + tag + "}]\n" +
			"  " + id + "Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref " + id +
			"\n      ResourceId: !GetAtt " + id + ".RootResourceId\n      HttpMethod: GET\n      AuthorizationType: NONE\n" +
			"      Integration: {Type: MOCK, RequestTemplates: {application/json: '{\"statusCode\": 200}'}, IntegrationResponses: [{StatusCode: '200'}]}\n" +
			"  " + id + "Dep:\n    Type: AWS::ApiGateway::Deployment\n    DependsOn: " + id + "Get\n    Properties: {RestApiId: !Ref " + id + "}\n" +
			"  " + id + "Stage:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      RestApiId: !Ref " + id + "\n      DeploymentId: !Ref " + id +
			"Dep\n      StageName: " + name + "\n      Tags: [{Key: stage, Value: " + tag + "}]\n"
	}
	files := map[string]string{
		"parent.yaml":       "Resources:\n  Sub:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: nested/child.yaml}\n" + api("Api", "parent", "red"),
		"nested/child.yaml": "Resources:\n" + api("Api", "child", "blue") + api("Only", "only", "green"),
	}
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := resolver.Resolve(context.Background(), []string{filepath.Join(dir, "parent.yaml")}, resolver.Options{})
	if r.Template == nil || len(r.Template.APIs) != 3 {
		t.Fatalf("want 3 APIs, got %v (findings: %v)", r.Template, r.Diags)
	}
	e := start(t, r.Template)
	want := map[string]string{"parent": "red", "child": "blue", "only": "green"}
	for _, a := range r.Template.APIs {
		resp, body := e.call(t, "GET", "/restapis/"+a.ID, "")
		var got struct {
			Name string
			Tags map[string]string
		}
		if resp.StatusCode != 200 || json.Unmarshal(body, &got) != nil {
			t.Fatalf("get-rest-api %s: %d %s", a.ID, resp.StatusCode, body)
		}
		if got.Tags["team"] != want[got.Name] {
			t.Errorf("API %s (%s): tags %v, want team=%s", got.Name, a.LogicalID, got.Tags, want[got.Name])
		}
		arn := url.PathEscape("arn:aws:apigateway:us-east-1::/restapis/" + a.ID + "/stages/" + got.Name)
		resp, body = e.call(t, "GET", "/tags/"+arn, "")
		var tags struct{ Tags map[string]string }
		if resp.StatusCode != 200 || json.Unmarshal(body, &tags) != nil {
			t.Fatalf("get-tags %s: %d %s", arn, resp.StatusCode, body)
		}
		if tags.Tags["stage"] != want[got.Name] {
			t.Errorf("stage %s of API %s: tags %v, want stage=%s", got.Name, a.LogicalID, tags.Tags, want[got.Name])
		}
	}
}

// A template nested twice (Sub1 and Sub2 of the same file) is two stacks:
// each copy's API, stage, API key and usage plan show the Tags its own
// parameters give them, not the first copy's.
func TestNestedTwiceTags(t *testing.T) {
	dir := t.TempDir()
	child := "Parameters:\n  Team: {Type: String}\n  Name: {Type: String}\nResources:\n" +
		"  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: !Ref Name\n      Tags: [{Key: team, Value: !Ref Team}]\n" +
		"  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !GetAtt Api.RootResourceId\n      HttpMethod: GET\n      AuthorizationType: NONE\n" +
		"      Integration: {Type: MOCK, RequestTemplates: {application/json: '{\"statusCode\": 200}'}, IntegrationResponses: [{StatusCode: '200'}]}\n" +
		"  Dep:\n    Type: AWS::ApiGateway::Deployment\n    DependsOn: Get\n    Properties: {RestApiId: !Ref Api}\n" +
		"  Stage:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      RestApiId: !Ref Api\n      DeploymentId: !Ref Dep\n      StageName: prod\n" +
		"      Tags: [{Key: stage, Value: !Sub '${Team}-prod'}]\n" +
		"  Key:\n    Type: AWS::ApiGateway::ApiKey\n    Properties:\n      Name: !Sub '${Name}-key'\n      Tags: [{Key: team, Value: !Ref Team}]\n" +
		"  Plan:\n    Type: AWS::ApiGateway::UsagePlan\n    DependsOn: Stage\n    Properties:\n      UsagePlanName: !Sub '${Name}-plan'\n" +
		"      ApiStages: [{ApiId: !Ref Api, Stage: prod}]\n      Tags: [{Key: team, Value: !Ref Team}]\n"
	parent := "Resources:\n" +
		"  Sub1:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: nested/child.yaml, Parameters: {Team: red, Name: one}}\n" +
		"  Sub2:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: nested/child.yaml, Parameters: {Team: blue, Name: two}}\n"
	writeFiles(t, dir, map[string]string{"parent.yaml": parent, "nested/child.yaml": child})
	r := resolver.Resolve(context.Background(), []string{filepath.Join(dir, "parent.yaml")}, resolver.Options{})
	if r.Template == nil || len(r.Template.APIs) != 2 || len(r.Template.APIKeys) != 2 || len(r.Template.UsagePlans) != 2 {
		t.Fatalf("want 2 APIs, keys and plans, got %v (findings: %v)", r.Template, r.Diags)
	}
	e := start(t, r.Template)
	want := map[string]string{"one": "red", "two": "blue"}
	for _, a := range r.Template.APIs {
		var api taggedShape
		e.getJSON(t, "/restapis/"+a.ID, &api)
		if api.Tags["team"] != want[api.Name] {
			t.Errorf("get-rest-api %s (%s): tags %v, want team=%s", api.Name, a.ID, api.Tags, want[api.Name])
		}
		var stages struct{ Item []taggedShape }
		e.getJSON(t, "/restapis/"+a.ID+"/stages", &stages)
		if len(stages.Item) != 1 || stages.Item[0].Tags["stage"] != want[api.Name]+"-prod" {
			t.Errorf("get-stages of %s: %+v, want stage=%s-prod", api.Name, stages.Item, want[api.Name])
		}
		var tags struct{ Tags map[string]string }
		e.getJSON(t, "/tags/"+url.PathEscape("arn:aws:apigateway:us-east-1::/restapis/"+a.ID+"/stages/prod"), &tags)
		if tags.Tags["stage"] != want[api.Name]+"-prod" {
			t.Errorf("get-tags of %s's stage: %v, want stage=%s-prod", api.Name, tags.Tags, want[api.Name])
		}
	}
	for _, k := range r.Template.APIKeys {
		var key taggedShape
		e.getJSON(t, "/apikeys/"+k.ID, &key)
		if team := want[strings.TrimSuffix(key.Name, "-key")]; team == "" || key.Tags["team"] != team {
			t.Errorf("get-api-key %s: tags %v, want team=%s", key.Name, key.Tags, team)
		}
	}
	for _, p := range r.Template.UsagePlans {
		var plan taggedShape
		e.getJSON(t, "/usageplans/"+p.ID, &plan)
		if team := want[strings.TrimSuffix(plan.Name, "-plan")]; team == "" || plan.Tags["team"] != team {
			t.Errorf("get-usage-plan %s: tags %v, want team=%s", plan.Name, plan.Tags, team)
		}
	}
}

// writeFiles writes files (path relative to dir: contents) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// getJSON calls the management API and decodes its 200 answer.
func (e *env) getJSON(t *testing.T, path string, into any) {
	t.Helper()
	resp, body := e.call(t, "GET", path, "")
	if resp.StatusCode != 200 || json.Unmarshal(body, into) != nil {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
}

type taggedShape struct {
	Name string
	Tags map[string]string
}

// A SAM Api's Tags (Globals' merged with its own, evaluated) go to its
// stage, as the transform puts them there; to the RestApi too with
// PropagateTags.
func TestSAMApiTags(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"template.yaml": "Transform: AWS::Serverless-2016-10-31\n" +
		"Parameters:\n  Team: {Type: String, Default: red}\n" +
		"Globals:\n  Api:\n    Tags: {env: dev, team: none}\n" +
		"Resources:\n" +
		"  Plain:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      Tags: {team: !Ref Team}\n" +
		"      DefinitionBody: {openapi: '3.0.1', info: {title: plain, version: '1'}, paths: {/x: {get: {x-amazon-apigateway-integration: {type: mock, requestTemplates: {application/json: '{\"statusCode\": 200}'}}}}}}\n" +
		"  Shared:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      PropagateTags: true\n      Tags: {team: !Sub '${Team}-shared'}\n" +
		"      DefinitionBody: {openapi: '3.0.1', info: {title: shared, version: '1'}, paths: {/x: {get: {x-amazon-apigateway-integration: {type: mock, requestTemplates: {application/json: '{\"statusCode\": 200}'}}}}}}\n",
	})
	r := resolver.Resolve(context.Background(), []string{filepath.Join(dir, "template.yaml")}, resolver.Options{})
	if r.Template == nil || len(r.Template.APIs) != 2 {
		t.Fatalf("want 2 APIs, got %v (findings: %v)", r.Template, r.Diags)
	}
	e := start(t, r.Template)
	want := map[string]string{"Plain": "red", "Shared": "red-shared"}
	for _, a := range r.Template.APIs {
		var api taggedShape
		e.getJSON(t, "/restapis/"+a.ID, &api)
		var stage taggedShape
		e.getJSON(t, "/restapis/"+a.ID+"/stages/prod", &stage)
		if stage.Tags["team"] != want[api.Name] || stage.Tags["env"] != "dev" {
			t.Errorf("get-stage of %s: tags %v, want team=%s env=dev", api.Name, stage.Tags, want[api.Name])
		}
		switch {
		case api.Name == "Plain" && len(api.Tags) != 0:
			t.Errorf("get-rest-api plain: tags %v, want none (no PropagateTags)", api.Tags)
		case api.Name == "Shared" && (api.Tags["team"] != "red-shared" || api.Tags["env"] != "dev"):
			t.Errorf("get-rest-api shared: tags %v, want team=red-shared env=dev", api.Tags)
		}
	}
}

// Terraform tags are evaluated: a variable's value, not the reference.
func TestTerraformTags(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"main.tf": `
variable "team" {
  default = "red"
}
resource "aws_api_gateway_rest_api" "api" {
  name = "tf"
  tags = { team = var.team, fixed = "yes" }
}
resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_rest_api.api.root_resource_id
  http_method   = "GET"
  authorization = "NONE"
}
resource "aws_api_gateway_integration" "get" {
  rest_api_id       = aws_api_gateway_rest_api.api.id
  resource_id       = aws_api_gateway_rest_api.api.root_resource_id
  http_method       = aws_api_gateway_method.get.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}
resource "aws_api_gateway_deployment" "d" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  depends_on  = [aws_api_gateway_integration.get]
}
resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.d.id
  stage_name    = "prod"
  tags          = { stage = "${var.team}-prod" }
}
resource "aws_api_gateway_api_key" "k" {
  name = "k"
  tags = { team = var.team }
}
resource "aws_api_gateway_usage_plan" "p" {
  name = "p"
  tags = { team = var.team }
  api_stages {
    api_id = aws_api_gateway_rest_api.api.id
    stage  = aws_api_gateway_stage.prod.stage_name
  }
}
`})
	r := resolver.Resolve(context.Background(), []string{dir}, resolver.Options{})
	if r.Template == nil || len(r.Template.APIs) != 1 || len(r.Template.APIKeys) != 1 || len(r.Template.UsagePlans) != 1 {
		t.Fatalf("want an API, a key and a plan, got %v (findings: %v)", r.Template, r.Diags)
	}
	e := start(t, r.Template)
	a := r.Template.APIs[0]
	var api, key, plan taggedShape
	e.getJSON(t, "/restapis/"+a.ID, &api)
	if api.Tags["team"] != "red" || api.Tags["fixed"] != "yes" {
		t.Errorf("get-rest-api: tags %v, want team=red fixed=yes", api.Tags)
	}
	var tags struct{ Tags map[string]string }
	e.getJSON(t, "/tags/"+url.PathEscape("arn:aws:apigateway:us-east-1::/restapis/"+a.ID+"/stages/prod"), &tags)
	if tags.Tags["stage"] != "red-prod" {
		t.Errorf("get-tags of the stage: %v, want stage=red-prod", tags.Tags)
	}
	e.getJSON(t, "/apikeys/"+r.Template.APIKeys[0].ID, &key)
	e.getJSON(t, "/usageplans/"+r.Template.UsagePlans[0].ID, &plan)
	if key.Tags["team"] != "red" || plan.Tags["team"] != "red" {
		t.Errorf("get-api-key / get-usage-plan: tags %v / %v, want team=red", key.Tags, plan.Tags)
	}
}

// A Deployment's StageName stage has the Tags of its StageDescription.
func TestImplicitStageTags(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"template.yaml": "Parameters:\n  Env: {Type: String, Default: dev}\nResources:\n" +
		"  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties: {Name: implicit}\n" +
		"  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !GetAtt Api.RootResourceId\n      HttpMethod: GET\n      AuthorizationType: NONE\n" +
		"      Integration: {Type: MOCK, RequestTemplates: {application/json: '{\"statusCode\": 200}'}, IntegrationResponses: [{StatusCode: '200'}]}\n" +
		"  Dep:\n    Type: AWS::ApiGateway::Deployment\n    DependsOn: Get\n    Properties:\n      RestApiId: !Ref Api\n      StageName: !Ref Env\n" +
		"      StageDescription: {Tags: [{Key: env, Value: !Ref Env}, !If [Never, {Key: dropped, Value: x}, !Ref 'AWS::NoValue']]}\n" +
		"Conditions:\n  Never: !Equals [a, b]\n",
	})
	r := resolver.Resolve(context.Background(), []string{filepath.Join(dir, "template.yaml")}, resolver.Options{})
	if r.Template == nil || len(r.Template.APIs) != 1 {
		t.Fatalf("want 1 API, got %v (findings: %v)", r.Template, r.Diags)
	}
	e := start(t, r.Template)
	var tags struct{ Tags map[string]string }
	e.getJSON(t, "/tags/"+url.PathEscape("arn:aws:apigateway:us-east-1::/restapis/"+r.Template.APIs[0].ID+"/stages/dev"), &tags)
	if len(tags.Tags) != 1 || tags.Tags["env"] != "dev" {
		t.Errorf("get-tags of the implicit stage: %v, want only env=dev", tags.Tags)
	}
}
