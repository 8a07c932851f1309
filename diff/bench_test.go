package diff

import (
	"context"
	"fmt"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// genTemplate builds a template of n resources the way the front ends
// lower a large API: one REST API, n/4 path resources, n/4 methods with
// integrations, and Lambda functions and permissions for the rest. variant
// changes every 10th method's URI, renames every 50th function and drops
// every 100th permission, so the diff has real work in all its steps.
func genTemplate(n, variant int) *model.Template {
	t := &model.Template{Format: model.CloudFormation, Files: []string{"gen.yaml"}}
	str := func(s string) *model.Value { return &model.Value{Kind: model.String, Str: s} }
	ref := func(s string) *model.Value { return &model.Value{Kind: model.Intrinsic, Str: "Ref", Arg: str(s)} }
	getatt := func(s, a string) *model.Value {
		return &model.Value{Kind: model.Intrinsic, Str: "Fn::GetAtt", Arg: &model.Value{Kind: model.List, Items: []*model.Value{str(s), str(a)}}}
	}
	obj := func(kv ...any) *model.Value {
		v := &model.Value{Kind: model.Map}
		for i := 0; i < len(kv); i += 2 {
			v.Fields = append(v.Fields, model.Field{Key: kv[i].(string), Value: kv[i+1].(*model.Value)})
		}
		return v
	}
	api := &model.RestAPI{LogicalID: "Api", ID: "api0000000", Name: "gen", MinimumCompressionSize: -1}
	api.Root = &model.Resource{ID: "root000000"}
	api.Resources = []*model.Resource{api.Root}
	t.APIs = []*model.RestAPI{api}
	t.Nodes = append(t.Nodes, &model.Node{Address: "Api", Type: "AWS::ApiGateway::RestApi", Props: obj("Name", str("gen"))})
	q := n / 4
	for i := 0; i < q; i++ {
		rid := fmt.Sprintf("Res%04d", i)
		t.Nodes = append(t.Nodes, &model.Node{Address: rid, Type: "AWS::ApiGateway::Resource", Props: obj(
			"RestApiId", ref("Api"), "ParentId", getatt("Api", "RootResourceId"), "PathPart", str(fmt.Sprintf("r%d", i)))})
		res := &model.Resource{LogicalID: rid, ID: rid, PathPart: fmt.Sprintf("r%d", i), Parent: api.Root}
		api.Resources = append(api.Resources, res)

		uri := fmt.Sprintf("http://backend.example.com/r%d", i)
		if variant > 0 && i%10 == 0 {
			uri += "/v2"
		}
		mid := fmt.Sprintf("Get%04d", i)
		t.Nodes = append(t.Nodes, &model.Node{Address: mid, Type: "AWS::ApiGateway::Method", Props: obj(
			"RestApiId", ref("Api"), "ResourceId", ref(rid), "HttpMethod", str("GET"), "AuthorizationType", str("NONE"),
			"Integration", obj("Type", str("HTTP_PROXY"), "IntegrationHttpMethod", str("GET"), "Uri", str(uri)))})
		res.Methods = []*model.Method{{LogicalID: mid, HTTPMethod: "GET", Integration: &model.Integration{Type: "HTTP_PROXY", HTTPMethod: "GET", URI: uri}}}

		fn := fmt.Sprintf("Fn%04d", i)
		if variant > 0 && i%50 == 0 {
			fn += "Renamed"
		}
		t.Nodes = append(t.Nodes, &model.Node{Address: fn, Type: "AWS::Lambda::Function", Props: obj(
			"Runtime", str("nodejs20.x"), "Handler", str("index.handler"), "Code", obj("ZipFile", str(fmt.Sprintf("// %d", i))))})
		if variant > 0 && i%100 == 0 {
			continue
		}
		t.Nodes = append(t.Nodes, &model.Node{Address: fmt.Sprintf("Perm%04d", i), Type: "AWS::Lambda::Permission", Props: obj(
			"FunctionName", ref(fn), "Action", str("lambda:InvokeFunction"), "Principal", str("apigateway.amazonaws.com"))})
	}
	dep := &model.Deployment{LogicalID: "Deployment", ID: "dep000"}
	api.Deployments = []*model.Deployment{dep}
	api.Stages = []*model.Stage{{LogicalID: "Stage", Name: "prod", DeploymentID: dep.ID}}
	t.Nodes = append(t.Nodes,
		&model.Node{Address: "Deployment", Type: "AWS::ApiGateway::Deployment", Props: obj("RestApiId", ref("Api"))},
		&model.Node{Address: "Stage", Type: "AWS::ApiGateway::Stage", Props: obj("RestApiId", ref("Api"), "StageName", str("prod"), "DeploymentId", ref("Deployment"))})
	t.Finalize()
	return t
}

func TestGenTemplateDiff(t *testing.T) {
	old, nw := genTemplate(2000, 0), genTemplate(2000, 1)
	if len(old.Nodes) != 2003 {
		t.Fatalf("old template has %d nodes, want 2003", len(old.Nodes))
	}
	r, err := Compare(context.Background(), old, nw)
	if err != nil {
		t.Fatal(err)
	}
	// 50 URIs changed, 10 functions renamed (with their permissions
	// re-pointed, which replaces them), 5 permissions dropped.
	s := r.Summary
	if s.Update != 50 || s.Renames != 10 || s.Remove != 5 || s.RoutesChanged != 50 || s.Hazards != 1 {
		t.Errorf("summary = %+v", s)
	}
}

func BenchmarkCompare2000(b *testing.B) {
	old, nw := genTemplate(2000, 0), genTemplate(2000, 1)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compare(ctx, old, nw); err != nil {
			b.Fatal(err)
		}
	}
}
