package runtime

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/cfnrun/cfnrun/internal/model"
)

// TestCustomDomains serves two REST APIs under custom domains over h2c:
// an exact domain with a two-level base path and a root mapping, and a
// wildcard domain; the MOCK template reads $context.path (the whole path,
// base path included) and $context.stage. A path no mapping has is 403
// Forbidden, and a domain's mappings never fall through to the
// path-style /{stage} form.
func TestCustomDomains(t *testing.T) {
	tpl := customDomainTemplate()
	r := start(t, tpl, nil)
	c := h2cClient(t)
	for _, tc := range []struct {
		host, path string
		status     int
		body       string
	}{
		{"api.example.com", "/shop/v2/pets/1", 200, "aaaaaaaaaa beta /shop/v2/pets/1 /pets/{id}"},
		{"Api.Example.COM:8443", "/pets/2", 200, "aaaaaaaaaa prod /pets/2 /pets/{id}"},
		{"api.example.com", "/shop/pets/3", 403, `{"message":"Missing Authentication Token"}`}, // the root mapping's, no such resource
		{"svc.example.org", "/b", 200, "bbbbbbbbbb live /b /"},
		{"svc.example.org", "/prod/pets/1", 403, `{"message":"Forbidden"}`},
		{"example.org", "/b", 403, `{"message":"Forbidden"}`}, // not under the wildcard: path-style, and no stage "b"
		{r.http, "/prod/pets/4", 200, "aaaaaaaaaa prod /prod/pets/4 /pets/{id}"},
		{"any.example.com", "/x/beta/pets/5", 200, "aaaaaaaaaa beta /x/beta/pets/5 /pets/{id}"},
		{"any.example.com", "/x/nope/pets/5", 403, `{"message":"Forbidden"}`},
		{"any.example.com", "/x", 403, `{"message":"Forbidden"}`},
	} {
		req, _ := http.NewRequest("GET", "http://"+r.http+tc.path, nil)
		req.Host = tc.host
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || string(body) != tc.body {
			t.Errorf("%s%s: %d %s, want %d %s", tc.host, tc.path, resp.StatusCode, body, tc.status, tc.body)
		}
	}
}

// customDomainTemplate is two REST APIs (MOCK integrations answering
// "$context.apiId $context.stage $context.path $context.resourcePath")
// under custom domains: api.example.com (base path shop/v2 to aaaaaaaaaa's
// beta, the root to its prod), the wildcard *.example.org (b to
// bbbbbbbbbb's live) and any.example.com (x to aaaaaaaaaa, no stage).
func customDomainTemplate() *model.Template {
	mock := func() *model.Integration {
		return &model.Integration{Type: model.IntegrationMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
			Responses: []model.IntegrationResponse{{StatusCode: "200",
				ResponseTemplates: map[string]string{"application/json": `$context.apiId $context.stage $context.path $context.resourcePath`}}}}
	}
	a := newTB("aaaaaaaaaa", stage("prod", nil), stage("beta", nil))
	a.method("/pets/{id}", "GET", mock())
	b := newTB("bbbbbbbbbb", stage("live", nil))
	b.method("/", "GET", mock())
	tpl := a.t
	tpl.APIs = append(tpl.APIs, b.api)
	tpl.DomainNames = []*model.DomainName{
		{LogicalID: "D", Name: "api.example.com", Mappings: []*model.BasePathMapping{
			{LogicalID: "M1", BasePath: "shop/v2", APIID: "aaaaaaaaaa", Stage: "beta"},
			{LogicalID: "M2", BasePath: "", APIID: "aaaaaaaaaa", Stage: "prod"},
		}},
		{LogicalID: "W", Name: "*.example.org", Mappings: []*model.BasePathMapping{{LogicalID: "M3", BasePath: "b", APIID: "bbbbbbbbbb", Stage: "live"}}},
		{LogicalID: "N", Name: "any.example.com", Mappings: []*model.BasePathMapping{{LogicalID: "M4", BasePath: "x", APIID: "aaaaaaaaaa"}}}, // (none): the stage in the path
	}
	tpl.Finalize()
	return tpl
}

// TestWebSocketCustomDomain connects to a WebSocket API through its
// custom domain's base path (Host ws.example.com, /chat): messages reach
// the stage's routes; a plain request there is 426, as on the stage URL;
// another base path of the domain is not the API's.
func TestWebSocketCustomDomain(t *testing.T) {
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "via "+r.Host)
	}))
	defer be.Close()
	x := &model.Method{LogicalID: "X", RouteKey: "$default", AuthorizationType: "NONE",
		Integration: &model.Integration{Type: model.IntegrationHTTPProxy, URI: be.URL + "/x", HTTPMethod: "POST"}}
	tpl := &model.Template{WebSocketAPIs: []*model.WebSocketAPI{{LogicalID: "Chat", ID: "chatapi001", Name: "chat", RouteSelectionExpression: "$request.body.op",
		Routes: []*model.Method{x}, TwoWay: map[*model.Method]bool{x: true}, Stages: []*model.Stage{{LogicalID: "S", Name: "live"}}}},
		DomainNames: []*model.DomainName{{LogicalID: "D", Name: "ws.example.com", V2: true, Mappings: []*model.BasePathMapping{
			{LogicalID: "M", BasePath: "chat", APIID: "chatapi001", Stage: "live"}}}}}
	tpl.Finalize()
	r := start(t, tpl, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+r.http+"/chat", &websocket.DialOptions{Host: "ws.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.Write(ctx, websocket.MessageText, []byte(`{}`))
	if _, p, err := c.Read(ctx); err != nil || !strings.HasPrefix(string(p), "via 127.0.0.1") {
		t.Errorf("a message through the domain: %q %v", p, err)
	}
	for _, tc := range []struct {
		path   string
		status int
	}{{"/chat", http.StatusUpgradeRequired}, {"/other", http.StatusForbidden}} {
		req, _ := http.NewRequest("GET", "http://"+r.http+tc.path, nil)
		req.Host = "ws.example.com"
		resp, err := h1Client(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("plain GET ws.example.com%s: %d, want %d", tc.path, resp.StatusCode, tc.status)
		}
	}
}
