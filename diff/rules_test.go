package diff

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/google/go-cmp/cmp"
)

// baseCFN is a small but complete REST API: two methods on /pets (one HTTP
// proxy, one Lambda proxy behind IAM and an API key), the Lambda function,
// its role and permission, a deployment and a stage.
const baseCFN = `{
  "Resources": {
    "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "Pets"}},
    "PetsResource": {"Type": "AWS::ApiGateway::Resource", "Properties": {
      "RestApiId": {"Ref": "Api"}, "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "pets"}},
    "GetPets": {"Type": "AWS::ApiGateway::Method", "Properties": {
      "RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "PetsResource"}, "HttpMethod": "GET", "AuthorizationType": "NONE",
      "RequestParameters": {"method.request.querystring.limit": false},
      "Integration": {"Type": "HTTP_PROXY", "IntegrationHttpMethod": "GET", "Uri": "http://backend.example.com/pets", "TimeoutInMillis": 29000},
      "MethodResponses": [{"StatusCode": 200}]}},
    "PostPets": {"Type": "AWS::ApiGateway::Method", "Properties": {
      "RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "PetsResource"}, "HttpMethod": "POST", "AuthorizationType": "AWS_IAM", "ApiKeyRequired": true,
      "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
        "Uri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"}}}},
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
      "FunctionName": "pets", "Runtime": "nodejs20.x", "Handler": "index.handler", "Role": {"Fn::GetAtt": ["Role", "Arn"]},
      "Code": {"ZipFile": "exports.handler = async () => ({statusCode: 200})"}}},
    "Role": {"Type": "AWS::IAM::Role", "Properties": {
      "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}},
    "Perm": {"Type": "AWS::Lambda::Permission", "Properties": {
      "FunctionName": {"Ref": "Fn"}, "Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com",
      "SourceArn": {"Fn::Sub": "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"}}},
    "Deployment": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": {"Ref": "Api"}, "Description": "v1"}},
    "Stage": {"Type": "AWS::ApiGateway::Stage", "Properties": {
      "RestApiId": {"Ref": "Api"}, "StageName": "prod", "DeploymentId": {"Ref": "Deployment"}, "Variables": {"v": "1"}}}
  }
}`

// edit applies old→new replacements to src and fails if one does not match
// exactly once, so a typo cannot silently turn a case into "no change".
func edit(t *testing.T, src string, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		if n := strings.Count(src, pairs[i]); n != 1 {
			t.Fatalf("edit: %q occurs %d times, want 1", pairs[i], n)
		}
		src = strings.Replace(src, pairs[i], pairs[i+1], 1)
	}
	return src
}

// brief renders a Result compactly for table tests.
func brief(r *Result) []string {
	var out []string
	for _, h := range r.Hazards {
		out = append(out, fmt.Sprintf("hazard %s %s", h.Severity, h.Kind))
	}
	for _, c := range r.Resources {
		s := fmt.Sprintf("%s %s %s", symbol(c.Action), c.Address, c.Action)
		if c.Replacement != "" {
			s += "/" + c.Replacement
		}
		if c.OldAddress != "" {
			s += " from " + c.OldAddress
		}
		var ps []string
		for _, p := range c.Changes {
			x := p.Path + "(" + p.Kind
			if p.ForcesReplacement {
				x += ",forces"
			}
			ps = append(ps, x+")")
		}
		if len(ps) > 0 {
			s += ": " + strings.Join(ps, " ")
		}
		out = append(out, s)
	}
	for _, rc := range r.Routes {
		s := fmt.Sprintf("route %s %s %s %s", symbol(rc.Action), rc.Stage, rc.Method, rc.Path)
		var fs []string
		for _, f := range rc.Changes {
			fs = append(fs, f.Field)
		}
		if len(fs) > 0 {
			s += ": " + strings.Join(fs, " ")
		}
		out = append(out, s)
	}
	for _, st := range r.Stages {
		s := fmt.Sprintf("stage %s %s", symbol(st.Action), st.Stage)
		var fs []string
		for _, f := range st.Changes {
			fs = append(fs, f.Field)
		}
		if len(fs) > 0 {
			s += ": " + strings.Join(fs, " ")
		}
		out = append(out, s)
	}
	return out
}

func TestCompareRules(t *testing.T) {
	tests := []struct {
		name string
		old  func(t *testing.T) string // default baseCFN
		new  func(t *testing.T) string
		want []string
	}{
		{
			name: "reformatting is no change",
			new: func(t *testing.T) string {
				// Key order, 29000 as a string, true as "True": all the same
				// to CloudFormation.
				return edit(t, baseCFN,
					`"TimeoutInMillis": 29000`, `"TimeoutInMillis": "29000"`,
					`"ApiKeyRequired": true`, `"ApiKeyRequired": "True"`,
					`"Type": "HTTP_PROXY", "IntegrationHttpMethod": "GET"`, `"IntegrationHttpMethod": "GET", "Type": "HTTP_PROXY"`,
					`"MethodResponses": [{"StatusCode": 200}]`, `"MethodResponses": [{"StatusCode": "200"}]`)
			},
			want: nil,
		},
		{
			name: "integration uri changes in place",
			new: func(t *testing.T) string {
				return edit(t, baseCFN, `"http://backend.example.com/pets"`, `"http://backend-v2.example.com/pets"`,
					`"TimeoutInMillis": 29000`, `"TimeoutInMillis": 5000`)
			},
			want: []string{
				"hazard danger deployment-not-updated",
				"~ GetPets update/none: Integration.Uri(change) Integration.TimeoutInMillis(change)",
				"route ~ prod GET /pets: uri timeoutMs",
			},
		},
		{
			name: "path part forces replacement and cascades to methods",
			new: func(t *testing.T) string {
				return edit(t, baseCFN, `"PathPart": "pets"`, `"PathPart": "animals"`)
			},
			want: []string{
				"hazard danger route-removed",
				"hazard danger route-removed",
				"hazard danger deployment-not-updated",
				"-/+ GetPets replace/dependency: ResourceId(dependency,forces)",
				"-/+ PetsResource replace/property: PathPart(change,forces)",
				"-/+ PostPets replace/dependency: ResourceId(dependency,forces)",
				"route + prod GET /animals",
				"route + prod POST /animals",
				"route - prod GET /pets",
				"route - prod POST /pets",
			},
		},
		{
			name: "ref target change is a reference change",
			new: func(t *testing.T) string {
				return edit(t, baseCFN,
					`"Stage": {`, `"Deployment2": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": {"Ref": "Api"}, "Description": "v2"}},
    "Stage": {`,
					`"DeploymentId": {"Ref": "Deployment"}`, `"DeploymentId": {"Ref": "Deployment2"}`)
			},
			want: []string{
				"hazard warning stage-new-deployment",
				"+ Deployment2 add",
				"~ Stage update/none: DeploymentId(reference)",
				"stage ~ prod: deployment",
			},
		},
		{
			name: "renamed deployment is a rename and deploys the change",
			new: func(t *testing.T) string {
				return edit(t, baseCFN,
					`"Deployment": {`, `"DeploymentV2": {`,
					`"DeploymentId": {"Ref": "Deployment"}`, `"DeploymentId": {"Ref": "DeploymentV2"}`,
					`"AuthorizationType": "NONE"`, `"AuthorizationType": "AWS_IAM"`)
			},
			want: []string{
				"hazard warning stage-new-deployment",
				"-/+ DeploymentV2 replace/rename from Deployment",
				"~ GetPets update/none: AuthorizationType(change)",
				"~ Stage update/none: DeploymentId(reference)",
				"route ~ prod GET /pets: authorization",
				"stage ~ prod: deployment",
			},
		},
		{
			name: "cascaded rename of resource and method",
			new: func(t *testing.T) string {
				return edit(t, baseCFN,
					`"PetsResource": {`, `"PetsRes": {`,
					`"ResourceId": {"Ref": "PetsResource"}, "HttpMethod": "GET"`, `"ResourceId": {"Ref": "PetsRes"}, "HttpMethod": "GET"`,
					`"ResourceId": {"Ref": "PetsResource"}, "HttpMethod": "POST"`, `"ResourceId": {"Ref": "PetsRes"}, "HttpMethod": "POST"`,
					`"GetPets": {`, `"ListPets": {`)
			},
			// Same routes, same behaviour: the old deployment's snapshot is
			// still right, so no deployment hazard. But every replacement
			// keeps its path (and verb): CloudFormation creates it before
			// deleting the old one, and API Gateway rejects the duplicate.
			want: []string{
				"hazard danger replace-collision",
				"hazard danger replace-collision",
				"hazard danger replace-collision",
				"-/+ ListPets replace/rename from GetPets",
				"-/+ PetsRes replace/rename from PetsResource",
				"-/+ PostPets replace/property: ResourceId(reference,forces)",
			},
		},
		{
			name: "lambda function name change replaces function and permission, updates the integration",
			new: func(t *testing.T) string {
				return edit(t, baseCFN, `"FunctionName": "pets"`, `"FunctionName": "pets-v2"`)
			},
			// The route table is unchanged as written, but the method's
			// resolved URI will change: the stage must be redeployed.
			want: []string{
				"hazard danger deployment-not-updated",
				"-/+ Fn replace/property: FunctionName(change,forces)",
				"-/+ Perm replace/dependency: FunctionName(dependency,forces)",
				"~ PostPets update/none: Integration.Uri(dependency)",
			},
		},
		{
			name: "type change replaces",
			new: func(t *testing.T) string {
				return edit(t, baseCFN, `"Type": "AWS::IAM::Role"`, `"Type": "AWS::IAM::ServiceLinkedRole"`)
			},
			want: []string{
				"~ Fn update/none: Role(dependency)",
				"-/+ Role replace/type",
			},
		},
		{
			name: "unknown type says replacement unknown",
			old: func(t *testing.T) string {
				return edit(t, baseCFN, `"Stage": {`, `"Stream": {"Type": "Acme::Data::Stream", "Properties": {"ShardCount": 1}},
    "Stage": {`)
			},
			new: func(t *testing.T) string {
				return edit(t, baseCFN, `"Stage": {`, `"Stream": {"Type": "Acme::Data::Stream", "Properties": {"ShardCount": 2, "Name": "s"}},
    "Stage": {`)
			},
			want: []string{"~ Stream update/unknown: ShardCount(change) Name(add)"},
		},
		{
			// Any AWS type's create-only properties come from the
			// generated tables, not only the API types diff used to list.
			name: "create-only property of any AWS type",
			old: func(t *testing.T) string {
				return edit(t, baseCFN, `"Stage": {`, `"Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}},
    "Stage": {`)
			},
			new: func(t *testing.T) string {
				return edit(t, baseCFN, `"Stage": {`, `"Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 2, "Name": "s"}},
    "Stage": {`)
			},
			want: []string{"-/+ Stream replace/property: ShardCount(change) Name(add,forces)"},
		},
		{
			name: "route and stage removal are hazards",
			new: func(t *testing.T) string {
				return edit(t, baseCFN, `"StageName": "prod"`, `"StageName": "live"`,
					`"HttpMethod": "POST"`, `"HttpMethod": "PUT"`)
			},
			want: []string{
				"hazard danger stage-removed",
				"hazard danger deployment-not-updated",
				"-/+ PostPets replace/property: HttpMethod(change,forces)",
				"-/+ Stage replace/property: StageName(change,forces)",
				"route + live GET /pets",
				"route + live PUT /pets",
				"route - prod GET /pets",
				"route - prod POST /pets",
				"stage + live: deployment variables[v]",
				"stage - prod",
			},
		},
		{
			name: "dropping authorization is a hazard",
			new: func(t *testing.T) string {
				return edit(t, baseCFN, `"AuthorizationType": "AWS_IAM", "ApiKeyRequired": true`, `"AuthorizationType": "NONE"`)
			},
			want: []string{
				"hazard danger auth-weakened",
				"hazard danger deployment-not-updated",
				"~ PostPets update/none: AuthorizationType(change) ApiKeyRequired(remove)",
				"route ~ prod POST /pets: authorization apiKeyRequired",
			},
		},
		{
			name: "request parameters and stage variables",
			new: func(t *testing.T) string {
				return edit(t, baseCFN, `"method.request.querystring.limit": false`, `"method.request.querystring.limit": true, "method.request.header.x-id": false`,
					`"Variables": {"v": "1"}`, `"Variables": {"v": "2"}`)
			},
			want: []string{
				"hazard danger deployment-not-updated",
				"~ GetPets update/none: RequestParameters[\"method.request.querystring.limit\"](change) RequestParameters[\"method.request.header.x-id\"](add)",
				"~ Stage update/none: Variables.v(change)",
				"route ~ prod GET /pets: requestParameters[method.request.header.x-id] requestParameters[method.request.querystring.limit]",
				"stage ~ prod: variables[v]",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldSrc := baseCFN
			if tt.old != nil {
				oldSrc = tt.old(t)
			}
			old := loadTemplate(t, "old.json", oldSrc)
			nw := loadTemplate(t, "new.json", tt.new(t))
			r, err := Compare(context.Background(), old, nw)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, brief(r)); diff != "" {
				t.Errorf("Compare (-want +got):\n%s", diff)
			}
			if got := r.Empty(); got != (len(tt.want) == 0) {
				t.Errorf("Empty() = %v with %d expected changes", got, len(tt.want))
			}
		})
	}
}

func TestValueJSONNumbers(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want any
	}{{"200", "200"}, {"1.5e3", "1.5e3"}, {"0x1F", "0x1F"}, {"+1", "+1"}} {
		got := valueJSON(&model.Value{Kind: model.Number, Str: tc.in})
		if fmt.Sprint(got) != tc.want {
			t.Errorf("valueJSON(%s) = %v", tc.in, got)
		}
		if _, err := json.Marshal(got); err != nil {
			t.Errorf("valueJSON(%s) does not marshal: %v", tc.in, err)
		}
	}
}

// baseTF is a Terraform configuration in the test loader's JSON shape
// (addresses as keys, references as Ref with the attribute).
const baseTF = `{
  "resource": {
    "aws_api_gateway_rest_api.api": {"Type": "aws_api_gateway_rest_api", "Properties": {"name": "pets"}},
    "aws_api_gateway_resource.pets": {"Type": "aws_api_gateway_resource", "Properties": {
      "rest_api_id": {"Ref": "aws_api_gateway_rest_api.api.id"}, "parent_id": {"Ref": "aws_api_gateway_rest_api.api.root_resource_id"}, "path_part": "pets"}},
    "aws_api_gateway_method.get": {"Type": "aws_api_gateway_method", "Properties": {
      "rest_api_id": {"Ref": "aws_api_gateway_rest_api.api.id"}, "resource_id": {"Ref": "aws_api_gateway_resource.pets.id"},
      "http_method": "GET", "authorization": "NONE"}},
    "aws_api_gateway_integration.get": {"Type": "aws_api_gateway_integration", "Properties": {
      "rest_api_id": {"Ref": "aws_api_gateway_rest_api.api.id"}, "resource_id": {"Ref": "aws_api_gateway_resource.pets.id"},
      "http_method": {"Ref": "aws_api_gateway_method.get.http_method"}, "type": "HTTP_PROXY", "integration_http_method": "GET",
      "uri": "http://backend.example.com/pets"}},
    "aws_api_gateway_deployment.this": {"Type": "aws_api_gateway_deployment", "Properties": {
      "rest_api_id": {"Ref": "aws_api_gateway_rest_api.api.id"},
      "triggers": {"redeployment": {"Fn::sha1": {"Fn::jsonencode": [TRIGGERS]}}}}},
    "aws_api_gateway_stage.prod": {"Type": "aws_api_gateway_stage", "Properties": {
      "rest_api_id": {"Ref": "aws_api_gateway_rest_api.api.id"}, "deployment_id": {"Ref": "aws_api_gateway_deployment.this.id"}, "stage_name": "prod"}}
  }
}`

func TestCompareRulesTerraform(t *testing.T) {
	byID := `{"Ref": "aws_api_gateway_method.get.id"}, {"Ref": "aws_api_gateway_integration.get.id"}`
	whole := `{"Ref": "aws_api_gateway_method.get"}, {"Ref": "aws_api_gateway_integration.get"}`
	tests := []struct {
		name     string
		triggers string
		edits    []string
		want     []string
	}{
		{
			name: "triggers on ids miss an in-place integration update", triggers: byID,
			edits: []string{`"uri": "http://backend.example.com/pets"`, `"uri": "http://backend-v2.example.com/pets"`},
			want: []string{
				"hazard danger terraform-deployment-not-triggered",
				"~ aws_api_gateway_integration.get update/none: uri(change)",
				"route ~ prod GET /pets: uri",
			},
		},
		{
			name: "triggers on whole objects re-create the deployment", triggers: whole,
			edits: []string{`"uri": "http://backend.example.com/pets"`, `"uri": "http://backend-v2.example.com/pets"`},
			want: []string{
				"hazard warning stage-new-deployment",
				"-/+ aws_api_gateway_deployment.this replace/dependency: triggers.redeployment(dependency,forces)",
				"~ aws_api_gateway_integration.get update/none: uri(change)",
				"~ aws_api_gateway_stage.prod update/none: deployment_id(dependency)",
				"route ~ prod GET /pets: uri",
			},
		},
		{
			name: "path_part updates in place in Terraform", triggers: byID,
			edits: []string{`"path_part": "pets"`, `"path_part": "animals"`},
			want: []string{
				"hazard danger route-removed",
				"hazard danger terraform-deployment-not-triggered",
				"~ aws_api_gateway_resource.pets update/none: path_part(change)",
				"route + prod GET /animals",
				"route - prod GET /pets",
			},
		},
		{
			name: "http_method is ForceNew and the integration follows", triggers: byID,
			edits: []string{`"http_method": "GET", "authorization"`, `"http_method": "POST", "authorization"`},
			want: []string{
				"hazard danger route-removed",
				"hazard warning stage-new-deployment",
				"-/+ aws_api_gateway_deployment.this replace/dependency: triggers.redeployment(dependency,forces)",
				"-/+ aws_api_gateway_integration.get replace/dependency: http_method(dependency,forces)",
				"-/+ aws_api_gateway_method.get replace/property: http_method(change,forces)",
				"~ aws_api_gateway_stage.prod update/none: deployment_id(dependency)",
				"route - prod GET /pets",
				"route + prod POST /pets",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := strings.Replace(baseTF, "TRIGGERS", tt.triggers, 1)
			old := loadTemplate(t, "old.json", base)
			nw := loadTemplate(t, "new.json", edit(t, base, tt.edits...))
			r, err := Compare(context.Background(), old, nw)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, brief(r)); diff != "" {
				t.Errorf("Compare (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompareNilAndEmpty(t *testing.T) {
	r, err := Compare(context.Background(), nil, nil)
	if err != nil || !r.Empty() {
		t.Fatalf("Compare(nil, nil) = %+v, %v", r, err)
	}
	nw := loadTemplate(t, "new.json", baseCFN)
	r, err = Compare(context.Background(), nil, nw)
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Add != len(nw.Nodes) || r.Summary.RoutesAdded != 2 || len(r.Hazards) != 0 {
		t.Errorf("everything new: summary %+v, hazards %v", r.Summary, r.Hazards)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Compare(ctx, loadTemplate(t, "old.json", baseCFN), nw); err == nil {
		t.Error("Compare with a cancelled context succeeded")
	}
}

func TestOpenAPIBodyChangeNeedsDeployment(t *testing.T) {
	const tmpl = `{"Resources": {
    "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "b", "Body": {"openapi": "3.0.1", "info": {"title": "b", "version": "VERSION"}}}},
    "Deployment": {"Type": "AWS::ApiGateway::Deployment", "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"}}
  }}`
	old := loadTemplate(t, "old.json", strings.Replace(tmpl, "VERSION", "1", 1))
	nw := loadTemplate(t, "new.json", strings.Replace(tmpl, "VERSION", "2", 1))
	r, err := Compare(context.Background(), old, nw)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"hazard danger deployment-not-updated", "~ Api update/none: Body.info.version(change)"}
	if diff := cmp.Diff(want, brief(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !strings.Contains(r.Hazards[0].Message, "Api (API definition)") {
		t.Errorf("hazard does not name the API definition: %s", r.Hazards[0].Message)
	}
}

func TestManyRemovedRoutesAreSummarised(t *testing.T) {
	r := &Result{}
	for i := 0; i < 11; i++ {
		r.Hazards = append(r.Hazards, Hazard{Kind: "route-removed", Severity: SeverityDanger, Message: fmt.Sprintf("route GET /r%d removed", i)})
	}
	r.Hazards = append(r.Hazards, Hazard{Kind: "stage-new-deployment", Severity: SeverityWarning, Message: "stage switches"})
	var text, md strings.Builder
	if err := WriteText(&text, r, false); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		if strings.Count(out, "removed\n")+strings.Count(out, "removed**\n") != 8 || !strings.Contains(out, "3 more routes removed") || !strings.Contains(out, "stage switches") {
			t.Errorf("%s output:\n%s", name, out)
		}
	}
}

// Every AWS::ApiGateway::* resource type has a create-only table, so no API
// Gateway change is reported as "replacement unknown".
func TestCreateOnlyCoversAPIGateway(t *testing.T) {
	for _, typ := range []string{"Account", "ApiKey", "Authorizer", "BasePathMapping", "BasePathMappingV2", "ClientCertificate",
		"Deployment", "DocumentationPart", "DocumentationVersion", "DomainName", "DomainNameAccessAssociation", "DomainNameV2",
		"GatewayResponse", "Method", "Model", "RequestValidator", "Resource", "RestApi", "Stage", "UsagePlan", "UsagePlanKey", "VpcLink"} {
		if !knownType("AWS::ApiGateway::" + typ) {
			t.Errorf("AWS::ApiGateway::%s has no create-only table", typ)
		}
	}
	for typ, want := range map[string]bool{"AWS::ApiGatewayV2::RoutingRule": true, "AWS::Serverless::LayerVersion": false, "AWS::Nope::Thing": false} {
		if knownType(typ) != want {
			t.Errorf("knownType(%s) = %v, want %v", typ, !want, want)
		}
	}
	for _, tc := range []struct {
		typ, prop string
		want      bool
	}{
		{"AWS::ApiGateway::Resource", "PathPart", true},
		{"AWS::ApiGateway::Method", "Integration", false},
		{"AWS::ApiGateway::Stage", "StageName", true},
		{"AWS::ApiGateway::Stage", "Variables", false},
		{"AWS::ApiGateway::RestApi", "Name", false},
		{"aws_api_gateway_resource", "path_part", false},
		{"aws_api_gateway_method", "http_method", true},
		{"aws_api_gateway_deployment", "triggers", true},
		// From the generated tables, including types and properties
		// newer than the hand-kept table they replaced.
		{"AWS::ApiGatewayV2::RoutingRule", "DomainNameArn", true},
		{"AWS::ApiGatewayV2::RoutingRule", "Priority", false},
		{"AWS::Lambda::Function", "PackageType", true},
		{"AWS::Lambda::Function", "MemorySize", false},
		{"AWS::SQS::Queue", "FifoQueue", true},
		{"AWS::DynamoDB::Table", "LocalSecondaryIndexes", true}, // the documentation's addition
		{"AWS::Serverless::Function", "FunctionName", true},
		{"AWS::Serverless::Function", "CodeUri", false}, // not the SAM spec's "everything"
	} {
		if got := isCreateOnly(tc.typ, tc.prop); got != tc.want {
			t.Errorf("isCreateOnly(%s, %s) = %v, want %v", tc.typ, tc.prop, got, tc.want)
		}
	}
}

func TestParseLocation(t *testing.T) {
	for in, want := range map[string]string{
		"new.yaml:12:3":            "new.yaml 12 3",
		"HEAD:infra/api.yaml:34:3": "HEAD:infra/api.yaml 34 3",
		"origin/main:a:b.yaml:1:1": "origin/main:a:b.yaml 1 1",
		"no-position.yaml":         "no-position.yaml 0 0",
		"odd:name:x":               "odd:name:x 0 0",
	} {
		r := parseLocation(in)
		if got := fmt.Sprintf("%s %d %d", r.Filename, r.Start.Line, r.Start.Column); got != want {
			t.Errorf("parseLocation(%q) = %s, want %s", in, got, want)
		}
	}
}
