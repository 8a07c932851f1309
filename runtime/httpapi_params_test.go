package runtime

import (
	"net/http"
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
	in = &model.Integration{Type: model.IntegrationHTTPProxy, RequestParameters: map[string]string{"overwrite:header.x": "$request.body.a", "overwrite:header.y": "1"},
		ResponseMappings: map[string]map[string]string{"2xx": {"overwrite:statuscode": "201"}}}
	hp := compileHTTPParams(in, "Route", &ds)
	if hp == nil || len(hp.req) != 1 || len(ds) != 2 {
		t.Errorf("findings %v, mappings %+v", ds, hp)
	}
}
