package runtime

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http2"

	"github.com/cfnrun/cfnrun/internal/model"
)

func TestRouter(t *testing.T) {
	root := &rnode{}
	for _, p := range []string{"/", "/pets", "/pets/{id}", "/pets/{id}/owner", "/pets/special", "/files/{proxy+}", "/a/{x}/c", "/a/b/d"} {
		n := root.insert(p)
		n.hasRes, n.path = true, p
	}
	tests := []struct {
		path, want string
		params     string
	}{
		{"", "/", ""},
		{"/", "/", ""},
		{"/pets", "/pets", ""},
		{"/pets/", "/pets", ""},
		{"//pets", "/pets", ""},
		{"/pets//7", "/pets/{id}", "id=7"},
		{"/pets/special", "/pets/special", ""},
		{"/pets/7/owner", "/pets/{id}/owner", "id=7"},
		{"/pets/special/owner", "/pets/{id}/owner", "id=special"}, // backtracks from the static branch
		{"/files/a/b/c.txt", "/files/{proxy+}", "proxy=a/b/c.txt"},
		{"/files", "", ""}, // greedy needs at least one segment
		{"/a/b/c", "/a/{x}/c", "x=b"},
		{"/a/b/d", "/a/b/d", ""},
		{"/nope", "", ""},
		{"/pets/7/owner/x", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var ps params
			n := root.match(tt.path, &ps)
			got := ""
			if n != nil {
				got = n.path
			}
			var kv []string
			for i := 0; i < ps.n; i++ {
				kv = append(kv, ps.ps[i].name+"="+ps.ps[i].value)
			}
			if got != tt.want || (n != nil && strings.Join(kv, ",") != tt.params) {
				t.Errorf("match(%q) = %q %v, want %q %q", tt.path, got, kv, tt.want, tt.params)
			}
		})
	}
}

func TestProxyH2CBothLegs(t *testing.T) {
	be := h2cBackend(t, http.HandlerFunc(echoHandler))
	b := newTB("abcdefghij", stage("prod", map[string]string{"host": be.Listener.Addr().String()}))
	m := b.method("/items/{id}", "GET", proxyTo("http://${stageVariables.host}/backend/{id}", true))
	m.Integration.RequestParameters = map[string]string{"integration.request.header.X-Item": "method.request.path.id"}
	b.method("/files/{proxy+}", "ANY", proxyTo("http://"+be.Listener.Addr().String()+"/static/{proxy}", true))
	gw := start(t, b.build(), nil)

	t.Run("h2c", func(t *testing.T) {
		res := do(t, h2cClient(t), "GET", "http://"+gw.http+"/prod/items/42?x=1&y=2", nil, "X-Client", "c")
		if res.status != 200 || res.proto != "HTTP/2.0" {
			t.Fatalf("status %d proto %s body %s", res.status, res.proto, res.body)
		}
		e := decodeEcho(t, res.body)
		if e.Proto != "HTTP/2.0" || e.Path != "/backend/42" || e.RawQuery != "x=1&y=2" {
			t.Errorf("backend saw %+v", e)
		}
		if e.Headers["X-Item"][0] != "42" || e.Headers["X-Client"][0] != "c" || e.Headers["X-Forwarded-For"][0] != "127.0.0.1" {
			t.Errorf("backend headers %v", e.Headers)
		}
		if len(res.header["X-Amzn-Requestid"]) != 1 || len(res.header.Get("X-Amz-Apigw-Id")) != 16 {
			t.Errorf("AWS headers missing: %v", res.header)
		}
		if res.header.Get("X-Amzn-Remapped-Server") != "echo" || res.header.Get("Server") != "" {
			t.Errorf("Server header not remapped: %v", res.header)
		}
	})
	t.Run("greedy POST", func(t *testing.T) {
		res := do(t, h2cClient(t), "POST", "http://"+gw.http+"/prod/files/a/b%20c.txt", strings.NewReader("hello"))
		e := decodeEcho(t, res.body)
		if e.Method != "POST" || e.Path != "/static/a/b c.txt" || e.BodyLen != 5 {
			t.Errorf("backend saw %+v", e)
		}
	})
	t.Run("tls h2", func(t *testing.T) {
		res := do(t, tlsClient(t, gw.g, true), "GET", "https://"+gw.https+"/prod/items/1", nil)
		if res.proto != "HTTP/2.0" || decodeEcho(t, res.body).Proto != "HTTP/2.0" {
			t.Errorf("proto %s, body %s", res.proto, res.body)
		}
	})
	t.Run("tls http1", func(t *testing.T) {
		res := do(t, tlsClient(t, gw.g, false), "GET", "https://"+gw.https+"/prod/items/1", nil)
		if res.proto != "HTTP/1.1" || res.status != 200 {
			t.Errorf("proto %s status %d", res.proto, res.status)
		}
		if e := decodeEcho(t, res.body); e.Headers["X-Forwarded-Proto"][0] != "https" {
			t.Errorf("X-Forwarded-Proto %v", e.Headers["X-Forwarded-Proto"])
		}
	})
	t.Run("url forms", func(t *testing.T) {
		c := h1Client(t)
		for _, u := range []struct{ url, host string }{
			{"http://" + gw.http + "/restapis/abcdefghij/prod/_user_request_/items/9", ""},
			{"http://" + gw.http + "/prod/items/9", "abcdefghij.execute-api.localhost"},
			{"http://" + gw.http + "/prod/items/9/", ""},
		} {
			res := do(t, c, "GET", u.url, nil, "Host", u.host)
			if res.status != 200 || decodeEcho(t, res.body).Path != "/backend/9" {
				t.Errorf("%s (Host %s): %d %s", u.url, u.host, res.status, res.body)
			}
		}
	})
	if !strings.Contains(gw.logs.String(), "backend speaks HTTP/2") {
		t.Errorf("probe not logged: %s", gw.logs.String())
	}
}

func TestProxyFallbackToHTTP1(t *testing.T) {
	be := h1Backend(t, http.HandlerFunc(echoHandler))
	b := newTB("fallback00", stage("prod", nil))
	b.method("/x", "GET", proxyTo("http://"+be.Listener.Addr().String()+"/x", true))
	gw := start(t, b.build(), nil)
	c := h2cClient(t)
	for i := 0; i < 5; i++ {
		res := do(t, c, "GET", "http://"+gw.http+"/prod/x", nil)
		if res.status != 200 || decodeEcho(t, res.body).Proto != "HTTP/1.1" {
			t.Fatalf("request %d: %d %s", i, res.status, res.body)
		}
	}
	if n := strings.Count(gw.logs.String(), "does not speak HTTP/2"); n != 1 {
		t.Errorf("fallback logged %d times, want once:\n%s", n, gw.logs.String())
	}
}

func TestBackendFailures(t *testing.T) {
	slow := h2cBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	reset := h1Backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tc, ok := c.(*net.TCPConn); ok {
				tc.SetLinger(0)
			}
			c.Close()
		}
	}))
	refused, _ := net.Listen("tcp", "127.0.0.1:0")
	refusedAddr := refused.Addr().String()
	refused.Close()

	b := newTB("failures00", stage("prod", nil))
	in := proxyTo("http://"+slow.Listener.Addr().String()+"/", true)
	in.TimeoutMillis = 100
	b.method("/slow", "GET", in)
	b.method("/reset", "GET", proxyTo("http://"+reset.Listener.Addr().String()+"/", false))
	b.method("/refused", "GET", proxyTo("http://"+refusedAddr+"/", true))
	b.method("/lambda", "GET", &model.Integration{Type: model.IntegrationAWSProxy, URI: "arn:aws:apigateway:us-east-1:lambda:path/fn"})
	b.method("/upload", "POST", proxyTo("http://"+slow.Listener.Addr().String()+"/", true))
	tpl := b.build()
	gw := start(t, tpl, func(c *Config) { c.MaxBodyBytes = 1 << 10 })
	c := h2cClient(t)
	tests := []struct {
		name, method, path string
		body               string
		status             int
		want               string
	}{
		{"timeout", "GET", "/slow", "", 504, `{"message": "Endpoint request timed out"}`},
		{"reset", "GET", "/reset", "", 502, `{"message": "Internal server error"}`},
		{"refused", "GET", "/refused", "", 502, `{"message": "Internal server error"}`},
		{"aws proxy", "GET", "/lambda", "", 500, `{"message": "Internal server error"}`},
		{"too large", "POST", "/upload", strings.Repeat("x", 2000), 413, `{"message":"Request Too Long"}`},
		{"unknown path", "GET", "/nope", "", 403, `{"message":"Missing Authentication Token"}`},
		{"unknown method", "DELETE", "/slow", "", 403, `{"message":"Missing Authentication Token"}`},
		{"unknown stage", "GET", "/../dev/slow", "", 403, `{"message":"Forbidden"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body *strings.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			path := "/prod" + tt.path
			if strings.HasPrefix(tt.path, "/..") {
				path = tt.path[3:]
			}
			var res result
			if body != nil {
				res = do(t, c, tt.method, "http://"+gw.http+path, body)
			} else {
				res = do(t, c, tt.method, "http://"+gw.http+path, nil)
			}
			if res.status != tt.status || res.body != tt.want {
				t.Errorf("got %d %s, want %d %s", res.status, res.body, tt.status, tt.want)
			}
			if res.header.Get("Content-Type") != "application/json" || res.header.Get("X-Amzn-Requestid") == "" {
				t.Errorf("headers %v", res.header)
			}
			if tt.status == 403 && tt.want[12] == 'M' && res.header.Get("X-Amzn-Errortype") != "MissingAuthenticationTokenException" {
				t.Errorf("x-amzn-ErrorType = %q", res.header.Get("X-Amzn-Errortype"))
			}
		})
	}
	logs := gw.logs.String()
	for _, want := range []string{"status=504", "status=502", "status=413", "reason="} {
		if !strings.Contains(logs, want) {
			t.Errorf("access log lacks %q:\n%s", want, logs)
		}
	}
}

// status200 is the request template a MOCK integration needs to answer
// 200: without one, API Gateway answers 500.
var status200 = map[string]string{"application/json": `{"statusCode": 200}`}

func TestMockCORS(t *testing.T) {
	b := newTB("mockmock00", stage("prod", nil))
	b.method("/pets", "OPTIONS", &model.Integration{
		Type:             model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{
			StatusCode: "200",
			ResponseParameters: map[string]string{
				"method.response.header.Access-Control-Allow-Origin":  "'*'",
				"method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS'",
				"method.response.header.Access-Control-Allow-Headers": "'Content-Type,X-Amz-Date,Authorization'",
			},
			ResponseTemplates: map[string]string{"application/json": ""},
		}},
	})
	b.method("/teapot", "GET", &model.Integration{
		Type:             model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 418}`},
		Responses: []model.IntegrationResponse{
			{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": `{"ok":true}`}},
			{StatusCode: "418", SelectionPattern: "4\\d\\d", ResponseTemplates: map[string]string{"application/json": `{"teapot":true}`}},
		},
	})
	b.method("/strict", "POST", &model.Integration{
		Type: model.IntegrationMock, PassthroughBehavior: "NEVER",
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses:        []model.IntegrationResponse{{StatusCode: "200"}},
	})
	validated := b.method("/validated", "GET", &model.Integration{Type: model.IntegrationMock, RequestTemplates: status200, Responses: []model.IntegrationResponse{{StatusCode: "200"}}})
	validated.RequestValidatorID = "val123"
	validated.RequestParameters = map[string]bool{"method.request.querystring.q": true, "method.request.header.X-Id": true, "method.request.querystring.opt": false}
	b.api.Validators = []*model.RequestValidator{{ID: "val123", Name: "params", ValidateRequestParameters: true}}
	keyed := b.method("/keyed", "GET", &model.Integration{Type: model.IntegrationMock, RequestTemplates: status200, Responses: []model.IntegrationResponse{{StatusCode: "200"}}})
	keyed.APIKeyRequired = true
	b.t.APIKeys = []*model.APIKey{{LogicalID: "Key", ID: "key0000001", Name: "k", Value: "k", Enabled: true}}
	b.t.UsagePlans = []*model.UsagePlan{{LogicalID: "Plan", ID: "plan01", Name: "plan",
		Stages: []model.UsagePlanStage{{APIID: b.api.ID, Stage: "prod"}}, Keys: []model.UsagePlanKey{{KeyID: "key0000001", KeyType: "API_KEY"}}}}
	iam := b.method("/iam", "GET", &model.Integration{Type: model.IntegrationMock, RequestTemplates: status200, Responses: []model.IntegrationResponse{{StatusCode: "200"}}})
	iam.AuthorizationType = "AWS_IAM"
	gw := start(t, b.build(), nil)
	c := h2cClient(t)
	if res := do(t, c, "GET", "http://"+gw.http+"/prod/validated?opt=1", nil); res.status != 400 || res.body != `{"message": "Missing required request parameters: [X-Id, q]"}` {
		t.Errorf("validator: %d %s", res.status, res.body)
	}
	if res := do(t, c, "GET", "http://"+gw.http+"/prod/validated?q=1", nil, "X-Id", "7"); res.status != 200 {
		t.Errorf("validator, parameters present: %d %s", res.status, res.body)
	}
	if res := do(t, c, "GET", "http://"+gw.http+"/prod/keyed", nil); res.status != 403 || res.body != `{"message":"Forbidden"}` {
		t.Errorf("ApiKeyRequired without a key: %d %s", res.status, res.body)
	}
	if res := do(t, c, "GET", "http://"+gw.http+"/prod/keyed", nil, "X-Api-Key", "k"); res.status != 200 {
		t.Errorf("ApiKeyRequired with a key: %d %s", res.status, res.body)
	}
	if res := do(t, c, "GET", "http://"+gw.http+"/prod/iam", nil); res.status != 403 || res.body != `{"message":"Missing Authentication Token"}` || res.header.Get("x-amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Errorf("AWS_IAM without Authorization: %d %s", res.status, res.body)
	}
	if res := do(t, c, "GET", "http://"+gw.http+"/prod/iam", nil, "Authorization", "AWS4-HMAC-SHA256 Credential=x"); res.status != 200 {
		t.Errorf("AWS_IAM with Authorization: %d %s", res.status, res.body)
	}
	res := do(t, c, "OPTIONS", "http://"+gw.http+"/prod/pets", nil, "Origin", "http://example.com", "Access-Control-Request-Method", "GET")
	want := map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET,OPTIONS", "Access-Control-Allow-Headers": "Content-Type,X-Amz-Date,Authorization"}
	got := map[string]string{}
	for k := range want {
		got[k] = res.header.Get(k)
	}
	if diff := cmp.Diff(want, got); diff != "" || res.status != 200 || res.body != "" {
		t.Errorf("preflight %d %q (-want +got):\n%s", res.status, res.body, diff)
	}
	if res := do(t, c, "GET", "http://"+gw.http+"/prod/teapot", nil); res.status != 418 || res.body != `{"teapot":true}` {
		t.Errorf("selection pattern: %d %s", res.status, res.body)
	}
	if res := do(t, c, "POST", "http://"+gw.http+"/prod/strict", strings.NewReader("a=b"), "Content-Type", "application/x-www-form-urlencoded"); res.status != 415 {
		t.Errorf("NEVER passthrough: %d %s", res.status, res.body)
	}
}

func TestHTTP11OnlyStage(t *testing.T) {
	for _, stock := range []bool{false, true} {
		t.Run(fmt.Sprintf("stock=%v", stock), func(t *testing.T) { testHTTP11OnlyStage(t, stock) })
	}
}

func testHTTP11OnlyStage(t *testing.T, stock bool) {
	be := h2cBackend(t, http.HandlerFunc(echoHandler))
	off := false
	st := stage("v1", nil)
	st.HTTP2Enabled = &off
	b := newTB("onlyhttp11", st)
	b.method("/x", "GET", proxyTo("http://"+be.Listener.Addr().String()+"/", true))
	b.method("/m", "GET", &model.Integration{Type: model.IntegrationMock})
	gw := start(t, b.build(), func(c *Config) { c.StockHTTP2 = stock })
	req, _ := http.NewRequest("GET", "http://"+gw.http+"/v1/m", nil)
	if _, err := h2cClient(t).Do(req); err == nil {
		t.Error("inline MOCK route answered HTTP/2 on an HTTP/1.1-only stage")
	}
	req, _ = http.NewRequest("GET", "http://"+gw.http+"/v1/x", nil)
	_, err := h2cClient(t).Do(req)
	var se http2.StreamError
	if !errors.As(err, &se) || se.Code != http2.ErrCodeHTTP11Required {
		t.Fatalf("h2c request: err = %v, want stream error HTTP_1_1_REQUIRED", err)
	}
	req, _ = http.NewRequest("GET", "https://"+gw.https+"/v1/x", nil)
	_, err = tlsClient(t, gw.g, true).Do(req)
	if !errors.As(err, &se) || se.Code != http2.ErrCodeHTTP11Required {
		t.Fatalf("TLS h2 request: err = %v, want stream error HTTP_1_1_REQUIRED", err)
	}
	if res := do(t, h1Client(t), "GET", "http://"+gw.http+"/v1/x", nil); res.status != 200 || res.proto != "HTTP/1.1" {
		t.Errorf("HTTP/1.1: %d %s", res.status, res.proto)
	}
	if !strings.Contains(gw.logs.String(), "HTTP_1_1_REQUIRED") {
		t.Error("refusal not logged")
	}
	if strings.Contains(gw.logs.String(), "handler panic") {
		t.Error("the deliberate reset (http.ErrAbortHandler) was logged as a panic")
	}
}

func TestLoadFindings(t *testing.T) {
	b := newTB("findings00", stage("prod", nil), &model.Stage{LogicalID: "Dep", Name: "prod", Implicit: true})
	b.method("/l", "GET", &model.Integration{Type: model.IntegrationAWS, URI: "arn:x"})
	b.method("/n", "GET", nil)
	b.method("/v", "POST", &model.Integration{Type: model.IntegrationHTTP, URI: "http://x/", RequestTemplates: map[string]string{"application/json": `{"a": "$input.body"}`}})
	g, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := g.Load(b.build())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Rule+": "+d.Summary)
	}
	for _, want := range []string{
		`runtime-ignored: stage "prod" is declared twice; the declaration from Dep is ignored`,
		"runtime-not-served: method GET /l uses an AWS integration with an AWS service, which cfnrun up does not serve",
		"runtime-not-served: method GET /n has no integration",
	} {
		if !containsStr(got, want) {
			t.Errorf("missing finding %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
	routes := g.Routes()
	if len(routes) != 3 || routes[0].Served {
		t.Errorf("routes %+v", routes)
	}
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestHTTPIntegrationTemplates(t *testing.T) {
	be := h2cBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Up", r.URL.Query().Get("q")+"|"+r.Header.Get("X-Mapped")+"|"+r.Header.Get("X-Override"))
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/missing" {
			w.WriteHeader(404)
			io.WriteString(w, `{"error":"not here"}`)
			return
		}
		w.WriteHeader(201)
		w.Write(b)
	}))
	b := newTB("httpvtl000", stage("prod", map[string]string{"env": "test"}))
	b.method("/pets/{id}", "POST", &model.Integration{
		Type: model.IntegrationHTTP, HTTPMethod: "POST", URI: "http://" + be.Listener.Addr().String() + "/echo", ConnectionType: model.ConnectionHTTP2,
		RequestParameters: map[string]string{
			"integration.request.querystring.q":   "method.request.path.id",
			"integration.request.header.X-Mapped": "stageVariables.env",
		},
		RequestTemplates: map[string]string{"application/json": `#set($context.requestOverride.header.X-Override = "yes")
{"id": "$input.params('id')", "name": $input.json('$.name'), "stage": "$context.stage", "env": "$stageVariables.env"}`},
		Responses: []model.IntegrationResponse{
			{StatusCode: "200", SelectionPattern: `2\d\d`,
				ResponseParameters: map[string]string{"method.response.header.X-Up": "integration.response.header.X-Up", "method.response.header.X-Name": "integration.response.body.name"},
				ResponseTemplates: map[string]string{"application/json": `#set($b = $input.path('$'))
{"pet": "$b.name", "id": "$b.id", "stage": "$b.stage", "env": "$b.env"}`}},
			{StatusCode: "404", SelectionPattern: `404`},
		},
	})
	b.method("/missing", "GET", &model.Integration{
		Type: model.IntegrationHTTP, HTTPMethod: "GET", URI: "http://" + be.Listener.Addr().String() + "/missing",
		Responses: []model.IntegrationResponse{{StatusCode: "200"}, {StatusCode: "404", SelectionPattern: "404"}},
	})
	gw := start(t, b.build(), nil)
	c := h2cClient(t)
	res := do(t, c, "POST", "http://"+gw.http+"/prod/pets/7", strings.NewReader(`{"name":"rex"}`), "Content-Type", "application/json")
	if res.status != 200 || res.body != "\n"+`{"pet": "rex", "id": "7", "stage": "prod", "env": "test"}` && res.body != `{"pet": "rex", "id": "7", "stage": "prod", "env": "test"}` {
		t.Errorf("got %d %q", res.status, res.body)
	}
	if res.header.Get("X-Up") != "7|test|yes" || res.header.Get("X-Name") != "rex" {
		t.Errorf("response parameters: %v", res.header)
	}
	res = do(t, c, "GET", "http://"+gw.http+"/prod/missing", nil)
	if res.status != 404 || res.body != `{"error":"not here"}` {
		t.Errorf("404 passthrough: %d %q", res.status, res.body)
	}
}

func TestGatewayResponsesAndAPISelection(t *testing.T) {
	mock := func(body string) *model.Integration {
		return &model.Integration{Type: model.IntegrationMock,
			RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
			Responses:        []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": body}}}}
	}
	a := newTB("aaaaaaaaaa", stage("prod", nil))
	a.method("/who", "GET", mock(`"a"`))
	a.api.GatewayResponses = []*model.GatewayResponse{
		{ResponseType: "DEFAULT_4XX", ResponseParameters: map[string]string{"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"}},
		{ResponseType: "MISSING_AUTHENTICATION_TOKEN", StatusCode: "404",
			ResponseParameters: map[string]string{"gatewayresponse.header.Access-Control-Allow-Origin": "'*'"},
			ResponseTemplates:  map[string]string{"application/json": `{"error": $context.error.messageString, "stage": "$context.stage"}`}},
	}
	b := newTB("bbbbbbbbbb", stage("prod", nil))
	b.method("/who", "GET", mock(`"b"`))
	b.method("/who", "POST", mock(`"b post"`))
	b.method("/only-b/{id}", "GET", mock(`"b $input.params('id')"`))
	tpl := &model.Template{APIs: []*model.RestAPI{a.api, b.api}}
	tpl.Finalize()
	gw := start(t, tpl, nil)
	c := h1Client(t)
	if res := do(t, c, "GET", "http://"+gw.http+"/prod/who", nil); res.body != `"a"` {
		t.Errorf("path style: %q, want the first API", res.body)
	}
	if res := do(t, c, "GET", "http://"+gw.http+"/prod/who", nil, "Host", "bbbbbbbbbb.execute-api.localhost:8080"); res.body != `"b"` {
		t.Errorf("host style: %q, want API b", res.body)
	}
	// A path-style route the first API lacks falls through to the next
	// API with the stage (sam serves every API on one server), over
	// HTTP/1.1 and h2c.
	for _, cl := range []*http.Client{c, h2cClient(t)} {
		if res := do(t, cl, "GET", "http://"+gw.http+"/prod/only-b/7", nil); res.status != 200 || res.body != `"b 7"` {
			t.Errorf("fall through: %d %q, want API b's answer", res.status, res.body)
		}
		if res := do(t, cl, "POST", "http://"+gw.http+"/prod/who", nil); res.status != 200 || res.body != `"b post"` {
			t.Errorf("fall through by method: %d %q, want API b's POST", res.status, res.body)
		}
	}
	res := do(t, c, "GET", "http://"+gw.http+"/prod/nope", nil)
	if res.status != 404 || res.body != `{"error": "Missing Authentication Token", "stage": "prod"}` || res.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("customized 403: %d %q %v", res.status, res.body, res.header)
	}
	res = do(t, c, "DELETE", "http://"+gw.http+"/prod/who", nil)
	if res.status != 404 || res.body != `{"error": "Missing Authentication Token", "stage": "prod"}` {
		t.Errorf("no API has the method: %d %q, want the first API's customized 403", res.status, res.body)
	}
	var hostStyle int
	for _, r := range gw.g.Routes() {
		if r.HostStyle {
			hostStyle++
		}
	}
	if hostStyle != 1 {
		t.Errorf("%d routes marked host-style, want 1 (API b's GET /who, which API a shadows)", hostStyle)
	}
}

// TestHTTPSBackends: ConnectionType HTTP2 to an https backend negotiates
// h2 by ALPN and falls back to HTTP/1.1 when the backend does not offer
// it; --map'd hosts keep the Uri's host name for Host and SNI.
func TestHTTPSBackends(t *testing.T) {
	h2be := httptest.NewUnstartedServer(http.HandlerFunc(echoHandler))
	h2be.EnableHTTP2 = true
	h2be.StartTLS()
	t.Cleanup(h2be.Close)
	h1be := httptest.NewTLSServer(http.HandlerFunc(echoHandler))
	t.Cleanup(h1be.Close)
	b := newTB("httpsbe000", stage("prod", nil))
	b.method("/h2", "GET", proxyTo("https://h2.backend.test/x", true))
	b.method("/h1", "GET", proxyTo("https://h1.backend.test/x", true))
	gw := start(t, b.build(), func(c *Config) {
		c.Maps = map[string]string{"h2.backend.test": h2be.Listener.Addr().String(), "h1.backend.test:443": h1be.Listener.Addr().String()}
	})
	c := h2cClient(t)
	for path, want := range map[string]string{"/h2": "HTTP/2.0", "/h1": "HTTP/1.1"} {
		res := do(t, c, "GET", "http://"+gw.http+"/prod"+path, nil)
		if res.status != 200 {
			t.Fatalf("%s: %d %s", path, res.status, res.body)
		}
		if e := decodeEcho(t, res.body); e.Proto != want || e.Host != path[1:]+".backend.test" {
			t.Errorf("%s: backend saw %s Host %s, want %s", path, e.Proto, e.Host, want)
		}
	}
}

// TestProxyHeaderSets sends, through HTTP_PROXY on both backend protocols,
// every request header API Gateway keeps from an HTTP integration that a
// client can send over HTTP/2, and has the backend answer with every
// response header it drops or renames that a backend's HTTP engine lets
// through: the sets droppedIntegrationHeader, droppedResponseHeader and
// remappedResponseHeader decide.
func TestProxyHeaderSets(t *testing.T) {
	remapped := map[string]string{
		"Authorization": "X-Amzn-Remapped-Authorization", "Date": "X-Amzn-Remapped-Date",
		"Server": "X-Amzn-Remapped-Server", "Www-Authenticate": "X-Amzn-Remapped-Www-Authenticate",
		"Content-Md5": "X-Amzn-Remapped-Content-Md5", "Max-Forwards": "X-Amzn-Remapped-Max-Forwards",
		"User-Agent": "X-Amzn-Remapped-User-Agent",
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k := range remapped {
			w.Header().Set(k, "from-backend")
		}
		w.Header().Set("Proxy-Authenticate", "Basic")
		w.Header().Set("X-Kept", "yes")
		echoHandler(w, r)
	})
	sent := []string{"Max-Forwards", "Proxy-Authorization", "Via", "Www-Authenticate", "Content-Md5", "Server", "Http2-Settings"}
	for _, h2 := range []bool{true, false} {
		var be *httptest.Server
		if h2 {
			be = h2cBackend(t, h)
		} else {
			be = h1Backend(t, h)
		}
		b := newTB("hdrsets000", stage("prod", nil))
		b.method("/x", "GET", proxyTo("http://"+be.Listener.Addr().String()+"/x", h2))
		gw := start(t, b.build(), nil)
		hdr := []string{"X-Client", "c"}
		for _, k := range sent {
			hdr = append(hdr, k, "v")
		}
		for range 2 { // the first request dials; the second takes the detached path on h2c
			res := do(t, h2cClient(t), "GET", "http://"+gw.http+"/prod/x", nil, hdr...)
			if res.status != 200 {
				t.Fatalf("h2 backend %v: status %d body %s", h2, res.status, res.body)
			}
			e := decodeEcho(t, res.body)
			if e.Headers["X-Client"] == nil {
				t.Errorf("h2 backend %v: X-Client not passed: %v", h2, e.Headers)
			}
			for _, k := range sent {
				if e.Headers[k] != nil {
					t.Errorf("h2 backend %v: request header %s passed to the backend", h2, k)
				}
			}
			for k, to := range remapped {
				want := "from-backend"
				if k == "Server" {
					want = "echo" // echoHandler's
				}
				if k == "Date" {
					// The gateway sends a Date of its own.
					if res.header.Get(to) != want {
						t.Errorf("h2 backend %v: %s = %q, want the backend's Date", h2, to, res.header.Get(to))
					}
					continue
				}
				if res.header.Get(to) != want || res.header.Get(k) != "" {
					t.Errorf("h2 backend %v: %s not renamed to %s: %v", h2, k, to, res.header)
				}
			}
			if res.header.Get("Proxy-Authenticate") != "" || res.header.Get("X-Kept") != "yes" {
				t.Errorf("h2 backend %v: response headers %v", h2, res.header)
			}
		}
	}
}

// TestSharedURI: methods with the same integration URI share its parsed
// form (compile parses each URI once per API), and each keeps its own
// mapping of the URI's placeholder: from its path, from a header, and a
// stage whose variable gives another URI.
func TestSharedURI(t *testing.T) {
	be := h1Backend(t, http.HandlerFunc(echoHandler))
	uri := "http://" + be.Listener.Addr().String() + "/items/{id}"
	b := newTB("sharedurid", stage("prod", map[string]string{"v": "one"}), stage("dev", map[string]string{"v": "two"}))
	b.method("/a/{id}", "GET", proxyTo(uri, false))
	hdr := b.method("/b", "GET", proxyTo(uri, false))
	hdr.Integration.RequestParameters = map[string]string{"integration.request.path.id": "method.request.header.X-Id"}
	b.method("/c", "GET", proxyTo("http://"+be.Listener.Addr().String()+"/items/${stageVariables.v}", false))
	gw := start(t, b.build(), nil)
	c := h1Client(t)
	for _, tc := range []struct{ path, hdr, want string }{
		{"/prod/a/7", "", "/items/7"},
		{"/prod/b", "8", "/items/8"},
		{"/dev/a/9", "", "/items/9"},
		{"/prod/c", "", "/items/one"},
		{"/dev/c", "", "/items/two"},
	} {
		res := do(t, c, "GET", "http://"+gw.http+tc.path, nil, "X-Id", tc.hdr)
		if res.status != 200 {
			t.Errorf("%s: %d %s", tc.path, res.status, res.body)
			continue
		}
		if got := decodeEcho(t, res.body).Path; got != tc.want {
			t.Errorf("%s reached %s, want %s", tc.path, got, tc.want)
		}
	}
}
