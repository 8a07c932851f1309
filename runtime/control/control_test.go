package control_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/http2"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestReadOperations answers each read operation over the petstore model
// and compares the JSON with testdata/read/NAME.json (-update rewrites).
func TestReadOperations(t *testing.T) {
	e := start(t, petstore())
	for _, tc := range []struct{ name, path string }{
		{"get-rest-apis", "/restapis"},
		{"get-rest-apis-page1", "/restapis?limit=1"},
		{"get-rest-api", "/restapis/abcdef1234"},
		{"get-resources", "/restapis/abcdef1234/resources"},
		{"get-resources-embed", "/restapis/abcdef1234/resources?embed=methods"},
		{"get-resources-page", "/restapis/abcdef1234/resources?limit=2&position=2"},
		{"get-resource", "/restapis/abcdef1234/resources/pet002"},
		{"get-method", "/restapis/abcdef1234/resources/pet002/methods/GET"},
		{"get-method-response", "/restapis/abcdef1234/resources/pets01/methods/GET/responses/200"},
		{"get-integration", "/restapis/abcdef1234/resources/pet002/methods/GET/integration"},
		{"get-integration-response", "/restapis/abcdef1234/resources/pets01/methods/GET/integration/responses/200"},
		{"get-stages", "/restapis/abcdef1234/stages"},
		{"get-stage", "/restapis/abcdef1234/stages/prod"},
		{"get-deployments", "/restapis/abcdef1234/deployments"},
		{"get-deployment-summary", "/restapis/abcdef1234/deployments/dep001?embed=apisummary"},
		{"get-authorizers", "/restapis/abcdef1234/authorizers"},
		{"get-models", "/restapis/abcdef1234/models"},
		{"get-request-validators", "/restapis/abcdef1234/requestvalidators"},
		{"get-gateway-responses", "/restapis/abcdef1234/gatewayresponses?limit=500"},
		{"get-api-keys", "/apikeys"},
		{"get-api-keys-values", "/apikeys?includeValues=true"},
		{"get-usage-plans", "/usageplans"},
		{"get-usage-plan-keys", "/usageplans/plan01/keys"},
		{"get-tags", "/tags/" + strings.ReplaceAll("arn:aws:apigateway:us-east-1::/restapis/abcdef1234", "/", "%2F")},
		{"get-export-oas30", "/restapis/abcdef1234/stages/prod/exports/oas30?extensions=apigateway"},
		{"get-export-swagger", "/restapis/abcdef1234/stages/prod/exports/swagger?extensions=integrations"},
		{"get-export-oas30-plain", "/restapis/abcdef1234/stages/prod/exports/oas30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.call(t, "GET", tc.path, "")
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			golden(t, filepath.Join("testdata", "read", tc.name+".json"), body)
		})
	}
}

func golden(t *testing.T, file string, got []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	buf.WriteByte('\n')
	if *update {
		os.MkdirAll(filepath.Dir(file), 0o755)
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), buf.String()); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", file, d)
	}
}

// TestErrors: each wrong request gets AWS's error shape.
func TestErrors(t *testing.T) {
	e := start(t, petstore())
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		typ, message             string
	}{
		{"unknown api", "GET", "/restapis/nope", "", 404, "NotFoundException", "Invalid API identifier specified 123456789012:nope"},
		{"unknown resource", "GET", "/restapis/abcdef1234/resources/nope", "", 404, "NotFoundException", "Invalid Resource identifier specified"},
		{"unknown method", "GET", "/restapis/abcdef1234/resources/pets01/methods/POST", "", 404, "NotFoundException", "Invalid Method identifier specified"},
		{"unknown stage", "GET", "/restapis/abcdef1234/stages/nope", "", 404, "NotFoundException", "Invalid stage identifier specified"},
		{"unknown response", "GET", "/restapis/abcdef1234/resources/pets01/methods/GET/responses/418", "", 404, "NotFoundException", "Invalid Response status code specified"},
		{"unknown usage plan", "GET", "/usageplans/nope/keys", "", 404, "NotFoundException", "Invalid Usage Plan ID specified"},
		{"bad limit", "GET", "/restapis?limit=0", "", 400, "BadRequestException", `Invalid limit: "0" (want 1 to 500)`},
		{"bad position", "GET", "/restapis?position=x", "", 400, "BadRequestException", "Invalid position parameter"},
		{"unanswered operation", "GET", "/account", "", 404, "NotFoundException", "cfnrun's control plane does not answer GET /account (see docs/control-plane.md for the operations it supports)"},
		{"malformed patch body", "PATCH", "/restapis/abcdef1234/stages/prod", `{"patchOperations": [`, 400, "BadRequestException", "Invalid request body: unexpected end of JSON input"},
		{"no patch operations", "PATCH", "/restapis/abcdef1234/stages/prod", `{}`, 400, "BadRequestException", "Invalid patch operations: at least one is required"},
		{"bad op", "PATCH", "/restapis/abcdef1234/stages/prod", `{"patchOperations":[{"op":"frob","path":"/description","value":"x"}]}`, 400, "BadRequestException", "Invalid patch operation specified. Must be 'add'|'remove'|'replace'|'move'|'copy'|'test'"},
		{"bad bool", "PATCH", "/restapis/abcdef1234/stages/prod", `{"patchOperations":[{"op":"replace","path":"/http2Enabled","value":"yes"}]}`, 400, "BadRequestException", `Invalid value for /http2Enabled: "yes" (want true or false)`},
		{"no value", "PATCH", "/restapis/abcdef1234/stages/prod", `{"patchOperations":[{"op":"replace","path":"/http2Enabled"}]}`, 400, "BadRequestException", "Invalid patch operation: replace /http2Enabled needs a value"},
		{"bad rate", "PATCH", "/restapis/abcdef1234/stages/prod", `{"patchOperations":[{"op":"replace","path":"/*/*/throttling/rateLimit","value":"-3"}]}`, 400, "BadRequestException", `Invalid value for /*/*/throttling/rateLimit: "-3"`},
		{"unknown deployment", "PATCH", "/restapis/abcdef1234/stages/prod", `{"patchOperations":[{"op":"replace","path":"/deploymentId","value":"zzz"}]}`, 400, "BadRequestException", "Invalid deployment identifier specified: zzz"},
		{"patch unknown stage", "PATCH", "/restapis/abcdef1234/stages/nope", `{"patchOperations":[{"op":"replace","path":"/description","value":"x"}]}`, 404, "NotFoundException", "Invalid stage identifier specified"},
		{"stage exists", "POST", "/restapis/abcdef1234/stages", `{"stageName":"prod","deploymentId":"dep001"}`, 409, "ConflictException", "Stage already exists"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.call(t, tc.method, tc.path, tc.body)
			if resp.StatusCode != tc.status || resp.Header.Get("x-amzn-ErrorType") != tc.typ {
				t.Fatalf("got %d %q, want %d %q: %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), tc.status, tc.typ, body)
			}
			var m map[string]string
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatal(err)
			}
			if m["message"] != tc.message {
				t.Errorf("message %q, want %q", m["message"], tc.message)
			}
		})
	}
	if !strings.Contains(e.logs.String(), "msg=request") {
		return
	}
	t.Error("control plane requests reached the data plane's access log")
}

// TestDataPlaneUnchanged: requests that are not management API requests
// (no signature, another service's signature, the LocalStack data plane
// URL) are the data plane's.
func TestDataPlaneUnchanged(t *testing.T) {
	e := start(t, petstore())
	for _, tc := range []struct {
		name, path, service string
		status              int
		errType             string
	}{
		{"unsigned management path", "/restapis", "", 403, "ForbiddenException"},
		{"execute-api signature", "/restapis", "execute-api", 403, "ForbiddenException"},
		{"stage path", "/prod/pets", "apigateway", 200, ""},
		{"localstack data plane url", "/restapis/abcdef1234/prod/_user_request_/pets", "apigateway", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.base+tc.path, nil)
			if tc.service != "" {
				sign(req, nil, tc.service, fixedNow)
			}
			resp, body := do(t, http.DefaultClient, req)
			if resp.StatusCode != tc.status || resp.Header.Get("x-amzn-ErrorType") != tc.errType {
				t.Fatalf("got %d %q, want %d %q: %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), tc.status, tc.errType, body)
			}
			if resp.Header.Get("x-amz-apigw-id") == "" {
				t.Error("no x-amz-apigw-id: not answered by the data plane")
			}
		})
	}
}

// TestUpdateStageHTTP2 runs the article's command (update-stage
// /http2Enabled) and checks HTTP/2 is refused, then served again.
func TestUpdateStageHTTP2(t *testing.T) {
	e := start(t, petstore())
	h2 := h2cClient()
	get := func() error {
		req, _ := http.NewRequest("GET", e.base+"/prod/pets", nil)
		resp, err := h2.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
	if err := get(); err != nil {
		t.Fatalf("HTTP/2 before the change: %v", err)
	}
	for _, v := range []string{"false", "true"} {
		resp, body := e.call(t, "PATCH", "/restapis/abcdef1234/stages/prod",
			`{"patchOperations":[{"op":"replace","path":"/http2Enabled","value":"`+v+`"}]}`)
		if resp.StatusCode != 200 {
			t.Fatalf("update-stage: %d %s", resp.StatusCode, body)
		}
		var st struct {
			HTTP2Enabled bool              `json:"http2Enabled"`
			Tags         map[string]string `json:"tags"`
		}
		json.Unmarshal(body, &st)
		if got := st.Tags["cfnrun:http2Enabled"]; got != v {
			t.Errorf("tag cfnrun:http2Enabled = %q, want %s", got, v)
		}
		if !strings.Contains(st.Tags["cfnrun:drift"], "http2Enabled="+v) {
			t.Errorf("drift tag %q does not name the change", st.Tags["cfnrun:drift"])
		}
		err := get()
		var se http2.StreamError
		if v == "false" && (!errors.As(err, &se) || se.Code != http2.ErrCodeHTTP11Required) {
			t.Errorf("HTTP/2 after http2Enabled=false: %v, want HTTP_1_1_REQUIRED", err)
		}
		if v == "true" && err != nil {
			t.Errorf("HTTP/2 after http2Enabled=true: %v", err)
		}
		if want := "control plane: update-stage prod http2Enabled=" + v; !strings.Contains(e.logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, e.logs.String())
		}
	}
	// HTTP/1.1 was served throughout on the other stage.
	resp, _ := do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/dev/pets"))
	if resp.StatusCode != 200 {
		t.Errorf("dev stage: %d", resp.StatusCode)
	}
}

func mustReq(t *testing.T, method, url string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestUpdateStageVariables: a stage variable changed through the control
// plane is what the next request's mapping template reads; a reload of
// the template (Load) ends the drift.
func TestUpdateStageVariables(t *testing.T) {
	tpl := petstore()
	e := start(t, tpl)
	color := func() string {
		_, body := do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/prod/pets"))
		var m map[string]any
		json.Unmarshal(body, &m)
		s, _ := m["color"].(string)
		return s
	}
	if c := color(); c != "blue" {
		t.Fatalf("color %q before the change", c)
	}
	resp, body := e.call(t, "PATCH", "/restapis/abcdef1234/stages/prod",
		`{"patchOperations":[{"op":"replace","path":"/variables/color","value":"red"},{"op":"replace","path":"/~1pets/GET/throttling/burstLimit","value":"7"},{"op":"replace","path":"/cacheClusterEnabled","value":"true"}]}`)
	if resp.StatusCode != 200 {
		t.Fatalf("update-stage: %d %s", resp.StatusCode, body)
	}
	var st struct {
		Variables      map[string]string `json:"variables"`
		MethodSettings map[string]struct {
			ThrottlingBurstLimit int `json:"throttlingBurstLimit"`
		} `json:"methodSettings"`
		Tags map[string]string `json:"tags"`
	}
	json.Unmarshal(body, &st)
	if st.Variables["color"] != "red" || st.MethodSettings["~1pets/GET"].ThrottlingBurstLimit != 7 {
		t.Errorf("answer does not show the change: %s", body)
	}
	if !strings.Contains(st.Tags["cfnrun:drift"], "cacheClusterEnabled=true (accepted and ignored") {
		t.Errorf("drift %q does not say the cache setting is ignored", st.Tags["cfnrun:drift"])
	}
	if c := color(); c != "red" {
		t.Errorf("color %q after the change, want red", c)
	}
	// The template is reloaded: the change is gone, and so is the drift.
	if _, err := e.gw.Load(petstore()); err != nil {
		t.Fatal(err)
	}
	if c := color(); c != "blue" {
		t.Errorf("color %q after a reload, want blue", c)
	}
	_, body = e.call(t, "GET", "/restapis/abcdef1234/stages/prod", "")
	if strings.Contains(string(body), "cfnrun:drift") {
		t.Errorf("drift reported after a reload: %s", body)
	}
}

// TestStagesAndDeployments: create-deployment with a new stage name
// serves the stage at once; create-stage and delete-stage do what they
// say.
func TestStagesAndDeployments(t *testing.T) {
	e := start(t, petstore())
	resp, body := e.call(t, "POST", "/restapis/abcdef1234/deployments", `{"stageName":"beta","description":"second","variables":{"color":"gold"}}`)
	if resp.StatusCode != 201 {
		t.Fatalf("create-deployment: %d %s", resp.StatusCode, body)
	}
	var dep struct{ ID, Description string }
	json.Unmarshal(body, &dep)
	if len(dep.ID) != 6 || dep.Description != "second" {
		t.Errorf("deployment %s", body)
	}
	resp, _ = do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/beta/pets"))
	if resp.StatusCode != 200 {
		t.Errorf("GET /beta/pets after create-deployment: %d", resp.StatusCode)
	}
	resp, body = e.call(t, "POST", "/restapis/abcdef1234/stages", `{"stageName":"qa","deploymentId":"`+dep.ID+`"}`)
	if resp.StatusCode != 201 || !strings.Contains(string(body), `"deploymentId":"`+dep.ID+`"`) {
		t.Fatalf("create-stage: %d %s", resp.StatusCode, body)
	}
	resp, _ = do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/qa/pets"))
	if resp.StatusCode != 200 {
		t.Errorf("GET /qa/pets after create-stage: %d", resp.StatusCode)
	}
	resp, body = e.call(t, "DELETE", "/restapis/abcdef1234/stages/qa", "")
	if resp.StatusCode != 202 {
		t.Fatalf("delete-stage: %d %s", resp.StatusCode, body)
	}
	resp, _ = do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/qa/pets"))
	if resp.StatusCode != 403 {
		t.Errorf("GET /qa/pets after delete-stage: %d, want 403", resp.StatusCode)
	}
	_, body = e.call(t, "GET", "/restapis/abcdef1234/deployments", "")
	if !strings.Contains(string(body), dep.ID) {
		t.Errorf("get-deployments lacks %s: %s", dep.ID, body)
	}
}

// TestOversizedBody: a body over the limit gets the error shape and the
// data plane keeps serving.
func TestOversizedBody(t *testing.T) {
	e := start(t, petstore())
	big := `{"patchOperations":[{"op":"replace","path":"/description","value":"` + strings.Repeat("x", 7<<20) + `"}]}`
	resp, body := e.call(t, "PATCH", "/restapis/abcdef1234/stages/prod", big)
	if resp.StatusCode != 413 || resp.Header.Get("x-amzn-ErrorType") != "BadRequestException" {
		t.Errorf("got %d %q: %.200s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), body)
	}
	resp, _ = do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/prod/pets"))
	if resp.StatusCode != 200 {
		t.Errorf("data plane after the oversized request: %d", resp.StatusCode)
	}
}

// TestInvokeMethod runs methods through the data plane as the console's
// Test button does.
func TestInvokeMethod(t *testing.T) {
	e := start(t, petstore())
	resp, body := e.call(t, "POST", "/restapis/abcdef1234/resources/pets01/methods/GET",
		`{"pathWithQueryString":"/pets?limit=2","headers":{"Accept":"application/json"}}`)
	if resp.StatusCode != 200 {
		t.Fatalf("test-invoke-method: %d %s", resp.StatusCode, body)
	}
	var got struct {
		Status            int
		Body, Log         string
		Headers           map[string]string
		MultiValueHeaders map[string][]string
		Latency           *int64
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	// The first stage by name (dev) runs it.
	if got.Status != 200 || !strings.Contains(got.Body, `"color": "green"`) || got.Latency == nil {
		t.Errorf("answer: %s", body)
	}
	if got.Headers["Content-Type"] != "application/json" || len(got.MultiValueHeaders["Content-Type"]) != 1 {
		t.Errorf("headers: %v %v", got.Headers, got.MultiValueHeaders)
	}
	for _, want := range []string{"HTTP Method: GET, Resource Path: /pets", "Method request query string: {limit=2}",
		"Method request headers: {Accept=application/json}", "Running on stage dev (stage variables {color=green})",
		"Method completed with status: 200"} {
		if !strings.Contains(got.Log, want) {
			t.Errorf("log lacks %q:\n%s", want, got.Log)
		}
	}
	// A method needing an API key gets the gateway's answer, as a real
	// request would.
	_, body = e.call(t, "POST", "/restapis/abcdef1234/resources/pet002/methods/GET", `{"pathWithQueryString":"/pets/7"}`)
	json.Unmarshal(body, &got)
	if got.Status != 403 || !strings.Contains(got.Log, "Method request path: {id=7}") {
		t.Errorf("without x-api-key: %s", body)
	}
	resp, _ = e.call(t, "POST", "/restapis/abcdef1234/resources/pets01/methods/DELETE", `{}`)
	if resp.StatusCode != 404 {
		t.Errorf("unknown method: %d", resp.StatusCode)
	}
}

// TestBuildFromNothing builds and serves an API the way LocalStack-style
// scripts do, one management call at a time.
func TestBuildFromNothing(t *testing.T) {
	e := start(t, petstore())
	must := func(method, path, body string, status int) map[string]any {
		t.Helper()
		resp, b := e.call(t, method, path, body)
		if resp.StatusCode != status {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
		}
		var m map[string]any
		json.Unmarshal(b, &m)
		return m
	}
	api := must("POST", "/restapis", `{"name":"scripted","description":"built by calls"}`, 201)
	id, root := api["id"].(string), api["rootResourceId"].(string)
	if len(id) != 10 || len(root) != 10 {
		t.Fatalf("create-rest-api: %v", api)
	}
	res := must("POST", "/restapis/"+id+"/resources/"+root, `{"pathPart":"items"}`, 201)
	rid := res["id"].(string)
	if res["path"] != "/items" || res["parentId"] != root {
		t.Errorf("create-resource: %v", res)
	}
	must("POST", "/restapis/"+id+"/resources/"+root, `{"pathPart":"items"}`, 409)
	must("POST", "/restapis/"+id+"/resources/"+root, `{"pathPart":"bad/part"}`, 400)
	base := "/restapis/" + id + "/resources/" + rid + "/methods/GET"
	must("PUT", base, `{"authorizationType":"NONE"}`, 201)
	must("PUT", base, `{"authorizationType":"NONE"}`, 409)
	must("PUT", base+"/integration", `{"type":"HTTP","httpMethod":"GET"}`, 400)
	must("PUT", base+"/integration", `{"type":"MOCK","requestTemplates":{"application/json":"{\"statusCode\": 200}"}}`, 201)
	must("PUT", base+"/responses/200", `{"responseModels":{"application/json":"Empty"}}`, 201)
	must("PUT", base+"/integration/responses/200", `{"responseTemplates":{"application/json":"{\"items\": [\"$stageVariables.env\"]}"}}`, 201)
	// Nothing is served before a deployment captures it.
	if resp, _ := do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/local/items")); resp.StatusCode != 403 {
		t.Errorf("GET /local/items before create-deployment: %d, want 403", resp.StatusCode)
	}
	first := must("POST", "/restapis/"+id+"/deployments", `{"stageName":"local","variables":{"env":"one"}}`, 201)["id"].(string)

	get := func() (int, string) {
		resp, b := do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/local/items"))
		return resp.StatusCode, string(b)
	}
	if code, body := get(); code != 200 || body != `{"items": ["one"]}` {
		t.Fatalf("GET /local/items: %d %s", code, body)
	}
	m := must("GET", base, "", 200)
	if m["methodIntegration"].(map[string]any)["type"] != "MOCK" {
		t.Errorf("get-method: %v", m)
	}
	must("PUT", base+"/responses/503", `{}`, 201)
	must("PUT", base+"/integration/responses/503", `{"selectionPattern":"5\\d{2}","responseTemplates":{"application/json":"{\"down\": true}"}}`, 201)
	must("PATCH", base+"/integration", `{"patchOperations":[{"op":"replace","path":"/requestTemplates/application~1json","value":"{\"statusCode\": 503}"}]}`, 200)
	// As in API Gateway, the stage serves its deployment's snapshot
	// until a new deployment captures the change.
	if code, body := get(); code != 200 || body != `{"items": ["one"]}` {
		t.Errorf("after update-integration, before create-deployment: %d %s, want the deployed 200", code, body)
	}
	must("POST", "/restapis/"+id+"/deployments", `{"stageName":"local"}`, 201)
	if code, body := get(); code != 503 || body != `{"down": true}` {
		t.Errorf("after update-integration and create-deployment: %d %s, want 503", code, body)
	}
	// Pointing the stage back at the first deployment serves it again.
	must("PATCH", "/restapis/"+id+"/stages/local", `{"patchOperations":[{"op":"replace","path":"/deploymentId","value":"`+first+`"}]}`, 200)
	if code, body := get(); code != 200 || body != `{"items": ["one"]}` {
		t.Errorf("after update-stage /deploymentId to the first deployment: %d %s, want 200", code, body)
	}
	if sum := must("GET", "/restapis/"+id+"/deployments/"+first+"?embed=apisummary", "", 200)["apiSummary"]; fmt.Sprint(sum) != "map[/items:map[GET:map[apiKeyRequired:false authorizationType:NONE]]]" {
		t.Errorf("the first deployment's summary: %v", sum)
	}
	must("PATCH", base+"/integration", `{"patchOperations":[{"op":"replace","path":"/nope","value":"x"}]}`, 400)
	must("DELETE", base, "", 204)
	if code, _ := get(); code != 200 {
		t.Errorf("after delete-method, before create-deployment: %d, want the deployed 200", code)
	}
	must("POST", "/restapis/"+id+"/deployments", `{"stageName":"local"}`, 201)
	if code, _ := get(); code != 403 {
		t.Errorf("after delete-method and create-deployment: %d, want 403", code)
	}
	must("DELETE", "/restapis/"+id+"/resources/"+rid, "", 202)
	must("GET", "/restapis/"+id+"/resources/"+rid, "", 404)
	must("DELETE", "/restapis/"+id+"/resources/"+root, "", 400)
	if tags, _ := must("GET", "/restapis/"+id, "", 200)["tags"].(map[string]any); !strings.Contains(fmt.Sprint(tags["cfnrun:drift"]), "create-resource /items") {
		t.Errorf("get-rest-api does not report the drift: %v", tags)
	}
	if !strings.Contains(e.logs.String(), "control plane: create-resource /items") {
		t.Errorf("log:\n%s", e.logs.String())
	}
}

// TestPage: /_cfnrun/ shows the APIs, stages, routes and recent requests,
// as HTML and as JSON, without a signature.
func TestPage(t *testing.T) {
	e := start(t, petstore())
	do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/prod/pets?from=page-test"))
	e.call(t, "PATCH", "/restapis/abcdef1234/stages/dev", `{"patchOperations":[{"op":"replace","path":"/http2Enabled","value":"false"}]}`)
	resp, body := do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/_cfnrun/?format=json"))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	var d struct {
		APIs []struct {
			ID     string
			Stages []struct {
				Name         string
				HTTP2Enabled bool
				Drift        string
			}
			Routes []struct{ Stage, Method, Path, Integration string }
		}
		Recent []struct {
			Method, Path string
			Status       int
		}
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.APIs) != 1 || d.APIs[0].ID != "abcdef1234" || len(d.APIs[0].Stages) != 2 || len(d.APIs[0].Routes) != 4 {
		t.Fatalf("page JSON: %s", body)
	}
	if dev := d.APIs[0].Stages[0]; dev.Name != "dev" || dev.HTTP2Enabled || !strings.Contains(dev.Drift, "http2Enabled=false") {
		t.Errorf("dev stage: %+v", dev)
	}
	if len(d.Recent) == 0 || d.Recent[0].Path != "/prod/pets" || d.Recent[0].Status != 200 {
		t.Errorf("recent: %+v", d.Recent)
	}
	resp, body = do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/_cfnrun/"))
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("HTML: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"API petstore", "/pets/{id}", "<td>/prod/pets</td>", "no (HTTP/1.1 only)", "update-stage dev http2Enabled=false"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	resp, _ = do(t, http.DefaultClient, mustReq(t, "POST", e.base+"/_cfnrun/"))
	if resp.StatusCode != 405 {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}
