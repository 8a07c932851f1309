package runtime

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/cfnrun/cfnrun/internal/model"
)

// wsAccessTemplate is a WebSocket API whose $connect (MOCK) requires an
// API key, with two two-way HTTP_PROXY routes: "slow", throttled by its
// RouteSettings to a burst of 2 tokens refilled once in 1,000 s, and
// "fast", under the stage's DefaultRouteSettings. A usage plan grants key
// "ws-key-value-0123456789" on stage s with a quota of quota a day
// (0: none); the stage logs every event.
func wsAccessTemplate(backend string, quota int) *model.Template {
	connect := &model.Method{LogicalID: "Connect", RouteKey: "$connect", AuthorizationType: "NONE", APIKeyRequired: true,
		Integration: &model.Integration{Type: model.IntegrationMock, RequestTemplates: map[string]string{"$default": `{"statusCode": 200}`}}}
	proxy := func(key string) *model.Method {
		return &model.Method{LogicalID: "Route" + key, RouteKey: key, AuthorizationType: "NONE",
			Integration: &model.Integration{Type: model.IntegrationHTTPProxy, URI: backend + "/" + key, HTTPMethod: "POST"}}
	}
	slow, fast := proxy("slow"), proxy("fast")
	st := &model.Stage{LogicalID: "S", Name: "s", MethodSettings: []model.MethodSetting{
		{ResourcePath: "/*", HTTPMethod: "*", ThrottlingBurstLimit: 100, ThrottlingRateLimit: 100},
		{RouteKey: "slow", ThrottlingBurstLimit: 2, ThrottlingRateLimit: 0.001},
	}, AccessLogFormat: `$context.eventType $context.routeKey $context.status $context.error.message $context.integrationStatus $context.connectionId`}
	api := &model.WebSocketAPI{LogicalID: "Api", ID: "wsaccess01", Name: "keyed", RouteSelectionExpression: "$request.body.op",
		Routes: []*model.Method{connect, slow, fast}, TwoWay: map[*model.Method]bool{slow: true, fast: true}, Stages: []*model.Stage{st}}
	plan := &model.UsagePlan{LogicalID: "Plan", ID: "wsplan01", Name: "ws",
		Stages: []model.UsagePlanStage{{APIID: api.ID, Stage: "s"}},
		Keys:   []model.UsagePlanKey{{KeyID: "wskey00001", KeyType: "API_KEY"}, {KeyID: "wskeyoff01", KeyType: "API_KEY"}}}
	if quota > 0 {
		plan.Quota = &model.Quota{Limit: quota, Period: model.QuotaDay}
	}
	tpl := &model.Template{WebSocketAPIs: []*model.WebSocketAPI{api},
		APIKeys: []*model.APIKey{{LogicalID: "Key", ID: "wskey00001", Name: "ws", Value: "ws-key-value-0123456789", Enabled: true},
			{LogicalID: "Off", ID: "wskeyoff01", Name: "off", Value: "ws-off-value-0123456789", Enabled: false}},
		UsagePlans: []*model.UsagePlan{plan}}
	tpl.Finalize()
	return tpl
}

func wsEchoBackend(t *testing.T) string {
	t.Helper()
	be := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, "echo "+r.URL.Path+" "+string(b))
	}))
	t.Cleanup(be.Close)
	return be.URL
}

// TestWebSocketAPIKeysAndThrottles: $connect with ApiKeyRequired admits
// only an enabled key of a usage plan of the stage (403 otherwise); a
// route's RouteSettings throttle refuses the message past its burst with
// API Gateway's WebSocket error message, without running the route,
// while other routes (DefaultRouteSettings) go on; the stage's access log
// has a line per event, refused handshakes included.
func TestWebSocketAPIKeysAndThrottles(t *testing.T) {
	var out logBuffer
	r := start(t, wsAccessTemplate(wsEchoBackend(t), 0), func(c *Config) { c.StageLog = &out })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url := "ws://" + r.http + "/s"
	for _, key := range []string{"", "wrong-key", "ws-off-value-0123456789"} {
		h := http.Header{}
		if key != "" {
			h.Set("X-Api-Key", key)
		}
		_, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h})
		if err == nil || resp == nil || resp.StatusCode != 403 {
			t.Fatalf("connect with key %q: want 403, got %v %v", key, resp, err)
		}
		if b, _ := io.ReadAll(resp.Body); string(b) != `{"message":"Forbidden"}` {
			t.Errorf("connect with key %q: body %q", key, b)
		}
	}
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"X-Api-Key": {"ws-key-value-0123456789"}}})
	if err != nil {
		t.Fatalf("connect with the plan's key: %v", err)
	}
	defer c.CloseNow()
	send := func(op string) string {
		t.Helper()
		if err := c.Write(ctx, websocket.MessageText, []byte(`{"op":"`+op+`"}`)); err != nil {
			t.Fatal(err)
		}
		_, p, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return string(p)
	}
	for i := range 2 {
		if got := send("slow"); got != `echo /slow {"op":"slow"}` {
			t.Fatalf("slow message %d within the burst: %q", i+1, got)
		}
	}
	m := send("slow")
	if !strings.HasPrefix(m, `{"message":"Too Many Requests","connectionId":"`) || !strings.Contains(m, `"requestId":"`) {
		t.Errorf("slow message past the burst: %q", m)
	}
	if got := send("fast"); got != `echo /fast {"op":"fast"}` {
		t.Errorf("a route under the default settings after another's throttle: %q", got)
	}
	c.Close(websocket.StatusNormalClosure, "")
	var lines []string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		lines = strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) >= 9 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	want := []string{
		"CONNECT $connect 403 Forbidden - ",
		"CONNECT $connect 403 Forbidden - ",
		"CONNECT $connect 403 Forbidden - ",
		"CONNECT $connect 200 - 200 ",
		"MESSAGE slow 200 - 200 ",
		"MESSAGE slow 200 - 200 ",
		"MESSAGE slow 429 Too Many Requests - ",
		"MESSAGE fast 200 - 200 ",
		"DISCONNECT $disconnect 200 - - ",
	}
	if len(lines) != len(want) {
		t.Fatalf("access log: %d lines, want %d:\n%s", len(lines), len(want), out.String())
	}
	// A message's line is written when its route has run, and the echo
	// backend answers through @connections before that: the client can
	// send the next message, and the gateway log its refusal, before the
	// line of the one answered. The four MESSAGE lines may come in any
	// order (CloudWatch promises none either); sorted, they are want's.
	msgs := lines[4:8]
	slices.SortStableFunc(msgs, func(a, b string) int {
		return slices.IndexFunc(want[4:8], func(w string) bool { return strings.HasPrefix(a, w) }) -
			slices.IndexFunc(want[4:8], func(w string) bool { return strings.HasPrefix(b, w) })
	})
	var id string
	for i, l := range lines {
		if !strings.HasPrefix(l, want[i]) {
			t.Errorf("access log line %d: %q, want %q…", i+1, l, want[i])
			continue
		}
		rest := strings.TrimPrefix(l, want[i])
		if rest == "" || rest == "-" {
			t.Errorf("access log line %d has no connectionId: %q", i+1, l)
		}
		if i >= 3 {
			if id == "" {
				id = rest
			} else if rest != id {
				t.Errorf("access log line %d: connection %q, want %q", i+1, rest, id)
			}
		}
	}
}

// TestWebSocketUsagePlanQuota: the usage plan's quota counts $connect and
// every message the key's connection sends; past it the handshake gets
// 429 Limit Exceeded and a message the WebSocket error message. A
// message refused by a throttle takes no quota.
func TestWebSocketUsagePlanQuota(t *testing.T) {
	r := start(t, wsAccessTemplate(wsEchoBackend(t), 5), nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url := "ws://" + r.http + "/s"
	key := &websocket.DialOptions{HTTPHeader: http.Header{"X-Api-Key": {"ws-key-value-0123456789"}}}
	c, _, err := websocket.Dial(ctx, url, key) // 1
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	var got []string
	for _, op := range []string{"slow", "slow", "slow", "fast", "fast", "fast"} { // 2, 3, throttled, 4, 5, over
		c.Write(ctx, websocket.MessageText, []byte(`{"op":"`+op+`"}`))
		_, p, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s := string(p)
		if i := strings.Index(s, `","connectionId"`); i > 0 {
			s = s[:i] + `"}`
		}
		got = append(got, s)
	}
	want := []string{`echo /slow {"op":"slow"}`, `echo /slow {"op":"slow"}`, `{"message":"Too Many Requests"}`,
		`echo /fast {"op":"fast"}`, `echo /fast {"op":"fast"}`, `{"message":"Limit Exceeded"}`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("answers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_, resp, err := websocket.Dial(ctx, url, key)
	if err == nil || resp == nil || resp.StatusCode != 429 {
		t.Fatalf("connect past the quota: want 429, got %v %v", resp, err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != `{"message":"Limit Exceeded"}` {
		t.Errorf("connect past the quota: body %q", b)
	}
}

// wsKeyAuthorizer allows every token and names the API key in
// usageIdentifierKey: "ws-key-value-0123456789" for token "paid", none
// for "free".
const wsKeyAuthorizer = `
exports.handler = async (event) => ({
  principalId: 'user-' + event.queryStringParameters.token,
  usageIdentifierKey: event.queryStringParameters.token === 'paid' ? 'ws-key-value-0123456789' : undefined,
  policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
});
`

// TestWebSocketAPIKeyFromAuthorizer: with ApiKeySelectionExpression
// $context.authorizer.usageIdentifierKey the key is what $connect's Lambda
// authorizer returns, not the x-api-key header; the access log reads the
// authorizer's principalId, also of a connection the key then refused.
func TestWebSocketAPIKeyFromAuthorizer(t *testing.T) {
	needNode(t)
	tpl := wsAccessTemplate(wsEchoBackend(t), 0)
	api := tpl.WebSocketAPIs[0]
	api.APIKeySelectionExpression = "$context.authorizer.usageIdentifierKey"
	api.Stages[0].AccessLogFormat = "$context.eventType $context.status $context.authorizer.principalId"
	connect := api.Route("$connect")
	connect.AuthorizationType, connect.AuthorizerID = "CUSTOM", "keyauth1"
	api.Authorizers = []*model.Authorizer{{LogicalID: "KeyAuth", ID: "keyauth1", Name: "keys", Type: "REQUEST",
		IdentitySource: "route.request.querystring.token", AuthorizerURI: lambdaURI(fnARN("wskeys"))}}
	fn := nodeFunction("wskeys", 10)
	fn.Code.Files[0].Content = wsKeyAuthorizer
	tpl.Functions = append(tpl.Functions, fn)
	tpl.Finalize()
	var out logBuffer
	r, _ := lambdaGateway(t, tpl, func(c *Config) { c.StageLog = &out })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	url := "ws://" + r.http + "/s"
	// The header is not where this API reads its key from.
	_, resp, err := websocket.Dial(ctx, url+"?token=free", &websocket.DialOptions{HTTPHeader: http.Header{"X-Api-Key": {"ws-key-value-0123456789"}}})
	if err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("connect with the key in x-api-key only: want 403, got %v %v", resp, err)
	}
	c, _, err := websocket.Dial(ctx, url+"?token=paid", nil)
	if err != nil {
		t.Fatalf("connect with the authorizer's key: %v", err)
	}
	c.Close(websocket.StatusNormalClosure, "")
	want := "CONNECT 403 user-free\nCONNECT 200 user-paid\nDISCONNECT 200 user-paid"
	deadline := time.Now().Add(30 * time.Second)
	for strings.TrimSpace(out.String()) != want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := strings.TrimSpace(out.String()); got != want {
		t.Errorf("access log:\n%s\nwant:\n%s", got, want)
	}
}

// TestWebSocketAccessLogDetails: a message that names $connect or
// $disconnect goes to $default (API Gateway runs those routes only on
// connecting and leaving); the access log carries the connection's API
// key id, and a key-less message to a route with ApiKeyRequired is logged
// as INVALID_API_KEY while the client gets the Forbidden message.
func TestWebSocketAccessLogDetails(t *testing.T) {
	backend := wsEchoBackend(t)
	tpl := wsAccessTemplate(backend, 0)
	keyed := tpl.WebSocketAPIs[0]
	def := &model.Method{LogicalID: "Default", RouteKey: "$default", AuthorizationType: "NONE",
		Integration: &model.Integration{Type: model.IntegrationHTTPProxy, URI: backend + "/default", HTTPMethod: "POST"}}
	keyed.Routes = append(keyed.Routes, def)
	keyed.TwoWay[def] = true
	keyed.Stages[0].AccessLogFormat = "$context.eventType $context.routeKey $context.status $context.error.responseType $context.identity.apiKeyId"
	paid := &model.Method{LogicalID: "Paid", RouteKey: "paid", AuthorizationType: "NONE", APIKeyRequired: true,
		Integration: &model.Integration{Type: model.IntegrationHTTPProxy, URI: backend + "/paid", HTTPMethod: "POST"}}
	open := &model.WebSocketAPI{LogicalID: "Open", ID: "wsopen0001", Name: "open", RouteSelectionExpression: "$request.body.op",
		Routes: []*model.Method{paid}, TwoWay: map[*model.Method]bool{paid: true},
		Stages: []*model.Stage{{LogicalID: "O", Name: "o", AccessLogFormat: "$context.eventType $context.routeKey $context.status $context.error.responseType $context.identity.apiKeyId"}}}
	tpl.WebSocketAPIs = append(tpl.WebSocketAPIs, open)
	tpl.UsagePlans[0].Stages = append(tpl.UsagePlans[0].Stages, model.UsagePlanStage{APIID: open.ID, Stage: "o"})
	tpl.Finalize()
	var out logBuffer
	r := start(t, tpl, func(c *Config) { c.StageLog = &out })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+r.http+"/s", &websocket.DialOptions{HTTPHeader: http.Header{"X-Api-Key": {"ws-key-value-0123456789"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range []string{"$connect", "$disconnect"} {
		c.Write(ctx, websocket.MessageText, []byte(`{"op":"`+op+`"}`))
		if _, p, err := c.Read(ctx); err != nil || string(p) != `echo /default {"op":"`+op+`"}` {
			t.Errorf("a message naming %s: %q %v, want $default's answer", op, p, err)
		}
	}
	c.Close(websocket.StatusNormalClosure, "")
	// The gateway runs $disconnect and logs it after it has answered the
	// close, so the next connection's CONNECT line could come first
	// (failed once under load 14): wait for the first connection's four.
	waitLines := func(n int) {
		deadline := time.Now().Add(30 * time.Second)
		for strings.Count(out.String(), "\n") < n && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitLines(4)
	o, _, err := websocket.Dial(ctx, "ws://"+r.http+"/o", &websocket.DialOptions{HTTPHeader: http.Header{"X-Api-Key": {"ws-key-value-0123456789"}}})
	if err != nil {
		t.Fatal(err)
	}
	o.Write(ctx, websocket.MessageText, []byte(`{"op":"paid"}`))
	if m := readJSON(t, ctx, o); m["message"] != "Forbidden" {
		t.Errorf("a keyed route on a connection whose $connect took no key: %v", m)
	}
	o.Close(websocket.StatusNormalClosure, "")
	want := []string{
		"CONNECT $connect 200 - wskey00001", "MESSAGE $default 200 - wskey00001", "MESSAGE $default 200 - wskey00001", "DISCONNECT $disconnect 200 - wskey00001",
		"CONNECT $connect 200 - -", "MESSAGE paid 403 INVALID_API_KEY -", "DISCONNECT $disconnect 200 - -",
	}
	waitLines(len(want))
	if got := strings.TrimSpace(out.String()); got != strings.Join(want, "\n") {
		t.Errorf("access log:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}
