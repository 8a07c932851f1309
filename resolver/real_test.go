package resolver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// realTemplates are trimmed copies of public, real-world templates (each
// file names its source in its first line or its Metadata): AWS samples,
// LocalStack's AWS-validated test templates, SAM and CDK outputs. Those
// that deploy on AWS as written must resolve without a single error; the
// route count pins what cfnrun serves from them.
var realTemplates = []struct {
	file string
	// params are the values a deployment would pass (parameters without
	// Default).
	params map[string]string
	// routes is the number of (stage, method, path) routes.
	routes int
	// wantRules lists the rules a template that does not deploy as written
	// must report (empty: the template deploys, so no error may appear).
	wantRules []string
	// warnings are the warning rules the template gets, each explained
	// where it is listed; any other warning is a false finding.
	warnings []string
}{
	{file: "localstack-apigateway-mock-cors-deployment.json", routes: 2},
	{file: "localstack-apigateway-url-output.yaml", routes: 1},
	{file: "localstack-apigateway-integration-no-authorizer.yaml", routes: 2},
	{file: "localstack-apigw-awsintegration-request-parameters.yaml", params: map[string]string{"ApiName": "api", "CustomTagKey": "k", "CustomTagValue": "v"}, routes: 1, warnings: []string{"W3227"}}, // an S3 AWS integration without integration responses: deploys (LocalStack's test only deploys it), answers 500
	{file: "localstack-apigateway-usage-plan.yaml", params: map[string]string{"QuotaLimit": "5000", "RestApiName": "api"}, routes: 1, warnings: mockNoStatus},
	// A canary deployment names the existing stage prod; it depends on
	// the Stage resource, so it updates the stage instead of creating it.
	{file: "localstack-apigateway-canary-deployment.yaml", params: map[string]string{"RestApiName": "api"}, routes: 1, warnings: mockNoStatus},
	{file: "localstack-apigateway-models-cdk.json", routes: 1},
	{file: "localstack-apigateway-stage-access-log-settings.yaml", params: map[string]string{"RestApiName": "api"}, routes: 1, warnings: mockNoStatus},
	// HttpMethod comes from a parameter.
	{file: "localstack-apigateway-update-stage.yaml", params: map[string]string{"RestApiName": "api"}, routes: 1, warnings: mockNoStatus},
	// SAM: the implicit API of a function's Api event is not expanded.
	// python3.9 can no longer be deployed (E3402).
	{file: "localstack-sam-serverless-api-resolving.yaml", params: map[string]string{"AllowedOrigin": "https://example.com"}, routes: 2, wantRules: []string{"E3402"}},
	// No Deployment: one route without a stage.
	{file: "aws-cloudformation-templates-apigateway-lambda-integration.yaml", routes: 1, warnings: []string{"W3220"}},
	// GetAtt in every form, including the long-form dotted string.
	{file: "cfn-lint-good-functions-getatt.yaml", params: map[string]string{"ProjectS3Root": "s3://bucket", "SSMMasterDBUsernameKeyFullName": "/db/user",
		"SSMMasterDBPasswordKeyFullName": "/db/password", "SSMLambdaARN": "arn:aws:lambda:us-east-1:123456789012:function:ssm", "SSMModifiedAt": "2024-01-01"}, routes: 0},
	// SAM output: two APIs from OpenAPI bodies, each with the SAM "Stage"
	// stage from the deployment and a Prod stage: 2 APIs x 2 stages x 4.
	// The ExplicitApi's body invokes two functions without a Lambda
	// permission (SAM adds none for DefinitionBody integrations): those
	// routes deploy and answer 500 (E3410); nodejs12.x can no longer be
	// deployed (E3402).
	{file: "sam-translator-api-with-cors.json", routes: 16, wantRules: []string{"E3402", "E3410"}},
	// SAM output with CanarySetting; ExplicitApi comes from S3 (warning).
	// SAM passes the input's StageVariablesOverrides through, but the
	// property is StageVariableOverrides: CloudFormation rejects it.
	{file: "sam-translator-api-with-canary-setting.json", routes: 2, wantRules: []string{"E3002"}},
	// The API Gateway developer guide's REST templates.
	// Both use nodejs12.x, which Lambda no longer deploys (E3402).
	{file: "awsdocs-rest-lambda-proxy.yaml", routes: 1, wantRules: []string{"E3402"}},
	{file: "awsdocs-rest-with-auth.yaml", routes: 1, wantRules: []string{"E3402"}},
	// A deployment's StageName (tempstage) plus a Stage (test): 2 stages.
	{file: "awsdocs-stage.yaml", routes: 2},
	{file: "awsdocs-usage-plan.yaml", routes: 2},
	{file: "awsdocs-basepath.yaml", routes: 1},
	// CloudFormation Designer metadata; the API's condition is false by
	// default, so nothing is created.
	{file: "localstack-apigateway-designer-condition.json", routes: 0},
	// Serverless Framework v3: Policy "", empty RequestParameters and
	// MethodResponses, a {any+} greedy resource.
	{file: "localstack-serverless-framework-apigw-lambda.json", routes: 2},
	// LanguageExtensions + SAM: a parameter used only in
	// UpdateReplacePolicy, intrinsics in resource policies.
	// python3.9 can no longer be deployed (E3402).
	{file: "cfn-lint-good-transform-language-extension.yaml", params: map[string]string{"DBPolicy": "Retain"}, routes: 0, wantRules: []string{"E3402"}},
	// Sub in Metadata, nested-stack outputs, Sub over Fn::Transform.
	{file: "cfn-lint-good-functions-sub.yaml", params: map[string]string{"mySubnets": "subnet-1,subnet-2"}, routes: 0, warnings: []string{"W3002"}}, // TemplateURL: String, a local path only `package` uploads (cfn-lint 1.51 warns W3002 there too)
	// The body comes from S3 via AWS::Include: nothing to serve locally.
	{file: "localstack-cfn-apigw-with-include-fn.yaml", params: map[string]string{"ApiName": "api", "BucketName": "bucket"}, routes: 0},
}

// mockNoStatus: LocalStack's templates often use a MOCK integration
// without a request template or integration responses; it deploys, but
// API Gateway answers 500, so W3212 and W3227 are true warnings.
var mockNoStatus = []string{"W3212", "W3227"}

func TestRealTemplates(t *testing.T) {
	files, err := filepath.Glob("testdata/real/*")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, rt := range realTemplates {
		listed[rt.file] = true
	}
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			t.Errorf("%s is not listed in realTemplates; add it with its expected route count", f)
		}
	}
	for _, rt := range realTemplates {
		t.Run(strings.TrimSuffix(rt.file, filepath.Ext(rt.file)), func(t *testing.T) {
			path := filepath.Join("testdata", "real", rt.file)
			if _, err := os.Stat(path); err != nil {
				t.Fatal(err)
			}
			r := resolveNoPanic(t, path, Options{Params: rt.params})
			if r.Template == nil {
				t.Fatalf("no template; findings:\n%s", findingsText(r.Diags))
			}
			for _, d := range r.Diags {
				if d.Range.Filename != path || d.Range.Start.Line < 1 || d.Range.Start.Column < 1 {
					t.Errorf("finding without a position in the file: %s", d.Error())
				}
			}
			if len(rt.wantRules) == 0 {
				if errs := r.Diags.Errors(); len(errs) > 0 {
					t.Errorf("the template deploys on AWS, but cfnrun reports errors:\n%s", findingsText(errs))
				}
			} else {
				var got []string
				for _, d := range r.Diags.Errors() {
					got = append(got, d.Rule)
				}
				for _, want := range rt.wantRules {
					if !slices.Contains(got, want) {
						t.Errorf("want a %s finding; got:\n%s", want, findingsText(r.Diags))
					}
				}
			}
			var warns []string
			for _, d := range r.Diags {
				if d.Severity == diag.Warning && !slices.Contains(warns, d.Rule) {
					warns = append(warns, d.Rule)
				}
			}
			slices.Sort(warns)
			want := slices.Clone(rt.warnings)
			slices.Sort(want)
			if !slices.Equal(warns, want) {
				t.Errorf("warning rules %v, want %v:\n%s", warns, want, findingsText(r.Diags))
			}
			routes := model.Routes(r.Template)
			if len(routes) != rt.routes {
				var b strings.Builder
				for _, x := range routes {
					fmt.Fprintf(&b, "  %s %s %s -> %s %s\n", x.Stage, x.Method, x.Path, x.Integration, x.URI)
				}
				t.Errorf("%d routes, want %d:\n%s", len(routes), rt.routes, b.String())
			}
			// The model dump is deterministic: resolving twice gives the
			// same text (ids are stable across runs).
			again := resolveNoPanic(t, path, Options{Params: rt.params})
			if a, b := model.DumpString(r.Template, model.DumpOptions{Identity: true}), model.DumpString(again.Template, model.DumpOptions{Identity: true}); a != b {
				t.Errorf("two resolutions differ")
			}
		})
	}
}

func resolveNoPanic(t *testing.T, path string, opts Options) (r *Result) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("Resolve(%s) panicked: %v", path, p)
		}
	}()
	return Resolve(context.Background(), []string{path}, opts)
}

func findingsText(ds diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s\n", d.Error())
	}
	return b.String()
}
