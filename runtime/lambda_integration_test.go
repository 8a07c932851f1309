package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/runtime/lambda"
)

// testHandler is one Node.js function serving every Lambda test route:
// proxy events by path, and AWS (non-proxy) payloads by their action.
const testHandler = `
exports.handler = async (event, context) => {
  if (event.action !== undefined) {
    if (event.action === "fail") throw new Error("NotFound: no item " + event.id);
    if (event.action === "boom") throw new Error("boom");
    return { id: event.id, fn: context.functionName, auth: event.auth || null };
  }
  switch (event.path) {
  case "/echo":
    return { statusCode: 200, headers: { "X-One": "1", "Date": "yesterday", "x-multi": "c", "X-Same": "s" },
             multiValueHeaders: { "X-Multi": ["a", "b"], "X-Same": ["s"] }, body: JSON.stringify(event) };
  case "/body":
    return { statusCode: 200, body: JSON.stringify({ body: event.body, isBase64Encoded: event.isBase64Encoded }) };
  case "/status":
    return { statusCode: "418", body: "teapot" };
  case "/binary":
    return { statusCode: 200, headers: { "Content-Type": "image/png" },
             body: Buffer.from([0, 1, 2, 255]).toString("base64"), isBase64Encoded: true };
  case "/throw":
    throw new Error("thrown on purpose");
  case "/malformed":
    return { statusCode: 200, body: { not: "a string" } };
  case "/string":
    return "just a string";
  case "/exit":
    process.exit(3);
  case "/timeout":
  case "/slow":
    await new Promise((r) => setTimeout(r, 120000));
    return { statusCode: 200, body: "late" };
  }
  return { statusCode: 404, body: JSON.stringify({ path: event.path, pathParameters: event.pathParameters }) };
};
`

func needNode(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not on PATH")
	}
}

func fnARN(name string) string {
	return "arn:aws:lambda:us-east-1:123456789012:function:" + name
}

func lambdaURI(fnARN string) string {
	return "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fnARN + "/invocations"
}

func lambdaProxy(fn string) *model.Integration {
	return &model.Integration{Type: model.IntegrationAWSProxy, HTTPMethod: "POST", URI: lambdaURI(fnARN(fn))}
}

func nodeFunction(name string, timeout int) *model.Function {
	return &model.Function{LogicalID: "Fn" + name, Name: name, ARN: fnARN(name), Runtime: "nodejs20.x",
		Handler: "index.handler", Timeout: timeout,
		Code: model.Code{Files: []model.CodeFile{{Name: "index.js", Content: testHandler}}}}
}

// lambdaGateway starts a gateway with a real Lambda service.
func lambdaGateway(t *testing.T, tpl *model.Template, mod func(*Config)) (*running, *lambda.Service) {
	t.Helper()
	svc := lambda.New(context.Background(), lambda.Config{CacheDir: t.TempDir(), NoWatch: true,
		Logger: slog.New(slog.DiscardHandler)})
	t.Cleanup(func() { svc.Close() })
	r := start(t, tpl, func(c *Config) {
		c.Lambda = svc
		if mod != nil {
			mod(c)
		}
	})
	return r, svc
}

// slowClient allows for cold starts on a loaded machine.
func slowClient(t *testing.T) *http.Client {
	c := h2cClient(t)
	c.Timeout = 3 * time.Minute
	return c
}

func TestLambdaProxy(t *testing.T) {
	needNode(t)
	b := newTB("lambdaapi1", stage("prod", map[string]string{"color": "blue"}))
	for _, p := range []string{"/echo", "/body", "/status", "/binary", "/throw", "/malformed", "/string", "/exit"} {
		b.method(p, "ANY", lambdaProxy("fn"))
	}
	b.method("/items/{id}", "GET", lambdaProxy("fn"))
	slow := lambdaProxy("slowfn")
	slow.TimeoutMillis = 1500
	b.method("/slow", "GET", slow)
	b.method("/zero", "GET", lambdaProxy("zero"))
	b.method("/timeout", "GET", lambdaProxy("short"))
	b.api.BinaryMediaTypes = []string{"image/png"}
	zero := 0
	short := nodeFunction("short", 1)
	zfn := nodeFunction("zero", 3)
	zfn.ReservedConcurrency = &zero
	b.t.Functions = []*model.Function{nodeFunction("fn", 10), nodeFunction("slowfn", 60), short, zfn}
	tpl := b.build()
	r, _ := lambdaGateway(t, tpl, nil)
	c := slowClient(t)
	base := "http://" + r.http + "/prod"

	t.Run("event and response", func(t *testing.T) {
		res := do(t, c, "POST", base+"/echo?a=1&a=2&b=x", strings.NewReader(`{"k":"v"}`), "X-Custom", "yes", "Content-Type", "application/json")
		if res.status != 200 {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		// A name in both headers and multiValueHeaders: the lists merged,
		// multiValueHeaders first, a pair in both once (AWS's rule).
		if res.header.Get("X-One") != "1" || strings.Join(res.header.Values("X-Multi"), ",") != "a,b,c" ||
			strings.Join(res.header.Values("X-Same"), ",") != "s" {
			t.Errorf("headers: %v", res.header)
		}
		if res.header.Get("x-amzn-Remapped-Date") != "yesterday" {
			t.Errorf("Date from the function is not remapped: %v", res.header)
		}
		if res.header.Get("Content-Type") != "application/json" {
			t.Errorf("Content-Type %q, want API Gateway's default application/json", res.header.Get("Content-Type"))
		}
		var ev struct {
			Resource, Path, HTTPMethod string
			Body                       string
			QueryStringParameters      map[string]string
			MultiValueQuery            map[string][]string `json:"multiValueQueryStringParameters"`
			StageVariables             map[string]string
			Headers                    map[string]string
			RequestContext             struct {
				Stage, ResourcePath, APIID, RequestID, Protocol string
				ResourceID                                      string `json:"resourceId"`
				Identity                                        struct{ SourceIP string }
			}
		}
		if err := json.Unmarshal([]byte(res.body), &ev); err != nil {
			t.Fatalf("event: %v\n%s", err, res.body)
		}
		got := []string{ev.Resource, ev.Path, ev.HTTPMethod, ev.Body, ev.QueryStringParameters["a"],
			strings.Join(ev.MultiValueQuery["a"], ","), ev.StageVariables["color"], ev.Headers["x-custom"], // as sent over HTTP/2
			ev.RequestContext.Stage, ev.RequestContext.ResourcePath, ev.RequestContext.APIID, ev.RequestContext.Protocol,
			ev.RequestContext.Identity.SourceIP, ev.RequestContext.ResourceID}
		want := []string{"/echo", "/echo", "POST", `{"k":"v"}`, "2", "1,2", "blue", "yes", "prod", "/echo", "lambdaapi1",
			"HTTP/2.0", "127.0.0.1", "r/echo"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("event (-want +got):\n%s", diff)
		}
		if ev.RequestContext.RequestID != res.header.Get("x-amzn-RequestId") {
			t.Errorf("requestContext.requestId %q, response x-amzn-RequestId %q", ev.RequestContext.RequestID, res.header.Get("x-amzn-RequestId"))
		}
	})
	t.Run("hop-by-hop headers", func(t *testing.T) {
		// Over HTTP/1.1 the headers a Connection header names are the
		// client's hop-by-hop ones: the gateway removes them (RFC 9110
		// §7.6.1), as it does for an HTTP integration.
		res := do(t, h1Client(t), "GET", base+"/echo", nil, "Connection", "keep-alive, X-Hop", "X-Hop", "1", "X-Kept", "2")
		var ev struct{ Headers map[string]string }
		if err := json.Unmarshal([]byte(res.body), &ev); err != nil {
			t.Fatalf("event: %v\n%s", err, res.body)
		}
		if _, ok := ev.Headers["X-Hop"]; ok || ev.Headers["X-Kept"] != "2" {
			t.Errorf("event headers %v: want X-Kept and no X-Hop", ev.Headers)
		}
	})
	t.Run("path parameters", func(t *testing.T) {
		res := do(t, c, "GET", base+"/items/a%20b", nil)
		if want := `{"path":"/items/a%20b","pathParameters":{"id":"a%20b"}}`; res.status != 404 || res.body != want {
			t.Errorf("got %d %s, want 404 %s", res.status, res.body, want)
		}
	})
	t.Run("string status code", func(t *testing.T) {
		res := do(t, c, "GET", base+"/status", nil)
		if res.status != 418 || res.body != "teapot" {
			t.Errorf("got %d %q", res.status, res.body)
		}
	})
	t.Run("request body", func(t *testing.T) {
		// The API's one binary media type is image/png: any other body
		// is text (as AWS documents), its invalid UTF-8 bytes U+FFFD in
		// what the function reads; an image/png body comes base64.
		for _, tc := range []struct {
			ctype, body, want string
			b64               bool
		}{
			{"text/plain; charset=utf-8", "héllo \"q\" 😀", "héllo \"q\" 😀", false},
			{"application/octet-stream", "a\xffb\x00\xe2\x82", "a\ufffdb\x00\ufffd\ufffd", false},
			{"image/png", "\x89PNG\xff", "iVBOR/8=", true},
		} {
			res := do(t, c, "POST", base+"/body", strings.NewReader(tc.body), "Content-Type", tc.ctype)
			var ev struct {
				Body            string
				IsBase64Encoded bool
			}
			if err := json.Unmarshal([]byte(res.body), &ev); res.status != 200 || err != nil {
				t.Fatalf("%s: %d %v %s", tc.ctype, res.status, err, res.body)
			}
			if ev.Body != tc.want || ev.IsBase64Encoded != tc.b64 {
				t.Errorf("%s: the function read body %q isBase64Encoded %v, want %q %v", tc.ctype, ev.Body, ev.IsBase64Encoded, tc.want, tc.b64)
			}
		}
	})
	t.Run("binary", func(t *testing.T) {
		res := do(t, c, "GET", base+"/binary", nil, "Accept", "image/png")
		if res.status != 200 || res.body != "\x00\x01\x02\xff" {
			t.Errorf("Accept image/png: got %d %q, want the decoded bytes", res.status, res.body)
		}
		res = do(t, c, "GET", base+"/binary", nil, "Accept", "application/json")
		if res.status != 200 || res.body != "AAEC/w==" {
			t.Errorf("Accept application/json: got %d %q, want the base64 text", res.status, res.body)
		}
	})
	for _, tc := range []struct {
		name, path string
		status     int
		body, log  string
	}{
		{"function error", "/throw", 502, `{"message": "Internal server error"}`, "Lambda execution failed due to a function error"},
		{"malformed response", "/malformed", 502, `{"message": "Internal server error"}`, "Malformed Lambda proxy response"},
		{"not an object", "/string", 502, `{"message": "Internal server error"}`, "Malformed Lambda proxy response"},
		{"process exit", "/exit", 502, `{"message": "Internal server error"}`, "Runtime.ExitError"},
		{"function timeout", "/timeout", 502, `{"message": "Internal server error"}`, "Sandbox.Timedout"},
		{"integration timeout", "/slow", 504, `{"message": "Endpoint request timed out"}`, "integration timeout"},
		{"throttled", "/zero", 500, `{"message": "Internal server error"}`, "TooManyRequestsException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, c, "GET", base+tc.path, nil)
			if res.status != tc.status || res.body != tc.body {
				t.Errorf("got %d %s, want %d %s", res.status, res.body, tc.status, tc.body)
			}
			if tc.log != "" && !strings.Contains(r.logs.String(), tc.log) {
				t.Errorf("log does not say %q:\n%s", tc.log, r.logs.String())
			}
		})
	}
	t.Run("after a crash the function serves again", func(t *testing.T) {
		res := do(t, c, "GET", base+"/status", nil)
		if res.status != 418 {
			t.Errorf("got %d %s", res.status, res.body)
		}
	})
}

func TestLambdaCustomIntegration(t *testing.T) {
	needNode(t)
	b := newTB("lambdaapi2", stage("prod", nil))
	in := &model.Integration{Type: model.IntegrationAWS, HTTPMethod: "POST", URI: lambdaURI(fnARN("fn")),
		RequestTemplates: map[string]string{"application/json": `{"action": "$input.params('action')", "id": "$input.params('id')"}`},
		Responses: []model.IntegrationResponse{
			{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": `{"got": "$input.path('$.id')", "fn": "$input.path('$.fn')"}`}},
			{StatusCode: "404", SelectionPattern: "NotFound:.*", ResponseTemplates: map[string]string{"application/json": `{"error": "$input.path('$.errorMessage')"}`},
				ResponseParameters: map[string]string{"method.response.header.X-Error": "'yes'"}},
		}}
	b.method("/custom", "GET", in)
	noDefault := &model.Integration{Type: model.IntegrationAWS, HTTPMethod: "POST", URI: lambdaURI(fnARN("fn")),
		Responses: []model.IntegrationResponse{{StatusCode: "400", SelectionPattern: "NotFound:.*"}}}
	b.method("/nodefault", "POST", noDefault)
	async := &model.Integration{Type: model.IntegrationAWS, HTTPMethod: "POST", URI: lambdaURI(fnARN("fn")),
		RequestParameters: map[string]string{"integration.request.header.X-Amz-Invocation-Type": "'Event'"},
		Responses:         []model.IntegrationResponse{{StatusCode: "202"}}}
	b.method("/async", "POST", async)
	byHeader := &model.Integration{Type: model.IntegrationAWS, HTTPMethod: "POST", URI: lambdaURI(fnARN("fn")),
		RequestParameters: map[string]string{"integration.request.header.X-Amz-Invocation-Type": "method.request.header.InvocationType"},
		Responses:         []model.IntegrationResponse{{StatusCode: "200"}}}
	b.method("/either", "POST", byHeader)
	b.t.Functions = []*model.Function{nodeFunction("fn", 10)}
	r, _ := lambdaGateway(t, b.build(), nil)
	c := slowClient(t)
	base := "http://" + r.http + "/prod"
	for _, tc := range []struct {
		name, method, url, body string
		status                  int
		want, header            string
	}{
		{"result through the default response", "GET", "/custom?action=get&id=7", "", 200, `{"got": "7", "fn": "fn"}`, ""},
		{"errorMessage selects a response", "GET", "/custom?action=fail&id=9", "", 404, `{"error": "NotFound: no item 9"}`, "yes"},
		{"an error no pattern matches takes the default", "GET", "/custom?action=boom", "", 200, `{"got": "", "fn": ""}`, ""},
		{"passthrough body", "POST", "/nodefault", `{"action":"fail","id":"3"}`, 400, `{"errorType":"Error","errorMessage":"NotFound: no item 3"`, ""},
		{"no default response", "POST", "/nodefault", `{"action":"get","id":"3"}`, 500, `{"message": "Internal server error"}`, ""},
		// Lambda refuses a payload that is not JSON before any function
		// runs; API Gateway passes its 400 on.
		{"a body that is not JSON", "POST", "/nodefault", `plain text`, 400, `{"message":"Could not parse request body into json: Could not parse payload into json: Unexpected character ('p' (code 112))`, ""},
		{"a template that makes no JSON", "GET", `/custom?action=get&id=a%22b`, "", 400, `{"message":"Could not parse request body into json: Could not parse payload into json: Unexpected character ('b' (code 98))`, ""},
		{"asynchronous", "POST", "/async", `{"action":"get"}`, 202, "", ""},
		{"synchronous by the client's header", "POST", "/either", `{"action":"get","id":"5"}`, 200, `{"id":"5","fn":"fn","auth":null}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body *strings.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			var res result
			if body != nil {
				res = do(t, c, tc.method, base+tc.url, body, "Content-Type", "application/json")
			} else {
				res = do(t, c, tc.method, base+tc.url, nil)
			}
			if res.status != tc.status || !strings.HasPrefix(res.body, tc.want) {
				t.Errorf("got %d %s, want %d %s", res.status, res.body, tc.status, tc.want)
			}
			if res.header.Get("X-Error") != tc.header {
				t.Errorf("X-Error %q, want %q", res.header.Get("X-Error"), tc.header)
			}
		})
	}
	res := do(t, c, "POST", base+"/either", strings.NewReader(`{"action":"get"}`), "Content-Type", "application/json", "InvocationType", "Event")
	if res.status != 200 || res.body != "" {
		t.Errorf("InvocationType: Event: got %d %q, want 200 and no body (an asynchronous invocation)", res.status, res.body)
	}
}

func TestLambdaNotServed(t *testing.T) {
	b := newTB("lambdaapi3", stage("prod", nil), stage("dev", map[string]string{"fn": "devfn"}))
	b.method("/java", "GET", lambdaProxy("javafn"))
	b.method("/outside", "GET", lambdaProxy("elsewhere"))
	b.method("/bystage", "GET", &model.Integration{Type: model.IntegrationAWSProxy, HTTPMethod: "POST",
		URI: lambdaURI("arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}")})
	b.method("/s3", "GET", &model.Integration{Type: model.IntegrationAWSProxy, HTTPMethod: "POST", URI: lambdaURI(fnARN("s3fn"))})
	// A Terraform uri = each.value.uri over a list whose uri interpolates
	// an output of a module that is not installed: unknown as a whole.
	b.method("/unknown", "POST", &model.Integration{Type: model.IntegrationAWSProxy, HTTPMethod: "POST", URI: "${each.value.uri}"})
	java := &model.Function{Name: "javafn", ARN: fnARN("javafn"), Runtime: "java21", Handler: "x.Y",
		Code: model.Code{Dir: t.TempDir()}}
	s3 := &model.Function{LogicalID: "S3Fn", Name: "s3fn", ARN: fnARN("s3fn"), Runtime: "nodejs20.x", Handler: "index.handler",
		Code: model.Code{NotLocal: "Code.S3Bucket s3://b/k"}}
	dev := nodeFunction("devfn", 3)
	b.t.Functions = []*model.Function{java, s3, dev}
	tpl := b.build()
	svc := lambda.New(context.Background(), lambda.Config{CacheDir: t.TempDir(), NoWatch: true})
	defer svc.Close()
	g, err := New(Config{Lambda: svc})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := g.Load(tpl)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, rt := range g.Routes() {
		k := rt.Stage + " " + rt.Path
		if rt.Served {
			got[k] = rt.Target
		} else {
			got[k] = "not served: " + rt.Note
		}
	}
	want := map[string]string{
		"dev /bystage":  "function devfn (nodejs20.x)",
		"prod /bystage": "not served: the Uri names its function with a stage variable that stage prod does not define",
		"dev /java":     "not served: function javafn: cfnrun does not run runtime java21 itself",
		"prod /java":    "not served: function javafn: cfnrun does not run runtime java21 itself",
		"dev /outside":  "not served: the Uri names function arn:aws:lambda:us-east-1:123456789012:function:elsewhere, which the template does not define",
		"prod /outside": "not served: the Uri names function arn:aws:lambda:us-east-1:123456789012:function:elsewhere, which the template does not define",
		"dev /s3":       "not served: function s3fn: its code is not local (Code.S3Bucket s3://b/k): pass --code S3Fn=DIR_OR_ZIP",
		"prod /s3":      "not served: function s3fn: its code is not local (Code.S3Bucket s3://b/k): pass --code S3Fn=DIR_OR_ZIP",
		"dev /unknown":  "not served: its Uri is known only once deployed (${each.value.uri}), so cfnrun cannot tell which function it names",
		"prod /unknown": "not served: its Uri is known only once deployed (${each.value.uri}), so cfnrun cannot tell which function it names",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
	if n := len(ds); n < 4 {
		t.Errorf("%d findings, want one per route not served:\n%v", n, ds)
	}

	// --lambda supplies the outside function and the java one.
	g2, err := New(Config{Lambda: svc, LambdaOverrides: map[string]string{"elsewhere": "http://127.0.0.1:3001", "javafn": "java -jar fn.jar"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g2.Load(tpl); err != nil {
		t.Fatal(err)
	}
	for _, rt := range g2.Routes() {
		switch rt.Path {
		case "/outside":
			if !rt.Served || rt.Target != "function elsewhere (via http://127.0.0.1:3001)" {
				t.Errorf("%s %s: %+v", rt.Stage, rt.Path, rt)
			}
		case "/java":
			if !rt.Served || rt.Target != "function javafn (via command java -jar fn.jar)" {
				t.Errorf("%s %s: %+v", rt.Stage, rt.Path, rt)
			}
		}
	}
}

// TestLambdaRemote: --lambda NAME=URL sends a function outside the
// template to a server speaking the Lambda Invoke API.
func TestLambdaRemote(t *testing.T) {
	var got atomic.Value
	invokeAPI := h1Backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Store(r.Method + " " + r.URL.Path)
		var ev struct{ Path string }
		json.NewDecoder(r.Body).Decode(&ev)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"statusCode": 200, "headers": {"X-Remote": "yes"}, "body": "remote saw %s"}`, ev.Path)
	}))
	b := newTB("lambdaapi4", stage("prod", nil))
	b.method("/outside", "GET", lambdaProxy("elsewhere"))
	r, _ := lambdaGateway(t, b.build(), func(c *Config) {
		c.LambdaOverrides = map[string]string{"elsewhere": invokeAPI.URL}
	})
	res := do(t, slowClient(t), "GET", "http://"+r.http+"/prod/outside", nil)
	if res.status != 200 || res.body != "remote saw /outside" || res.header.Get("X-Remote") != "yes" {
		t.Errorf("got %d %v %s", res.status, res.header, res.body)
	}
	if p, _ := got.Load().(string); p != "POST /2015-03-31/functions/elsewhere/invocations" {
		t.Errorf("the Invoke API got %q", p)
	}
}

// TestLambdaReload: loading a new version loads its functions; an
// unchanged function keeps its warm instance, a changed one runs anew.
func TestLambdaReload(t *testing.T) {
	needNode(t)
	const code = `exports.handler = async () => ({ statusCode: 200, body: process.env.V + " " + process.pid });`
	// One instance at most: the pool may start a second one for a request
	// that arrives before the first instance polls again, which would make
	// "the same warm instance" a race.
	one := 1
	version := func(v string) *model.Template {
		b := newTB("lambdaapi5", stage("prod", nil))
		b.method("/v", "GET", lambdaProxy("fn"))
		b.t.Functions = []*model.Function{{Name: "fn", ARN: fnARN("fn"), Runtime: "nodejs20.x", Handler: "index.handler", Timeout: 10,
			ReservedConcurrency: &one,
			Environment:         map[string]string{"V": v}, Code: model.Code{Files: []model.CodeFile{{Name: "index.js", Content: code}}}}}
		return b.build()
	}
	r, _ := lambdaGateway(t, version("one"), nil)
	c := slowClient(t)
	get := func() (string, string) {
		res := do(t, c, "GET", "http://"+r.http+"/prod/v", nil)
		v, pid, _ := strings.Cut(res.body, " ")
		if res.status != 200 || pid == "" {
			t.Fatalf("got %d %s", res.status, res.body)
		}
		return v, pid
	}
	v1, pid1 := get()
	if _, err := r.g.Load(version("one")); err != nil {
		t.Fatal(err)
	}
	v2, pid2 := get()
	if v1 != "one" || v2 != "one" || pid1 != pid2 {
		t.Errorf("unchanged function: %s/%s then %s/%s, want the same warm instance", v1, pid1, v2, pid2)
	}
	if _, err := r.g.Load(version("two")); err != nil {
		t.Fatal(err)
	}
	if v3, pid3 := get(); v3 != "two" || pid3 == pid1 {
		t.Errorf("changed function: %s/%s, want a new instance with V=two", v3, pid3)
	}
}
