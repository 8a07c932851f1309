package control_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// TestUpdateAndDeleteRestAPI: update-rest-api's patch paths change what
// get-rest-api answers (and the API key source the gateway reads);
// delete-rest-api stops serving the API at once and takes its stages out
// of the usage plans.
func TestUpdateAndDeleteRestAPI(t *testing.T) {
	tpl := petstore()
	// A second API, deleted last.
	other := *tpl.APIs[0]
	other.LogicalID, other.ID, other.Name = "Other", "zzzzzz9999", "other"
	other.Stages = []*model.Stage{{LogicalID: "OtherStage", Name: "other", DeploymentID: "dep001"}}
	tpl.APIs = append(tpl.APIs, &other)
	e := start(t, tpl)
	a := e.must(t, "PATCH", "/restapis/abcdef1234", `{"patchOperations":[
		{"op":"replace","path":"/name","value":"renamed"},
		{"op":"replace","path":"/description","value":"new"},
		{"op":"add","path":"/binaryMediaTypes/image~1png"},
		{"op":"replace","path":"/minimumCompressionSize","value":"1024"},
		{"op":"replace","path":"/endpointConfiguration/types/0","value":"PRIVATE"},
		{"op":"replace","path":"/disableExecuteApiEndpoint","value":"true"}]}`, 200)
	if a["name"] != "renamed" || a["description"] != "new" || fmt.Sprint(a["binaryMediaTypes"]) != "[image/png]" ||
		a["minimumCompressionSize"] != 1024.0 || fmt.Sprint(a["endpointConfiguration"]) != "map[types:[PRIVATE]]" ||
		a["disableExecuteApiEndpoint"] != true || !strings.Contains(fmt.Sprint(a["tags"]), "update-rest-api name=") {
		t.Errorf("update-rest-api: %v", a)
	}
	e.must(t, "PATCH", "/restapis/abcdef1234", `{"patchOperations":[{"op":"replace","path":"/apiKeySource","value":"QUERY"}]}`, 400)
	e.must(t, "PATCH", "/restapis/abcdef1234", `{"patchOperations":[{"op":"replace","path":"/id","value":"x"}]}`, 400)
	e.must(t, "PATCH", "/restapis/nope", `{"patchOperations":[{"op":"replace","path":"/name","value":"x"}]}`, 404)
	if s := e.pets(t, "", 1); s != "200" {
		t.Fatalf("GET /prod/pets before delete-rest-api: %s", s)
	}
	e.must(t, "DELETE", "/restapis/abcdef1234", "", 202)
	if s := e.pets(t, "", 1); s != "403" {
		t.Errorf("GET /prod/pets after delete-rest-api: %s, want 403", s)
	}
	e.must(t, "GET", "/restapis/abcdef1234", "", 404)
	e.must(t, "DELETE", "/restapis/abcdef1234", "", 404)
	if up := e.must(t, "GET", "/usageplans/plan01", "", 200); fmt.Sprint(up["apiStages"]) != "[]" {
		t.Errorf("the plan still names the deleted API's stages: %v", up["apiStages"])
	}
	// The last API goes too, as on AWS (a teardown script deletes them
	// all): the data plane then answers as for an unknown API, and the
	// control plane goes on, to build another.
	e.must(t, "DELETE", "/restapis/zzzzzz9999", "", 202)
	resp, b := do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/other/pets"))
	if resp.StatusCode != 403 || string(b) != `{"message":"Forbidden"}` {
		t.Errorf("GET /other/pets with no API left: %d %s", resp.StatusCode, b)
	}
	if l := e.must(t, "GET", "/restapis", "", 200); fmt.Sprint(l["item"]) != "[]" && l["item"] != nil {
		t.Errorf("get-rest-apis with no API left: %v", l)
	}
	if resp, b := do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/_cfnrun/?format=json")); resp.StatusCode != 200 {
		t.Errorf("the /_cfnrun/ page with no API left: %d %s", resp.StatusCode, b)
	}
	id := e.must(t, "POST", "/restapis", `{"name":"again"}`, 201)["id"].(string)
	e.must(t, "POST", "/restapis/"+id+"/deployments", `{"stageName":"dev"}`, 201)
	resp, b = do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/dev/anything"))
	if resp.StatusCode != 403 || !strings.Contains(string(b), "Missing Authentication Token") {
		t.Errorf("GET /dev/anything on the API made after: %d %s, want the API's 403 Missing Authentication Token", resp.StatusCode, b)
	}
}

// TestAPIPartsAndMethodWrites: authorizers, request validators, models
// and gateway responses made through the control plane, and update-method
// using them; the method changes serve once create-deployment captures
// them, as in API Gateway, and each part's delete is refused while a
// method uses it.
func TestAPIPartsAndMethodWrites(t *testing.T) {
	e := start(t, petstore())
	const api = "/restapis/abcdef1234"
	const pets = api + "/resources/pets01/methods/GET"
	status := func(path string, hdr ...string) int {
		t.Helper()
		req := mustReq(t, "GET", e.base+path)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, _ := do(t, http.DefaultClient, req)
		return resp.StatusCode
	}
	deploy := func() { e.must(t, "POST", api+"/deployments", `{"stageName":"prod"}`, 201) }

	// A gateway response applies at once (it is not part of a deployment's tree).
	gr := e.must(t, "PUT", api+"/gatewayresponses/MISSING_AUTHENTICATION_TOKEN", `{"statusCode":"404","responseTemplates":{"application/json":"{\"nope\": true}"}}`, 201)
	if gr["statusCode"] != "404" || gr["defaultResponse"] != false {
		t.Errorf("put-gateway-response: %v", gr)
	}
	resp, b := do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/prod/nowhere"))
	if resp.StatusCode != 404 || string(b) != `{"nope": true}` {
		t.Errorf("the gateway response: %d %s", resp.StatusCode, b)
	}
	e.must(t, "PATCH", api+"/gatewayresponses/MISSING_AUTHENTICATION_TOKEN", `{"patchOperations":[{"op":"replace","path":"/statusCode","value":"410"}]}`, 200)
	if s := status("/prod/nowhere"); s != 410 {
		t.Errorf("after update-gateway-response: %d, want 410", s)
	}
	e.must(t, "DELETE", api+"/gatewayresponses/MISSING_AUTHENTICATION_TOKEN", "", 202)
	e.must(t, "DELETE", api+"/gatewayresponses/MISSING_AUTHENTICATION_TOKEN", "", 404)
	e.must(t, "PUT", api+"/gatewayresponses/NOT_A_TYPE", `{}`, 400)
	if s := status("/prod/nowhere"); s != 403 {
		t.Errorf("after delete-gateway-response: %d, want 403", s)
	}

	// update-method apiKeyRequired: served after create-deployment.
	m := e.must(t, "PATCH", pets, `{"patchOperations":[{"op":"replace","path":"/apiKeyRequired","value":"true"}]}`, 200)
	if m["apiKeyRequired"] != true {
		t.Errorf("update-method: %v", m)
	}
	if s := status("/prod/pets"); s != 200 {
		t.Errorf("before create-deployment: %d, want the deployed 200", s)
	}
	deploy()
	if s := status("/prod/pets"); s != 403 {
		t.Errorf("apiKeyRequired, no key: %d, want 403", s)
	}
	if s := status("/prod/pets", "x-api-key", "partner-key-value-0123456789"); s != 200 {
		t.Errorf("apiKeyRequired, the plan's key: %d, want 200", s)
	}

	// A request validator that checks parameters, and a required one.
	v := e.must(t, "POST", api+"/requestvalidators", `{"name":"strict","validateRequestParameters":true}`, 201)
	vid, _ := v["id"].(string)
	e.must(t, "POST", api+"/requestvalidators", `{"name":"strict"}`, 409)
	e.must(t, "PATCH", pets, `{"patchOperations":[{"op":"replace","path":"/apiKeyRequired","value":"false"},
		{"op":"replace","path":"/requestValidatorId","value":"`+vid+`"},
		{"op":"add","path":"/requestParameters/method.request.querystring.limit","value":"true"}]}`, 200)
	deploy()
	if s := status("/prod/pets"); s != 400 {
		t.Errorf("a required query string, missing: %d, want 400", s)
	}
	if s := status("/prod/pets?limit=3"); s != 200 {
		t.Errorf("a required query string, given: %d, want 200", s)
	}
	e.must(t, "DELETE", api+"/requestvalidators/"+vid, "", 409)
	e.must(t, "PATCH", api+"/requestvalidators/"+vid, `{"patchOperations":[{"op":"replace","path":"/validateRequestParameters","value":"false"}]}`, 200)
	if s := status("/prod/pets"); s != 200 {
		t.Errorf("the validator no longer checks parameters: %d, want 200", s)
	}

	// A Cognito authorizer on the method: 401 without a token.
	au := e.must(t, "POST", api+"/authorizers", `{"name":"pool","type":"COGNITO_USER_POOLS","identitySource":"method.request.header.Authorization",
		"providerARNs":["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"]}`, 201)
	aid, _ := au["id"].(string)
	if len(aid) != 6 || au["type"] != "COGNITO_USER_POOLS" || au["authorizerResultTtlInSeconds"] != 300.0 {
		t.Errorf("create-authorizer: %v", au)
	}
	e.must(t, "POST", api+"/authorizers", `{"name":"bad","type":"TOKEN"}`, 400)
	e.must(t, "PATCH", pets, `{"patchOperations":[{"op":"replace","path":"/authorizationType","value":"COGNITO_USER_POOLS"}]}`, 400)
	e.must(t, "PATCH", pets, `{"patchOperations":[{"op":"replace","path":"/authorizationType","value":"COGNITO_USER_POOLS"},{"op":"replace","path":"/authorizerId","value":"`+aid+`"}]}`, 200)
	deploy()
	if s := status("/prod/pets"); s != 401 {
		t.Errorf("a Cognito authorizer, no token: %d, want 401", s)
	}
	e.must(t, "PATCH", api+"/authorizers/"+aid, `{"patchOperations":[{"op":"replace","path":"/name","value":"renamed"},{"op":"replace","path":"/authorizerResultTtlInSeconds","value":"0"}]}`, 200)
	if got := e.must(t, "GET", api+"/authorizers/"+aid, "", 200); got["name"] != "renamed" || got["authorizerResultTtlInSeconds"] != 0.0 {
		t.Errorf("after update-authorizer: %v", got)
	}
	resp, b = e.call(t, "DELETE", api+"/authorizers/"+aid, "")
	if resp.StatusCode != 409 || !strings.Contains(string(b), "Cannot delete authorizer 'renamed', is referenced in method: GET//pets") {
		t.Errorf("delete-authorizer in use: %d %s", resp.StatusCode, b)
	}

	// Models.
	e.must(t, "POST", api+"/models", `{"name":"Order","contentType":"application/json","schema":"{\"type\":\"object\"}"}`, 201)
	e.must(t, "POST", api+"/models", `{"name":"Order","contentType":"application/json"}`, 409)
	e.must(t, "POST", api+"/models", `{"name":"bad-name","contentType":"application/json"}`, 400)
	e.must(t, "GET", api+"/models/Order", "", 200)
	if m := e.must(t, "PATCH", api+"/models/Order", `{"patchOperations":[{"op":"replace","path":"/schema","value":"{\"type\":\"array\"}"},{"op":"replace","path":"/description","value":"orders"}]}`, 200); m["schema"] != `{"type":"array"}` || m["description"] != "orders" {
		t.Errorf("update-model: %v", m)
	}
	e.must(t, "PATCH", api+"/models/Order", `{"patchOperations":[{"op":"replace","path":"/name","value":"x"}]}`, 400)
	e.must(t, "DELETE", api+"/models/Order", "", 202)
	e.must(t, "GET", api+"/models/Order", "", 404)

	// Responses and integrations: update, then delete.
	e.must(t, "PATCH", pets+"/responses/200", `{"patchOperations":[{"op":"add","path":"/responseParameters/method.response.header.X-Count","value":"false"}]}`, 201)
	ir := e.must(t, "PATCH", pets+"/integration/responses/200", `{"patchOperations":[{"op":"add","path":"/responseParameters/method.response.header.X-Count","value":"'7'"}]}`, 200)
	if fmt.Sprint(ir["responseParameters"]) != "map[method.response.header.X-Count:'7']" {
		t.Errorf("update-integration-response: %v", ir)
	}
	e.must(t, "PATCH", pets, `{"patchOperations":[{"op":"replace","path":"/authorizationType","value":"NONE"}]}`, 200)
	deploy()
	resp, _ = do(t, http.DefaultClient, mustReq(t, "GET", e.base+"/prod/pets?limit=1"))
	if resp.StatusCode != 200 || resp.Header.Get("X-Count") != "7" {
		t.Errorf("the response parameter: %d %q", resp.StatusCode, resp.Header.Get("X-Count"))
	}
	e.must(t, "DELETE", api+"/authorizers/"+aid, "", 202) // no method of the tree uses it now
	e.must(t, "DELETE", pets+"/integration/responses/200", "", 204)
	e.must(t, "DELETE", pets+"/integration/responses/200", "", 404)
	e.must(t, "DELETE", pets+"/responses/200", "", 204)
	e.must(t, "DELETE", pets+"/integration", "", 204)
	e.must(t, "GET", pets+"/integration", "", 404)

	// update-resource: a rename moves the subtree's paths.
	r := e.must(t, "PATCH", api+"/resources/pets01", `{"patchOperations":[{"op":"replace","path":"/pathPart","value":"animals"}]}`, 200)
	if r["path"] != "/animals" {
		t.Errorf("update-resource: %v", r)
	}
	if got := e.must(t, "GET", api+"/resources/pet002", "", 200); got["path"] != "/animals/{id}" {
		t.Errorf("the child after the rename: %v", got)
	}
	e.must(t, "PATCH", api+"/resources/pets01", `{"patchOperations":[{"op":"replace","path":"/parentId","value":"pet002"}]}`, 400)
	deploy()
	if s := status("/prod/animals/1", "x-api-key", "partner-key-value-0123456789"); s == 403 {
		t.Errorf("GET /prod/animals/1 after the rename: %d", s)
	}
}
