package resolver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// generateTemplate writes a realistic CloudFormation template of about n
// resources: a few REST APIs, each with a deployment (DependsOn every
// method, as CDK writes it) and a stage, and groups of API resource +
// two methods (AWS_PROXY to a Lambda, HTTP_PROXY with a path parameter
// mapping) + the Lambda function and its IAM role. It returns the number
// of resources written.
func generateTemplate(n int) (string, int) {
	const apis = 4
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
        Uri: !Sub "http://${Backend}/items/{id}"
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
`, res, api, parent, g)
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

// writeGenerated writes the generated template and checks that it
// resolves cleanly, so the benchmark measures a realistic, valid input.
func writeGenerated(tb testing.TB, n int) string {
	tb.Helper()
	src, count := generateTemplate(n)
	if count < n-5 || count > n {
		tb.Fatalf("generated %d resources, want about %d", count, n)
	}
	path := filepath.Join(tb.TempDir(), "generated.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		tb.Fatal(err)
	}
	r := Resolve(context.Background(), []string{path}, Options{})
	if errs := r.Diags.Errors(); len(errs) > 0 {
		tb.Fatalf("generated template has %d errors, first: %s", len(errs), errs[0].Error())
	}
	if len(r.Template.Nodes) != count {
		tb.Fatalf("%d graph nodes, want %d", len(r.Template.Nodes), count)
	}
	return path
}

func TestGeneratedTemplateResolvesCleanly(t *testing.T) {
	writeGenerated(t, 200)
}

// BenchmarkResolveGenerated2000 resolves (parse, graph, evaluate, lower,
// check) a 2,000-resource template: what `cfnrun validate` does in-process.
func BenchmarkResolveGenerated2000(b *testing.B) {
	path := writeGenerated(b, 2000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := Resolve(ctx, []string{path}, Options{})
		if r.Template == nil {
			b.Fatal("no template")
		}
	}
}

// buildCfnrun builds the real binary once per benchmark.
func buildCfnrun(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "cfnrun")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/cfnrun")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runValidate execs `cfnrun validate` and accepts exit codes 0 and 1
// (findings); anything else fails the benchmark.
func runValidate(b *testing.B, bin string, args ...string) {
	cmd := exec.Command(bin, append([]string{"validate"}, args...)...)
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		b.Fatalf("cfnrun validate %s: %v", strings.Join(args, " "), err)
	}
}

// BenchmarkValidateProcessSeed is the whole process a developer waits
// for: exec `cfnrun validate examples/seed/template.yaml`, start to exit.
func BenchmarkValidateProcessSeed(b *testing.B) {
	bin := buildCfnrun(b)
	seed := filepath.Join("..", "examples", "seed", "template.yaml")
	b.ResetTimer()
	for b.Loop() {
		runValidate(b, bin, seed)
	}
}

// BenchmarkValidateProcessGenerated2000 is the whole process on the
// generated 2,000-resource template.
func BenchmarkValidateProcessGenerated2000(b *testing.B) {
	path := writeGenerated(b, 2000)
	bin := buildCfnrun(b)
	b.ResetTimer()
	for b.Loop() {
		runValidate(b, bin, path)
	}
}
