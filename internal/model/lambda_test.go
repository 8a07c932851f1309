package model

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFunctionRef(t *testing.T) {
	tests := []struct {
		ref  string
		want FunctionRef
		ok   bool
	}{
		{"my-function", FunctionRef{Name: "my-function"}, true},
		{"my-function:v1", FunctionRef{Name: "my-function", Qualifier: "v1"}, true},
		{"my-function:$LATEST", FunctionRef{Name: "my-function", Qualifier: "$LATEST"}, true},
		{"123456789012:function:my-function", FunctionRef{Account: "123456789012", Name: "my-function"}, true},
		{"123456789012:function:my-function:3", FunctionRef{Account: "123456789012", Name: "my-function", Qualifier: "3"}, true},
		{"arn:aws:lambda:us-west-2:123456789012:function:my-function", FunctionRef{Partition: "aws", Region: "us-west-2", Account: "123456789012", Name: "my-function"}, true},
		{"arn:aws-cn:lambda:cn-north-1:123456789012:function:f:live", FunctionRef{Partition: "aws-cn", Region: "cn-north-1", Account: "123456789012", Name: "f", Qualifier: "live"}, true},
		{"arn:aws:lambda:us-west-2:123456789012:layer:my-layer:1", FunctionRef{}, false},
		{"arn:aws:sqs:us-east-1:123456789012:queue", FunctionRef{}, false},
		{"f:a:b", FunctionRef{}, false},
		{"arn:aws:lambda:us-west-2:123456789012:function:f:live:x", FunctionRef{}, false},
		{"a:b:c:d:e:f:g:h:i:j", FunctionRef{}, false},
		{"f:", FunctionRef{}, false},
		{"", FunctionRef{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			got, ok := ParseFunctionRef(tt.ref)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	// Parsed in place: the gateway's Load parses every function's ARN.
	if n := testing.AllocsPerRun(100, func() {
		ParseFunctionRef("arn:aws:lambda:us-west-2:123456789012:function:my-function:live")
	}); n != 0 {
		t.Errorf("%v allocations per ParseFunctionRef, want 0", n)
	}
}

func lambdaTemplate() *Template {
	fn := &Function{LogicalID: "Hello", Name: "hello", ARN: "arn:aws:lambda:us-east-1:123456789012:function:hello",
		Aliases: []FunctionAlias{{Name: "live", FunctionVersion: "1"}}, Versions: []FunctionVersion{{Version: "1"}}}
	other := &Function{LogicalID: "Other", Name: "other", ARN: "arn:aws:lambda:us-east-1:123456789012:function:other"}
	return &Template{Functions: []*Function{other, fn}}
}

func TestLookupFunction(t *testing.T) {
	tm := lambdaTemplate()
	tests := []struct {
		ref, wantFn, wantQ string
	}{
		{"hello", "Hello", ""},
		{"hello:live", "Hello", "live"},
		{"123456789012:function:hello:1", "Hello", "1"},
		{"999999999999:function:hello", "", ""},
		{"arn:aws:lambda:us-east-1:123456789012:function:other", "Other", ""},
		{"arn:aws:lambda:eu-west-1:123456789012:function:other", "", ""},
		{"arn:aws:lambda:us-east-1:123456789012:function:hello:live", "Hello", "live"},
		{"nope", "", ""},
		{"Hello", "", ""}, // logical ids are not function names
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			fn, q := tm.LookupFunction(tt.ref)
			got := ""
			if fn != nil {
				got = fn.LogicalID
			}
			if got != tt.wantFn || q != tt.wantQ {
				t.Errorf("LookupFunction(%q) = %q, %q; want %q, %q", tt.ref, got, q, tt.wantFn, tt.wantQ)
			}
		})
	}
}

func TestResolveLambdaURI(t *testing.T) {
	tm := lambdaTemplate()
	const pre = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
	tests := []struct {
		name, uri, want string
	}{
		{"function", pre + "arn:aws:lambda:us-east-1:123456789012:function:hello/invocations", "function hello"},
		{"alias", pre + "arn:aws:lambda:us-east-1:123456789012:function:hello:live/invocations", "function hello:live"},
		{"stage variable", pre + "arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}/invocations",
			"stage variable arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}"},
		{"external", pre + "arn:aws:lambda:us-east-1:123456789012:function:elsewhere/invocations", "external arn:aws:lambda:us-east-1:123456789012:function:elsewhere"},
		{"other region", pre + "arn:aws:lambda:eu-west-1:123456789012:function:hello/invocations", "external arn:aws:lambda:eu-west-1:123456789012:function:hello"},
		{"not lambda", "arn:aws:apigateway:us-east-1:sqs:path/123456789012/queue", ""},
		{"http", "https://example.com/x", ""},
		{"bare function arn", "arn:aws:lambda:us-east-1:123456789012:function:hello", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tm.ResolveLambdaURI(tt.uri).String(); got != tt.want {
				t.Errorf("ResolveLambdaURI = %q, want %q", got, tt.want)
			}
			if d := cmp.Diff(tm.ResolveLambdaURI(tt.uri), tm.NewFunctionIndex().ResolveLambdaURI(tt.uri)); d != "" {
				t.Errorf("FunctionIndex differs from the template's scan (-scan +index):\n%s", d)
			}
		})
	}
	if lt := tm.ResolveLambdaURI(pre + "arn:aws:lambda:us-east-1:123456789012:function:elsewhere:3/invocations"); lt.Name != "elsewhere" || lt.Qualifier != "3" || !lt.External {
		t.Errorf("external target = %+v, want name elsewhere, qualifier 3", lt)
	}
	// Pseudo parameters written out in a file AWS::Include inserted as it
	// is (serverless-patterns apigw-lambda-sns-nodejs api.yaml): no
	// function has that ARN, not even one named hello, but findings and
	// --lambda still name the function.
	odd := "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:hello/invocations"
	if lt := tm.ResolveLambdaURI(odd); lt.Name != "hello" || lt.Function != nil || !lt.External {
		t.Errorf("placeholder ARN target = %+v, want external, name hello", lt)
	}
}

func TestFinalizeLinksLambda(t *testing.T) {
	tm := lambdaTemplate()
	in := &Integration{Type: "aws_proxy", URI: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:hello:live/invocations"}
	httpIn := &Integration{Type: "HTTP_PROXY", URI: in.URI}
	root := &Resource{Methods: []*Method{{HTTPMethod: "get", Integration: in}, {HTTPMethod: "POST", Integration: httpIn}}}
	az := &Authorizer{Type: "TOKEN", AuthorizerURI: in.URI}
	tm.APIs = []*RestAPI{{Root: root, Resources: []*Resource{root}, Authorizers: []*Authorizer{az}}}
	tm.Finalize()
	if in.Lambda == nil || in.Lambda.Function != tm.FunctionByID("Hello") || in.Lambda.Qualifier != "live" {
		t.Errorf("integration Lambda = %+v", in.Lambda)
	}
	if httpIn.Lambda != nil {
		t.Errorf("HTTP_PROXY integration got a Lambda target: %+v", httpIn.Lambda)
	}
	if az.Function == nil || az.Function.Function == nil {
		t.Errorf("authorizer Function = %+v", az.Function)
	}
	if tm.Functions[0].Name != "hello" || tm.Functions[0].Timeout != DefaultFunctionTimeout || tm.Functions[0].MemorySize != DefaultFunctionMemory {
		t.Errorf("functions not sorted or defaulted: %+v", tm.Functions[0])
	}
	if !tm.Functions[0].HasQualifier("live") || !tm.Functions[0].HasQualifier("1") || tm.Functions[0].HasQualifier("2") {
		t.Error("HasQualifier")
	}
}

func TestFinalizeLinksHTTPAPIDefaultRoute(t *testing.T) {
	tm := lambdaTemplate()
	in := &Integration{Type: "aws_proxy", PayloadFormatVersion: "2.0", URI: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:hello/invocations"}
	def := &Method{HTTPMethod: "any", RouteKey: RouteKeyDefault, Integration: in}
	root := &Resource{}
	tm.APIs = []*RestAPI{{Protocol: ProtocolHTTP, Root: root, Resources: []*Resource{root}, DefaultRoute: def}}
	tm.Finalize()
	if !tm.APIs[0].IsHTTP() {
		t.Error("IsHTTP = false for an HTTP API")
	}
	if def.HTTPMethod != "ANY" || def.AuthorizationType != "NONE" || in.Type != IntegrationAWSProxy {
		t.Errorf("default route not defaulted: %+v, integration type %q", def, in.Type)
	}
	if in.Lambda == nil || in.Lambda.Function != tm.FunctionByID("Hello") {
		t.Errorf("default route's integration Lambda = %+v", in.Lambda)
	}
}

func TestDumpFunction(t *testing.T) {
	rc := 0
	tm := &Template{Functions: []*Function{{Name: "f", ARN: "arn:aws:lambda:us-east-1:123456789012:function:f", Runtime: "python3.12", Handler: "index.handler",
		Code: Code{Files: []CodeFile{{Name: "index.py", Content: "def handler(e, c):\n    return 1\n"}}}, ReservedConcurrency: &rc,
		Environment: map[string]string{"B": "2", "A": "1"}, Layers: []Layer{{ARN: "arn:aws:lambda:us-east-1:123456789012:layer:l:1", Code: Code{Dir: "layer"}}}}}}
	tm.Finalize()
	want := `function f
  arn: arn:aws:lambda:us-east-1:123456789012:function:f
  runtime: python3.12
  handler: index.handler
  code: files
    index.py: "def handler(e, c):\n    return 1\n"
  layer arn:aws:lambda:us-east-1:123456789012:layer:l:1
    code: dir layer
  environment:
    A: 1
    B: 2
  timeout: 3
  memorySize: 128
  reservedConcurrency: 0
  architectures: [x86_64]
`
	if d := cmp.Diff(want, DumpString(tm, DumpOptions{})); d != "" {
		t.Errorf("Dump (-want +got):\n%s", d)
	}
}

// TestFunctionIndexSameName: of several functions with one name, the index
// picks the one a scan of Template.Functions picks (the first whose ARN
// matches the reference).
func TestFunctionIndexSameName(t *testing.T) {
	eu := &Function{LogicalID: "EU", Name: "hello", ARN: "arn:aws:lambda:eu-west-1:123456789012:function:hello"}
	us := &Function{LogicalID: "US", Name: "hello", ARN: "arn:aws:lambda:us-east-1:123456789012:function:hello"}
	other := &Function{LogicalID: "Other", Name: "other", ARN: "arn:aws:lambda:us-east-1:210987654321:function:other"}
	tm := &Template{Functions: []*Function{eu, other, us}}
	x := tm.NewFunctionIndex()
	const pre = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
	for _, ref := range []string{
		"arn:aws:lambda:us-east-1:123456789012:function:hello", "arn:aws:lambda:eu-west-1:123456789012:function:hello:live",
		"arn:aws:lambda:ap-south-1:123456789012:function:hello", "arn:aws:lambda:us-east-1:123456789012:function:other",
		"arn:aws:lambda:us-east-1:210987654321:function:other", "arn:aws:lambda:us-east-1:123456789012:function:none",
	} {
		want, got := tm.ResolveLambdaURI(pre+ref+"/invocations"), x.ResolveLambdaURI(pre+ref+"/invocations")
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: index differs from the scan (-scan +index):\n%s", ref, d)
		}
	}
	if lt := x.ResolveLambdaURI(pre + "arn:aws:lambda:us-east-1:123456789012:function:hello/invocations"); lt.Function != us {
		t.Errorf("us-east-1 hello resolved to %+v, want the US function", lt.Function)
	}
}

// parseFunctionRefSplit is ParseFunctionRef as it was with strings.Split,
// the reference TestParseFunctionRefSameAsSplit holds the array version to.
func parseFunctionRefSplit(ref string) (FunctionRef, bool) {
	parts := strings.Split(ref, ":")
	var r FunctionRef
	switch {
	case len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function":
		r = FunctionRef{Partition: parts[1], Region: parts[3], Account: parts[4], Name: parts[6]}
		parts = parts[7:]
	case len(parts) >= 3 && parts[1] == "function":
		r = FunctionRef{Account: parts[0], Name: parts[2]}
		parts = parts[3:]
	case len(parts) >= 1 && parts[0] != "arn":
		r = FunctionRef{Name: parts[0]}
		parts = parts[1:]
	default:
		return FunctionRef{}, false
	}
	switch len(parts) {
	case 0:
	case 1:
		r.Qualifier = parts[0]
	default:
		return FunctionRef{}, false
	}
	if r.Name == "" || (len(parts) == 1 && r.Qualifier == "") {
		return FunctionRef{}, false
	}
	return r, true
}

// TestParseFunctionRefSameAsSplit compares ParseFunctionRef with the
// strings.Split version on random references of 0 to 12 parts drawn from
// the words the forms test ("arn", "lambda", "function", "", ...).
func TestParseFunctionRefSameAsSplit(t *testing.T) {
	words := []string{"", "arn", "aws", "lambda", "function", "us-east-1", "123456789012", "f", "live", "$LATEST", "layer", "x:y"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200000 {
		n := rng.IntN(13)
		parts := make([]string, n)
		for j := range parts {
			parts[j] = words[rng.IntN(len(words))]
		}
		if i%3 == 0 && n >= 7 { // the ARN shape, to reach its branches often
			parts[0], parts[2], parts[5] = "arn", "lambda", "function"
		}
		ref := strings.Join(parts, ":")
		got, ok := ParseFunctionRef(ref)
		want, wantOK := parseFunctionRefSplit(ref)
		if ok != wantOK || got != want {
			t.Fatalf("ParseFunctionRef(%q) = %+v, %v; Split version %+v, %v", ref, got, ok, want, wantOK)
		}
	}
}

func BenchmarkParseFunctionRef(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ParseFunctionRef("arn:aws:lambda:us-east-1:123456789012:function:gen-Fn0-ABCDEF:live")
	}
}

func TestParseCognitoIssuer(t *testing.T) {
	for _, tc := range []struct {
		iss    string
		region string
		id     string
		ok     bool
	}{
		{"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc", "us-east-1", "us-east-1_Abc", true},
		{"https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_X/", "eu-west-3", "eu-west-3_X", true},
		{"https://example.auth0.com/", "", "", false},
		{"https://cognito-idp.us-east-1.amazonaws.com/", "", "", false},
		{"https://cognito-idp.us-east-1.amazonaws.com/a/b", "", "", false},
		{"http://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc", "", "", false},
	} {
		p, ok := ParseCognitoIssuer(tc.iss)
		if ok != tc.ok || p.Region != tc.region || p.ID != tc.id {
			t.Errorf("%s: %+v %v", tc.iss, p, ok)
		}
	}
}
