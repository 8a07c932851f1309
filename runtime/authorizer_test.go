package runtime

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/model"
)

// authHandler is a Lambda authorizer: the token (TOKEN) or the X-User
// header or user query parameter (REQUEST) says what it answers. The tests'
// client speaks HTTP/2, so the REQUEST event names the header "x-user", as
// API Gateway does (the client's spelling: lower case in HTTP/2). Its
// context carries the invocation's request id, so a test sees whether a
// policy came from the cache.
const authHandler = `
exports.handler = async (event, context) => {
  const id = event.type === "TOKEN" ? event.authorizationToken
    : ((event.headers || {})["x-user"] || (event.queryStringParameters || {}).user || "");
  const policy = (effect, resource) => ({ Version: "2012-10-17",
    Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: resource }] });
  if (id.startsWith("allow-")) {
    const who = id.slice(6);
    return { principalId: who, policyDocument: policy("Allow", ["arn:aws:execute-api:*:*:*/prod/GET/*"]),
             context: { user: who, n: 7, ok: true, rid: context.awsRequestId, type: event.type, arn: event.methodArn,
                        names: Object.keys(event.headers || {}).sort().join(",") } };
  }
  switch (id) {
  case "deny": return { principalId: "x", policyDocument: policy("Deny", "*") };
  case "none": return { principalId: "x", policyDocument: policy("Allow", "arn:aws:execute-api:us-east-1:123456789012:other/*") };
  case "unauthorized": throw new Error("Unauthorized");
  case "broken": return { foo: 1 };
  }
  throw new Error("boom");
};
`

const authEchoHandler = `
exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer || null) });
`

func TestLambdaAuthorizers(t *testing.T) {
	needNode(t)
	b := newTB("authapi001", stage("prod", nil))
	mk := func(id, typ, src string, ttl int, validate string) *model.Authorizer {
		return &model.Authorizer{LogicalID: "Auth" + id, ID: id, Name: id, Type: typ, IdentitySource: src,
			AuthorizerURI: lambdaURI(fnARN("authfn")), ResultTTLSeconds: ttl, IdentityValidationExpression: validate}
	}
	b.api.Authorizers = []*model.Authorizer{
		mk("tok", "TOKEN", "method.request.header.Authorization", 300, "allow-.*|deny|none|unauthorized|broken|boom"),
		mk("req", "REQUEST", "method.request.header.X-User, method.request.querystring.user", 300, ""),
		mk("nocache", "TOKEN", "method.request.header.Authorization", 0, ""),
	}
	guard := func(m *model.Method, auth string) {
		m.AuthorizationType, m.AuthorizerID = "CUSTOM", auth
	}
	guard(b.method("/t/echo", "GET", lambdaProxy("echofn")), "tok")
	guard(b.method("/t/echo", "POST", lambdaProxy("echofn")), "tok")
	guard(b.method("/t/mock", "GET", &model.Integration{Type: model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{
			"application/json": `{"p": "$context.authorizer.principalId", "u": "$context.authorizer.user"}`}}}}), "tok")
	guard(b.method("/r/echo", "GET", lambdaProxy("echofn")), "req")
	backend := h1Backend(t, http.HandlerFunc(echoHandler))
	httpInt := proxyTo(backend.URL+"/b", false)
	httpInt.RequestParameters = map[string]string{"integration.request.header.X-User": "context.authorizer.user",
		"integration.request.header.X-Principal": "context.authorizer.principalId"}
	guard(b.method("/t/http", "GET", httpInt), "tok")
	guard(b.method("/n/echo", "GET", lambdaProxy("echofn")), "nocache")
	authFn := &model.Function{Name: "authfn", ARN: fnARN("authfn"), Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 10,
		Code: model.Code{Files: []model.CodeFile{{Name: "index.js", Content: authHandler}}}}
	echoFn := &model.Function{Name: "echofn", ARN: fnARN("echofn"), Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 10,
		Code: model.Code{Files: []model.CodeFile{{Name: "index.js", Content: authEchoHandler}}}}
	b.t.Functions = []*model.Function{authFn, echoFn}
	r, _ := lambdaGateway(t, b.build(), nil)
	c := slowClient(t)
	base := "http://" + r.http + "/prod"

	authCtx := func(t *testing.T, res result) map[string]string {
		t.Helper()
		if res.status != 200 {
			t.Fatalf("got %d %s", res.status, res.body)
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(res.body), &m); err != nil {
			t.Fatalf("requestContext.authorizer %s: %v", res.body, err)
		}
		return m
	}

	t.Run("allowed, context reaches the function", func(t *testing.T) {
		m := authCtx(t, do(t, c, "GET", base+"/t/echo", nil, "Authorization", "allow-ann"))
		want := map[string]string{"principalId": "ann", "user": "ann", "n": "7", "ok": "true", "type": "TOKEN",
			"arn": "arn:aws:execute-api:us-east-1:123456789012:authapi001/prod/GET/t/echo"}
		for k, v := range want {
			if m[k] != v {
				t.Errorf("authorizer.%s = %q, want %q (all: %v)", k, m[k], v, m)
			}
		}
		again := authCtx(t, do(t, c, "GET", base+"/t/echo", nil, "Authorization", "allow-ann"))
		if again["rid"] != m["rid"] {
			t.Errorf("the second request called the authorizer again (%s, %s); the policy should come from the cache", m["rid"], again["rid"])
		}
	})
	t.Run("context in mapping templates", func(t *testing.T) {
		res := do(t, c, "GET", base+"/t/mock", nil, "Authorization", "allow-ann")
		if res.status != 200 || res.body != `{"p": "ann", "u": "ann"}` {
			t.Errorf("got %d %s", res.status, res.body)
		}
	})
	t.Run("without a cache every request calls the authorizer", func(t *testing.T) {
		a := authCtx(t, do(t, c, "GET", base+"/n/echo", nil, "Authorization", "allow-bo"))
		b := authCtx(t, do(t, c, "GET", base+"/n/echo", nil, "Authorization", "allow-bo"))
		if a["rid"] == b["rid"] {
			t.Errorf("TTL 0: both requests got authorizer invocation %s", a["rid"])
		}
	})
	t.Run("context in request parameters of an HTTP integration", func(t *testing.T) {
		res := do(t, c, "GET", base+"/t/http", nil, "Authorization", "allow-di")
		if res.status != 200 {
			t.Fatalf("got %d %s", res.status, res.body)
		}
		e := decodeEcho(t, res.body)
		if got := []string{strings.Join(e.Headers["X-User"], ","), strings.Join(e.Headers["X-Principal"], ",")}; !cmp.Equal(got, []string{"di", "di"}) {
			t.Errorf("backend got X-User, X-Principal = %v", got)
		}
	})
	t.Run("request authorizer", func(t *testing.T) {
		m := authCtx(t, do(t, c, "GET", base+"/r/echo?user=x", nil, "X-User", "allow-cy", "Authorization", "t"))
		if m["principalId"] != "cy" || m["type"] != "REQUEST" {
			t.Errorf("authorizer context %v", m)
		}
		// The event's names are the client's (lower case over HTTP/2),
		// Authorization and User-Agent too; those API Gateway adds are its.
		if want := "Host,X-Amzn-Trace-Id,X-Forwarded-For,X-Forwarded-Port,X-Forwarded-Proto,accept-encoding,authorization,user-agent,x-user"; m["names"] != want {
			t.Errorf("REQUEST event header names %q, want %q", m["names"], want)
		}
	})
	for _, tc := range []struct {
		name, method, path string
		hdr                []string
		status             int
		body               string
	}{
		{"no token", "GET", "/t/echo", nil, 401, `{"message":"Unauthorized"}`},
		{"token fails IdentityValidationExpression", "GET", "/t/echo", []string{"Authorization", "not valid"}, 401, `{"message":"Unauthorized"}`},
		{"cached policy does not allow the method", "POST", "/t/echo", []string{"Authorization", "allow-ann"}, 403, `{"Message":"User is not authorized to access this resource"}`},
		{"explicit deny", "GET", "/t/echo", []string{"Authorization", "deny"}, 403, `{"Message":"User is not authorized to access this resource with an explicit deny"}`},
		{"no statement allows", "GET", "/t/echo", []string{"Authorization", "none"}, 403, `{"Message":"User is not authorized to access this resource"}`},
		{"function answers Unauthorized", "GET", "/t/echo", []string{"Authorization", "unauthorized"}, 401, `{"message":"Unauthorized"}`},
		{"invalid answer", "GET", "/t/echo", []string{"Authorization", "broken"}, 500, `{"message": null}`},
		{"function error", "GET", "/t/echo", []string{"Authorization", "boom"}, 500, `{"message": null}`},
		{"request authorizer, an identity source missing", "GET", "/r/echo", []string{"X-User", "allow-cy"}, 401, `{"message":"Unauthorized"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, c, tc.method, base+tc.path, nil, tc.hdr...)
			if res.status != tc.status || res.body != tc.body {
				t.Errorf("got %d %s, want %d %s", res.status, res.body, tc.status, tc.body)
			}
		})
	}
}

func TestPolicyEvaluation(t *testing.T) {
	arn := "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets/1"
	for _, tc := range []struct {
		name, answer string
		want         policyDecision
	}{
		{"allow exact", `{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"` + arn + `"}]}}`, policyAllow},
		{"allow wildcard", `{"principalId":"u","policyDocument":{"Statement":{"Effect":"Allow","Action":["execute-api:*"],"Resource":["arn:aws:execute-api:*:*:abc/*/GET/pets/*"]}}}`, policyAllow},
		{"question mark", `{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Allow","Action":"*","Resource":"arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets/?"}]}}`, policyAllow},
		{"other method", `{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:abc/prod/POST/*"}]}}`, policyNone},
		{"deny wins", `{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"},{"Effect":"Deny","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:abc/*/GET/pets/*"}]}}`, policyDeny},
		{"other action", `{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}`, policyNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ar, err := parseAuthorizerResult([]byte(tc.answer))
			if err != nil {
				t.Fatal(err)
			}
			if got := ar.evaluate(arn); got != tc.want {
				t.Errorf("evaluate = %d, want %d", got, tc.want)
			}
		})
	}
	for _, bad := range []string{`[]`, `{"principalId":"u"}`, `{"policyDocument":{"Statement":[]}}`,
		`{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Maybe"}]}}`,
		`{"principalId":"u","policyDocument":{"Statement":[]},"context":{"a":{"b":1}}}`} {
		if _, err := parseAuthorizerResult([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	ar, _ := parseAuthorizerResult([]byte(`{"principalId":"u","policyDocument":{"Statement":[]},"context":{"b":"x","a":1.5,"c":false}}`))
	if diff := cmp.Diff(`{"principalId":"u","a":"1.5","b":"x","c":"false"}`, string(ar.json)); diff != "" {
		t.Errorf("requestContext.authorizer (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(ar.json), `"c":"false"`) {
		t.Error("boolean context value not stringified")
	}
}
