package runtime

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/model"
)

// Parity with what a function sees on AWS, through the real gateway and
// real node and python processes, over h2c.

// TestLambdaIAMIdentity: an AWS_IAM method's proxy event carries the
// access key id of the request's SigV4 signature in
// requestContext.identity.accessKey, as API Gateway fills it; so does
// $context.identity.accessKey in a request template. accountId, caller,
// user and userArn come from IAM's record of the key, which cfnrun does not
// have: they stay null. A method without AWS_IAM, or an Authorization that
// is not a SigV4 one, gives no access key.
func TestLambdaIAMIdentity(t *testing.T) {
	needNode(t)
	b := newTB("lambdaiam1", stage("prod", nil))
	b.method("/echo", "GET", lambdaProxy("fn")).AuthorizationType = "AWS_IAM"
	b.method("/open", "GET", lambdaProxy("fn"))
	custom := &model.Integration{Type: model.IntegrationAWS, HTTPMethod: "POST", URI: lambdaURI(fnARN("fn")),
		RequestTemplates: map[string]string{"application/json": `{"action": "get", "id": "$context.identity.accessKey"}`},
		Responses:        []model.IntegrationResponse{{StatusCode: "200"}}}
	b.method("/custom", "GET", custom).AuthorizationType = "AWS_IAM"
	b.t.Functions = []*model.Function{{LogicalID: "Fn", Name: "fn", ARN: fnARN("fn"), Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 120,
		Code: model.Code{Files: []model.CodeFile{{Name: "index.js", Content: `exports.handler = async (e) =>
  e.action ? { id: e.id } : { statusCode: 200, body: JSON.stringify(e) };`}}}}}
	r, _ := lambdaGateway(t, b.build(), nil)
	c := slowClient(t)
	const sig = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261203/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd"
	identity := func(path string, hdr ...string) map[string]any {
		t.Helper()
		res := do(t, c, "GET", "http://"+r.http+"/prod"+path, nil, hdr...)
		if res.status != 200 {
			t.Fatalf("%s: status %d: %s\n%s", path, res.status, res.body, r.logs.String())
		}
		var ev struct {
			RequestContext struct{ Identity map[string]any }
		}
		if err := json.Unmarshal([]byte(res.body), &ev); err != nil {
			t.Fatalf("event: %v\n%s", err, res.body)
		}
		return ev.RequestContext.Identity
	}
	fields := func(id map[string]any) []any {
		return []any{id["accessKey"], id["accountId"], id["caller"], id["user"], id["userArn"]}
	}
	if diff := cmp.Diff([]any{"AKIAIOSFODNN7EXAMPLE", nil, nil, nil, nil}, fields(identity("/echo", "Authorization", sig, "X-Amz-Date", "20261203T000000Z"))); diff != "" {
		t.Errorf("signed: accessKey, accountId, caller, user, userArn (-want +got):\n%s", diff)
	}
	if got := fields(identity("/echo", "Authorization", "Bearer not-sigv4")); got[0] != nil {
		t.Errorf("not a SigV4 Authorization: accessKey %v, want null", got[0])
	}
	if got := fields(identity("/open", "Authorization", sig)); got[0] != nil {
		t.Errorf("a method without AWS_IAM: accessKey %v, want null", got[0])
	}
	if res := do(t, c, "GET", "http://"+r.http+"/prod/echo", nil); res.status != 403 {
		t.Errorf("unsigned: %d %s, want 403", res.status, res.body)
	}
	res := do(t, c, "GET", "http://"+r.http+"/prod/custom", nil, "Authorization", sig)
	if res.status != 200 || !strings.Contains(res.body, `"id":"AKIAIOSFODNN7EXAMPLE"`) {
		t.Errorf("$context.identity.accessKey: %d %s", res.status, res.body)
	}
}

// TestLambdaESMRuntimePackages: a Node function whose code is one ES module
// file (Terraform archive_file source_file, Code.ZipFile, InlineCode)
// imports a package Lambda's runtime provides (@aws-sdk/*) from the
// NODE_PATH cfnrun runs with, which stands for /var/runtime/node_modules;
// Node alone would not look there for an import.
func TestLambdaESMRuntimePackages(t *testing.T) {
	needNode(t)
	sdk := t.TempDir()
	for name, body := range map[string]string{
		"node_modules/@aws-sdk/lib-fake/package.json": `{"name":"@aws-sdk/lib-fake","exports":{"import":"./index.mjs","require":"./index.cjs"}}`,
		"node_modules/@aws-sdk/lib-fake/index.mjs":    `export const send = (op) => ({ op, from: "the runtime's SDK" });`,
		"node_modules/@aws-sdk/lib-fake/index.cjs":    `exports.send = () => { throw new Error("the require build"); };`,
	} {
		p := filepath.Join(sdk, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("NODE_PATH", filepath.Join(sdk, "node_modules"))
	b := newTB("lambdaesm1", stage("dev", nil))
	b.method("/todos", "POST", lambdaProxy("todos"))
	b.t.Functions = []*model.Function{{LogicalID: "Todos", Name: "todos", ARN: fnARN("todos"), Runtime: "nodejs20.x",
		Handler: "index.handler", Timeout: 120, Code: model.Code{Files: []model.CodeFile{{Name: "index.mjs", Content: `
import { send } from "@aws-sdk/lib-fake";
export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify(send(JSON.parse(event.body).operation)) });
`}}}}}
	r, _ := lambdaGateway(t, b.build(), nil)
	res := do(t, slowClient(t), "POST", "http://"+r.http+"/dev/todos", strings.NewReader(`{"operation":"echo"}`), "Content-Type", "application/json")
	if res.status != 200 || res.body != `{"op":"echo","from":"the runtime's SDK"}` || res.proto != "HTTP/2.0" {
		t.Errorf("got %s %d %s\n%s", res.proto, res.status, res.body, r.logs.String())
	}
}

// TestLambdaErrorDocumentPaths: an AWS (non-proxy) integration that passes
// the function's error document on (a SelectionPattern response without a
// template) shows its stackTrace with the code under /var/task, as AWS and
// sam local do, not the directory cfnrun runs it from. Python and Node.
func TestLambdaErrorDocumentPaths(t *testing.T) {
	needNode(t)
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH")
	}
	code := t.TempDir()
	if err := os.WriteFile(filepath.Join(code, "lambda.py"), []byte("def handler(event, context):\n    raise Exception('400: bad ' + event['id'])\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newTB("lambdapath1", stage("dev", nil))
	for _, fn := range []string{"py", "fn"} {
		b.method("/"+fn, "POST", &model.Integration{Type: model.IntegrationAWS, HTTPMethod: "POST", URI: lambdaURI(fnARN(fn)),
			Responses: []model.IntegrationResponse{{StatusCode: "200"}, {StatusCode: "405", SelectionPattern: ".*(400|NotFound).*"}}})
	}
	b.t.Functions = []*model.Function{nodeFunction("fn", 120), {LogicalID: "Py", Name: "py", ARN: fnARN("py"), Runtime: "python3.12",
		Handler: "lambda.handler", Timeout: 120, Code: model.Code{Dir: code}}}
	r, _ := lambdaGateway(t, b.build(), nil)
	c := slowClient(t)
	for _, tc := range []struct{ fn, body, key, want string }{
		{"py", `{"id":"7"}`, "stackTrace", `File "/var/task/lambda.py", line 2, in handler`},
		{"fn", `{"action":"fail","id":"7"}`, "trace", `(/var/task/index.js:`},
	} {
		res := do(t, c, "POST", "http://"+r.http+"/dev/"+tc.fn, strings.NewReader(tc.body), "Content-Type", "application/json")
		var doc map[string]any
		if res.status != 405 || json.Unmarshal([]byte(res.body), &doc) != nil {
			t.Fatalf("%s: %d %s\n%s", tc.fn, res.status, res.body, r.logs.String())
		}
		tr, _ := json.Marshal(doc[tc.key])
		if !strings.Contains(string(tr), strings.ReplaceAll(tc.want, `"`, `\"`)) || strings.Contains(res.body, code) || strings.Contains(res.body, os.TempDir()) {
			t.Errorf("%s: %s is %s, want %s and no local path", tc.fn, tc.key, tr, tc.want)
		}
	}
}

// TestLambdaOptLayerRequire: a function that reaches its layer's own module
// by path (require('/opt/nodejs/lib/cors'), as on Lambda, where layers are
// extracted into /opt) answers through the gateway from the local layer.
func TestLambdaOptLayerRequire(t *testing.T) {
	needNode(t)
	layer := t.TempDir()
	p := filepath.Join(layer, "nodejs", "lib", "cors.js")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(`exports.headers = () => ({ "Access-Control-Allow-Origin": "*" });`), 0o644); err != nil {
		t.Fatal(err)
	}
	b := newTB("lambdaopt1", stage("Prod", nil))
	b.method("/items/{id}", "GET", lambdaProxy("items"))
	b.t.Functions = []*model.Function{{LogicalID: "Items", Name: "items", ARN: fnARN("items"), Runtime: "nodejs20.x",
		Handler: "app.handler", Timeout: 120,
		Layers: []model.Layer{{LogicalID: "Shared", Code: model.Code{Dir: layer}}},
		Code: model.Code{Files: []model.CodeFile{{Name: "app.js", Content: `const { headers } = require("/opt/nodejs/lib/cors");
exports.handler = async (e) => ({ statusCode: 200, headers: headers(), body: JSON.stringify({ id: e.pathParameters.id }) });`}}}}}
	r, _ := lambdaGateway(t, b.build(), nil)
	res := do(t, slowClient(t), "GET", "http://"+r.http+"/Prod/items/42", nil)
	if res.status != 200 || res.body != `{"id":"42"}` || res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("got %d %s %v\n%s", res.status, res.body, res.header, r.logs.String())
	}
}
