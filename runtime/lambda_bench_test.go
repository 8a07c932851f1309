package runtime

import (
	"context"
	"net/http"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime/lambda"
)

// constLambda answers every invocation with the same payload, so the
// benchmarks below measure the gateway's side of a Lambda integration
// (event, response mapping, authorizer cache), not a function.
type constLambda struct{ payload []byte }

func (constLambda) Load([]lambda.Function) error { return nil }
func (c constLambda) Invoke(_ context.Context, _ string, _ []byte, _ lambda.InvokeOptions) (lambda.Result, error) {
	return lambda.Result{Status: 200, Payload: c.payload}, nil
}

func benchLambdaGateway(b *testing.B, tpl *model.Template, payload string) *Gateway {
	g, err := New(Config{Lambda: constLambda{[]byte(payload)}, NoThrottle: true})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := g.Load(tpl); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(g.Close)
	return g
}

func benchFunction(name string) *model.Function {
	return &model.Function{Name: name, ARN: fnARN(name), Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 3,
		Code: model.Code{Files: []model.CodeFile{{Name: "index.js", Content: "exports.handler = async () => ({})"}}}}
}

// BenchmarkLambdaProxy: an AWS_PROXY request through the gateway, with the
// function's answer already known.
func BenchmarkLambdaProxy(b *testing.B) {
	t := newTB("benchlmbda", stage("prod", nil))
	t.method("/items/{id}", "GET", lambdaProxy("fn"))
	t.t.Functions = []*model.Function{benchFunction("fn")}
	g := benchLambdaGateway(b, t.build(), `{"statusCode":200,"headers":{"Content-Type":"application/json"},"body":"{\"id\":\"42\"}"}`)
	runLambdaHandler(b, g, "http://127.0.0.1/prod/items/42?q=1", nil, 200)
}

// BenchmarkLambdaAuthorizerCached: the same with a TOKEN authorizer whose
// policy comes from the cache.
func BenchmarkLambdaAuthorizerCached(b *testing.B) {
	t := newTB("benchauth0", stage("prod", nil))
	m := t.method("/items/{id}", "GET", lambdaProxy("fn"))
	m.AuthorizationType, m.AuthorizerID = "CUSTOM", "a1"
	t.api.Authorizers = []*model.Authorizer{{ID: "a1", Name: "a1", Type: "TOKEN", IdentitySource: "method.request.header.Authorization",
		AuthorizerURI: lambdaURI(fnARN("fn")), ResultTTLSeconds: 300}}
	t.t.Functions = []*model.Function{benchFunction("fn")}
	// One payload serves both: a policy (for the authorizer) that is also
	// a proxy response would be malformed, so the answer is the policy and
	// the route answers 502 after the cached authorization.
	g := benchLambdaGateway(b, t.build(), `{"principalId":"u","policyDocument":{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]},"context":{"team":"blue"}}`)
	runLambdaHandler(b, g, "http://127.0.0.1/prod/items/42", http.Header{"Authorization": {"token"}}, 502)
}

func runLambdaHandler(b *testing.B, g *Gateway, url string, hdr http.Header, want int) {
	req, _ := http.NewRequest("GET", url, nil)
	req.RemoteAddr = "127.0.0.1:5555"
	req.Header.Set("User-Agent", "bench")
	for k, v := range hdr {
		req.Header[k] = v
	}
	w := &benchWriter{h: http.Header{}}
	h := g.Handler()
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		h.ServeHTTP(w, req)
		if w.status != want {
			b.Fatalf("status %d", w.status)
		}
	}
}
