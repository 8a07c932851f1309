// Package gen writes large, valid templates for benchmarks and scale tests:
// the same API as CloudFormation YAML (short-form intrinsics, as people
// write it), CloudFormation JSON (long form, as CDK synthesizes it) and
// Terraform (for_each over a variable, as modules write it).
package gen

import (
	"encoding/json"
	"fmt"
	"strings"
)

// apis is how many REST APIs a CloudFormation template spreads its routes
// over; each has a deployment and a stage.
const apis = 4

// CFNYAML returns a CloudFormation YAML template of about n resources: a
// few REST APIs, each with a deployment (DependsOn every method, as CDK
// writes it) and a stage, and groups of API resource + two methods
// (AWS_PROXY to a Lambda, HTTP_PROXY with a path parameter mapping) + the
// Lambda function and its IAM role. variant > 0 changes every tenth HTTP
// backend path, so two variants differ the way a real change does. It
// returns the template and its number of resources.
func CFNYAML(n, variant int) (string, int) {
	groups := (n - apis*3) / 5
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nDescription: generated benchmark template\n")
	b.WriteString("Parameters:\n  Backend:\n    Type: String\n    Default: backend.example.com\n")
	b.WriteString("Resources:\n")
	count := 0
	methods := make([][]string, apis)
	for g := range groups {
		a := g % apis
		api := fmt.Sprintf("Api%d", a)
		res := fmt.Sprintf("Res%d", g)
		parent := fmt.Sprintf("!GetAtt %s.RootResourceId", api)
		if g >= apis && (g/apis)%4 != 0 {
			parent = fmt.Sprintf("!Ref Res%d", g-apis) // nest up to 4 deep, same API
		}
		fmt.Fprintf(&b, `  %[1]s:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref %[2]s
      ParentId: %[3]s
      PathPart: p%[4]d
  Get%[4]d:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref %[2]s
      ResourceId: !Ref %[1]s
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn%[4]d.Arn}/invocations
        Credentials: !GetAtt Role%[4]d.Arn
  Post%[4]d:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref %[2]s
      ResourceId: !Ref %[1]s
      HttpMethod: POST
      AuthorizationType: NONE
      RequestParameters:
        method.request.header.X-Id: true
      Integration:
        Type: HTTP_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub "http://${Backend}/%[5]s/{id}"
        TimeoutInMillis: 5000
        RequestParameters:
          integration.request.path.id: method.request.header.X-Id
  Fn%[4]d:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: !GetAtt Role%[4]d.Arn
      Code:
        ZipFile: "def handler(event, context): return {'statusCode': 200}"
  Role%[4]d:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
`, res, api, parent, g, itemsPath(g, variant))
		count += 5
		methods[a] = append(methods[a], fmt.Sprintf("Get%d", g), fmt.Sprintf("Post%d", g))
	}
	for a := range apis {
		fmt.Fprintf(&b, `  Api%[1]d:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: bench-%[1]d
  Deployment%[1]d:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [%[2]s]
    Properties:
      RestApiId: !Ref Api%[1]d
  Stage%[1]d:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api%[1]d
      DeploymentId: !Ref Deployment%[1]d
      StageName: prod
      Variables:
        api: "%[1]d"
`, a, strings.Join(methods[a], ", "))
		count += 3
	}
	b.WriteString("Outputs:\n  Url:\n    Value: !Sub https://${Api0}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage0}\n")
	return b.String(), count
}

func itemsPath(g, variant int) string {
	if variant > 0 && g%10 == 0 {
		return fmt.Sprintf("items-v%d", variant+1)
	}
	return "items"
}

// obj is a JSON object that keeps its keys in the order given.
type obj []any

func (o obj) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(o); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(o[i])
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(o[i+1])
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// CFNJSON returns the same template as CFNYAML, written as CDK writes
// JSON: long-form intrinsics, indented by one space per level.
func CFNJSON(n, variant int) (string, int) {
	groups := (n - apis*3) / 5
	ref := func(s string) obj { return obj{"Ref", s} }
	getAtt := func(r, a string) obj { return obj{"Fn::GetAtt", []string{r, a}} }
	sub := func(s string) obj { return obj{"Fn::Sub", s} }
	var resources obj
	methods := make([][]string, apis)
	for g := range groups {
		a := g % apis
		api := fmt.Sprintf("Api%d", a)
		res := fmt.Sprintf("Res%d", g)
		var parent any = getAtt(api, "RootResourceId")
		if g >= apis && (g/apis)%4 != 0 {
			parent = ref(fmt.Sprintf("Res%d", g-apis))
		}
		fn, role := fmt.Sprintf("Fn%d", g), fmt.Sprintf("Role%d", g)
		resources = append(resources,
			res, obj{"Type", "AWS::ApiGateway::Resource", "Properties", obj{
				"RestApiId", ref(api), "ParentId", parent, "PathPart", fmt.Sprintf("p%d", g)}},
			fmt.Sprintf("Get%d", g), obj{"Type", "AWS::ApiGateway::Method", "Properties", obj{
				"RestApiId", ref(api), "ResourceId", ref(res), "HttpMethod", "GET", "AuthorizationType", "NONE",
				"Integration", obj{"Type", "AWS_PROXY", "IntegrationHttpMethod", "POST",
					"Uri", sub("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${" + fn + ".Arn}/invocations"),
					"Credentials", getAtt(role, "Arn")}}},
			fmt.Sprintf("Post%d", g), obj{"Type", "AWS::ApiGateway::Method", "Properties", obj{
				"RestApiId", ref(api), "ResourceId", ref(res), "HttpMethod", "POST", "AuthorizationType", "NONE",
				"RequestParameters", obj{"method.request.header.X-Id", true},
				"Integration", obj{"Type", "HTTP_PROXY", "IntegrationHttpMethod", "POST",
					"Uri", sub("http://${Backend}/" + itemsPath(g, variant) + "/{id}"), "TimeoutInMillis", 5000,
					"RequestParameters", obj{"integration.request.path.id", "method.request.header.X-Id"}}}},
			fn, obj{"Type", "AWS::Lambda::Function", "Properties", obj{
				"Runtime", "python3.12", "Handler", "index.handler", "Role", getAtt(role, "Arn"),
				"Code", obj{"ZipFile", "def handler(event, context): return {'statusCode': 200}"}}},
			role, obj{"Type", "AWS::IAM::Role", "Properties", obj{
				"AssumeRolePolicyDocument", obj{"Version", "2012-10-17", "Statement", []any{obj{
					"Effect", "Allow", "Principal", obj{"Service", "lambda.amazonaws.com"}, "Action", "sts:AssumeRole"}}}}},
		)
		methods[a] = append(methods[a], fmt.Sprintf("Get%d", g), fmt.Sprintf("Post%d", g))
	}
	for a := range apis {
		resources = append(resources,
			fmt.Sprintf("Api%d", a), obj{"Type", "AWS::ApiGateway::RestApi", "Properties", obj{"Name", fmt.Sprintf("bench-%d", a)}},
			fmt.Sprintf("Deployment%d", a), obj{"Type", "AWS::ApiGateway::Deployment", "DependsOn", methods[a],
				"Properties", obj{"RestApiId", ref(fmt.Sprintf("Api%d", a))}},
			fmt.Sprintf("Stage%d", a), obj{"Type", "AWS::ApiGateway::Stage", "Properties", obj{
				"RestApiId", ref(fmt.Sprintf("Api%d", a)), "DeploymentId", ref(fmt.Sprintf("Deployment%d", a)),
				"StageName", "prod", "Variables", obj{"api", fmt.Sprint(a)}}},
		)
	}
	t := obj{
		"AWSTemplateFormatVersion", "2010-09-09",
		"Description", "generated benchmark template",
		"Parameters", obj{"Backend", obj{"Type", "String", "Default", "backend.example.com"}},
		"Resources", resources,
		"Outputs", obj{"Url", obj{"Value", sub("https://${Api0}.execute-api.${AWS::Region}.${AWS::URLSuffix}/${Stage0}")}},
	}
	out, err := json.MarshalIndent(t, "", " ")
	if err != nil {
		panic(err) // only our own values: cannot fail
	}
	return string(out) + "\n", len(resources) / 2
}

// Terraform returns a configuration with n routes, each a resource, a
// method and an integration created with for_each from one variable, and
// a deployment whose triggers cover them all.
func Terraform(n int) string {
	var b strings.Builder
	b.WriteString("variable \"routes\" {\n  type = map(object({ method = string, backend = string }))\n  default = {\n")
	for i := range n {
		fmt.Fprintf(&b, "    r%03d = { method = %q, backend = \"http://svc%d.internal\" }\n", i, []string{"GET", "POST", "PUT", "DELETE"}[i%4], i)
	}
	b.WriteString("  }\n}\n")
	b.WriteString(`
resource "aws_api_gateway_rest_api" "api" {
  name = "bench"
}

resource "aws_api_gateway_resource" "r" {
  for_each    = var.routes
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = each.key
}

resource "aws_api_gateway_method" "m" {
  for_each      = aws_api_gateway_resource.r
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = each.value.id
  http_method   = var.routes[each.key].method
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "i" {
  for_each                = aws_api_gateway_method.m
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = each.value.resource_id
  http_method             = each.value.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = each.value.http_method
  uri                     = "${var.routes[each.key].backend}/${each.key}"
}

resource "aws_api_gateway_deployment" "d" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  triggers = {
    redeployment = sha1(jsonencode([aws_api_gateway_resource.r, aws_api_gateway_method.m, aws_api_gateway_integration.i]))
  }
}

resource "aws_api_gateway_stage" "s" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.d.id
  stage_name    = "bench"
}
`)
	return b.String()
}
