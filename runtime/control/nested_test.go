package control_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
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
