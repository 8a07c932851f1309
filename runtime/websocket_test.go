package runtime

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/cfnrun/cfnrun/internal/model"
)

// wsHandler is one Node handler for every route of the test API: it
// refuses $connect with ?deny, reports $disconnect to the URL in
// NOTIFY, posts to its own connection through the @connections API on
// "sendmessage" (as a chat handler does with ApiGatewayManagementApi),
// throws on "boom", and answers every message with what it saw.
const wsHandler = `
exports.handler = async (event) => {
  const ctx = event.requestContext;
  if (ctx.eventType === 'CONNECT') {
    if (event.queryStringParameters && event.queryStringParameters.deny) return { statusCode: 403, body: 'denied' };
    return { statusCode: 200, headers: Object.keys(event.headers).some((k) => k.toLowerCase() === 'sec-websocket-protocol' && event.headers[k] === 'chat') && event.headers['X-Forwarded-Proto'] === 'http' ? { 'Sec-WebSocket-Protocol': 'chat' } : {} };
  }
  if (ctx.eventType === 'DISCONNECT') {
    await fetch(process.env.NOTIFY, { method: 'POST', body: JSON.stringify({ id: ctx.connectionId, code: ctx.disconnectStatusCode, route: ctx.routeKey }) });
    return { statusCode: 200 };
  }
  const body = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('hex') : event.body;
  if (ctx.routeKey === 'boom') throw new Error('boom');
  const seen = JSON.stringify({ route: ctx.routeKey, body, stage: ctx.stage, api: ctx.apiId, id: ctx.connectionId, type: ctx.eventType, msgId: !!ctx.messageId, color: (event.stageVariables || {}).color, authorizer: ctx.authorizer });
  if (ctx.routeKey === 'sendmessage') {
    // https, as ApiGatewayManagementApi's endpoint on AWS: the port the
    // client used takes TLS too, and the function trusts the gateway's
    // certificate (NODE_EXTRA_CA_CERTS, Service.TrustCA).
    const r = await fetch('https://' + ctx.domainName + '/' + ctx.stage + '/@connections/' + encodeURIComponent(ctx.connectionId), { method: 'POST', body: 'pushed:' + seen });
    if (r.status !== 200) throw new Error('post returned ' + r.status);
  }
  return { statusCode: 200, body: seen };
};
`

// wsAuthorizerHandler allows token "good" (with a context), denies
// "bad", throws "Unauthorized" for "unauth" (API Gateway's 401), and
// throws on anything else.
const wsAuthorizerHandler = `
exports.handler = async (event) => {
  const token = event.queryStringParameters.token;
  if (event.type !== 'REQUEST' || event.requestContext.eventType !== 'CONNECT') throw new Error('not a connect authorizer event');
  if (token === 'unauth') throw new Error('Unauthorized');
  if (token !== 'good' && token !== 'bad') throw new Error('boom');
  return { principalId: 'user-' + token, context: { plan: 'gold', n: 7 },
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: token === 'good' ? 'Allow' : 'Deny', Resource: event.methodArn }] } };
};
`

func wsTemplate(notify, backend string) *model.Template {
	fn := nodeFunction("ws", 10)
	fn.Code.Files[0].Content = wsHandler
	fn.Environment = map[string]string{"NOTIFY": notify}
	route := func(key string, in *model.Integration) *model.Method {
		return &model.Method{LogicalID: "Route" + strings.Trim(key, "$"), RouteKey: key, AuthorizationType: "NONE", Integration: in}
	}
	def := route("$default", lambdaProxy("ws"))
	boom := route("boom", lambdaProxy("ws"))
	proxied := route("proxied", &model.Integration{Type: model.IntegrationHTTPProxy, URI: backend + "/ws", HTTPMethod: "POST"})
	connect := route("$connect", lambdaProxy("ws"))
	connect.RequestParameters = map[string]bool{"route.request.querystring.token": true}
	chat := &model.WebSocketAPI{LogicalID: "Chat", ID: "chatapi001", Name: "chat", RouteSelectionExpression: "$request.body.action",
		Routes: []*model.Method{connect, route("$disconnect", lambdaProxy("ws")), def, route("sendmessage", lambdaProxy("ws")), boom, proxied},
		TwoWay: map[*model.Method]bool{def: true, boom: true, proxied: true},
		Stages: []*model.Stage{{LogicalID: "Prod", Name: "prod", Variables: map[string]string{"color": "blue"}}}}
	// An API without $default: an unknown action is refused.
	strict := &model.WebSocketAPI{LogicalID: "Strict", ID: "strictapi1", Name: "strict", RouteSelectionExpression: "${request.body.op}",
		Routes: []*model.Method{route("echo", lambdaProxy("ws"))}, TwoWay: map[*model.Method]bool{},
		Stages: []*model.Stage{{LogicalID: "Dev", Name: "dev"}}}
	// An API whose $connect runs a Lambda REQUEST authorizer on the
	// token query string; its $default route shows what the authorizer
	// passed on.
	authFn := nodeFunction("wsauth", 10)
	authFn.Code.Files[0].Content = wsAuthorizerHandler
	guardConnect := route("$connect", lambdaProxy("ws"))
	guardConnect.AuthorizationType, guardConnect.AuthorizerID = "CUSTOM", "auth01"
	guardDefault := route("$default", lambdaProxy("ws"))
	guarded := &model.WebSocketAPI{LogicalID: "Guarded", ID: "guardedap1", Name: "guarded", RouteSelectionExpression: "$request.body.action",
		Routes: []*model.Method{guardConnect, guardDefault}, TwoWay: map[*model.Method]bool{guardDefault: true},
		Authorizers: []*model.Authorizer{{LogicalID: "Auth", ID: "auth01", Name: "token", Type: "REQUEST",
			IdentitySource: "route.request.querystring.token", AuthorizerURI: lambdaURI(fnARN("wsauth"))}},
		Stages: []*model.Stage{{LogicalID: "Secure", Name: "secure"}}}
	t := &model.Template{WebSocketAPIs: []*model.WebSocketAPI{chat, strict, guarded}, Functions: []*model.Function{fn, authFn}}
	t.Finalize()
	return t
}

func readJSON(t *testing.T, ctx context.Context, c *websocket.Conn) map[string]any {
	t.Helper()
	typ, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if typ != websocket.MessageText {
		t.Fatalf("message type %v: %q", typ, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not JSON: %q", b)
	}
	return m
}

func TestWebSocketAPI(t *testing.T) {
	needNode(t)
	var mu sync.Mutex
	var disconnects []map[string]any
	gotDisconnect := make(chan struct{}, 4)
	notify := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		disconnects = append(disconnects, m)
		mu.Unlock()
		gotDisconnect <- struct{}{}
	}))
	defer notify.Close()
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, `{"backend":"`+r.Method+" "+r.URL.Path+`","connectionId":"`+r.Header.Get("connectionId")+`","len":`+itoa(len(b))+`}`)
	}))
	defer backend.Close()
	r, svc := lambdaGateway(t, wsTemplate(notify.URL, backend.URL), nil)
	caFile := filepath.Join(t.TempDir(), "gateway.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.g.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	svc.TrustCA(caFile, "")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	base := "ws://" + r.http

	t.Run("connect refused", func(t *testing.T) {
		_, resp, err := websocket.Dial(ctx, base+"/prod?token=1&deny=1", nil)
		if err == nil || resp == nil || resp.StatusCode != 403 {
			t.Fatalf("want a 403 handshake, got %v %v", resp, err)
		}
		_, resp, err = websocket.Dial(ctx, base+"/prod", nil)
		if err == nil || resp == nil || resp.StatusCode != 403 {
			t.Fatalf("a missing required token: want 403, got %v %v", resp, err)
		}
		res := do(t, h1Client(t), "GET", "http://"+r.http+"/prod", nil)
		if res.status != http.StatusUpgradeRequired {
			t.Errorf("plain GET of the stage: %d %s", res.status, res.body)
		}
	})

	c, resp, err := websocket.Dial(ctx, base+"/prod?token=1", &websocket.DialOptions{Subprotocols: []string{"chat"}})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if c.Subprotocol() != "chat" || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Errorf("subprotocol %q status %d", c.Subprotocol(), resp.StatusCode)
	}

	var id string
	t.Run("default route answers", func(t *testing.T) {
		c.Write(ctx, websocket.MessageText, []byte(`{"action":"nosuch","x":1}`))
		m := readJSON(t, ctx, c)
		if m["route"] != "$default" || m["body"] != `{"action":"nosuch","x":1}` || m["stage"] != "prod" || m["api"] != "chatapi001" ||
			m["type"] != "MESSAGE" || m["msgId"] != true || m["color"] != "blue" {
			t.Errorf("event seen: %v", m)
		}
		id, _ = m["id"].(string)
		c.Write(ctx, websocket.MessageText, []byte(`not json`))
		if m := readJSON(t, ctx, c); m["route"] != "$default" {
			t.Errorf("not JSON goes to $default: %v", m)
		}
	})
	t.Run("one-way route posts through @connections", func(t *testing.T) {
		c.Write(ctx, websocket.MessageText, []byte(`{"action":"sendmessage","data":"hi"}`))
		_, b, err := c.Read(ctx)
		if err != nil || !strings.HasPrefix(string(b), "pushed:") || !strings.Contains(string(b), `"route":"sendmessage"`) {
			t.Fatalf("pushed message: %q %v", b, err)
		}
	})
	t.Run("failing route", func(t *testing.T) {
		c.Write(ctx, websocket.MessageText, []byte(`{"action":"boom"}`))
		m := readJSON(t, ctx, c)
		if m["message"] != "Internal server error" || m["connectionId"] != id || m["requestId"] == "" {
			t.Errorf("error message: %v", m)
		}
	})
	t.Run("HTTP_PROXY route", func(t *testing.T) {
		c.Write(ctx, websocket.MessageText, []byte(`{"action":"proxied","pad":"0123456789"}`))
		m := readJSON(t, ctx, c)
		if m["backend"] != "POST /ws" || m["connectionId"] != id || m["len"] != float64(len(`{"action":"proxied","pad":"0123456789"}`)) {
			t.Errorf("backend answer: %v", m)
		}
	})
	t.Run("management API", func(t *testing.T) {
		hc := h2cClient(t)
		u := "http://" + r.http + "/prod/@connections/" + strings.ReplaceAll(id, "/", "%2F")
		res := do(t, hc, "GET", u, nil)
		var info struct {
			ConnectedAt, LastActiveAt string
			Identity                  struct{ SourceIP string }
		}
		if res.status != 200 || json.Unmarshal([]byte(res.body), &info) != nil || info.Identity.SourceIP != "127.0.0.1" || !strings.HasSuffix(info.ConnectedAt, "Z") {
			t.Errorf("GetConnection: %d %s", res.status, res.body)
		}
		if res := do(t, hc, "POST", u, strings.NewReader("from outside")); res.status != 200 {
			t.Errorf("PostToConnection: %d %s", res.status, res.body)
		}
		if _, b, err := c.Read(ctx); err != nil || string(b) != "from outside" {
			t.Errorf("posted: %q %v", b, err)
		}
		gone := do(t, hc, "POST", "http://"+r.http+"/prod/@connections/nosuch", strings.NewReader("x"))
		if gone.status != 410 || gone.header.Get("x-amzn-ErrorType") != "GoneException" {
			t.Errorf("unknown connection: %d %v", gone.status, gone.header)
		}
		if res := do(t, hc, "DELETE", u, nil); res.status != 204 {
			t.Errorf("DeleteConnection: %d %s", res.status, res.body)
		}
		if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
			t.Errorf("after DeleteConnection: %v", err)
		}
	})
	select {
	case <-gotDisconnect:
	case <-time.After(time.Minute):
		t.Fatal("$disconnect did not run")
	}
	mu.Lock()
	if len(disconnects) != 1 || disconnects[0]["id"] != id || disconnects[0]["route"] != "$disconnect" || disconnects[0]["code"] != float64(1000) {
		t.Errorf("$disconnect events: %v", disconnects)
	}
	mu.Unlock()

	// A binary frame: API Gateway rejects it and disconnects the client
	// with code 1003 (websocket-api-develop-binary-media-types); the
	// route does not run, $disconnect does, with that code.
	t.Run("binary frame", func(t *testing.T) {
		b, _, err := websocket.Dial(ctx, base+"/prod?token=1", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer b.CloseNow()
		b.Write(ctx, websocket.MessageBinary, []byte{0xff, 0x00, 0x01})
		if _, p, err := b.Read(ctx); websocket.CloseStatus(err) != websocket.StatusUnsupportedData {
			t.Errorf("after a binary frame: %q %v, want close 1003", p, err)
		}
		select {
		case <-gotDisconnect:
		case <-time.After(time.Minute):
			t.Fatal("$disconnect did not run")
		}
		mu.Lock()
		defer mu.Unlock()
		if len(disconnects) != 2 || disconnects[1]["code"] != float64(1003) {
			t.Errorf("$disconnect after a binary frame: %v", disconnects[len(disconnects)-1])
		}
	})

	t.Run("no route and no $default", func(t *testing.T) {
		s, _, err := websocket.Dial(ctx, base+"/dev", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.CloseNow()
		s.Write(ctx, websocket.MessageText, []byte(`{"op":"other"}`))
		if m := readJSON(t, ctx, s); m["message"] != "Forbidden" || m["connectionId"] == "" {
			t.Errorf("unknown route: %v", m)
		}
		s.Write(ctx, websocket.MessageText, []byte(`{"op":"echo"}`))
		s.Write(ctx, websocket.MessageText, []byte(strings.Repeat("x", wsMaxMessage+1)))
		if _, _, err := s.Read(ctx); websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
			t.Errorf("a message over 128 KiB: %v", err)
		}
	})
}

func TestWebSocketAuthorizer(t *testing.T) {
	needNode(t)
	r, _ := lambdaGateway(t, wsTemplate("http://127.0.0.1:1/", "http://127.0.0.1:1"), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	base := "ws://" + r.http + "/secure"
	for _, tc := range []struct {
		query  string
		status int
	}{{"", 401}, {"?token=bad", 403}, {"?token=boom", 500}, {"?token=unauth", 401}} {
		_, resp, err := websocket.Dial(ctx, base+tc.query, nil)
		if err == nil || resp == nil || resp.StatusCode != tc.status {
			t.Errorf("connect%s: want %d, got %v %v", tc.query, tc.status, resp, err)
		}
	}
	c, _, err := websocket.Dial(ctx, base+"?token=good", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.Write(ctx, websocket.MessageText, []byte(`{"action":"x"}`))
	m := readJSON(t, ctx, c)
	az, _ := m["authorizer"].(map[string]any)
	if az["principalId"] != "user-good" || az["plan"] != "gold" || az["n"] != "7" || az["integrationLatency"] == nil {
		t.Errorf("requestContext.authorizer in a message event: %v", m["authorizer"])
	}
}

// TestWebSocketReload: a saved template applies to the connections
// already open (the next message takes the new route's target), and
// $connect can be an HTTP_PROXY integration whose status admits or
// refuses the client.
func TestWebSocketReload(t *testing.T) {
	backend := func(name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/connect" {
				if r.URL.Query().Get("deny") != "" || r.Header.Get("X-Deny") != "" {
					w.WriteHeader(http.StatusForbidden)
				}
				return
			}
			b, _ := io.ReadAll(r.Body)
			io.WriteString(w, name+":"+string(b))
		}))
	}
	a, b := backend("a"), backend("b")
	defer a.Close()
	defer b.Close()
	tpl := func(target string) *model.Template {
		x := &model.Method{LogicalID: "X", RouteKey: "x", AuthorizationType: "NONE",
			Integration: &model.Integration{Type: model.IntegrationHTTPProxy, URI: target + "/x", HTTPMethod: "POST"}}
		connect := &model.Method{LogicalID: "Connect", RouteKey: "$connect", AuthorizationType: "NONE",
			Integration: &model.Integration{Type: model.IntegrationHTTPProxy, URI: a.URL + "/connect", HTTPMethod: "GET"}}
		api := &model.WebSocketAPI{LogicalID: "Api", ID: "reloadapi1", Name: "reload", RouteSelectionExpression: "$request.body.op",
			Routes: []*model.Method{connect, x}, TwoWay: map[*model.Method]bool{x: true}, Stages: []*model.Stage{{LogicalID: "S", Name: "s"}}}
		t := &model.Template{WebSocketAPIs: []*model.WebSocketAPI{api}}
		t.Finalize()
		return t
	}
	r := start(t, tpl(a.URL), nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, resp, err := websocket.Dial(ctx, "ws://"+r.http+"/s", &websocket.DialOptions{HTTPHeader: http.Header{"X-Deny": {"1"}}}); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("$connect answering 403: %v %v", resp, err)
	}
	c, _, err := websocket.Dial(ctx, "ws://"+r.http+"/s", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	send := func() string {
		c.Write(ctx, websocket.MessageText, []byte(`{"op":"x"}`))
		_, p, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return string(p)
	}
	if got := send(); got != `a:{"op":"x"}` {
		t.Fatalf("before the reload: %q", got)
	}
	if _, err := r.g.Load(tpl(b.URL)); err != nil {
		t.Fatal(err)
	}
	if got := send(); got != `b:{"op":"x"}` {
		t.Errorf("after the reload, on the same connection: %q", got)
	}
}

// TestWebSocketMock: a MOCK $connect admits or refuses by the statusCode
// its request template writes ($input.params reads the handshake's query
// string); a MOCK message route runs its template and sends nothing.
func TestWebSocketMock(t *testing.T) {
	mock := func(tpl string) *model.Integration {
		return &model.Integration{Type: model.IntegrationMock, RequestTemplates: map[string]string{"$default": tpl}}
	}
	connect := &model.Method{LogicalID: "Connect", RouteKey: "$connect", AuthorizationType: "NONE",
		Integration: mock(`{"statusCode": #if($input.params('ok') == "yes")200#{else}403#end}`)}
	ping := &model.Method{LogicalID: "Ping", RouteKey: "ping", AuthorizationType: "NONE", Integration: mock(`{"statusCode": 200}`)}
	broken := &model.Method{LogicalID: "Broken", RouteKey: "broken", AuthorizationType: "NONE", Integration: mock(`{"no": "status"}`)}
	api := &model.WebSocketAPI{LogicalID: "Api", ID: "mockapi001", Name: "mock", RouteSelectionExpression: "$request.body.op",
		Routes: []*model.Method{connect, ping, broken}, TwoWay: map[*model.Method]bool{}, Stages: []*model.Stage{{LogicalID: "S", Name: "s"}}}
	tpl := &model.Template{WebSocketAPIs: []*model.WebSocketAPI{api}}
	tpl.Finalize()
	r := start(t, tpl, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, resp, err := websocket.Dial(ctx, "ws://"+r.http+"/s?ok=no", nil); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("MOCK $connect answering 403: %v %v", resp, err)
	}
	c, _, err := websocket.Dial(ctx, "ws://"+r.http+"/s?ok=yes", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.Write(ctx, websocket.MessageText, []byte(`{"op":"ping"}`))
	c.Write(ctx, websocket.MessageText, []byte(`{"op":"broken"}`))
	// ping sends nothing; broken (no statusCode) sends the error message.
	if m := readJSON(t, ctx, c); m["message"] != "Internal server error" {
		t.Errorf("a MOCK template without statusCode: %v", m)
	}
}

// TestWebSocketBesideREST: a REST API and a WebSocket API with the same
// stage name share the URL: a plain request goes to the REST API, a
// WebSocket handshake to the WebSocket API.
func TestWebSocketBesideREST(t *testing.T) {
	b := newTB("restapi001", stage("s", nil))
	b.method("/", "GET", &model.Integration{Type: model.IntegrationMock, RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{"application/json": `{"from":"rest"}`}}}})
	tpl := b.build()
	ping := &model.Method{LogicalID: "Ping", RouteKey: "$connect", AuthorizationType: "NONE",
		Integration: &model.Integration{Type: model.IntegrationMock, RequestTemplates: map[string]string{"$default": `{"statusCode": 200}`}}}
	tpl.WebSocketAPIs = []*model.WebSocketAPI{{LogicalID: "Ws", ID: "wsapi00001", Name: "ws", RouteSelectionExpression: "$request.body.op",
		Routes: []*model.Method{ping}, TwoWay: map[*model.Method]bool{}, Stages: []*model.Stage{{LogicalID: "S", Name: "s"}}}}
	tpl.Finalize()
	r := start(t, tpl, nil)
	if res := do(t, h1Client(t), "GET", "http://"+r.http+"/s", nil); res.status != 200 || !strings.Contains(res.body, "rest") {
		t.Errorf("GET /s: %d %s", res.status, res.body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+r.http+"/s", nil)
	if err != nil {
		t.Fatalf("the handshake to /s: %v", err)
	}
	c.Close(websocket.StatusNormalClosure, "")
}

// TestWebSocketProxyMapped: an HTTP_PROXY route's host goes through
// --map, as REST and HTTP API integrations do.
func TestWebSocketProxyMapped(t *testing.T) {
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "mapped "+r.Host+" "+r.Header.Get("Sec-Websocket-Key"))
	}))
	defer be.Close()
	x := &model.Method{LogicalID: "X", RouteKey: "$default", AuthorizationType: "NONE",
		Integration: &model.Integration{Type: model.IntegrationHTTPProxy, URI: "http://chat.internal/x", HTTPMethod: "POST"}}
	tpl := &model.Template{WebSocketAPIs: []*model.WebSocketAPI{{LogicalID: "Api", ID: "mappedapi1", Name: "mapped", RouteSelectionExpression: "$request.body.op",
		Routes: []*model.Method{x}, TwoWay: map[*model.Method]bool{x: true}, Stages: []*model.Stage{{LogicalID: "S", Name: "s"}}}}}
	tpl.Finalize()
	r := start(t, tpl, func(c *Config) { c.Maps = map[string]string{"chat.internal": strings.TrimPrefix(be.URL, "http://")} })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+r.http+"/s", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.Write(ctx, websocket.MessageText, []byte(`{}`))
	if _, p, err := c.Read(ctx); err != nil || string(p) != "mapped chat.internal " {
		t.Errorf("the mapped backend's answer: %q %v", p, err)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
