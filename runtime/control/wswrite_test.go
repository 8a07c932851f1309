package control_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestWebSocketWritesAWSCLI builds a WebSocket API with the AWS CLI as a
// LocalStack script does — create-api --protocol-type WEBSOCKET, a MOCK
// integration for $connect that admits clients with ?ok=yes, an
// HTTP_PROXY integration for "echo" with a route response (two-way), a
// stage — then connects with a real WebSocket client and gets the
// backend's answer; the reads show what was built, what API Gateway
// refuses is refused, and delete-api takes the API away.
func TestWebSocketWritesAWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws is not on PATH")
	}
	e := start(t, withHTTPAPI())
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		io.WriteString(w, "backend saw "+r.URL.Path+" "+string(b)+" from "+r.Header.Get("connectionId"))
	}))
	defer backend.Close()
	cli := func(args ...string) (map[string]any, string, error) {
		cmd := exec.Command(aws, append([]string{"--endpoint-url", e.base, "--region", "us-east-1", "--output", "json", "apigatewayv2"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		out, err := cmd.CombinedOutput()
		var v map[string]any
		if err == nil && len(strings.TrimSpace(string(out))) > 0 {
			err = json.Unmarshal(out, &v)
		}
		return v, string(out), err
	}
	run := func(args ...string) map[string]any {
		t.Helper()
		v, out, err := cli(args...)
		if err != nil {
			t.Fatalf("aws apigatewayv2 %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return v
	}
	// What API Gateway refuses, sent as the CLI sends it (signed JSON):
	// the status and the message.
	refused := func(method, path, body string, status int, want string) {
		t.Helper()
		if resp, b := e.call(t, method, path, body); resp.StatusCode != status || !strings.Contains(string(b), want) {
			t.Errorf("%s %s %s: %d %s, want %d with %q", method, path, body, resp.StatusCode, b, status, want)
		}
	}
	refused("POST", "/v2/apis", `{"name":"chat","protocolType":"WEBSOCKET"}`, 400, "RouteSelectionExpression is required")
	api := run("create-api", "--name", "chat", "--protocol-type", "WEBSOCKET", "--route-selection-expression", "$request.body.action")
	id, _ := api["ApiId"].(string)
	if id == "" || api["ProtocolType"] != "WEBSOCKET" || api["RouteSelectionExpression"] != "$request.body.action" || !strings.HasPrefix(api["ApiEndpoint"].(string), "wss://") {
		t.Fatalf("create-api: %v", api)
	}
	mock := run("create-integration", "--api-id", id, "--integration-type", "MOCK",
		"--request-templates", `{"$default": "{\"statusCode\": #if($input.params('ok') == \"yes\")200#{else}403#end}"}`)
	echo := run("create-integration", "--api-id", id, "--integration-type", "HTTP_PROXY", "--integration-method", "POST", "--integration-uri", backend.URL+"/echo")
	mockID, _ := mock["IntegrationId"].(string)
	echoID, _ := echo["IntegrationId"].(string)
	refused("POST", "/v2/apis/"+id+"/integrations", `{"integrationType":"HTTP_PROXY","integrationUri":"`+backend.URL+`","timeoutInMillis":30000}`, 400, "timeoutInMillis 30000")
	run("create-route", "--api-id", id, "--route-key", "$connect", "--target", "integrations/"+mockID)
	r := run("create-route", "--api-id", id, "--route-key", "echo", "--target", "integrations/"+echoID, "--route-response-selection-expression", "$default")
	routeID, _ := r["RouteId"].(string)
	refused("POST", "/v2/apis/"+id+"/routes", `{"routeKey":"other","authorizationType":"AWS_IAM","target":"integrations/`+echoID+`"}`, 400, "Only the $connect route")
	refused("POST", "/v2/apis/"+id+"/routes", `{"routeKey":"echo","target":"integrations/`+echoID+`"}`, 409, "already exists")
	rr := run("create-route-response", "--api-id", id, "--route-id", routeID, "--route-response-key", "$default")
	if rr["RouteResponseKey"] != "$default" {
		t.Errorf("create-route-response: %v", rr)
	}
	run("create-stage", "--api-id", id, "--stage-name", "prod")
	for path, n := range map[string]int{"/routes": 2, "/integrations": 2, "/routes/" + routeID + "/routeresponses": 1, "/stages": 1} {
		var list struct{ Items []any }
		if resp, b := e.call(t, "GET", "/v2/apis/"+id+path, ""); resp.StatusCode != 200 || json.Unmarshal(b, &list) != nil || len(list.Items) != n {
			t.Errorf("GET %s: %d %s, want %d items", path, resp.StatusCode, b, n)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url := "ws://" + strings.TrimPrefix(e.base, "http://") + "/prod"
	if _, resp, err := websocket.Dial(ctx, url+"?ok=no", nil); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("the MOCK $connect refusing: %v %v", resp, err)
	}
	c, _, err := websocket.Dial(ctx, url+"?ok=yes", nil)
	if err != nil {
		t.Fatalf("connecting to the API the CLI built: %v", err)
	}
	defer c.CloseNow()
	c.Write(ctx, websocket.MessageText, []byte(`{"action":"echo","n":1}`))
	if _, p, err := c.Read(ctx); err != nil || !strings.HasPrefix(string(p), `backend saw /echo {"action":"echo","n":1} from `) {
		t.Errorf("echo through the route: %q %v", p, err)
	}
	// Retargeting the route serves at once on the open connection.
	run("update-integration", "--api-id", id, "--integration-id", echoID, "--integration-uri", backend.URL+"/v2")
	c.Write(ctx, websocket.MessageText, []byte(`{"action":"echo"}`))
	if _, p, err := c.Read(ctx); err != nil || !strings.HasPrefix(string(p), `backend saw /v2 `) {
		t.Errorf("after update-integration: %q %v", p, err)
	}
	c.Close(websocket.StatusNormalClosure, "")

	refused("DELETE", "/v2/apis/"+id+"/integrations/"+echoID, "", 409, "target of route echo")
	// Ids are never given twice: an integration made after a delete does
	// not take the id (and the place) of one still there.
	var spare, again struct{ IntegrationID string }
	if resp, b := e.call(t, "POST", "/v2/apis/"+id+"/integrations", `{"integrationType":"MOCK","requestTemplates":{"$default":"{\"statusCode\": 200}"}}`); resp.StatusCode != 201 || json.Unmarshal(b, &spare) != nil {
		t.Fatalf("create-integration: %d %s", resp.StatusCode, b)
	}
	if resp, b := e.call(t, "DELETE", "/v2/apis/"+id+"/integrations/"+spare.IntegrationID, ""); resp.StatusCode != 204 {
		t.Fatalf("delete-integration: %d %s", resp.StatusCode, b)
	}
	if resp, b := e.call(t, "POST", "/v2/apis/"+id+"/integrations", `{"integrationType":"MOCK","requestTemplates":{"$default":"{\"statusCode\": 200}"}}`); resp.StatusCode != 201 || json.Unmarshal(b, &again) != nil ||
		again.IntegrationID == mockID || again.IntegrationID == echoID || again.IntegrationID == spare.IntegrationID {
		t.Errorf("an integration made after a delete: %d %s (existing %s %s, deleted %s)", resp.StatusCode, b, mockID, echoID, spare.IntegrationID)
	}
	// A route keeps its id when its key changes, as AWS keeps a routeId.
	var renamed struct{ RouteID, RouteKey string }
	if resp, b := e.call(t, "PATCH", "/v2/apis/"+id+"/routes/"+routeID, `{"routeKey":"echo2","operationName":"Echo"}`); resp.StatusCode != 200 || json.Unmarshal(b, &renamed) != nil ||
		renamed.RouteID != routeID || renamed.RouteKey != "echo2" || !strings.Contains(string(b), `"operationName":"Echo"`) {
		t.Errorf("update-route's key: %d %s, want id %s kept", resp.StatusCode, b, routeID)
	}
	if resp, b := e.call(t, "PATCH", "/v2/apis/"+id+"/stages/prod", `{"autoDeploy":true}`); resp.StatusCode != 200 || !strings.Contains(string(b), `"autoDeploy":true`) {
		t.Errorf("update-stage autoDeploy on a WebSocket stage: %d %s", resp.StatusCode, b)
	}
	run("delete-api", "--api-id", id)
	if _, resp, err := websocket.Dial(ctx, url+"?ok=yes", nil); err == nil {
		t.Errorf("connected after delete-api: %v", resp)
	}
}

// TestWebSocketIntegrationResponsesAWSCLI builds two-way routes on
// non-proxy integrations with the AWS CLI — a MOCK answered through
// create-integration-response, an HTTP integration with a request
// template and request parameters whose backend's 4xx picks a /4\d{2}/
// response — and a real WebSocket client gets what the integration
// responses say; update-integration-response and
// delete-integration-response change what it gets.
func TestWebSocketIntegrationResponsesAWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws is not on PATH")
	}
	e := start(t, withHTTPAPI())
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), "missing") {
			w.WriteHeader(404)
		}
		io.WriteString(w, `{"saw": `+string(b)+`, "conn": "`+r.Header.Get("X-Conn")+`"}`)
	}))
	defer backend.Close()
	run := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command(aws, append([]string{"--endpoint-url", e.base, "--region", "us-east-1", "--output", "json", "apigatewayv2"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		out, err := cmd.CombinedOutput()
		var v map[string]any
		if err == nil && len(strings.TrimSpace(string(out))) > 0 {
			err = json.Unmarshal(out, &v)
		}
		if err != nil {
			t.Fatalf("aws apigatewayv2 %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return v
	}
	refused := func(method, path, body string, status int, want string) {
		t.Helper()
		if resp, b := e.call(t, method, path, body); resp.StatusCode != status || !strings.Contains(string(b), want) {
			t.Errorf("%s %s %s: %d %s, want %d with %q", method, path, body, resp.StatusCode, b, status, want)
		}
	}
	id := run("create-api", "--name", "pong", "--protocol-type", "WEBSOCKET", "--route-selection-expression", "$request.body.action")["ApiId"].(string)
	mockID := run("create-integration", "--api-id", id, "--integration-type", "MOCK", "--template-selection-expression", `\$default`,
		"--request-templates", `{"$default": "{\"statusCode\": 200}"}`)["IntegrationId"].(string)
	httpInteg := run("create-integration", "--api-id", id, "--integration-type", "HTTP", "--integration-method", "POST", "--integration-uri", backend.URL+"/items",
		"--request-templates", `{"application/json": "{\"item\": $input.json('$.item')}"}`,
		"--request-parameters", "integration.request.header.X-Conn=context.connectionId")
	httpID := httpInteg["IntegrationId"].(string)
	if rp, _ := httpInteg["RequestParameters"].(map[string]any); rp["integration.request.header.X-Conn"] != "context.connectionId" {
		t.Errorf("create-integration's request parameters: %v", httpInteg)
	}
	for key, target := range map[string]string{"ping": mockID, "store": httpID} {
		rt := run("create-route", "--api-id", id, "--route-key", key, "--target", "integrations/"+target)
		run("create-route-response", "--api-id", id, "--route-id", rt["RouteId"].(string), "--route-response-key", "$default")
	}
	pong := run("create-integration-response", "--api-id", id, "--integration-id", mockID, "--integration-response-key", "$default",
		"--template-selection-expression", `\$default`, "--response-templates", `{"$default": "{\"pong\": \"$context.routeKey\"}"}`)
	pongID, _ := pong["IntegrationResponseId"].(string)
	if pongID == "" || pong["IntegrationResponseKey"] != "$default" || pong["TemplateSelectionExpression"] != `\$default` {
		t.Errorf("create-integration-response: %v", pong)
	}
	run("create-integration-response", "--api-id", id, "--integration-id", httpID, "--integration-response-key", "$default")
	run("create-integration-response", "--api-id", id, "--integration-id", httpID, "--integration-response-key", `/4\d{2}/`,
		"--response-templates", `{"application/json": "{\"error\": \"no such item\"}"}`)
	base := "/v2/apis/" + id + "/integrations/" + httpID + "/integrationresponses"
	refused("POST", base, `{"integrationResponseKey":"$default"}`, 409, "already has an integration response with key $default")
	refused("POST", base, `{"integrationResponseKey":"/4\\d{2/"}`, 201, "") // RE2 reads {2 literally: taken
	refused("POST", base, `{"integrationResponseKey":"/(/"}`, 400, "Invalid IntegrationResponseKey")
	refused("POST", base, `{"integrationResponseKey":"/5\\d\\d/","responseParameters":{"method.response.header.X":"'a'"}}`, 400, "ResponseParameters are not supported")
	refused("POST", "/v2/apis/"+id+"/integrations/nosuch/integrationresponses", `{"integrationResponseKey":"$default"}`, 404, "Invalid Integration identifier")
	refused("POST", "/v2/apis/"+id+"/integrations", `{"integrationType":"HTTP","integrationUri":"`+backend.URL+`","requestParameters":{"integration.request.header.X":"method.request.header.Y"}}`, 400, "Invalid mapping expression")
	var list struct{ Items []map[string]any }
	if resp, b := e.call(t, "GET", base, ""); resp.StatusCode != 200 || json.Unmarshal(b, &list) != nil || len(list.Items) != 3 {
		t.Errorf("get-integration-responses: %d %s", resp.StatusCode, b)
	}
	run("create-stage", "--api-id", id, "--stage-name", "dev")

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+strings.TrimPrefix(e.base, "http://")+"/dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	exchange := func(msg string) string {
		t.Helper()
		c.Write(ctx, websocket.MessageText, []byte(msg))
		_, p, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return string(p)
	}
	if m := exchange(`{"action":"ping"}`); m != `{"pong": "ping"}` {
		t.Errorf("MOCK through its integration response: %s", m)
	}
	if m := exchange(`{"action":"store","item":{"id":1}}`); !strings.HasPrefix(m, `{"saw": {"item": {"id":1}}, "conn": "`) || strings.HasSuffix(m, `"conn": ""}`) {
		t.Errorf("HTTP 200 through $default: %s", m)
	}
	if m := exchange(`{"action":"store","item":"missing"}`); m != `{"error": "no such item"}` {
		t.Errorf("HTTP 404 through /4\\d{2}/: %s", m)
	}
	// update-integration-response serves at once.
	upd := run("update-integration-response", "--api-id", id, "--integration-id", mockID, "--integration-response-id", pongID,
		"--response-templates", `{"$default": "{\"pong\": 2}"}`)
	if upd["IntegrationResponseId"] != pongID {
		t.Errorf("update-integration-response: %v", upd)
	}
	if m := exchange(`{"action":"ping"}`); m != `{"pong": 2}` {
		t.Errorf("after update-integration-response: %s", m)
	}
	if g := run("get-integration-response", "--api-id", id, "--integration-id", mockID, "--integration-response-id", pongID); g["ResponseTemplates"].(map[string]any)["$default"] != `{"pong": 2}` {
		t.Errorf("get-integration-response: %v", g)
	}
	// Without an integration response the MOCK sends nothing back: the
	// next answer is the HTTP route's.
	run("delete-integration-response", "--api-id", id, "--integration-id", mockID, "--integration-response-id", pongID)
	c.Write(ctx, websocket.MessageText, []byte(`{"action":"ping"}`))
	if m := exchange(`{"action":"store","item":"missing"}`); m != `{"error": "no such item"}` {
		t.Errorf("after delete-integration-response, the next message: %s", m)
	}
	c.Close(websocket.StatusNormalClosure, "")
	// An HTTP API's integrations have no integration responses.
	refused("POST", "/v2/apis/"+"httpapi01"+"/integrations/x/integrationresponses", `{"integrationResponseKey":"$default"}`, 400, "only for WebSocket APIs")
}
