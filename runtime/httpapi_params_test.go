package runtime

import (
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
	"github.com/cfnrun/cfnrun/internal/model"
)

// TestHTTPAPIParameterMapping sends requests through the real gateway to a
// real h2c backend over HTTP/2 and checks what the backend receives and
// what the client gets back when an HTTP_PROXY integration maps
// parameters: headers and query strings appended, overwritten and
// removed, the path overwritten from a path parameter and a query string,
// values from the route, the stage's variables and the client's headers;
// the response's status and headers changed for the backend's status.
func TestHTTPAPIParameterMapping(t *testing.T) {
	backend := h2cBackend(t, http.HandlerFunc(echoHandler))
	b := newHTTPTB("httpapipm1", stage("$default", map[string]string{"color": "blue"}))
	in := &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "ANY", URI: backend.URL + "/base",
		RequestParameters: map[string]string{
			"append:header.x-from":       "$request.header.User-Agent",
			"append:header.x-list":       "added",
			"overwrite:header.x-route":   "${context.routeKey} on ${context.http.method}",
			"overwrite:header.x-color":   "$stageVariables.color",
			"remove:header.x-secret":     "''",
			"overwrite:querystring.v":    "2",
			"append:querystring.tag":     "new",
			"remove:querystring.drop":    "''",
			"overwrite:path":             "/v2/items/$request.path.id/${request.querystring.kind}",
			"overwrite:header.x-orig":    "$request.path",
			"overwrite:header.x-missing": "[${request.header.x-none}]",
		},
		ResponseMappings: map[string]map[string]string{
			"200": {"overwrite:statuscode": "202", "overwrite:header.x-server": "was $response.header.Server", "remove:header.Server": "''",
				"append:header.x-color": "${stageVariables.color}"},
			"404": {"overwrite:statuscode": "410"},
		}}
	b.route("GET", "/items/{id}", in)
	r := start(t, b.build(), nil)
	c := h2cClient(t)
	res := do(t, c, "GET", "http://"+r.http+"/items/42?kind=book&v=1&drop=x&tag=old", nil,
		"User-Agent", "pm-test", "X-List", "first", "X-Secret", "s3cret")
	if res.status != 202 || res.proto != "HTTP/2.0" {
		t.Fatalf("status %d %s, want 202 over HTTP/2: %s\n%s", res.status, res.proto, res.body, r.logs.String())
	}
	e := decodeEcho(t, res.body)
	if e.Path != "/v2/items/42/book" {
		t.Errorf("backend path %q, want /v2/items/42/book", e.Path)
	}
	if e.RawQuery != "kind=book&tag=old&tag=new&v=2" {
		t.Errorf("backend query %q, want kind=book&tag=old&tag=new&v=2", e.RawQuery)
	}
	h := http.Header(e.Headers)
	for k, want := range map[string]string{"X-From": "pm-test", "X-List": "first,added", "X-Route": "GET /items/{id} on GET",
		"X-Color": "blue", "X-Orig": "/items/42", "X-Missing": "[]", "X-Secret": ""} {
		if got := strings.Join(h.Values(k), "|"); got != want {
			t.Errorf("backend header %s = %q, want %q", k, got, want)
		}
	}
	if res.header.Get("X-Server") != "was echo" || res.header.Get("Server") != "" || res.header.Get("X-Color") != "blue" {
		t.Errorf("response headers: %v", res.header)
	}
}

// TestHTTPMappingFindings: mappings cfnrun cannot apply are reported at the
// integration, never dropped in silence.
func TestHTTPMappingFindings(t *testing.T) {
	var ds diag.Diagnostics
	in := &model.Integration{Type: model.IntegrationAWSProxy, RequestParameters: map[string]string{"overwrite:header.x": "1"}}
	if compileHTTPParams(in, "Route", &ds) != nil || len(ds) != 1 || !strings.Contains(ds[0].Summary, "AWS_PROXY") {
		t.Errorf("Lambda integration: %v", ds)
	}
	ds = nil
	in = &model.Integration{Type: model.IntegrationHTTPProxy, RequestParameters: map[string]string{"overwrite:header.x": "$request.body..a", "overwrite:header.y": "1"},
		ResponseMappings: map[string]map[string]string{"2xx": {"overwrite:statuscode": "201"}}}
	hp := compileHTTPParams(in, "Route", &ds)
	if hp == nil || len(hp.req) != 1 || len(ds) != 2 {
		t.Errorf("findings %v, mappings %+v", ds, hp)
	}
}

// TestHTTPAPIBodySelections: $request.body.PATH and $response.body.PATH
// select from JSON bodies (the request's up to 100 KB, as API Gateway
// truncates it), the bodies themselves go through unchanged, and a
// mapping of header.Host sets the backend request's Host.
func TestHTTPAPIBodySelections(t *testing.T) {
	type seen struct {
		host, user, first, whole, kind string
		body                           []byte
	}
	got := make(chan seen, 4)
	backend := h2cBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Host, r.Header.Get("X-User"), r.Header.Get("X-First"), r.Header.Get("X-Whole"), r.Header.Get("X-Kind"), b}
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("fail") != "" {
			w.WriteHeader(500)
			io.WriteString(w, `{"error":{"code":"E42","retry":false},"code":409}`)
			return
		}
		io.WriteString(w, `{"order":{"id":"o-7","lines":[{"sku":"a"},{"sku":"b"}]},"url":"https://x/y"}`)
	}))
	b := newHTTPTB("httpapibody", stage("$default", nil))
	in := &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "ANY", URI: backend.URL + "/orders",
		RequestParameters: map[string]string{
			"overwrite:header.x-user":  "$request.body.user.id",
			"overwrite:header.x-first": "first=${request.body.items[0].sku}",
			"overwrite:header.x-whole": "${request.body.user}",
			"overwrite:header.x-kind":  "$request.body['odd key']",
			"overwrite:header.host":    "orders.internal.example",
		},
		ResponseMappings: map[string]map[string]string{
			"200": {"append:header.x-order": "$response.body.order.id", "overwrite:header.x-skus": "${response.body.order.lines[*].sku}",
				"overwrite:header.x-missing": "[$response.body.nothing]"},
			"500": {"overwrite:statuscode": "$response.body.code", "overwrite:header.x-error": "${response.body.error.code}"},
		}}
	b.route("POST", "/orders", in)
	r := start(t, b.build(), nil)
	c := h2cClient(t)
	body := `{"user":{"id":"u-1","name":"Ada"},"items":[{"sku":"k1"},{"sku":"k2"}],"odd key":7}`
	res := do(t, c, "POST", "http://"+r.http+"/orders", strings.NewReader(body), "Content-Type", "application/json")
	if res.status != 200 {
		t.Fatalf("status %d: %s\n%s", res.status, res.body, r.logs.String())
	}
	s := <-got
	if s.user != "u-1" || s.first != "first=k1" || s.whole != `{"id":"u-1","name":"Ada"}` || s.kind != "7" || string(s.body) != body {
		t.Errorf("backend saw user %q first %q whole %q kind %q body %q", s.user, s.first, s.whole, s.kind, s.body)
	}
	if s.host != "orders.internal.example" {
		t.Errorf("backend Host %q, want the mapped orders.internal.example", s.host)
	}
	if res.header.Get("X-Order") != "o-7" || res.header.Get("X-Skus") != `["a","b"]` || res.header.Get("X-Missing") != "[]" {
		t.Errorf("response headers %v", res.header)
	}
	if want := `{"order":{"id":"o-7","lines":[{"sku":"a"},{"sku":"b"}]},"url":"https://x/y"}`; string(res.body) != want {
		t.Errorf("client body %q, want the backend's %q", res.body, want)
	}
	// The status a body selection gives; a body that is not JSON
	// selects nothing.
	res = do(t, c, "POST", "http://"+r.http+"/orders?fail=1", strings.NewReader("not json"), "Content-Type", "text/plain")
	if res.status != 409 || res.header.Get("X-Error") != "E42" || !strings.Contains(string(res.body), `"E42"`) {
		t.Errorf("failing call: status %d, X-Error %q, body %q", res.status, res.header.Get("X-Error"), res.body)
	}
	if s := <-got; s.user != "" || s.first != "first=" || string(s.body) != "not json" {
		t.Errorf("non-JSON body: backend saw user %q first %q body %q", s.user, s.first, s.body)
	}
	// Past 100 KB the body is still sent whole, and selects nothing.
	big := `{"user":{"id":"u-2"},"pad":"` + strings.Repeat("x", 110<<10) + `"}`
	res = do(t, c, "POST", "http://"+r.http+"/orders", strings.NewReader(big), "Content-Type", "application/json")
	if res.status != 200 {
		t.Fatalf("big body: status %d", res.status)
	}
	if s := <-got; s.user != "" || len(s.body) != len(big) {
		t.Errorf("big body: backend saw user %q and %d of %d bytes", s.user, len(s.body), len(big))
	}
}

// TestRESTBodyParameters: a REST integration's request parameters from
// method.request.body and method.request.body.PATH reach the backend (an
// HTTP_PROXY integration sends the body on whole after reading it; an
// HTTP one maps from the client's body, not the template's output), and
// integration.response.body.PATH selects with the templates' JSON path
// evaluator. A value that is not a string is sent as compact JSON.
func TestRESTBodyParameters(t *testing.T) {
	type seen struct {
		user, sku, whole, query string
		body                    []byte
	}
	got := make(chan seen, 2)
	be := h2cBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Header.Get("X-User"), r.Header.Get("X-Sku"), r.Header.Get("X-Whole"), r.URL.RawQuery, b}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"order":{"id":"o/1","lines":[{"sku":"a","n":2},{"sku":"b","n":1.5}]}}`)
	}))
	// REST mapping expressions match ^[a-zA-Z0-9._$-]+$: dotted names.
	params := map[string]string{
		"integration.request.header.X-User":     "method.request.body.user.id",
		"integration.request.header.X-Sku":      "method.request.body.user.tags",
		"integration.request.querystring.first": "method.request.body.user.age",
	}
	b := newTB("restbody00", stage("prod", nil))
	b.method("/proxy", "POST", &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "POST", URI: be.URL + "/p",
		RequestParameters: params})
	httpParams := maps.Clone(params)
	httpParams["integration.request.header.X-Whole"] = "method.request.body"
	b.method("/http", "POST", &model.Integration{Type: model.IntegrationHTTP, HTTPMethod: "POST", URI: be.URL + "/h",
		RequestParameters: httpParams,
		RequestTemplates:  map[string]string{"application/json": `{"rewritten": true}`},
		Responses: []model.IntegrationResponse{{StatusCode: "200",
			ResponseParameters: map[string]string{"method.response.header.X-Id": "integration.response.body.order.id",
				"method.response.header.X-Lines": "integration.response.body.order.lines"}}},
	})
	gw := start(t, b.build(), nil)
	c := h2cClient(t)
	body := `{"user":{"id":"u-9","tags":["x","y"],"age":41}}`
	res := do(t, c, "POST", "http://"+gw.http+"/prod/proxy", strings.NewReader(body), "Content-Type", "application/json")
	if res.status != 200 {
		t.Fatalf("proxy: status %d %s\n%s", res.status, res.body, gw.logs.String())
	}
	if s := <-got; s.user != "u-9" || s.sku != `["x","y"]` || s.query != "first=41" || string(s.body) != body {
		t.Errorf("HTTP_PROXY backend saw user %q sku %q query %q body %q", s.user, s.sku, s.query, s.body)
	}
	res = do(t, c, "POST", "http://"+gw.http+"/prod/http", strings.NewReader(body), "Content-Type", "application/json")
	if res.status != 200 {
		t.Fatalf("http: status %d %s\n%s", res.status, res.body, gw.logs.String())
	}
	if s := <-got; s.user != "u-9" || s.sku != `["x","y"]` || s.whole != body || string(s.body) != `{"rewritten": true}` {
		t.Errorf("HTTP backend saw user %q sku %q whole %q body %q", s.user, s.sku, s.whole, s.body)
	}
	// Values that are not strings come out as compact JSON in the
	// document's key order, as API Gateway's Java JSON library writes it.
	if res.header.Get("X-Id") != "o/1" || res.header.Get("X-Lines") != `[{"sku":"a","n":2},{"sku":"b","n":1.5}]` {
		t.Errorf("response parameters %v", res.header)
	}
}

// TestWholeBodyNotTruncated: $request.body is the whole body however long
// (API Gateway's way to pass a payload over 100 KB on), while a selection
// reads the first 100 KB only.
func TestWholeBodyNotTruncated(t *testing.T) {
	var ds diag.Diagnostics
	hp := compileHTTPParams(&model.Integration{Type: model.IntegrationHTTPProxy, RequestParameters: map[string]string{
		"overwrite:querystring.all": "$request.body", "overwrite:querystring.id": "$request.body.id"}}, "Route", &ds)
	if hp == nil || len(ds) != 0 {
		t.Fatalf("compile: %v", ds)
	}
	body := []byte(`{"id":"x","pad":"` + strings.Repeat("p", 150<<10) + `"}`)
	u, _ := url.Parse("http://backend/")
	hp.applyRequest(&reqState{}, http.Header{}, u, body)
	q := u.Query()
	if len(q.Get("all")) != len(body) || q.Get("id") != "" {
		t.Errorf("whole body %d of %d bytes, selection %q (want the whole body and nothing selected past 100 KB)", len(q.Get("all")), len(body), q.Get("id"))
	}
	small := []byte(`{"id":"x"}`)
	u, _ = url.Parse("http://backend/")
	hp.applyRequest(&reqState{}, http.Header{}, u, small)
	if q := u.Query(); q.Get("all") != string(small) || q.Get("id") != "x" {
		t.Errorf("small body: all %q id %q", q.Get("all"), q.Get("id"))
	}
}
