package main

import (
	"encoding/json"
	"errors"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/http2"
)

// awsEnv is the environment for the AWS CLI and boto3 against a local
// gateway: dummy credentials, a region, and no user configuration.
func awsEnv(t *testing.T) []string {
	dir := t.TempDir()
	return append(os.Environ(),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_SESSION_TOKEN=",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=",
		"AWS_CONFIG_FILE="+filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"))
}

// awsCLI runs `aws --endpoint-url http://ADDR apigateway ARGS...` and
// returns stdout, stderr and the exit code.
func awsCLI(t *testing.T, env []string, addr string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "aws", append([]string{"--endpoint-url", "http://" + addr, "--output", "json", "apigateway"}, args...)...)
	cmd.Env = env
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// TestControlPlaneAWSCLI drives `cfnrun up` (the article's template) with
// the real AWS CLI: the article's update-stage command, then HTTP/2 is
// refused on the stage, and served again with value=true.
func TestControlPlaneAWSCLI(t *testing.T) {
	t.Parallel() // a Python process per call: slow under load, so overlapped with the others
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not installed")
	}
	p := startUp(t)
	p.waitLine(t, "Control plane:")
	if !strings.Contains(p.output(), "Control plane: aws --endpoint-url http://"+p.http+" apigateway get-rest-apis") {
		t.Errorf("up does not print the control plane line:\n%s", p.output())
	}
	env := awsEnv(t)
	out, errOut, code := awsCLI(t, env, p.http, "get-rest-apis")
	if code != 0 {
		t.Fatalf("get-rest-apis exited %d: %s", code, errOut)
	}
	var apis struct {
		Items []struct{ ID, Name, RootResourceID string }
	}
	if err := json.Unmarshal([]byte(out), &apis); err != nil || len(apis.Items) != 1 || apis.Items[0].Name != "MyHttp2Api" {
		t.Fatalf("get-rest-apis: %v\n%s", err, out)
	}
	id := apis.Items[0].ID
	if !strings.Contains(p.output(), "(id "+id+")") {
		t.Errorf("the id %s is not the one up prints:\n%s", id, p.output())
	}

	out, errOut, code = awsCLI(t, env, p.http, "get-resources", "--rest-api-id", id, "--embed", "methods")
	if code != 0 || !strings.Contains(out, `"path": "/myresource"`) || !strings.Contains(out, `"connectionType": "HTTP2"`) {
		t.Errorf("get-resources exited %d: %s%s", code, out, errOut)
	}

	h2 := h2c()
	h2get := func() error {
		resp, err := h2.Get("http://" + p.http + "/prod/myresource")
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
	for _, v := range []string{"false", "true"} {
		// The article's command.
		_, errOut, code = awsCLI(t, env, p.http, "update-stage", "--rest-api-id", id, "--stage-name", "prod",
			"--patch-operations", "op=replace,path=/http2Enabled,value="+v)
		if code != 0 {
			t.Fatalf("update-stage exited %d: %s", code, errOut)
		}
		out, errOut, code = awsCLI(t, env, p.http, "get-stage", "--rest-api-id", id, "--stage-name", "prod")
		var st struct{ Tags map[string]string }
		if err := json.Unmarshal([]byte(out), &st); code != 0 || err != nil || st.Tags["cfnrun:http2Enabled"] != v {
			t.Errorf("get-stage after http2Enabled=%s exited %d: %s%s", v, code, out, errOut)
		}
		err := h2get()
		var se http2.StreamError
		if v == "false" && (!errors.As(err, &se) || se.Code != http2.ErrCodeHTTP11Required) {
			t.Errorf("HTTP/2 after http2Enabled=false: %v, want HTTP_1_1_REQUIRED", err)
		}
		if v == "true" && err != nil {
			t.Errorf("HTTP/2 after http2Enabled=true: %v", err)
		}
		resp, err := http.Get("http://" + p.http + "/prod/myresource")
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("HTTP/1.1 after http2Enabled=%s: %v %v", v, resp, err)
		} else {
			resp.Body.Close()
		}
	}

	// What the CLI prints for a wrong id is what AWS prints.
	_, errOut, code = awsCLI(t, env, p.http, "get-rest-api", "--rest-api-id", "nope")
	if want := "An error occurred (NotFoundException) when calling the GetRestApi operation: Invalid API identifier specified 123456789012:nope"; code == 0 || !strings.Contains(errOut, want) {
		t.Errorf("get-rest-api nope exited %d, stderr %q; want %q", code, errOut, want)
	}
	_, errOut, code = awsCLI(t, env, p.http, "update-stage", "--rest-api-id", id, "--stage-name", "prod",
		"--patch-operations", "op=replace,path=/nope,value=1")
	if code == 0 || !strings.Contains(errOut, "(BadRequestException) when calling the UpdateStage operation: Invalid patch path /nope") {
		t.Errorf("update-stage /nope exited %d, stderr %q", code, errOut)
	}
}

// TestControlPlaneBoto3 lists and pages with boto3, as SDK scripts do.
func TestControlPlaneBoto3(t *testing.T) {
	t.Parallel() // a Python process per call: slow under load, so overlapped with the others
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("boto3 is not importable")
	}
	p := startUp(t)
	script := `
import boto3, json, sys
c = boto3.client("apigateway", endpoint_url=sys.argv[1])
apis = c.get_rest_apis()["items"]
rid = apis[0]["id"]
pages = list(c.get_paginator("get_gateway_responses").paginate(restApiId=rid, PaginationConfig={"PageSize": 5}))
stage = c.update_stage(restApiId=rid, stageName="prod", patchOperations=[{"op": "replace", "path": "/variables/color", "value": "red"}])
try:
    c.get_stage(restApiId=rid, stageName="nope")
    err = ""
except c.exceptions.NotFoundException as e:
    err = e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]
print(json.dumps({"api": apis[0]["name"], "pages": len(pages), "responses": sum(len(p["items"]) for p in pages),
    "color": stage["variables"]["color"], "err": err}))
`
	cmd := exec.CommandContext(t.Context(), "python3", "-c", script, "http://"+p.http)
	cmd.Env = awsEnv(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
	var got struct {
		API              string
		Pages, Responses int
		Color, Err       string
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got.API != "MyHttp2Api" || got.Pages != 5 || got.Responses != 21 || got.Color != "red" ||
		got.Err != "NotFoundException: Invalid stage identifier specified" {
		t.Errorf("boto3 saw %+v", got)
	}
}

const shopTemplate = `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: shop}
  Items:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: items}
  Item:
    Type: AWS::ApiGateway::Resource
    Properties: {RestApiId: !Ref Api, ParentId: !Ref Items, PathPart: "{id}"}
  GetItem:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Item
      HttpMethod: GET
      AuthorizationType: NONE
      RequestParameters: {method.request.path.id: true}
      Integration:
        Type: MOCK
        RequestTemplates: {application/json: '{"statusCode": 200}'}
        IntegrationResponses:
          - StatusCode: "200"
            ResponseTemplates: {application/json: '{"id": "$input.params(''id'')", "color": "$stageVariables.color"}'}
      MethodResponses: [{StatusCode: "200"}]
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: GetItem
    Properties: {RestApiId: !Ref Api}
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Api, DeploymentId: !Ref Deployment, StageName: prod, Variables: {color: blue}}
`

// TestControlPlaneAWSCLISession is the scripted session of issue #10:
// get-rest-apis → get-resources → get-stages → test-invoke-method →
// get-export → update-stage variables → a request that uses the new
// stage variable, on a MOCK route with a path parameter.
func TestControlPlaneAWSCLISession(t *testing.T) {
	t.Parallel() // a Python process per call: slow under load, so overlapped with the others
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("the AWS CLI is not installed")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "shop.yaml")
	if err := os.WriteFile(file, []byte(shopTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startUp(t, "--no-watch", file)
	env := awsEnv(t)
	run := func(args ...string) string {
		t.Helper()
		out, errOut, code := awsCLI(t, env, p.http, args...)
		if code != 0 {
			t.Fatalf("aws apigateway %s exited %d: %s", strings.Join(args, " "), code, errOut)
		}
		return out
	}
	var apis struct{ Items []struct{ ID string } }
	json.Unmarshal([]byte(run("get-rest-apis")), &apis)
	if len(apis.Items) != 1 {
		t.Fatalf("get-rest-apis: %+v", apis)
	}
	id := apis.Items[0].ID
	var resources struct{ Items []struct{ ID, Path string } }
	json.Unmarshal([]byte(run("get-resources", "--rest-api-id", id)), &resources)
	itemID := ""
	for _, r := range resources.Items {
		if r.Path == "/items/{id}" {
			itemID = r.ID
		}
	}
	if itemID == "" {
		t.Fatalf("get-resources has no /items/{id}: %+v", resources)
	}
	if out := run("get-stages", "--rest-api-id", id); !strings.Contains(out, `"color": "blue"`) {
		t.Errorf("get-stages: %s", out)
	}
	var inv struct {
		Status    int
		Body, Log string
	}
	json.Unmarshal([]byte(run("test-invoke-method", "--rest-api-id", id, "--resource-id", itemID, "--http-method", "GET",
		"--path-with-query-string", "/items/42")), &inv)
	if inv.Status != 200 || inv.Body != `{"id": "42", "color": "blue"}` || !strings.Contains(inv.Log, "Method completed with status: 200") {
		t.Errorf("test-invoke-method: %+v", inv)
	}
	exportFile := filepath.Join(dir, "shop-oas30.json")
	run("get-export", "--rest-api-id", id, "--stage-name", "prod", "--export-type", "oas30", "--parameters", "extensions=integrations", exportFile)
	b, err := os.ReadFile(exportFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string
		Paths   map[string]map[string]map[string]any
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	x, _ := doc.Paths["/items/{id}"]["get"]["x-amazon-apigateway-integration"].(map[string]any)
	if doc.OpenAPI != "3.0.1" || x["type"] != "mock" {
		t.Errorf("get-export: %s", b)
	}
	run("update-stage", "--rest-api-id", id, "--stage-name", "prod", "--patch-operations", "op=replace,path=/variables/color,value=red")
	resp, err := http.Get("http://" + p.http + "/prod/items/7")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"id": "7", "color": "red"}` {
		t.Errorf("GET /prod/items/7 after update-stage: %d %s", resp.StatusCode, body)
	}
}

// TestControlPlanePageInBrowser opens /_cfnrun/ in headless Chromium (when
// installed): the DOM shows the API and the request just made, and a
// screenshot renders.
func TestControlPlanePageInBrowser(t *testing.T) {
	t.Parallel() // two browser starts: slow under load, so overlapped with the others
	browser := ""
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("no Chromium installed")
	}
	p := startUp(t)
	p.waitLine(t, "Served APIs and recent requests: http://"+p.http+"/_cfnrun/")
	resp, err := http.Get("http://" + p.http + "/prod/myresource")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	dir := t.TempDir()
	shot := filepath.Join(dir, "page.png")
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + filepath.Join(dir, "profile")}
	dom, err := exec.CommandContext(t.Context(), browser, append(args, "--dump-dom", "http://"+p.http+"/_cfnrun/")...).Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	for _, want := range []string{"API MyHttp2Api", "<td>/prod/myresource</td>", "<td>200</td>", "apigateway get-rest-apis"} {
		if !strings.Contains(string(dom), want) {
			t.Errorf("the page in Chromium lacks %q:\n%s", want, dom)
		}
	}
	if out, err := exec.CommandContext(t.Context(), browser, append(args, "--window-size=1200,800", "--screenshot="+shot, "http://"+p.http+"/_cfnrun/")...).CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width != 1200 || cfg.Height != 800 {
		t.Errorf("screenshot: %v %+v", err, cfg)
	}
}
