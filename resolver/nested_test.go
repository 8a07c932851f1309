package resolver

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// mockAPI is the resources of a REST API named name with one MOCK GET on its
// root, deployed to stage: what the nested templates of these tests serve.
func mockAPI(name, stage string) string {
	return `  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: ` + name + `}
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
    Properties: {RestApiId: !Ref Api, StageName: ` + stage + `}
`
}

// A TemplateURL built from something without a local value (a parameter
// with no Default, a resource attribute) is not a local template: it is
// neither read nor reported missing (cfn-lint's good/functions/getatt.yaml
// builds it from an S3 root parameter and got a false W3229). With the
// value given, or built from parameters with defaults, it is read.
func TestNestedTemplateURLFromUnknownValue(t *testing.T) {
	child := `Resources:
` + mockAPI("child", "child")
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

// A template nesting itself by its absolute path is found to nest itself
// when it was named by a relative one (it was read twice: its API served
// again as <stack>-Self-api), and templates nesting the next one several
// times at each level are read up to maxNestedStacks in all (6 a level
// over 9 levels was 6^8 reads: validate ran for minutes).
func TestNestedSelfByAbsolutePathAndFanOut(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	self := `Resources:
  Self:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ` + filepath.Join(dir, "self.yaml") + `
` + mockAPI("api", "v1")
	if err := os.WriteFile("self.yaml", []byte(self), 0o644); err != nil {
		t.Fatal(err)
	}
	r := Resolve(context.Background(), []string{"self.yaml"}, Options{})
	if r.Template == nil || len(r.Template.APIs) != 1 {
		t.Errorf("self.yaml: want its API once, got template %v (findings: %v)", r.Template, r.Diags)
	}
	if !hasRule(r.Diags, "W3229") {
		t.Errorf("self.yaml: no W3229 for nesting itself: %v", r.Diags)
	}

	for i := 0; i < 9; i++ {
		var b strings.Builder
		b.WriteString("Resources:\n")
		for k := 0; k < 6; k++ {
			fmt.Fprintf(&b, "  S%d:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: f%d.yaml}\n", k, i+1)
		}
		if err := os.WriteFile(fmt.Sprintf("f%d.yaml", i), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile("f9.yaml", []byte("Resources: {T: {Type: AWS::SNS::Topic}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r = Resolve(ctx, []string{"f0.yaml"}, Options{})
	if ctx.Err() != nil {
		t.Fatalf("f0.yaml: not resolved in 30 s")
	}
	if !hasRule(r.Diags, "W3229") {
		t.Errorf("f0.yaml: no W3229 for too many nested stacks: %v", r.Diags)
	}
}

func hasRule(ds diag.Diagnostics, rule string) bool {
	for _, d := range ds {
		if d.Rule == rule {
			return true
		}
	}
	return false
}

// A nested stack's resources are named in the graph by their stack path
// (as sam names them: SubApp/HelloWorldFunction), so that a parent and a
// child with the same logical ids (two implicit ServerlessRestApi, two
// Api/Method/Deployment here) list each resource once, and the child's
// edges point at its own resources.
func TestNestedGraphAddresses(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.MkdirAll("nested", 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"parent.yaml":            "Resources:\n  Sub:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: nested/child.yaml}\n" + mockAPI("parent", "v1"),
		"nested/child.yaml":      "Resources:\n  Deeper:\n    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: grandchild.yaml}\n" + mockAPI("child", "v1"),
		"nested/grandchild.yaml": "Resources:\n" + mockAPI("grandchild", "v1"),
	}
	for name, src := range files {
		if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := Resolve(context.Background(), []string{"parent.yaml"}, Options{})
	if r.Template == nil || len(r.Template.APIs) != 3 {
		t.Fatalf("want 3 APIs, got %v (findings: %v)", r.Template, r.Diags)
	}
	var got []string
	for _, n := range r.Template.Nodes {
		got = append(got, n.Address)
	}
	want := []string{"Api", "Deployment", "Method", "Sub", "Sub/Api", "Sub/Deeper", "Sub/Deeper/Api",
		"Sub/Deeper/Deployment", "Sub/Deeper/Method", "Sub/Deployment", "Sub/Method"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("nodes:\n got %v\nwant %v", got, want)
	}
	m := r.Template.Node("Sub/Deeper/Method")
	if m == nil {
		t.Fatal("Template.Node does not find Sub/Deeper/Method")
	}
	for _, e := range m.Deps {
		if e.To != "Sub/Deeper/Api" {
			t.Errorf("Sub/Deeper/Method -> %s, want the grandchild's own Api", e.To)
		}
	}
}
