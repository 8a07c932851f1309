package runtime

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/cfnrun/cfnrun/internal/model"
	"github.com/cfnrun/cfnrun/resolver"
)

// wsIntegTemplate is a WebSocket API of non-proxy integrations in the
// shapes the CDK's integ.aws / integ.mock snapshots and the AWS guide's
// data-mapping examples write them: MOCK and HTTP routes with request
// templates picked by TemplateSelectionExpression, request parameters,
// passthrough behaviours and integration responses selected by status.
const wsIntegTemplate = `
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: integ
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  # MOCK: the template by kind writes the status; /4\d{2}/ and $default
  # answer (CDK integ.aws's keys), the 4xx one by status code.
  MockInteg:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
      TemplateSelectionExpression: ${request.body.kind}
      RequestTemplates:
        ok: '{"statusCode": 200}'
        missing: '{"statusCode": 404}'
        teapot: '{"statusCode": 418}'
  MockRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: mock
      RouteResponseSelectionExpression: $default
      Target: !Join ['', [integrations/, !Ref MockInteg]]
  MockRouteResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref MockRoute
      RouteResponseKey: $default
  MockOK:
    Type: AWS::ApiGatewayV2::IntegrationResponse
    Properties:
      ApiId: !Ref Api
      IntegrationId: !Ref MockInteg
      IntegrationResponseKey: $default
      ResponseTemplates:
        application/json: '{"success": true, "route": "$context.routeKey"}'
  Mock4xx:
    Type: AWS::ApiGatewayV2::IntegrationResponse
    Properties:
      ApiId: !Ref Api
      IntegrationId: !Ref MockInteg
      IntegrationResponseKey: /4\d{2}/
      TemplateSelectionExpression: ${integration.response.statuscode}
      ResponseTemplates:
        "404": '{"error": "missing"}'
        $default: '{"error": "client"}'
  # HTTP (non-proxy): a template over the message, parameters from the
  # body, the context, a stage variable and a literal; the backend's
  # status picks the response.
  HttpInteg:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: HTTP
      IntegrationMethod: PUT
      IntegrationUri: BACKEND/items
      TemplateSelectionExpression: \$default
      RequestTemplates:
        $default: '{"item": $input.json(''$.item''), "conn": "$context.connectionId"}'
      RequestParameters:
        integration.request.header.X-Conn: context.connectionId
        integration.request.header.X-Item: route.request.body.item.id
        integration.request.header.X-Color: stageVariables.color
        integration.request.header.X-Static: "'literal'"
        integration.request.querystring.route: context.routeKey
  HttpRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: http
      Target: !Join ['', [integrations/, !Ref HttpInteg]]
  HttpRouteResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref HttpRoute
      RouteResponseKey: $default
  HttpOK:
    Type: AWS::ApiGatewayV2::IntegrationResponse
    Properties:
      ApiId: !Ref Api
      IntegrationId: !Ref HttpInteg
      IntegrationResponseKey: $default
  Http5xx:
    Type: AWS::ApiGatewayV2::IntegrationResponse
    Properties:
      ApiId: !Ref Api
      IntegrationId: !Ref HttpInteg
      IntegrationResponseKey: /5\d\d/
      ResponseTemplates:
        $default: '{"failed": "$input.path(''$.why'')", "status": "$input.path(''$.status'')"}'
  # NEVER: a kind without a template is refused.
  StrictInteg:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
      PassthroughBehavior: NEVER
      TemplateSelectionExpression: ${request.body.kind}
      RequestTemplates:
        known: '{"statusCode": 200}'
  StrictRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: strict
      Target: !Join ['', [integrations/, !Ref StrictInteg]]
  # One-way: its integration response is never sent.
  QuietInteg:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
      RequestTemplates:
        application/json: '{"statusCode": 200}'
  QuietRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: quiet
      Target: !Join ['', [integrations/, !Ref QuietInteg]]
  QuietOK:
    Type: AWS::ApiGatewayV2::IntegrationResponse
    Properties:
      ApiId: !Ref Api
      IntegrationId: !Ref QuietInteg
      IntegrationResponseKey: $default
      ResponseTemplates:
        application/json: '"never sent"'
  # CONVERT_TO_BINARY on the integration response: base64 text out of
  # the template goes back as a binary frame.
  BinInteg:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: MOCK
      RequestTemplates:
        application/json: '{"statusCode": 200}'
  BinRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: bin
      Target: !Join ['', [integrations/, !Ref BinInteg]]
  BinRouteResponse:
    Type: AWS::ApiGatewayV2::RouteResponse
    Properties:
      ApiId: !Ref Api
      RouteId: !Ref BinRoute
      RouteResponseKey: $default
  BinOK:
    Type: AWS::ApiGatewayV2::IntegrationResponse
    Properties:
      ApiId: !Ref Api
      IntegrationId: !Ref BinInteg
      IntegrationResponseKey: $default
      ContentHandlingStrategy: CONVERT_TO_BINARY
      ResponseTemplates:
        application/json: AAEC/w==
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: dev
      StageVariables:
        color: blue
`

// resolveYAML resolves src as a template file.
func resolveYAML(t *testing.T, src string) *model.Template {
	t.Helper()
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := resolver.Resolve(context.Background(), []string{path}, resolver.Options{})
	if errs := r.Diags.Errors(); len(errs) > 0 {
		t.Fatal(errs[0].Error())
	}
	return r.Template
}

func TestWebSocketNonProxyIntegrations(t *testing.T) {
	type seen struct {
		method, path, query, body, ctype string
		hdr                              http.Header
	}
	got := make(chan seen, 4)
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.URL.Path, r.URL.RawQuery, string(b), r.Header.Get("Content-Type"), r.Header.Clone()}
		if strings.Contains(string(b), "fail") {
			w.WriteHeader(503)
			io.WriteString(w, `{"why": "backend down", "status": 503}`)
			return
		}
		io.WriteString(w, `{"stored": true}`)
	}))
	defer backend.Close()
	r := start(t, resolveYAML(t, strings.ReplaceAll(wsIntegTemplate, "BACKEND", backend.URL)), nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+r.http+"/dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	send := func(msg string) {
		t.Helper()
		if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	read := func() string {
		t.Helper()
		typ, b, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if typ != websocket.MessageText {
			t.Fatalf("a %v frame: %q", typ, b)
		}
		return string(b)
	}

	// MOCK: the status the template wrote picks the integration response.
	send(`{"action": "mock", "kind": "ok"}`)
	if m := read(); m != `{"success": true, "route": "mock"}` {
		t.Errorf("MOCK 200: %s", m)
	}
	send(`{"action": "mock", "kind": "missing"}`)
	if m := read(); m != `{"error": "missing"}` {
		t.Errorf("MOCK 404 (/4\\d{2}/, its 404 template): %s", m)
	}
	send(`{"action": "mock", "kind": "teapot"}`)
	if m := read(); m != `{"error": "client"}` {
		t.Errorf("MOCK 418 (/4\\d{2}/, its $default template): %s", m)
	}
	// No template for the kind and no $default one: the message passes
	// through (WHEN_NO_MATCH) and has no statusCode, a failed MOCK.
	send(`{"action": "mock", "kind": "other"}`)
	if m := read(); !strings.HasPrefix(m, `{"message":"Internal server error","connectionId":"`) {
		t.Errorf("MOCK without a statusCode: %s", m)
	}

	// HTTP: the request template's output, the mapped parameters.
	send(`{"action": "http", "item": {"id": 7, "name": "lamp"}}`)
	s := <-got
	var body map[string]any
	if err := json.Unmarshal([]byte(s.body), &body); err != nil {
		t.Fatalf("backend body %q: %v", s.body, err)
	}
	conn, _ := body["conn"].(string)
	if s.method != "PUT" || s.path != "/items" || s.query != "route=http" || s.ctype != "application/json" || conn == "" ||
		s.hdr.Get("X-Conn") != conn || s.hdr.Get("X-Item") != "7" || s.hdr.Get("X-Color") != "blue" || s.hdr.Get("X-Static") != "literal" {
		t.Errorf("backend saw %+v", s)
	}
	if item, _ := body["item"].(map[string]any); item["name"] != "lamp" {
		t.Errorf("backend body %s", s.body)
	}
	if s.hdr.Get("connectionId") != "" {
		t.Errorf("an HTTP (non-proxy) integration got a connectionId header it did not map")
	}
	if m := read(); m != `{"stored": true}` {
		t.Errorf("HTTP 200 through $default (no template: the body): %s", m)
	}
	send(`{"action": "http", "item": "fail"}`)
	<-got
	if m := read(); m != `{"failed": "backend down", "status": "503"}` {
		t.Errorf("HTTP 503 through /5\\d\\d/: %s", m)
	}

	// NEVER: a message no template takes is refused; a one-way route's
	// error still reaches the client, as other errors do.
	send(`{"action": "strict", "kind": "unknown"}`)
	if m := read(); !strings.HasPrefix(m, `{"message":"Unsupported Media Type","connectionId":"`) {
		t.Errorf("NEVER without a template: %s", m)
	}
	send(`{"action": "strict", "kind": "known"}`) // one-way: nothing back
	// One-way: the integration response is never sent; the binary
	// route's answer is the next message.
	send(`{"action": "quiet"}`)
	send(`{"action": "bin"}`)
	typ, b, err := c.Read(ctx)
	if err != nil || typ != websocket.MessageBinary || string(b) != "\x00\x01\x02\xff" {
		t.Errorf("CONVERT_TO_BINARY: %v %q %v", typ, b, err)
	}
	c.Close(websocket.StatusNormalClosure, "")
}

// wsSendMessageTemplate is the request template of serverless-patterns'
// apigw-websocket-mapping-template-authorizer (an AWS integration with a
// Lambda function, keyed application/json, without a
// TemplateSelectionExpression), trimmed.
const wsSendMessageTemplate = `{
  "requestContext": {
    "routeKey": "$context.routeKey",
    "eventType": "$context.eventType",
    "stage": "$context.stage",
    "connectionId": "$context.connectionId"
  },
  "body": "$util.escapeJavaScript($input.body)"
}`

// wsAWSHandler answers what the template gave it, and fails on "fail".
const wsAWSHandler = `
exports.handler = async (event) => {
  const body = JSON.parse(event.body);
  if (body.fail) throw new Error('bad input: ' + body.fail);
  return { got: event.requestContext.routeKey, type: event.requestContext.eventType, stage: event.requestContext.stage, conn: event.requestContext.connectionId.length > 0, data: body.data };
};
`

func TestWebSocketAWSLambdaIntegration(t *testing.T) {
	needNode(t)
	fn := nodeFunction("wsaws", 10)
	fn.Code.Files[0].Content = wsAWSHandler
	send := &model.Method{LogicalID: "SendRoute", RouteKey: "sendmessage", AuthorizationType: "NONE",
		Integration: &model.Integration{Type: model.IntegrationAWS, HTTPMethod: "POST", URI: lambdaURI(fnARN("wsaws")),
			RequestTemplates: map[string]string{"application/json": wsSendMessageTemplate},
			Responses: []model.IntegrationResponse{{Key: "$default"},
				{Key: "/bad input.*/", ResponseTemplates: map[string]string{"$default": `{"error": "$input.path('$.errorMessage')"}`}}}}}
	api := &model.WebSocketAPI{LogicalID: "Api", ID: "awsinteg01", Name: "aws", RouteSelectionExpression: "$request.body.action",
		Routes: []*model.Method{send}, TwoWay: map[*model.Method]bool{send: true}, Stages: []*model.Stage{{LogicalID: "S", Name: "stage"}}}
	tpl := &model.Template{WebSocketAPIs: []*model.WebSocketAPI{api}, Functions: []*model.Function{fn}}
	tpl.Finalize()
	r, _ := lambdaGateway(t, tpl, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+r.http+"/stage", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.Write(ctx, websocket.MessageText, []byte(`{"action": "sendmessage", "data": "hey \"queen\""}`))
	m := readJSON(t, ctx, c)
	if m["got"] != "sendmessage" || m["type"] != "MESSAGE" || m["stage"] != "stage" || m["conn"] != true || m["data"] != `hey "queen"` {
		t.Errorf("the function's answer through $default: %v", m)
	}
	c.Write(ctx, websocket.MessageText, []byte(`{"action": "sendmessage", "fail": "nope"}`))
	if m := readJSON(t, ctx, c); m["error"] != "bad input: nope" {
		t.Errorf("a function error through /bad input.*/: %v", m)
	}
	c.Close(websocket.StatusNormalClosure, "")
}

// TestWebSocketRequestParametersIgnoredSaySo: a WebSocket integration's
// request parameter up cannot apply (a misspelt source, a key API
// Gateway's WebSocket APIs do not map) is a warning at its place in the
// template, not dropped silently; the valid ones still compile.
func TestWebSocketRequestParametersIgnoredSaySo(t *testing.T) {
	src := strings.ReplaceAll(wsIntegTemplate, "BACKEND", "http://127.0.0.1:1")
	src = strings.Replace(src, "        integration.request.header.X-Conn: context.connectionId\n",
		"        integration.request.header.X-Conn: context.connectionId\n"+
			"        integration.request.header.X-Typo: route.request.bodyy.item\n"+
			"        integration.request.path.p: context.routeKey\n", 1)
	tpl := resolveYAML(t, src)
	g, err := New(Config{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := g.Load(tpl)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		if strings.Contains(d.Summary, "of WebSocket route http is ignored") {
			if d.Range.Start.Line == 0 || d.Detail == "" {
				t.Errorf("no position or hint: %+v", d)
			}
			got = append(got, d.Summary)
		}
	}
	if len(got) != 2 || !strings.Contains(got[0], "X-Typo = route.request.bodyy.item") || !strings.Contains(got[1], "integration.request.path.p") {
		t.Errorf("ignored parameters reported: %q", got)
	}
}
