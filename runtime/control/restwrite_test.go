package control_test

import (
	"fmt"
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
	// A second API, so that the gateway has one to serve after the
	// first is deleted (it serves at least one).
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
	// The last API cannot go: the gateway would serve nothing.
	resp, b := e.call(t, "DELETE", "/restapis/zzzzzz9999", "")
	if resp.StatusCode != 400 || !strings.Contains(string(b), "nothing to serve") {
		t.Errorf("deleting the last API: %d %s", resp.StatusCode, b)
	}
}
