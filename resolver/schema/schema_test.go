package schema

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cfnrun/cfnrun/internal/cfnspec"
	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/parser/cfn"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want section of testdata/*.txtar")

// section returns the data of the archive's file name.
func section(a *txtar.Archive, name string) (string, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return string(f.Data), true
		}
	}
	return "", false
}

// checkTemplate parses src and checks every resource with CheckEntry, the
// way the resolver does.
func checkTemplate(t testing.TB, c *Checker, name string, src []byte) diag.Diagnostics {
	t.Helper()
	root, pds := cfn.Parse(name, src)
	if root == nil {
		t.Fatalf("template does not parse: %v", pds.Err())
	}
	for _, d := range pds {
		// Parser findings belong to parser/cfn (for example its
		// rejection of the Rules-only Fn::Contains that every CDK
		// template carries); they do not stop the schema check.
		t.Logf("parser finding: %s", d.Error())
	}
	var ds diag.Diagnostics
	res := root.Get("Resources")
	if res == nil {
		t.Fatalf("template has no Resources")
	}
	for _, f := range res.Fields {
		ds = append(ds, c.CheckEntry(f.Key, f.KeyRange(), f.Value)...)
	}
	return ds.Sort()
}

// render writes findings as "line:col severity[rule] resource: summary"
// with the hint indented below.
func render(ds diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%d:%d-%d:%d %s[%s] %s: %s\n", d.Range.Start.Line, d.Range.Start.Column,
			d.Range.End.Line, d.Range.End.Column, d.Severity, d.Rule, d.Resource, d.Summary)
		if d.Detail != "" {
			fmt.Fprintf(&b, "    hint: %s\n", d.Detail)
		}
	}
	return b.String()
}

// TestGolden runs every testdata/*.txtar: a template (template.yaml or
// template.json) and the findings it must produce (want).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	c := New()
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			a := txtar.Parse(raw)
			name := "template.yaml"
			src, ok := section(a, name)
			if !ok {
				name = "template.json"
				if src, ok = section(a, name); !ok {
					t.Fatalf("%s has no template.yaml or template.json section", file)
				}
			}
			got := render(checkTemplate(t, c, name, []byte(src)))
			want, _ := section(a, "want")
			if *update {
				found := false
				for i := range a.Files {
					if a.Files[i].Name == "want" {
						a.Files[i].Data, found = []byte(got), true
					}
				}
				if !found {
					a.Files = append(a.Files, txtar.File{Name: "want", Data: []byte(got)})
				}
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("findings differ (-want +got; run go test -update to accept):\n%s", diff)
			}
		})
	}
}

// TestRealTemplates checks templates from AWS samples, SAM and CDK output
// (trimmed copies under testdata/real): they deploy, so no errors.
func TestRealTemplates(t *testing.T) {
	files, _ := filepath.Glob("testdata/real/*")
	if len(files) == 0 {
		t.Fatal("no real templates")
	}
	c := New()
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ds := checkTemplate(t, c, file, src)
			if errs := ds.Errors(); len(errs) > 0 {
				t.Errorf("false errors on a template that deploys:\n%s", render(errs))
			}
			for _, d := range ds {
				t.Logf("%s", d.Error())
			}
		})
	}
}

func parseOne(t *testing.T, src string) (*cfn.Node, *cfn.Node, *cfn.Field) {
	t.Helper()
	root, pds := cfn.Parse("t.yaml", []byte(src))
	if pds.HasErrors() {
		t.Fatal(pds.Err())
	}
	f := root.Get("Resources").Fields[0]
	return f.Value.Get("Type"), f.Value.Get("Properties"), &f
}

// TestCheckResourceRanges covers the declared API: without the Properties
// key, a missing required property is reported at the Type value, and
// CheckEntry reports it at the Properties key or the logical id.
func TestCheckResourceRanges(t *testing.T) {
	c := New()
	tests := []struct {
		name, src       string
		entry           bool
		wantLine, wantC int
	}{
		{"resource/type-node", "Resources:\n  S:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      StageName: p\n", false, 3, 11},
		{"entry/properties-key", "Resources:\n  S:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      StageName: p\n", true, 4, 5},
		{"entry/logical-id", "Resources:\n  S:\n    Type: AWS::ApiGateway::Stage\n", true, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, props, f := parseOne(t, tt.src)
			var ds diag.Diagnostics
			if tt.entry {
				ds = c.CheckEntry(f.Key, f.KeyRange(), f.Value)
			} else {
				ds = c.CheckResource(f.Key, typ, props)
			}
			if len(ds) != 1 || ds[0].Rule != RuleRequired {
				t.Fatalf("want one %s finding, got:\n%s", RuleRequired, render(ds))
			}
			if got := ds[0].Range.Start; got.Line != tt.wantLine || got.Column != tt.wantC {
				t.Errorf("at %d:%d, want %d:%d", got.Line, got.Column, tt.wantLine, tt.wantC)
			}
			if ds[0].Resource != "S" {
				t.Errorf("resource %q, want S", ds[0].Resource)
			}
		})
	}
}

func TestKnownType(t *testing.T) {
	c := New()
	for typ, want := range map[string]bool{
		"AWS::ApiGateway::RestApi":            true,
		"AWS::ApiGatewayV2::Stage":            true,
		"AWS::Serverless::Function":           true,
		"AWS::CDK::Metadata":                  true,
		"Custom::Anything":                    true,
		"AWS::CloudFormation::CustomResource": true,
		"AWS::ApiGateway::DomainNameV2":       true,
		"AWS::ApiGateway::RestAPI":            false,
		"Custom::":                            false,
		"MyOrg::Svc::Thing":                   false,
	} {
		if got := c.KnownType(typ); got != want {
			t.Errorf("KnownType(%q) = %v, want %v", typ, got, want)
		}
	}
}

// allObjects decodes every resource type of the generated tables and
// returns every object (resources and property types) by name.
func allObjects(t *testing.T, c *Checker) map[string]*object {
	t.Helper()
	objects := map[string]*object{}
	var walk func(o *object)
	var walkShape func(s *shape)
	walk = func(o *object) {
		if objects[o.name] != nil {
			return
		}
		objects[o.name] = o
		for _, p := range o.props {
			walkShape(p.shape)
		}
	}
	walkShape = func(s *shape) {
		switch {
		case s == nil:
		case s.kind == kObject && s.obj != nil:
			walk(s.obj)
		case s.kind == kUnion:
			for _, a := range s.alts {
				walkShape(a)
			}
		default:
			walkShape(s.elem)
		}
	}
	for i := 0; i < cfnspec.NumTypes(); i++ {
		o := c.b.resource(cfnspec.TypeName(i))
		if o == nil {
			t.Errorf("%s does not decode", cfnspec.TypeName(i))
			continue
		}
		walk(o)
	}
	return objects
}

// TestTablesNameRealObjects guards the hand-written tables against typos:
// every enum and added property names an object the tables define.
func TestTablesNameRealObjects(t *testing.T) {
	c := New()
	objects := allObjects(t, c)
	enums := map[string][]string{
		"AWS::ApiGateway::Method.Integration":                   {"Type", "ConnectionType", "ContentHandling", "PassthroughBehavior", "ResponseTransferMode"},
		"AWS::ApiGateway::Method.IntegrationResponse":           {"ContentHandling"},
		"AWS::ApiGateway::Method":                               {"AuthorizationType", "HttpMethod"},
		"AWS::ApiGateway::RestApi.EndpointConfiguration":        {"Types", "IpAddressType"},
		"AWS::ApiGateway::DomainName.EndpointConfiguration":     {"Types", "IpAddressType"},
		"AWS::ApiGateway::RestApi":                              {"ApiKeySourceType", "Mode"},
		"AWS::ApiGateway::Authorizer":                           {"Type"},
		"AWS::ApiGateway::GatewayResponse":                      {"ResponseType"},
		"AWS::ApiGateway::Stage.MethodSetting":                  {"LoggingLevel"},
		"AWS::ApiGateway::Deployment.MethodSetting":             {"LoggingLevel"},
		"AWS::ApiGateway::Deployment.StageDescription":          {"LoggingLevel", "CacheClusterSize"},
		"AWS::ApiGateway::Stage":                                {"CacheClusterSize"},
		"AWS::ApiGateway::UsagePlan.QuotaSettings":              {"Period"},
		"AWS::ApiGateway::UsagePlanKey":                         {"KeyType"},
		"AWS::ApiGateway::DocumentationPart.Location":           {"Type"},
		"AWS::Serverless::HttpApi.MutualTlsAuthentication":      {"TruststoreVersion"},
		"AWS::Serverless::Api":                                  {"GatewayResponses", "EndpointConfiguration"},
		"AWS::Serverless::Api.Auth":                             {"UsagePlan"},
		"AWS::Serverless::HttpApi.HttpApiAuth":                  {"EnableIamAuthorizer"},
		"AWS::Serverless::StateMachine":                         {"AutoPublishAlias"},
		"AWS::Serverless::Function":                             {"SnapStart"},
		"AWS::Serverless::HttpApi":                              {"PropagateTags"},
		"AWS::ApiGateway::DomainName":                           {"RoutingMode"},
		"AWS::Serverless::Function.EventSource":                 {"Type"},
		"AWS::ApiGateway::Method.MethodResponse":                {"StatusCode"},
		"AWS::ApiGateway::Deployment.DeploymentCanarySettings":  {"PercentTraffic"},
		"AWS::ApiGatewayV2::Api":                                {"ProtocolType"},
		"AWS::ApiGatewayV2::Integration":                        {"IntegrationType", "ConnectionType", "PassthroughBehavior", "ContentHandlingStrategy", "PayloadFormatVersion"},
		"AWS::ApiGatewayV2::IntegrationResponse":                {"ContentHandlingStrategy"},
		"AWS::ApiGatewayV2::Authorizer":                         {"AuthorizerType"},
		"AWS::ApiGatewayV2::Route":                              {"AuthorizationType"},
		"AWS::ApiGatewayV2::DomainName.DomainNameConfiguration": {"EndpointType"},
		"AWS::ApiGatewayV2::Stage.RouteSettings":                {"LoggingLevel"},
		"AWS::Serverless::StateMachine.EventSource":             {"Type"},
	}
	for obj, props := range enums {
		o := objects[obj]
		if o == nil {
			t.Errorf("no object %s", obj)
			continue
		}
		for _, p := range props {
			if o.props[p] == nil {
				t.Errorf("%s has no property %s", obj, p)
			}
			if enumFor(obj, p) != nil {
				pr := o.props[p]
				if pr == nil || (pr.shape.enum == nil && (pr.shape.elem == nil || pr.shape.elem.enum == nil)) {
					t.Errorf("enum for %s/%s not attached", obj, p)
				}
			}
		}
	}
	// Every shape is well formed: lists and maps have an element shape,
	// unions have alternatives, so checking never dereferences nil.
	var wellFormed func(where string, sh *shape)
	wellFormed = func(where string, sh *shape) {
		switch sh.kind {
		case kList, kMap:
			if sh.elem == nil {
				t.Errorf("%s: %s without element shape", where, sh.kind)
				return
			}
			if sh.elem.kind != kObject {
				wellFormed(where+"[]", sh.elem)
			}
		case kUnion:
			if len(sh.alts) == 0 {
				t.Errorf("%s: union without alternatives", where)
			}
			for _, a := range sh.alts {
				if a.kind != kObject {
					wellFormed(where+"|", a)
				}
			}
		case kObject:
			if sh.obj == nil {
				t.Errorf("%s: object without schema", where)
			}
		}
	}
	for _, o := range objects {
		for name, pr := range o.props {
			wellFormed(o.name+"/"+name, pr.shape)
		}
	}
	// The tables' required flags agree with AWS for API Gateway.
	for obj, want := range map[string][]string{
		"AWS::ApiGateway::Method":                {"HttpMethod", "ResourceId", "RestApiId"},
		"AWS::ApiGateway::Method.Integration":    {"Type"},
		"AWS::ApiGateway::Stage":                 {"RestApiId"},
		"AWS::ApiGateway::Resource":              {"ParentId", "PathPart", "RestApiId"},
		"AWS::ApiGateway::Deployment":            {"RestApiId"},
		"AWS::ApiGateway::RestApi":               nil,
		"AWS::ApiGateway::Method.MethodResponse": {"StatusCode"},
	} {
		got := append([]string(nil), objects[obj].required...)
		if diff := cmp.Diff(want, sorted(got)); diff != "" {
			t.Errorf("required of %s (-want +got):\n%s", obj, diff)
		}
	}
}

func sorted(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	if len(s) == 0 {
		return nil
	}
	return s
}

// TestConcurrent checks that one Checker serves many goroutines (run with
// -race).
func TestConcurrent(t *testing.T) {
	c := New()
	src := genTemplate(40)
	want := render(checkTemplate(t, c, "gen.yaml", src))
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := render(checkTemplate(t, New(), "gen.yaml", src)); got != want {
				errs <- got
			}
			if got := render(checkTemplate(t, c, "gen.yaml", src)); got != want {
				errs <- got
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent run differs:\n%s", e)
	}
}

// genTemplate writes an API with n resources: a mix of API Gateway types,
// Lambda functions and IAM roles, with one deliberate typo every 50.
func genTemplate(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: gen\n      EndpointConfiguration:\n        Types: [REGIONAL]\n")
	for i := 0; len(bytes.Split(b.Bytes(), []byte("\n    Type: "))) <= n; i++ {
		typo := ""
		if i%50 == 49 {
			typo = "        TimeoutInMilis: 100\n"
		}
		fmt.Fprintf(&b, `  Res%[1]d:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: p%[1]d
  Get%[1]d:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Res%[1]d
      HttpMethod: GET
      AuthorizationType: NONE
      RequestParameters:
        method.request.path.id: true
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn%[1]d.Arn}/invocations
%[2]s      MethodResponses:
        - StatusCode: 200
  Fn%[1]d:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      MemorySize: 128
      Timeout: "30"
      Role: !GetAtt Role%[1]d.Arn
      Code:
        ZipFile: "def handler(e, c): return {'statusCode': 200}"
      Environment:
        Variables:
          STAGE: prod
      Tags:
        - Key: app
          Value: gen
  Role%[1]d:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
`, i, typo)
	}
	return b.Bytes()
}

// BenchmarkValidate2000 checks a generated template of about 2,000
// resources with a fresh Checker per run, as `cfnrun validate` does
// (schema decoded from the generated tables once per type, then reused).
func BenchmarkValidate2000(b *testing.B) {
	src := genTemplate(2000)
	root, pds := cfn.Parse("gen.yaml", src)
	if pds.HasErrors() {
		b.Fatal(pds.Err())
	}
	res := root.Get("Resources")
	b.Logf("%d resources", len(res.Fields))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		c := New()
		var ds diag.Diagnostics
		for _, f := range res.Fields {
			ds = append(ds, c.CheckEntry(f.Key, f.KeyRange(), f.Value)...)
		}
		if len(ds) == 0 {
			b.Fatal("expected the deliberate typos to be found")
		}
	}
}

// BenchmarkCheckWarm is the per-resource cost once the schema is built.
func BenchmarkCheckWarm(b *testing.B) {
	src := genTemplate(2000)
	root, _ := cfn.Parse("gen.yaml", src)
	res := root.Get("Resources")
	c := New()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, f := range res.Fields {
			c.CheckEntry(f.Key, f.KeyRange(), f.Value)
		}
	}
}

// TestLongNames: names far longer than any CloudFormation name get no
// did-you-mean (edit distance against 1,300 types is quadratic; the fuzzer
// found a 20 KB type that took 35 s), but are still reported.
func TestLongNames(t *testing.T) {
	c := New()
	long := strings.Repeat("A", 1000) // YAML keys stop at 1024 bytes
	src := "Resources:\n  A:\n    Type: AWS::X::" + long + long + "\n  B:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      RestApiId: x\n      " + long + ": 1\n"
	ds := checkTemplate(t, c, "long.yaml", []byte(src))
	if len(ds) != 2 {
		t.Fatalf("want 2 findings, got:\n%s", render(ds))
	}
	for _, d := range ds {
		if strings.Contains(d.Detail, "Did you mean") {
			t.Errorf("suggestion for a %d-byte name: %s", len(long), d.Detail)
		}
	}
	if got := diag.Suggest("AWS::ApiGateway::RestAPI", c.typeNames()); got != "AWS::ApiGateway::RestApi" {
		t.Errorf("suggest = %q", got)
	}
}

// BenchmarkNew is the fixed cost of a Checker: nothing is decoded until a
// type is checked (with goformation it indexed 1,300 resource structs).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		New()
	}
}

// TestSAMWithoutTransform: without Transform: AWS::Serverless-2016-10-31,
// CloudFormation knows no AWS::Serverless::* type.
func TestSAMWithoutTransform(t *testing.T) {
	src := "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: {Runtime: nodejs22.x, Handler: index.handler, CodeUri: src/}\n"
	c := New()
	if ds := checkTemplate(t, c, "sam.yaml", []byte(src)); len(ds) != 0 {
		t.Errorf("with the transform assumed: %s", render(ds))
	}
	c = New()
	c.SetSAMTransform(false)
	ds := checkTemplate(t, c, "sam.yaml", []byte(src))
	if len(ds) != 1 || ds[0].Rule != RuleUnknownType || ds[0].Range.Start.Line != 3 || !strings.Contains(ds[0].Detail, "Transform: AWS::Serverless-2016-10-31") {
		t.Errorf("without the transform: %s", render(ds))
	}
}

// TestPropIndex holds object.prop to the props map on every object of
// every resource type: each name is found, and names that differ from one
// by a byte, a length or a case are not.
func TestPropIndex(t *testing.T) {
	b := newBuilder()
	seen := map[*object]bool{}
	var check func(o *object)
	check = func(o *object) {
		if o == nil || seen[o] {
			return
		}
		seen[o] = true
		if len(o.slots) < 2*len(o.props) {
			t.Fatalf("%s: %d slots for %d properties", o.name, len(o.slots), len(o.props))
		}
		for name, p := range o.props {
			if got := o.prop(name); got != p {
				t.Fatalf("%s: prop(%q) = %p, want %p", o.name, name, got, p)
			}
			for _, other := range []string{name + "x", name[:len(name)-1], strings.ToLower(name), "x" + name, name[:len(name)/2] + "_" + name[len(name)/2+1:]} {
				if got, want := o.prop(other), o.props[other]; got != want {
					t.Fatalf("%s: prop(%q) = %p, want %p", o.name, other, got, want)
				}
			}
			for s := p.shape; s != nil; s = s.elem {
				check(s.obj)
				for _, a := range s.alts {
					check(a.obj)
				}
			}
		}
		if got := o.prop(""); got != o.props[""] {
			t.Fatalf("%s: prop(\"\") = %p", o.name, got)
		}
	}
	for _, typ := range cfnspec.Names() {
		check(b.resource(typ))
	}
	check(b.tagObject())
	if len(seen) < 1000 {
		t.Fatalf("only %d objects checked", len(seen))
	}
}
