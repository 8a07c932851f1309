package runtime

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/jwt"
	"github.com/cfnrun/cfnrun/internal/model"
)

// HTTP APIs (API Gateway v2) through the real gateway, real h2c clients and
// real Node and Python functions.

// httpHandler answers every HTTP API test route by the event's rawPath:
// its own event as a 2.0 response, or the forms payload format 2.0 infers.
const httpHandler = `
exports.handler = async (event) => {
  const p = (event.rawPath || event.path || "").replace(/^\/(prod|v1)(?=\/)/, "");
  switch (p) {
  case "/string": return "hello";
  case "/object": return { message: "inferred" };
  case "/number": return 42;
  case "/cookies":
    return { statusCode: 201, headers: { "x-one": "1", "Access-Control-Allow-Origin": "https://evil.example" },
             cookies: ["a=1; Path=/", "b=2"], body: "made" };
  case "/binary":
    return { statusCode: 200, headers: { "content-type": "image/png" },
             body: Buffer.from([0, 1, 2, 255]).toString("base64"), isBase64Encoded: true };
  case "/throw": throw new Error("thrown on purpose");
  case "/malformed": return { statusCode: 200, body: { not: "a string" } };
  case "/slow": await new Promise((r) => setTimeout(r, 5000)); return "late";
  }
  return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(event) };
};
`

func newHTTPTB(id string, stages ...*model.Stage) *tb {
	b := newTB(id, stages...)
	b.api.Protocol = model.ProtocolHTTP
	return b
}

func httpLambda(fn, format string) *model.Integration {
	in := lambdaProxy(fn)
	in.PayloadFormatVersion = format
	return in
}

// route adds the route "VERB path" with in.
func (b *tb) route(verb, path string, in *model.Integration) *model.Method {
	m := b.method(path, verb, in)
	m.RouteKey = verb + " " + path
	return m
}

func httpFunction(name string) *model.Function {
	return &model.Function{LogicalID: "Fn" + name, Name: name, ARN: fnARN(name), Runtime: "nodejs20.x",
		Handler: "index.handler", Timeout: 30,
		Code: model.Code{Files: []model.CodeFile{{Name: "index.js", Content: httpHandler}}}}
}

func decodeV2(t *testing.T, body string) (events.APIGatewayV2HTTPRequest, map[string]any) {
	t.Helper()
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatalf("event: %v\n%s", err, body)
	}
	var raw map[string]any
	json.Unmarshal([]byte(body), &raw)
	return ev, raw
}

func TestHTTPAPILambda(t *testing.T) {
	needNode(t)
	b := newHTTPTB("httpapi001", stage(model.StageDefault, map[string]string{"v": "1"}))
	fn := httpLambda("fn", "2.0")
	b.route("GET", "/pets/{id}", fn)
	b.route("GET", "/pets/dog", fn)
	b.route("ANY", "/pets/{id}", fn)
	b.route("ANY", "/{proxy+}", fn)
	b.route("GET", "/string", fn)
	b.route("GET", "/object", fn)
	b.route("GET", "/number", fn)
	b.route("GET", "/cookies", fn)
	b.route("GET", "/binary", fn)
	b.route("GET", "/throw", fn)
	b.route("GET", "/malformed", fn)
	b.route("GET", "/slow", fn).Integration = &model.Integration{Type: model.IntegrationAWSProxy, URI: fn.URI, PayloadFormatVersion: "2.0", TimeoutMillis: 1000}
	b.t.Functions = []*model.Function{httpFunction("fn")}
	r, _ := lambdaGateway(t, b.build(), nil)
	c := slowClient(t)
	base := "http://" + r.http

	res := do(t, c, "GET", base+"/pets/7?a=1&a=2&b=x%20y", nil, "X-Multi", "m1", "Cookie", "c1=v1; c2=v2", "User-Agent", "ua/1")
	if res.status != 200 {
		t.Fatalf("GET /pets/7: %d %s\n%s", res.status, res.body, r.logs.String())
	}
	if res.header.Get("Apigw-Requestid") == "" || res.header.Get("X-Amzn-Requestid") != "" {
		t.Errorf("headers: apigw-requestid %q, x-amzn-RequestId %q", res.header.Get("Apigw-Requestid"), res.header.Get("X-Amzn-Requestid"))
	}
	ev, raw := decodeV2(t, res.body)
	for _, c := range [][2]any{
		{ev.Version, "2.0"}, {ev.RouteKey, "GET /pets/{id}"}, {ev.RawPath, "/pets/7"}, {ev.RawQueryString, "a=1&a=2&b=x%20y"},
		{strings.Join(ev.Cookies, "|"), "c1=v1|c2=v2"}, {ev.Headers["user-agent"], "ua/1"}, {ev.Headers["x-multi"], "m1"},
		{ev.Headers["cookie"], ""}, {ev.QueryStringParameters["a"], "1,2"}, {ev.QueryStringParameters["b"], "x y"},
		{ev.PathParameters["id"], "7"}, {ev.StageVariables["v"], "1"},
		{ev.RequestContext.RouteKey, "GET /pets/{id}"}, {ev.RequestContext.Stage, "$default"}, {ev.RequestContext.APIID, "httpapi001"},
		{ev.RequestContext.AccountID, DefaultAccountID}, {ev.RequestContext.HTTP.Method, "GET"}, {ev.RequestContext.HTTP.Path, "/pets/7"},
		{ev.RequestContext.HTTP.Protocol, "HTTP/2.0"}, {ev.RequestContext.HTTP.SourceIP, "127.0.0.1"}, {ev.RequestContext.HTTP.UserAgent, "ua/1"},
		{ev.RequestContext.RequestID, res.header.Get("Apigw-Requestid")}, {ev.IsBase64Encoded, false},
	} {
		if !cmp.Equal(c[0], c[1]) {
			t.Errorf("got %q, want %q", c[0], c[1])
		}
	}
	if _, ok := raw["body"]; ok {
		t.Error("a request without a body has a body key (AWS leaves it out)")
	}
	rc := raw["requestContext"].(map[string]any)
	if _, ok := rc["authorizer"]; ok {
		t.Error("requestContext.authorizer without an authorizer")
	}
	if ev.RequestContext.TimeEpoch == 0 || !strings.Contains(ev.RequestContext.Time, "+0000") {
		t.Errorf("time %q epoch %d", ev.RequestContext.Time, ev.RequestContext.TimeEpoch)
	}

	// Routing: exact path over {param}, method over ANY, {param} over
	// {proxy+}, and a method with no route for a path falls to ANY.
	for _, tc := range []struct{ method, path, key string }{
		{"GET", "/pets/dog", "GET /pets/dog"},
		{"POST", "/pets/dog", "ANY /pets/{id}"},
		{"DELETE", "/pets/9", "ANY /pets/{id}"},
		{"GET", "/a/b/c", "ANY /{proxy+}"},
		{"PUT", "/pets/9/toys", "ANY /{proxy+}"},
	} {
		res := do(t, c, tc.method, base+tc.path, nil)
		ev, _ := decodeV2(t, res.body)
		if res.status != 200 || ev.RouteKey != tc.key {
			t.Errorf("%s %s: %d route %q, want %q", tc.method, tc.path, res.status, ev.RouteKey, tc.key)
		}
	}
	// POST with a JSON body and with a form body (base64).
	res = do(t, c, "POST", base+"/pets/5", strings.NewReader(`{"a":1}`), "Content-Type", "application/json")
	if ev, _ := decodeV2(t, res.body); ev.Body != `{"a":1}` || ev.IsBase64Encoded {
		t.Errorf("JSON body: %q base64 %v", ev.Body, ev.IsBase64Encoded)
	}
	res = do(t, c, "POST", base+"/pets/5", strings.NewReader(`a=1&b=2`), "Content-Type", "application/x-www-form-urlencoded")
	if ev, _ := decodeV2(t, res.body); ev.Body != base64.StdEncoding.EncodeToString([]byte("a=1&b=2")) || !ev.IsBase64Encoded {
		t.Errorf("form body: %q base64 %v", ev.Body, ev.IsBase64Encoded)
	}

	// Response format 2.0: inference, cookies, binary, errors.
	for _, tc := range []struct {
		path, body, ctype string
		status            int
	}{
		{"/string", `"hello"`, "application/json", 200},
		{"/object", `{"message":"inferred"}`, "application/json", 200},
		{"/number", `42`, "application/json", 200},
		{"/cookies", "made", "application/json", 201},
		{"/binary", "\x00\x01\x02\xff", "image/png", 200},
		{"/throw", `{"message":"Internal Server Error"}`, "application/json", 500},
		{"/malformed", `{"message":"Internal Server Error"}`, "application/json", 500},
		{"/slow", `{"message":"Service Unavailable"}`, "application/json", 503},
	} {
		res := do(t, c, "GET", base+tc.path, nil)
		if res.status != tc.status || res.body != tc.body || res.header.Get("Content-Type") != tc.ctype {
			t.Errorf("%s: %d %q (%s), want %d %q (%s)", tc.path, res.status, res.body, res.header.Get("Content-Type"), tc.status, tc.body, tc.ctype)
		}
		if res.header.Get("X-Amzn-Errortype") != "" {
			t.Errorf("%s: x-amzn-ErrorType on an HTTP API", tc.path)
		}
		if tc.path == "/cookies" {
			if got := res.header.Values("Set-Cookie"); !cmp.Equal(got, []string{"a=1; Path=/", "b=2"}) || res.header.Get("X-One") != "1" {
				t.Errorf("cookies: Set-Cookie %q, x-one %q", got, res.header.Get("X-One"))
			}
		}
	}
}

// TestHTTPAPIPayload10Path: a payload format 1.0 event's requestContext.path
// is the request's path with the stage prefix a named stage has in the URL,
// and without one on the $default stage, which has none (the 1.0 example in
// AWS's "Create AWS Lambda proxy integrations for HTTP APIs": path "/my/path"
// with stage "$default").
func TestHTTPAPIPayload10Path(t *testing.T) {
	needNode(t)
	for _, tc := range []struct{ stage, url, want string }{
		{model.StageDefault, "/v1/x", "/v1/x"},
		{"prod", "/prod/v1/x", "/prod/v1/x"},
	} {
		t.Run(tc.stage, func(t *testing.T) {
			b := newHTTPTB("httpapi010", stage(tc.stage, nil))
			b.route("GET", "/v1/x", httpLambda("fn", "1.0"))
			b.t.Functions = []*model.Function{httpFunction("fn")}
			r, _ := lambdaGateway(t, b.build(), nil)
			res := do(t, slowClient(t), "GET", "http://"+r.http+tc.url, nil)
			if res.status != 200 {
				t.Fatalf("GET %s: %d %s\n%s", tc.url, res.status, res.body, r.logs.String())
			}
			var ev map[string]any
			if err := json.Unmarshal([]byte(res.body), &ev); err != nil {
				t.Fatalf("event: %v\n%s", err, res.body)
			}
			rc, _ := ev["requestContext"].(map[string]any)
			if ev["version"] != "1.0" || ev["path"] != "/v1/x" || rc["path"] != tc.want || rc["stage"] != tc.stage {
				t.Errorf("version %v path %v requestContext.path %v stage %v, want 1.0 /v1/x %s %s", ev["version"], ev["path"], rc["path"], rc["stage"], tc.want, tc.stage)
			}
		})
	}
}

func TestHTTPAPIRoutingAndStages(t *testing.T) {
	needNode(t)
	b := newHTTPTB("httpapi002", stage("prod", nil))
	b.route("GET", "/hello", httpLambda("fn", "2.0"))
	b.route("GET", "/iam", httpLambda("fn", "2.0")).AuthorizationType = "AWS_IAM"
	b.t.Functions = []*model.Function{httpFunction("fn")}
	tpl := b.build()
	r, _ := lambdaGateway(t, tpl, nil)
	c := slowClient(t)
	res := do(t, c, "GET", "http://"+r.http+"/prod/hello", nil)
	ev, _ := decodeV2(t, res.body)
	if res.status != 200 || ev.RawPath != "/prod/hello" || ev.RequestContext.Stage != "prod" || ev.RequestContext.HTTP.Path != "/prod/hello" {
		t.Errorf("named stage: %d rawPath %q stage %q", res.status, ev.RawPath, ev.RequestContext.Stage)
	}
	for _, p := range []string{"/prod/nope", "/hello", "/other/hello"} {
		res := do(t, c, "GET", "http://"+r.http+p, nil)
		if res.status != 404 || res.body != `{"message":"Not Found"}` || res.header.Get("Apigw-Requestid") == "" && p == "/prod/nope" {
			t.Errorf("%s: %d %s %v", p, res.status, res.body, res.header)
		}
	}
	if res := do(t, c, "POST", "http://"+r.http+"/prod/hello", nil); res.status != 404 {
		t.Errorf("POST with only a GET route: %d %s", res.status, res.body)
	}
	// AWS_IAM: unsigned is 403 Forbidden; signed, the event carries the
	// signature's access key in requestContext.authorizer.iam.
	if res := do(t, c, "GET", "http://"+r.http+"/prod/iam", nil); res.status != 403 || res.body != `{"message":"Forbidden"}` {
		t.Errorf("AWS_IAM unsigned: %d %s", res.status, res.body)
	}
	const sig = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261203/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=0123abcd"
	res = do(t, c, "GET", "http://"+r.http+"/prod/iam", nil, "Authorization", sig)
	var iam struct {
		RequestContext struct {
			Authorizer struct{ IAM map[string]any }
		}
	}
	json.Unmarshal([]byte(res.body), &iam)
	if res.status != 200 || iam.RequestContext.Authorizer.IAM["accessKey"] != "AKIAIOSFODNN7EXAMPLE" {
		t.Errorf("AWS_IAM signed: %d %s", res.status, res.body)
	}
}

// TestHTTPAPIDefaultRoute: the $default route takes what no route matches;
// its HTTP_PROXY integration gets the full request path after the URI's.
func TestHTTPAPIDefaultRoute(t *testing.T) {
	backend := h2cBackend(t, http.HandlerFunc(echoHandler))
	b := newHTTPTB("httpapi003")
	b.route("GET", "/fixed", &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "GET", URI: backend.URL + "/exact"})
	b.api.DefaultRoute = &model.Method{LogicalID: "Default", HTTPMethod: "ANY", RouteKey: model.RouteKeyDefault,
		Integration: &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "ANY", URI: backend.URL + "/base"}}
	r := start(t, b.build(), nil)
	c := h2cClient(t)
	for _, tc := range []struct{ method, path, want string }{
		{"GET", "/fixed", "/exact"},
		{"POST", "/store/checkout", "/base/store/checkout"},
		{"GET", "/fixed/more", "/base/fixed/more"},
	} {
		res := do(t, c, tc.method, "http://"+r.http+tc.path+"?q=1", nil)
		if res.status != 200 {
			t.Fatalf("%s %s: %d %s\n%s", tc.method, tc.path, res.status, res.body, r.logs.String())
		}
		e := decodeEcho(t, res.body)
		if e.Path != tc.want || e.Method != tc.method || e.RawQuery != "q=1" {
			t.Errorf("%s %s: backend got %s %s?%s, want %s", tc.method, tc.path, e.Method, e.Path, e.RawQuery, tc.want)
		}
	}
}

func TestHTTPAPICORS(t *testing.T) {
	needNode(t)
	backend := h2cBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Methods", "DELETE")
		w.Write([]byte("from the backend"))
	}))
	b := newHTTPTB("httpapi004")
	b.route("GET", "/cookies", httpLambda("fn", "2.0"))
	b.route("GET", "/proxied", &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "GET", URI: backend.URL + "/x"})
	b.api.CORS = &model.CORSConfig{AllowOrigins: []string{"https://app.example"}, AllowMethods: []string{"GET", "POST"},
		AllowHeaders: []string{"authorization", "content-type"}, ExposeHeaders: []string{"x-one"}, AllowCredentials: true, MaxAge: 300}
	b.t.Functions = []*model.Function{httpFunction("fn")}
	r, _ := lambdaGateway(t, b.build(), nil)
	c := slowClient(t)
	base := "http://" + r.http
	res := do(t, c, "OPTIONS", base+"/anything", nil, "Origin", "https://app.example", "Access-Control-Request-Method", "POST")
	want := map[string]string{"Access-Control-Allow-Origin": "https://app.example", "Access-Control-Allow-Methods": "GET,POST",
		"Access-Control-Allow-Headers": "authorization,content-type", "Access-Control-Max-Age": "300", "Access-Control-Allow-Credentials": "true"}
	if res.status != 204 {
		t.Errorf("preflight: %d %s", res.status, res.body)
	}
	for k, v := range want {
		if res.header.Get(k) != v {
			t.Errorf("preflight %s = %q, want %q", k, res.header.Get(k), v)
		}
	}
	res = do(t, c, "OPTIONS", base+"/anything", nil, "Origin", "https://other.example", "Access-Control-Request-Method", "POST")
	if res.status != 204 || res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin: %d, allow-origin %q", res.status, res.header.Get("Access-Control-Allow-Origin"))
	}
	// The function's own CORS header is replaced by the configured one.
	res = do(t, c, "GET", base+"/cookies", nil, "Origin", "https://app.example")
	if res.status != 201 || res.header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		res.header.Get("Access-Control-Expose-Headers") != "x-one" || len(res.header.Values("Access-Control-Allow-Origin")) != 1 {
		t.Errorf("actual request: %d %v", res.status, res.header)
	}
	res = do(t, c, "GET", base+"/cookies", nil)
	if res.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("no Origin, yet CORS headers: %v", res.header)
	}
	// An HTTP backend's CORS headers are ignored too.
	res = do(t, c, "GET", base+"/proxied", nil, "Origin", "https://app.example")
	if res.status != 200 || res.body != "from the backend" || res.header.Get("Access-Control-Allow-Origin") != "https://app.example" ||
		res.header.Get("Access-Control-Allow-Methods") != "" {
		t.Errorf("HTTP_PROXY with CORS: %d %q %v", res.status, res.body, res.header)
	}
}

func TestHTTPAPIJWTAuthorizer(t *testing.T) {
	needNode(t)
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	kid := jwt.KeyID(&priv.PublicKey)
	// A real OpenID Connect issuer on loopback.
	var issuer string
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			json.NewEncoder(w).Encode(map[string]string{"issuer": issuer, "jwks_uri": issuer + "/keys"})
		case "/keys":
			w.Write(jwt.JWKS(jwt.Key{ID: kid, Alg: "RS256", Pub: &priv.PublicKey}))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(idp.Close)
	issuer = idp.URL
	const pool = "us-east-1_Pool1"
	poolIss := "https://cognito-idp.us-east-1.amazonaws.com/" + pool

	b := newHTTPTB("httpapi005")
	b.api.Authorizers = []*model.Authorizer{
		{LogicalID: "OIDC", ID: "oidc", Name: "oidc", Type: "JWT", IdentitySource: "$request.header.Authorization", JWTIssuer: issuer, JWTAudience: []string{"my-aud"}},
		{LogicalID: "Pool", ID: "pool", Name: "pool", Type: "JWT", IdentitySource: "$request.header.Authorization", JWTIssuer: poolIss, JWTAudience: []string{"client1"}},
	}
	m := b.route("GET", "/oidc", httpLambda("fn", "2.0"))
	m.AuthorizationType, m.AuthorizerID = "JWT", "oidc"
	m = b.route("GET", "/scoped", httpLambda("fn", "2.0"))
	m.AuthorizationType, m.AuthorizerID, m.AuthorizationScopes = "JWT", "oidc", []string{"pets/read"}
	m = b.route("GET", "/pool", httpLambda("fn", "1.0"))
	m.AuthorizationType, m.AuthorizerID = "JWT", "pool"
	b.t.Functions = []*model.Function{httpFunction("fn")}
	localKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	localKid := jwt.KeyID(&localKey.PublicKey)
	r, _ := lambdaGateway(t, b.build(), func(c *Config) {
		c.TokenKeys = []jwt.Key{{ID: localKid, Alg: "RS256", Pub: &localKey.PublicKey}}
	})
	c := slowClient(t)
	now := time.Now().Unix()
	sign := func(k *rsa.PrivateKey, kid string, claims map[string]any) string {
		s, err := jwt.Sign(k, kid, claims)
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + s
	}
	good := map[string]any{"iss": issuer, "aud": "my-aud", "sub": "u1", "exp": now + 600, "iat": now, "scope": "pets/read pets/write"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	res := do(t, c, "GET", "http://"+r.http+"/oidc", nil, "Authorization", sign(priv, kid, good))
	if res.status != 200 {
		t.Fatalf("good token: %d %s\n%s", res.status, res.body, r.logs.String())
	}
	ev, _ := decodeV2(t, res.body)
	if jw := ev.RequestContext.Authorizer.JWT; jw == nil || jw.Claims["sub"] != "u1" || jw.Claims["aud"] != "my-aud" || !cmp.Equal(jw.Scopes, []string{"pets/read", "pets/write"}) {
		t.Errorf("requestContext.authorizer.jwt = %+v", ev.RequestContext.Authorizer)
	}
	// without(k, kv...) is good without claim k and with the claims kv.
	without := func(k string, kv ...any) map[string]any {
		m := with(k, nil)
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	for _, tc := range []struct {
		name, path, auth string
		status           int
	}{
		{"no token", "/oidc", "", 401},
		{"expired", "/oidc", sign(priv, kid, with("exp", now-10)), 401},
		{"not yet", "/oidc", sign(priv, kid, with("nbf", now+600)), 401},
		{"wrong audience", "/oidc", sign(priv, kid, with("aud", "else")), 401},
		{"client_id instead of aud", "/oidc", sign(priv, kid, with("aud", nil)), 401},
		// "API Gateway validates client_id only if aud is not present."
		{"client_id, no aud", "/oidc", sign(priv, kid, without("aud", "client_id", "my-aud")), 200},
		{"client_id and a wrong aud", "/oidc", sign(priv, kid, without("aud", "client_id", "my-aud", "aud", "else")), 401},
		{"wrong issuer", "/oidc", sign(priv, kid, with("iss", "https://evil.example")), 401},
		{"wrong key", "/oidc", sign(other, kid, good), 401},
		{"scope", "/scoped", sign(priv, kid, good), 200},
		{"missing scope", "/scoped", sign(priv, kid, with("scope", "pets/write")), 403},
	} {
		res := do(t, c, "GET", "http://"+r.http+tc.path, nil, "Authorization", tc.auth)
		if res.status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, res.status, res.body, tc.status)
		}
		if tc.status == 401 && res.body != `{"message":"Unauthorized"}` || tc.status == 403 && res.body != `{"message":"Forbidden"}` {
			t.Errorf("%s: body %s", tc.name, res.body)
		}
	}
	res = do(t, c, "GET", "http://"+r.http+"/oidc", nil, "Authorization", sign(priv, kid, with("aud", nil)))
	if res.status != 401 {
		t.Errorf("no aud: %d", res.status)
	}
	// A Cognito pool issuer works offline with the local token key; the
	// 1.0 event carries the claims in requestContext.authorizer.
	poolTok := sign(localKey, localKid, map[string]any{"iss": poolIss, "client_id": "client1", "token_use": "access", "sub": "u2", "exp": now + 600})
	res = do(t, c, "GET", "http://"+r.http+"/pool", nil, "Authorization", poolTok)
	if res.status != 200 {
		t.Fatalf("pool token: %d %s\n%s", res.status, res.body, r.logs.String())
	}
	var ev1 map[string]any
	json.Unmarshal([]byte(res.body), &ev1)
	if ev1["version"] != "1.0" || ev1["httpMethod"] != "GET" {
		t.Errorf("1.0 event: version %v httpMethod %v", ev1["version"], ev1["httpMethod"])
	}
	au, _ := ev1["requestContext"].(map[string]any)["authorizer"].(map[string]any)
	if cl, _ := au["claims"].(map[string]any); cl["sub"] != "u2" {
		t.Errorf("1.0 requestContext.authorizer = %v", au)
	}
}

func TestHTTPAPILambdaAuthorizer(t *testing.T) {
	needNode(t)
	dir := t.TempDir()
	// The authorizer counts its calls in a file, to see the cache.
	count := filepath.Join(dir, "calls")
	authCode := `
const fs = require("fs");
exports.handler = async (e) => {
  fs.appendFileSync(` + "`" + count + "`" + `, "x");
  const tok = e.version === "2.0" ? e.identitySource[0] : e.identitySource;
  if (e.version === "2.0" && e.routeArn === undefined) throw new Error("no routeArn");
  if (e.type !== "REQUEST") throw new Error("type " + e.type);
  if (tok === "boom") throw new Error("boom");
  if (e.version === "1.0") {
    return { principalId: "p1", context: { who: tok },
      policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke",
        Effect: tok === "allow" ? "Allow" : "Deny", Resource: e.methodArn }] } };
  }
  return { isAuthorized: tok === "allow", context: { who: tok, n: 7, nested: { a: [1] } } };
};`
	b := newHTTPTB("httpapi006")
	b.api.Authorizers = []*model.Authorizer{
		{LogicalID: "Simple", ID: "simple", Name: "simple", Type: "REQUEST", IdentitySource: "$request.header.X-Token",
			AuthorizerURI: lambdaURI(fnARN("auth")), PayloadFormatVersion: "2.0", SimpleResponses: true, ResultTTLSeconds: 300},
		{LogicalID: "Policy", ID: "policy", Name: "policy", Type: "REQUEST", IdentitySource: "$request.querystring.tok",
			AuthorizerURI: lambdaURI(fnARN("auth")), PayloadFormatVersion: "1.0"},
	}
	m := b.route("GET", "/simple", httpLambda("fn", "2.0"))
	m.AuthorizationType, m.AuthorizerID = "CUSTOM", "simple"
	m = b.route("GET", "/policy", httpLambda("fn", "2.0"))
	m.AuthorizationType, m.AuthorizerID = "CUSTOM", "policy"
	auth := nodeFunction("auth", 30)
	auth.Code.Files[0].Content = authCode
	b.t.Functions = []*model.Function{httpFunction("fn"), auth}
	r, _ := lambdaGateway(t, b.build(), nil)
	c := slowClient(t)
	calls := func() int { b, _ := os.ReadFile(count); return len(b) }

	res := do(t, c, "GET", "http://"+r.http+"/simple", nil, "X-Token", "allow")
	if res.status != 200 {
		t.Fatalf("allow: %d %s\n%s", res.status, res.body, r.logs.String())
	}
	ev, _ := decodeV2(t, res.body)
	if l := ev.RequestContext.Authorizer.Lambda; l["who"] != "allow" || l["n"] != float64(7) || l["nested"] == nil {
		t.Errorf("requestContext.authorizer.lambda = %v", l)
	}
	n := calls()
	do(t, c, "GET", "http://"+r.http+"/simple", nil, "X-Token", "allow")
	if calls() != n {
		t.Errorf("a cached identity called the authorizer again (%d -> %d)", n, calls())
	}
	for _, tc := range []struct {
		name, path string
		hdr        []string
		status     int
		body       string
	}{
		{"deny", "/simple", []string{"X-Token", "deny"}, 403, `{"message":"Forbidden"}`},
		{"missing identity", "/simple", nil, 401, `{"message":"Unauthorized"}`},
		{"authorizer throws", "/simple", []string{"X-Token", "boom"}, 500, `{"message":"Internal Server Error"}`},
		{"policy allow", "/policy?tok=allow", nil, 200, ""},
		{"policy deny", "/policy?tok=no", nil, 403, `{"message":"Forbidden"}`},
	} {
		res := do(t, c, "GET", "http://"+r.http+tc.path, nil, tc.hdr...)
		if res.status != tc.status || tc.body != "" && res.body != tc.body {
			t.Errorf("%s: %d %s, want %d %s", tc.name, res.status, res.body, tc.status, tc.body)
		}
	}
}

// TestHTTPAPIPython: a Python handler behind an HTTP API, payload 2.0,
// returning a dict without statusCode (inferred as the JSON body).
func TestHTTPAPIPython(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("python3 not installed")
	}
	b := newHTTPTB("httpapi007")
	b.route("GET", "/items/{id}", httpLambda("py", "2.0"))
	b.t.Functions = []*model.Function{{LogicalID: "Py", Name: "py", ARN: fnARN("py"), Runtime: "python3.11", Handler: "app.handler", Timeout: 30,
		Code: model.Code{Files: []model.CodeFile{{Name: "app.py", Content: "def handler(event, context):\n    return {'id': event['pathParameters']['id'], 'route': event['routeKey']}\n"}}}}}
	r, _ := lambdaGateway(t, b.build(), nil)
	res := do(t, slowClient(t), "GET", "http://"+r.http+"/items/a%20b", nil)
	if res.status != 200 || res.body != `{"id": "a b", "route": "GET /items/{id}"}` || res.header.Get("Content-Type") != "application/json" {
		t.Errorf("python: %d %q %v\n%s", res.status, res.body, res.header, r.logs.String())
	}
}

// TestHTTPEventRecordedShape: the 2.0 event's keys are those of the events
// AWS recorded (aws-lambda-go's apigw-v2-request-jwt-authorizer.json, its authorizer and mutual TLS parts aside), and
// aws-lambda-go's type reads every field back.
func TestHTTPEventRecordedShape(t *testing.T) {
	r := httptest.NewRequest("POST", "http://id.execute-api.localhost:8080/my/path?parameter1=value1&parameter1=value2&parameter2=value", strings.NewReader(`{"a": 1}`))
	r.Header.Set("Header1", "value1")
	r.Header.Add("Header2", "value1")
	r.Header.Add("Header2", "value2")
	r.Header.Set("Cookie", "cookie1; cookie2")
	r.Header.Set("Content-Type", "application/json")
	ps := &params{n: 1}
	ps.ps[0] = pathParam{"proxy", "hello%2Fworld"}
	start := time.Date(2020, 3, 12, 19, 3, 58, 390e6, time.UTC)
	e := &httpEvent{r: r, routeKey: "$default", stage: "$default", rawPath: "/my/path", params: ps,
		stageVars: map[string]string{"stageVariable1": "value1"}, requestID: "id", apiID: "api-id", accountID: "123456789012",
		start: start, sourceIP: "192.0.2.1", forwardedFor: "192.0.2.1", forwardedPort: "443", forwardedProto: "https",
		body: []byte(`{"a": 1}`)}
	b := appendHTTPEvent(nil, e)
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	d := filepath.Join(mustModDir(t, "github.com/aws/aws-lambda-go"), "events", "testdata", "apigw-v2-request-jwt-authorizer.json")
	rec, err := os.ReadFile(d)
	if err != nil {
		t.Skip(err)
	}
	var want map[string]any
	json.Unmarshal(rec, &want)
	if diff := cmp.Diff(keysOf(want), keysOf(raw)); diff != "" {
		t.Errorf("event keys (-recorded +ours):\n%s", diff)
	}
	wrc, rc := want["requestContext"].(map[string]any), raw["requestContext"].(map[string]any)
	delete(wrc, "authentication") // mutual TLS only
	delete(wrc, "authorizer")     // none here
	if diff := cmp.Diff(keysOf(wrc), keysOf(rc)); diff != "" {
		t.Errorf("requestContext keys (-recorded +ours):\n%s", diff)
	}
	if diff := cmp.Diff(keysOf(wrc["http"].(map[string]any)), keysOf(rc["http"].(map[string]any))); diff != "" {
		t.Errorf("requestContext.http keys (-recorded +ours):\n%s", diff)
	}
	var ev events.APIGatewayV2HTTPRequest
	json.Unmarshal(b, &ev)
	for _, c := range [][2]any{
		{ev.Headers["header2"], "value1,value2"}, {ev.QueryStringParameters["parameter1"], "value1,value2"},
		{ev.Cookies, []string{"cookie1", "cookie2"}}, {ev.PathParameters["proxy"], "hello/world"},
		{ev.RequestContext.Time, "12/Mar/2020:19:03:58 +0000"}, {ev.RequestContext.TimeEpoch, start.UnixMilli()},
		{ev.Body, `{"a": 1}`}, {ev.Headers["content-type"], "application/json"},
	} {
		if !cmp.Equal(c[0], c[1]) {
			t.Errorf("got %v, want %v", c[0], c[1])
		}
	}
}

func TestParseHTTPResponse(t *testing.T) {
	for _, tc := range []struct {
		in     string
		status int
		body   string
		err    bool
	}{
		{`"hi"`, 200, `"hi"`, false},
		{`{"a":1}`, 200, `{"a":1}`, false},
		{`[1,2]`, 200, `[1,2]`, false},
		{`{"statusCode":204}`, 204, "", false},
		{`{"statusCode":"302","headers":{"location":"/x"},"body":null}`, 302, "", false},
		{`{"statusCode":200,"body":"aGk=","isBase64Encoded":true}`, 200, "hi", false},
		{`{"statusCode":200,"body":{"x":1}}`, 0, "", true},
		{`{"statusCode":99}`, 0, "", true},
		{`not json`, 0, "", true},
	} {
		hr, err := parseHTTPResponse([]byte(tc.in))
		if (err != nil) != tc.err || err == nil && (hr.status != tc.status || string(hr.body) != tc.body) {
			t.Errorf("%s: %d %q %v", tc.in, hr.status, hr.body, err)
		}
	}
}

// TestHTTPResponseReadersAgree: the allocation-free reader of 2.0 answers
// (respScratch.parseHTTP) and the general one (parseHTTPResponse) give the
// same status, body and headers (as a multiset: the fast reader keeps the
// answer's key order, the general one sorts) for every answer the fast one
// takes, so which reader ran never shows to a client.
func TestHTTPResponseReadersAgree(t *testing.T) {
	taken := 0
	for _, in := range []string{
		`{"statusCode":200,"body":"hello","headers":{"Content-Type":"text/plain"},"multiValueHeaders":{"MyCustomHeader":["Value1","Value2"]}}`,
		`{"statusCode":200,"body":"hello","headers":{"Content-Type":"text/plain","MyCustomHeader":"Custom"},"multiValueHeaders":{"MyCustomHeader":["Value1","Value2"]}}`,
		`{"multiValueHeaders":{"X":["1"]},"headers":{"X":"0","n":5,"b":true},"statusCode":"201","cookies":["a=1; Path=/","b=2"],"body":"made"}`,
		`{"statusCode":200,"body":"aGk=","isBase64Encoded":true,"headers":{"content-type":"image/png"}}`,
		`{"statusCode":204,"headers":null,"multiValueHeaders":null,"cookies":null,"body":null}`,
		`{"statusCode":302,"headers":{"location":"/x"}}`,
	} {
		sc := respScratchPool.Get().(*respScratch)
		fast, ok := sc.parseHTTP([]byte(in), nil)
		if !ok {
			// Declined (a number as a header value, say): the general
			// reader answers alone, nothing to compare.
			sc.release()
			continue
		}
		taken++
		fast.headers = slices.Clone(fast.headers)
		fast.body = slices.Clone(fast.body)
		sc.release()
		gen, err := parseHTTPResponse([]byte(in))
		if err != nil {
			t.Errorf("%s: general reader: %v", in, err)
			continue
		}
		sortPairs := func(h [][2]string) [][2]string {
			h = append([][2]string{}, h...)
			slices.SortStableFunc(h, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
			return h
		}
		if fast.status != gen.status || string(fast.body) != string(gen.body) || !cmp.Equal(sortPairs(fast.headers), sortPairs(gen.headers)) {
			t.Errorf("%s:\nfast    %d %q %q\ngeneral %d %q %q", in, fast.status, fast.body, fast.headers, gen.status, gen.body, gen.headers)
		}
	}
	if taken < 5 {
		t.Errorf("the fast reader took %d of the answers; the test compares nothing", taken)
	}
}

// mustModDir is where module mod's source is (go list -m).
func mustModDir(t *testing.T, mod string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", mod).Output()
	if err != nil {
		t.Skipf("go list -m %s: %v", mod, err)
	}
	return strings.TrimSpace(string(out))
}
