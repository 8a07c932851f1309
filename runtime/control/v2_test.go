package control_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// withHTTPAPI is petstore plus an HTTP API (httpapi01): two routes on one
// declared integration, a JWT authorizer on one of them, the $default
// route to another integration, CORS, and its $default stage.
func withHTTPAPI() *model.Template {
	t := petstore()
	shared := &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "ANY", URI: "https://backend.example.com", PayloadFormatVersion: "1.0",
		TimeoutMillis: 30000, RequestParameters: map[string]string{"overwrite:path": "/v2$request.path"},
		ResponseMappings: map[string]map[string]string{"404": {"overwrite:statuscode": "410"}}}
	shared.Range.Start.Line = 10
	cp := *shared
	root := &model.Resource{ID: "hroot00000"}
	items := &model.Resource{ID: "items1", PathPart: "items", Parent: root, Methods: []*model.Method{
		{LogicalID: "GetItems", HTTPMethod: "GET", RouteKey: "GET /items", AuthorizationType: "JWT", AuthorizerID: "jwt001", AuthorizationScopes: []string{"items/read"}, Integration: shared},
		{LogicalID: "PostItems", HTTPMethod: "POST", RouteKey: "POST /items", AuthorizationType: "NONE", Integration: &cp},
	}}
	other := &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "ANY", URI: "https://other.example.com", PayloadFormatVersion: "1.0", TimeoutMillis: 5000}
	other.Range.Start.Line = 20
	api := &model.RestAPI{LogicalID: "Http", ID: "httpapi01", Name: "items", Protocol: model.ProtocolHTTP, Root: root, Resources: []*model.Resource{root, items},
		MinimumCompressionSize: -1, CORS: &model.CORSConfig{AllowOrigins: []string{"https://app.example"}, MaxAge: 600},
		DefaultRoute: &model.Method{LogicalID: "Default", HTTPMethod: "ANY", RouteKey: model.RouteKeyDefault, AuthorizationType: "NONE", Integration: other},
		Authorizers: []*model.Authorizer{{LogicalID: "Jwt", ID: "jwt001", Name: "pool", Type: "JWT", IdentitySource: "$request.header.Authorization",
			JWTIssuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc", JWTAudience: []string{"client"}}},
		Stages: []*model.Stage{{LogicalID: "Default", Name: model.StageDefault, Variables: map[string]string{"color": "red"}}}}
	t.APIs = append(t.APIs, api)
	t.Finalize()
	return t
}

// TestAPIGatewayV2Reads answers the apigatewayv2 reads for the served HTTP
// API, in botocore's shapes, and keeps it out of the REST API's reads.
func TestAPIGatewayV2Reads(t *testing.T) {
	e := start(t, withHTTPAPI())
	get := func(path string, into any) int {
		t.Helper()
		resp, b := e.call(t, "GET", path, "")
		if into != nil && resp.StatusCode == 200 {
			if err := json.Unmarshal(b, into); err != nil {
				t.Fatalf("%s: %v\n%s", path, err, b)
			}
		}
		return resp.StatusCode
	}
	var apis struct {
		Items []map[string]any `json:"items"`
	}
	if get("/v2/apis", &apis) != 200 || len(apis.Items) != 1 || apis.Items[0]["apiId"] != "httpapi01" || apis.Items[0]["protocolType"] != "HTTP" ||
		apis.Items[0]["apiEndpoint"] != "https://httpapi01.execute-api.us-east-1.amazonaws.com" || apis.Items[0]["createdDate"] != "2026-12-02T12:00:00Z" {
		t.Fatalf("get-apis: %+v", apis.Items)
	}
	if cors, _ := apis.Items[0]["corsConfiguration"].(map[string]any); cors["maxAge"] != 600.0 {
		t.Errorf("corsConfiguration: %v", apis.Items[0]["corsConfiguration"])
	}
	var routes struct {
		Items []map[string]any `json:"items"`
	}
	if get("/v2/apis/httpapi01/routes", &routes) != 200 || len(routes.Items) != 3 {
		t.Fatalf("get-routes: %+v", routes.Items)
	}
	var keys []string
	for _, r := range routes.Items {
		keys = append(keys, r["routeKey"].(string))
	}
	if strings.Join(keys, ",") != "GET /items,POST /items,$default" {
		t.Errorf("route keys %v", keys)
	}
	get0, post, def := routes.Items[0], routes.Items[1], routes.Items[2]
	if get0["target"] != post["target"] || get0["target"] == def["target"] || get0["authorizationType"] != "JWT" || get0["authorizerId"] != "jwt001" {
		t.Errorf("routes: the two /items routes share their integration, $default has its own: %v %v %v", get0, post, def)
	}
	var one map[string]any
	if get("/v2/apis/httpapi01/routes/"+get0["routeId"].(string), &one) != 200 || one["routeKey"] != "GET /items" {
		t.Errorf("get-route: %v", one)
	}
	var ints struct {
		Items []map[string]any `json:"items"`
	}
	if get("/v2/apis/httpapi01/integrations", &ints) != 200 || len(ints.Items) != 2 {
		t.Fatalf("get-integrations: %+v", ints.Items)
	}
	iid := strings.TrimPrefix(get0["target"].(string), "integrations/")
	one = nil
	if get("/v2/apis/httpapi01/integrations/"+iid, &one) != 200 || one["integrationType"] != "HTTP_PROXY" || one["timeoutInMillis"] != 30000.0 ||
		one["requestParameters"].(map[string]any)["overwrite:path"] != "/v2$request.path" {
		t.Errorf("get-integration: %v", one)
	}
	if rp, _ := one["responseParameters"].(map[string]any); rp["404"].(map[string]any)["overwrite:statuscode"] != "410" {
		t.Errorf("responseParameters: %v", one["responseParameters"])
	}
	var stages struct {
		Items []map[string]any `json:"items"`
	}
	if get("/v2/apis/httpapi01/stages", &stages) != 200 || len(stages.Items) != 1 || stages.Items[0]["stageName"] != "$default" || stages.Items[0]["autoDeploy"] != true {
		t.Errorf("get-stages: %v", stages.Items)
	}
	var azs struct {
		Items []map[string]any `json:"items"`
	}
	if get("/v2/apis/httpapi01/authorizers", &azs) != 200 || len(azs.Items) != 1 || azs.Items[0]["authorizerType"] != "JWT" ||
		azs.Items[0]["jwtConfiguration"].(map[string]any)["issuer"] != "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc" {
		t.Errorf("get-authorizers: %v", azs.Items)
	}
	var page struct {
		Items     []map[string]any `json:"items"`
		NextToken string           `json:"nextToken"`
	}
	if get("/v2/apis/httpapi01/routes?maxResults=2", &page) != 200 || len(page.Items) != 2 || page.NextToken == "" {
		t.Errorf("first page: %v", page)
	}
	next := page.NextToken
	page.Items, page.NextToken = nil, ""
	if get("/v2/apis/httpapi01/routes?maxResults=2&nextToken="+next, &page) != 200 || len(page.Items) != 1 || page.NextToken != "" {
		t.Errorf("second page: %v", page)
	}
	for path, want := range map[string]int{"/v2/apis/abcdef1234": 404, "/v2/apis/httpapi01/routes/nope": 404, "/v2/apis/httpapi01/integrations/nope": 404,
		"/v2/apis/httpapi01/stages/prod": 404, "/restapis/httpapi01": 404} {
		if got := get(path, nil); got != want {
			t.Errorf("GET %s: %d, want %d", path, got, want)
		}
	}
	var rest struct {
		Items []map[string]any `json:"item"`
	}
	if get("/restapis", &rest) != 200 || len(rest.Items) != 1 || rest.Items[0]["id"] != "abcdef1234" {
		t.Errorf("get-rest-apis lists the HTTP API: %v", rest.Items)
	}
}

// TestAPIGatewayV2AWSCLI reads the HTTP API with the AWS CLI (skipped when
// it is not installed), as a LocalStack user's script would.
func TestAPIGatewayV2AWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws is not on PATH")
	}
	e := start(t, withHTTPAPI())
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(aws, append([]string{"--endpoint-url", e.base, "--region", "us-east-1", "--output", "json"}, args...)...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	var apis struct {
		Items []struct {
			APIID                           string `json:"ApiId"`
			Name, ProtocolType, CreatedDate string
		}
	}
	if err := json.Unmarshal([]byte(run("apigatewayv2", "get-apis")), &apis); err != nil || len(apis.Items) != 1 || apis.Items[0].APIID != "httpapi01" ||
		apis.Items[0].ProtocolType != "HTTP" || !strings.HasPrefix(apis.Items[0].CreatedDate, "2026-12-02") {
		t.Fatalf("get-apis: %v %+v", err, apis)
	}
	var routes struct {
		Items []struct{ RouteKey, Target, AuthorizationType string }
	}
	if err := json.Unmarshal([]byte(run("apigatewayv2", "get-routes", "--api-id", "httpapi01")), &routes); err != nil || len(routes.Items) != 3 {
		t.Fatalf("get-routes: %v %+v", err, routes)
	}
	var in struct {
		IntegrationType    string
		ResponseParameters map[string]map[string]string
	}
	id := strings.TrimPrefix(routes.Items[0].Target, "integrations/")
	if err := json.Unmarshal([]byte(run("apigatewayv2", "get-integration", "--api-id", "httpapi01", "--integration-id", id)), &in); err != nil ||
		in.IntegrationType != "HTTP_PROXY" || in.ResponseParameters["404"]["overwrite:statuscode"] != "410" {
		t.Errorf("get-integration: %v %+v", err, in)
	}
}

// TestAPIGatewayV2ReadsWebSocket lists a WebSocket API with the HTTP APIs
// and answers its routes, integrations, stages and authorizers; writes
// to it are refused (it is served from the template only).
func TestAPIGatewayV2ReadsWebSocket(t *testing.T) {
	tpl := withHTTPAPI()
	in := &model.Integration{Type: model.IntegrationHTTPProxy, HTTPMethod: "POST", URI: "https://chat.example.com", TimeoutMillis: 29000}
	route := func(key string) *model.Method {
		return &model.Method{LogicalID: "R" + key, RouteKey: key, AuthorizationType: "NONE", Integration: in}
	}
	ws := &model.WebSocketAPI{LogicalID: "Chat", ID: "chatapi001", Name: "chat", RouteSelectionExpression: "$request.body.action",
		Routes: []*model.Method{route("$connect"), route("sendmessage"), route("$default")}, TwoWay: map[*model.Method]bool{},
		Authorizers: []*model.Authorizer{{LogicalID: "Auth", ID: "wsau01", Name: "token", Type: "REQUEST", IdentitySource: "route.request.querystring.token"}},
		Stages:      []*model.Stage{{LogicalID: "Prod", Name: "prod", DeploymentID: "dep001"}}}
	tpl.WebSocketAPIs = []*model.WebSocketAPI{ws}
	tpl.Finalize()
	e := start(t, tpl)
	get := func(path string) (int, map[string]any) {
		t.Helper()
		resp, b := e.call(t, "GET", path, "")
		var out map[string]any
		json.Unmarshal(b, &out)
		return resp.StatusCode, out
	}
	code, apis := get("/v2/apis")
	items, _ := apis["items"].([]any)
	if code != 200 || len(items) != 2 {
		t.Fatalf("get-apis: %d %v", code, apis)
	}
	w := items[1].(map[string]any)
	if w["apiId"] != "chatapi001" || w["protocolType"] != "WEBSOCKET" || w["routeSelectionExpression"] != "$request.body.action" ||
		w["apiEndpoint"] != "wss://chatapi001.execute-api.us-east-1.amazonaws.com" {
		t.Errorf("the WebSocket API: %v", w)
	}
	if code, one := get("/v2/apis/chatapi001"); code != 200 || one["protocolType"] != "WEBSOCKET" {
		t.Errorf("get-api: %d %v", code, one)
	}
	code, routes := get("/v2/apis/chatapi001/routes")
	var keys []string
	for _, r := range routes["items"].([]any) {
		keys = append(keys, r.(map[string]any)["routeKey"].(string))
	}
	if code != 200 || strings.Join(keys, ",") != "$connect,$default,sendmessage" {
		t.Errorf("get-routes: %d %v", code, keys)
	}
	if code, ints := get("/v2/apis/chatapi001/integrations"); code != 200 || len(ints["items"].([]any)) != 1 {
		t.Errorf("get-integrations: %d %v", code, ints)
	}
	if code, st := get("/v2/apis/chatapi001/stages/prod"); code != 200 || st["deploymentId"] != "dep001" {
		t.Errorf("get-stage: %d %v", code, st)
	}
	if code, az := get("/v2/apis/chatapi001/authorizers"); code != 200 || len(az["items"].([]any)) != 1 {
		t.Errorf("get-authorizers: %d %v", code, az)
	}
	if resp, b := e.call(t, "DELETE", "/v2/apis/chatapi001/routes/x", ""); resp.StatusCode != 404 {
		t.Errorf("delete-route on a WebSocket API: %d %s", resp.StatusCode, b)
	}
}

// TestV1WritesRefuseHTTPAPIs: an HTTP API answers to apigatewayv2 only,
// as in AWS: the v1 (REST API) writes give NotFoundException for its id,
// as get-rest-api does, and change nothing.
func TestV1WritesRefuseHTTPAPIs(t *testing.T) {
	e := start(t, withHTTPAPI())
	for _, c := range []struct{ method, path, body string }{
		{"PATCH", "/restapis/httpapi01", `{"patchOperations":[{"op":"replace","path":"/name","value":"renamed"}]}`},
		{"POST", "/restapis/httpapi01/models", `{"name":"M","contentType":"application/json","schema":"{}"}`},
		{"DELETE", "/restapis/httpapi01", ""},
		{"PUT", "/restapis/httpapi01?mode=overwrite", `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{}}`},
	} {
		resp, b := e.call(t, c.method, c.path, c.body)
		if resp.StatusCode != 404 || resp.Header.Get("x-amzn-ErrorType") != "NotFoundException" {
			t.Errorf("%s %s on an HTTP API: %d %s, want 404 NotFoundException", c.method, c.path, resp.StatusCode, b)
		}
	}
	if a := e.must(t, "GET", "/v2/apis/httpapi01", "", 200); a["name"] != "items" {
		t.Errorf("the HTTP API after the refused v1 writes: %v", a)
	}
}
