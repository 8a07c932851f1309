package resolver

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// A TemplateURL built from something without a local value (a parameter
// with no Default, a resource attribute) is not a local template: it is
// neither read nor reported missing (cfn-lint's good/functions/getatt.yaml
// builds it from an S3 root parameter and got a false W3229). With the
// value given, or built from parameters with defaults, it is read.
func TestNestedTemplateURLFromUnknownValue(t *testing.T) {
	const child = `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: child}
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      AuthorizationType: NONE
      Integration: {Type: MOCK, RequestTemplates: {application/json: '{"statusCode": 200}'}, IntegrationResponses: [{StatusCode: "200"}]}
      MethodResponses: [{StatusCode: "200"}]
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: Method
    Properties: {RestApiId: !Ref Api, StageName: child}
`
	for _, tc := range []struct {
		name, url string
		params    map[string]string
		read      bool
	}{
		{"join of a parameter without a value", `!Join ["/", [!Ref Root, "child.yaml"]]`, nil, false},
		{"join of a parameter given a value", `!Join ["/", [!Ref Root, "child.yaml"]]`, map[string]string{"Root": "nested"}, true},
		{"sub of a parameter without a value", `!Sub "${Root}/child.yaml"`, nil, false},
		{"sub of a parameter with a default", `!Sub "${Dir}/child.yaml"`, nil, true},
		{"sub of a parameter with a default and the region", `!Sub "${Dir}/${AWS::Region}/../child.yaml"`, nil, true},
		{"sub with its own variables", `!Sub ["${D}/child.yaml", {D: !Ref Dir}]`, nil, true},
		{"sub with a variable without a value", `!Sub ["${D}/child.yaml", {D: !Ref Root}]`, nil, false},
		{"sub of a resource attribute", `!Sub "${Bucket.RegionalDomainName}/child.yaml"`, nil, false},
		{"ref of a resource", `!Ref Bucket`, nil, false},
		{"getatt", `!GetAtt Bucket.Arn`, nil, false},
		{"literal", `nested/child.yaml`, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.MkdirAll(filepath.Join(dir, "nested", "us-east-1"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "nested", "child.yaml"), []byte(child), 0o644); err != nil {
				t.Fatal(err)
			}
			parent := "Parameters:\n  Root:\n    Type: String\n  Dir:\n    Type: String\n    Default: nested\n" +
				"Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: " + tc.url + "\n"
			tpl := filepath.Join(dir, "template.yaml")
			if err := os.WriteFile(tpl, []byte(parent), 0o644); err != nil {
				t.Fatal(err)
			}
			r := Resolve(context.Background(), []string{tpl}, Options{Params: tc.params})
			var w3229 []string
			for _, d := range r.Diags {
				if d.Rule == "W3229" {
					w3229 = append(w3229, d.Summary)
				}
			}
			if len(w3229) > 0 {
				t.Errorf("W3229: %s", strings.Join(w3229, "; "))
			}
			read := r.Template != nil && len(model.Routes(r.Template)) > 0
			if read != tc.read {
				t.Errorf("child read: %v, want %v (findings: %v)", read, tc.read, r.Diags)
			}
		})
	}
}
