package control_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// v2Backend is a real backend that answers with the path it was sent.
func v2Backend(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "backend saw "+r.Method+" "+r.URL.Path)
	}))
	t.Cleanup(s.Close)
	return s
}

// dataCall sends a data-plane request for the HTTP API id (its
// execute-api host name), unsigned, as a client would.
func (e *env) dataCall(t *testing.T, id, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", e.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = id + ".execute-api.localhost"
	resp, b := do(t, http.DefaultClient, req)
	return resp.StatusCode, string(b)
}

// TestAPIGatewayV2Writes builds an HTTP API through the apigatewayv2
// writes (create-api, create-integration, create-route, create-stage),
// serves it at once to a real backend, refuses what API Gateway refuses,
// and takes routes and the API away again; quick create makes a served
// API in one call.
func TestAPIGatewayV2Writes(t *testing.T) {
	e := start(t, withHTTPAPI())
	backend := v2Backend(t)
	call := func(method, path, body string, want int, into any) {
		t.Helper()
		resp, b := e.call(t, method, path, body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s %s: %d %s, want %d", method, path, body, resp.StatusCode, b, want)
		}
		if into != nil {
			if err := json.Unmarshal(b, into); err != nil {
				t.Fatalf("%s %s: %v\n%s", method, path, err, b)
			}
		}
	}
	var api struct {
		APIID        string `json:"apiId"`
		ProtocolType string `json:"protocolType"`
	}
	call("POST", "/v2/apis", `{"name":"scripted","protocolType":"HTTP"}`, 201, &api)
	if api.APIID == "" || api.ProtocolType != "HTTP" {
		t.Fatalf("create-api: %+v", api)
	}
	base := "/v2/apis/" + api.APIID
	var in struct {
		IntegrationID   string `json:"integrationId"`
		IntegrationType string `json:"integrationType"`
	}
	call("POST", base+"/integrations", `{"integrationType":"HTTP_PROXY","integrationUri":"`+backend.URL+`/base","integrationMethod":"GET","payloadFormatVersion":"1.0"}`, 201, &in)
	var ins struct {
		Items []map[string]any `json:"items"`
	}
	call("GET", base+"/integrations", "", 200, &ins)
	if len(ins.Items) != 1 || ins.Items[0]["integrationId"] != in.IntegrationID {
		t.Errorf("get-integrations before any route: %v", ins.Items)
	}
	var route struct {
		RouteID  string `json:"routeId"`
		RouteKey string `json:"routeKey"`
		Target   string `json:"target"`
	}
	call("POST", base+"/routes", `{"routeKey":"GET /items/{id}","target":"integrations/`+in.IntegrationID+`"}`, 201, &route)
	if route.RouteKey != "GET /items/{id}" || route.Target != "integrations/"+in.IntegrationID {
		t.Errorf("create-route: %+v", route)
	}
	call("POST", base+"/stages", `{"stageName":"$default","autoDeploy":true}`, 201, nil)
	if st, body := e.dataCall(t, api.APIID, "/items/7"); st != 200 || body != "backend saw GET /base" {
		t.Errorf("served route: %d %q", st, body)
	}
	// An authorizer attached by update-route guards the route; taken off
	// again, the route is open.
	var az struct {
		AuthorizerID string `json:"authorizerId"`
	}
	call("POST", base+"/authorizers", `{"name":"jwt","authorizerType":"JWT","identitySource":["$request.header.Authorization"],`+
		`"jwtConfiguration":{"issuer":"https://issuer.example.com","audience":["app"]}}`, 201, &az)
	call("PATCH", base+"/routes/"+route.RouteID, `{"authorizationType":"CUSTOM","authorizerId":"`+az.AuthorizerID+`"}`, 400, nil) // a JWT authorizer
	call("PATCH", base+"/routes/"+route.RouteID, `{"authorizationType":"JWT","authorizerId":"`+az.AuthorizerID+`"}`, 200, nil)
	if st, body := e.dataCall(t, api.APIID, "/items/7"); st != 401 || body != `{"message":"Unauthorized"}` {
		t.Errorf("route with a JWT authorizer, no token: %d %q", st, body)
	}
	call("DELETE", base+"/authorizers/"+az.AuthorizerID, "", 409, nil)
	call("PATCH", base+"/routes/"+route.RouteID, `{"authorizationType":"NONE"}`, 200, nil)
	if st, _ := e.dataCall(t, api.APIID, "/items/7"); st != 200 {
		t.Errorf("route open again: %d", st)
	}
	call("DELETE", base+"/authorizers/"+az.AuthorizerID, "", 204, nil)
	// create-deployment is answered (scripts call it), update-stage merges
	// stage variables.
	var dep struct {
		DeploymentID, DeploymentStatus string
	}
	call("POST", base+"/deployments", `{"stageName":"$default"}`, 201, &dep)
	var deps struct {
		Items []map[string]any `json:"items"`
	}
	call("GET", base+"/deployments", "", 200, &deps)
	if dep.DeploymentStatus != "DEPLOYED" || len(deps.Items) != 1 || deps.Items[0]["deploymentId"] != dep.DeploymentID {
		t.Errorf("deployments: %+v %v", dep, deps.Items)
	}
	var st struct {
		DeploymentID   string            `json:"deploymentId"`
		StageVariables map[string]string `json:"stageVariables"`
	}
	call("PATCH", base+"/stages/$default", `{"stageVariables":{"color":"blue"}}`, 200, &st)
	if st.StageVariables["color"] != "blue" || st.DeploymentID != dep.DeploymentID {
		t.Errorf("update-stage: %+v", st)
	}
	// update-integration changes what the route calls; the ids stay.
	call("PATCH", base+"/integrations/"+in.IntegrationID, `{"integrationUri":"`+backend.URL+`/v2","requestParameters":{"overwrite:header.x-v":"2"}}`, 200, nil)
	if st, body := e.dataCall(t, api.APIID, "/items/7"); st != 200 || body != "backend saw GET /v2" {
		t.Errorf("after update-integration: %d %q", st, body)
	}
	var again struct {
		Target string `json:"target"`
	}
	call("GET", base+"/routes/"+route.RouteID, "", 200, &again)
	if again.Target != "integrations/"+in.IntegrationID {
		t.Errorf("route target after update-integration: %q", again.Target)
	}
	call("PATCH", base+"/integrations/"+in.IntegrationID, `{"timeoutInMillis":40000}`, 400, nil)
	var renamed struct {
		Name string `json:"name"`
	}
	call("PATCH", base, `{"name":"renamed"}`, 200, &renamed)
	if renamed.Name != "renamed" {
		t.Errorf("update-api: %+v", renamed)
	}
	// What API Gateway refuses.
	call("POST", base+"/routes", `{"routeKey":"GET /items/{id}","target":"integrations/`+in.IntegrationID+`"}`, 409, nil)
	call("POST", base+"/routes", `{"routeKey":"FETCH /x"}`, 400, nil)
	call("POST", base+"/routes", `{"routeKey":"GET /x","target":"integrations/nope"}`, 404, nil)
	call("POST", base+"/routes", `{"routeKey":"GET /x","authorizationType":"JWT","authorizerId":"nope"}`, 400, nil)
	call("POST", base+"/integrations", `{"integrationType":"MOCK","integrationUri":"x"}`, 400, nil)
	call("POST", base+"/integrations", `{"integrationType":"AWS_PROXY","integrationUri":"arn:aws:lambda:us-east-1:123456789012:function:f"}`, 400, nil)
	call("POST", base+"/stages", `{"stageName":"$default"}`, 409, nil)
	call("POST", "/v2/apis", `{"name":"ws","protocolType":"WEBSOCKET"}`, 400, nil)
	call("DELETE", base+"/integrations/"+in.IntegrationID, "", 409, nil) // a route targets it
	// Taking the route away: 404 again, then the integration can go.
	call("DELETE", base+"/routes/"+route.RouteID, "", 204, nil)
	if st, body := e.dataCall(t, api.APIID, "/items/7"); st != 404 || body != `{"message":"Not Found"}` {
		t.Errorf("deleted route: %d %q", st, body)
	}
	call("DELETE", base+"/integrations/"+in.IntegrationID, "", 204, nil)
	call("DELETE", base, "", 204, nil)
	call("GET", base, "", 404, nil)
	// The template's own API is untouched.
	call("GET", "/v2/apis/httpapi01/routes", "", 200, nil)

	// Quick create: one call, a served $default route and stage.
	var quick struct {
		APIID string `json:"apiId"`
	}
	call("POST", "/v2/apis", `{"name":"quick","protocolType":"HTTP","target":"`+backend.URL+`"}`, 201, &quick)
	if st, body := e.dataCall(t, quick.APIID, "/any/path"); st != 200 || body != "backend saw GET /any/path" {
		t.Errorf("quick create: %d %q", st, body)
	}
}

// TestAPIGatewayV2WritesAWSCLI drives the writes with the AWS CLI
// (skipped when it is not installed), as a LocalStack user's script does.
func TestAPIGatewayV2WritesAWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws is not on PATH")
	}
	e := start(t, withHTTPAPI())
	backend := v2Backend(t)
	run := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.Command(aws, append([]string{"--endpoint-url", e.base, "--region", "us-east-1", "--output", "json", "apigatewayv2"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws apigatewayv2 %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		var v map[string]any
		if len(strings.TrimSpace(string(out))) > 0 {
			if err := json.Unmarshal(out, &v); err != nil {
				t.Fatalf("aws apigatewayv2 %s: %v\n%s", strings.Join(args, " "), err, out)
			}
		}
		return v
	}
	id, _ := run("create-api", "--name", "cli", "--protocol-type", "HTTP")["ApiId"].(string)
	iid, _ := run("create-integration", "--api-id", id, "--integration-type", "HTTP_PROXY", "--integration-uri", backend.URL+"/orders",
		"--integration-method", "POST", "--payload-format-version", "1.0")["IntegrationId"].(string)
	r := run("create-route", "--api-id", id, "--route-key", "POST /orders", "--target", "integrations/"+iid)
	run("create-stage", "--api-id", id, "--stage-name", "$default", "--auto-deploy")
	if id == "" || iid == "" || r["RouteKey"] != "POST /orders" {
		t.Fatalf("ids %q %q, route %v", id, iid, r)
	}
	routes, _ := run("get-routes", "--api-id", id)["Items"].([]any)
	if len(routes) != 1 {
		t.Errorf("get-routes: %v", routes)
	}
	req, _ := http.NewRequest("POST", e.base+"/orders", strings.NewReader("{}"))
	req.Host = id + ".execute-api.localhost"
	if resp, b := do(t, http.DefaultClient, req); resp.StatusCode != 200 || string(b) != "backend saw POST /orders" {
		t.Errorf("served: %d %q", resp.StatusCode, b)
	}
	// Route settings and the access log, written as the CLI writes them:
	// the route's own throttle (burst 1) refuses the second request with
	// 429 until delete-route-settings removes it.
	st := run("update-stage", "--api-id", id, "--stage-name", "$default",
		"--default-route-settings", "ThrottlingBurstLimit=50,ThrottlingRateLimit=100,DetailedMetricsEnabled=true",
		"--route-settings", `{"POST /orders": {"ThrottlingBurstLimit": 1, "ThrottlingRateLimit": 0.001}}`,
		"--access-log-settings", "DestinationArn=arn:aws:logs:us-east-1:123456789012:log-group:cli,Format=$context.requestId $context.status")
	if def, _ := st["DefaultRouteSettings"].(map[string]any); def["ThrottlingBurstLimit"] != 50.0 || def["DetailedMetricsEnabled"] != true {
		t.Errorf("update-stage DefaultRouteSettings: %v", st)
	}
	got := run("get-stage", "--api-id", id, "--stage-name", "$default")
	rs, _ := got["RouteSettings"].(map[string]any)
	orders, _ := rs["POST /orders"].(map[string]any)
	als, _ := got["AccessLogSettings"].(map[string]any)
	if orders["ThrottlingBurstLimit"] != 1.0 || orders["ThrottlingRateLimit"] != 0.001 || als["Format"] != "$context.requestId $context.status" {
		t.Errorf("get-stage: %v", got)
	}
	statuses := func() string {
		var out []string
		for range 2 {
			req, _ := http.NewRequest("POST", e.base+"/orders", strings.NewReader("{}"))
			req.Host = id + ".execute-api.localhost"
			resp, _ := do(t, http.DefaultClient, req)
			out = append(out, fmt.Sprint(resp.StatusCode))
		}
		return strings.Join(out, " ")
	}
	if s := statuses(); s != "200 429" {
		t.Errorf("with the route's burst of 1: %s, want 200 429", s)
	}
	run("delete-route-settings", "--api-id", id, "--stage-name", "$default", "--route-key", "POST /orders")
	if s := statuses(); s != "200 200" {
		t.Errorf("after delete-route-settings: %s, want 200 200", s)
	}
	cmd := exec.Command(aws, "--endpoint-url", e.base, "--region", "us-east-1", "apigatewayv2", "update-stage", "--api-id", id, "--stage-name", "$default",
		"--route-settings", `{"GET /nowhere": {"ThrottlingBurstLimit": 1}}`)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "NotFoundException") || !strings.Contains(string(out), "GET /nowhere") {
		t.Errorf("route settings for a route the API lacks: %v\n%s", err, out)
	}
	run("delete-api", "--api-id", id)
	if apis, _ := run("get-apis")["Items"].([]any); len(apis) != 1 {
		t.Errorf("after delete-api: %v", apis)
	}
}
