package control_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// keyless is the petstore with GET /pets requiring an API key, and no
// keys or usage plans: every call to it answers 403 until the control
// plane makes a key and a plan for it.
func keyless() *model.Template {
	t := petstore()
	t.APIKeys, t.UsagePlans = nil, nil
	t.APIs[0].Resources[1].Methods[0].APIKeyRequired = true
	t.APIs[0].Stages[0].MethodSettings = nil
	return t
}

// must sends a management request and wants status; the answer is
// decoded into a map.
func (e *env) must(t *testing.T, method, path, body string, status int) map[string]any {
	t.Helper()
	resp, b := e.call(t, method, path, body)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: %d %s (want %d)", method, path, resp.StatusCode, b, status)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

// pets calls GET /prod/pets on the data plane with key (none when "")
// n times and lists the statuses.
func (e *env) pets(t *testing.T, key string, n int) string {
	t.Helper()
	var out []string
	for range n {
		req := mustReq(t, "GET", e.base+"/prod/pets")
		if key != "" {
			req.Header.Set("x-api-key", key)
		}
		resp, _ := do(t, http.DefaultClient, req)
		out = append(out, fmt.Sprint(resp.StatusCode))
	}
	return strings.Join(out, " ")
}

// TestAPIKeysAndUsagePlans: keys and plans made through the control plane
// take effect in the data plane at once, through the code the template's
// keys and plans use: 403 without a key of a plan for the stage, 200 with
// one, the plan's throttle and quota (429), a disabled key and a key taken
// out of the plan 403 again.
func TestAPIKeysAndUsagePlans(t *testing.T) {
	e := start(t, keyless())
	const value = "cli-made-key-value-0123456789"
	if s := e.pets(t, value, 1); s != "403" {
		t.Fatalf("before any key: %s, want 403", s)
	}
	k := e.must(t, "POST", "/apikeys", `{"name":"scripted","enabled":true,"value":"`+value+`","stageKeys":[{"restApiId":"abcdef1234","stageName":"prod"}]}`, 201)
	id, _ := k["id"].(string)
	if len(id) != 10 || k["value"] != value || k["enabled"] != true || fmt.Sprint(k["stageKeys"]) != "[abcdef1234/prod]" {
		t.Fatalf("create-api-key: %v", k)
	}
	if s := e.pets(t, value, 1); s != "403" {
		t.Errorf("a key in no usage plan: %s, want 403", s)
	}
	// A generated value is 40 letters and digits, returned on create.
	gen := e.must(t, "POST", "/apikeys", `{"name":"generated"}`, 201)
	if v, _ := gen["value"].(string); len(v) != 40 || gen["enabled"] != false {
		t.Errorf("create-api-key without a value: %v", gen)
	}
	plan := e.must(t, "POST", "/usageplans", `{"name":"gold","apiStages":[{"apiId":"abcdef1234","stage":"prod"}],
		"throttle":{"burstLimit":2,"rateLimit":0.001},"quota":{"limit":100,"period":"DAY"}}`, 201)
	pid, _ := plan["id"].(string)
	if len(pid) != 6 || fmt.Sprint(plan["throttle"]) != "map[burstLimit:2 rateLimit:0.001]" || fmt.Sprint(plan["quota"]) != "map[limit:100 offset:0 period:DAY]" {
		t.Fatalf("create-usage-plan: %v", plan)
	}
	pk := e.must(t, "POST", "/usageplans/"+pid+"/keys", `{"keyId":"`+id+`","keyType":"API_KEY"}`, 201)
	if pk["id"] != id || pk["type"] != "API_KEY" || pk["name"] != "scripted" || pk["value"] != value {
		t.Errorf("create-usage-plan-key: %v", pk)
	}
	// The plan's burst of 2 (refilled every 1,000 s) refuses the third.
	if s := e.pets(t, value, 3); s != "200 200 429" {
		t.Errorf("with the key in the plan: %s, want 200 200 429", s)
	}
	if s := e.pets(t, "", 1); s != "403" {
		t.Errorf("without a key: %s, want 403", s)
	}
	// update-usage-plan: a quota of 1 (on a fresh throttle) admits one
	// more request (the quota's counter starts again with the new limit).
	e.must(t, "PATCH", "/usageplans/"+pid, `{"patchOperations":[{"op":"replace","path":"/throttle/burstLimit","value":"100"},
		{"op":"replace","path":"/throttle/rateLimit","value":"100"},{"op":"replace","path":"/quota/limit","value":"1"}]}`, 200)
	if s := e.pets(t, value, 2); s != "200 429" {
		t.Errorf("with a quota of 1: %s, want 200 429", s)
	}
	e.must(t, "PATCH", "/usageplans/"+pid, `{"patchOperations":[{"op":"remove","path":"/quota"}]}`, 200)
	if s := e.pets(t, value, 2); s != "200 200" {
		t.Errorf("after removing the quota: %s, want 200 200", s)
	}
	// A per-method throttle for the key.
	up := e.must(t, "PATCH", "/usageplans/"+pid, `{"patchOperations":[{"op":"replace","path":"/apiStages/abcdef1234:prod/throttle/~1pets/GET/burstLimit","value":"1"},
		{"op":"replace","path":"/apiStages/abcdef1234:prod/throttle/~1pets/GET/rateLimit","value":"0.001"}]}`, 200)
	if fmt.Sprint(up["apiStages"]) != "[map[apiId:abcdef1234 stage:prod throttle:map[/pets/GET:map[burstLimit:1 rateLimit:0.001]]]]" {
		t.Errorf("update-usage-plan method throttle: %v", up["apiStages"])
	}
	if s := e.pets(t, value, 2); s != "200 429" {
		t.Errorf("with a method throttle of burst 1: %s, want 200 429", s)
	}
	e.must(t, "PATCH", "/usageplans/"+pid, `{"patchOperations":[{"op":"remove","path":"/apiStages/abcdef1234:prod/throttle"}]}`, 200)
	if s := e.pets(t, value, 1); s != "200" {
		t.Errorf("after removing the method throttles: %s, want 200", s)
	}
	// Reads see the changes, and their drift.
	got := e.must(t, "GET", "/apikeys/"+id+"?includeValue=true", "", 200)
	if got["value"] != value || !strings.Contains(fmt.Sprint(got["tags"]), "create-api-key "+id) {
		t.Errorf("get-api-key: %v", got)
	}
	if plans := e.must(t, "GET", "/usageplans?keyId="+id, "", 200)["item"].([]any); len(plans) != 1 {
		t.Errorf("get-usage-plans --key-id: %v", plans)
	}
	if keys := e.must(t, "GET", "/usageplans/"+pid+"/keys", "", 200)["item"].([]any); len(keys) != 1 {
		t.Errorf("get-usage-plan-keys: %v", keys)
	}
	// A disabled key is refused; enabled again, admitted.
	if k := e.must(t, "PATCH", "/apikeys/"+id, `{"patchOperations":[{"op":"replace","path":"/enabled","value":"false"},{"op":"replace","path":"/description","value":"off"}]}`, 200); k["enabled"] != false || k["description"] != "off" {
		t.Errorf("update-api-key: %v", k)
	}
	if s := e.pets(t, value, 1); s != "403" {
		t.Errorf("a disabled key: %s, want 403", s)
	}
	e.must(t, "PATCH", "/apikeys/"+id, `{"patchOperations":[{"op":"replace","path":"/enabled","value":"true"}]}`, 200)
	if s := e.pets(t, value, 1); s != "200" {
		t.Errorf("enabled again: %s, want 200", s)
	}
	// Out of the plan: 403. A plan with stages cannot be deleted.
	e.must(t, "DELETE", "/usageplans/"+pid+"/keys/"+id, "", 202)
	if s := e.pets(t, value, 1); s != "403" {
		t.Errorf("after delete-usage-plan-key: %s, want 403", s)
	}
	e.must(t, "DELETE", "/usageplans/"+pid, "", 400)
	e.must(t, "PATCH", "/usageplans/"+pid, `{"patchOperations":[{"op":"remove","path":"/apiStages","value":"abcdef1234:prod"}]}`, 200)
	e.must(t, "DELETE", "/usageplans/"+pid, "", 202)
	e.must(t, "GET", "/usageplans/"+pid, "", 404)
	e.must(t, "DELETE", "/apikeys/"+id, "", 202)
	e.must(t, "GET", "/apikeys/"+id, "", 404)
	if !strings.Contains(e.logs.String(), "control plane: create-usage-plan-key "+pid+" "+id) {
		t.Errorf("log:\n%s", e.logs.String())
	}
	// A template reload ends every change.
	if _, err := e.gw.Load(keyless()); err != nil {
		t.Fatal(err)
	}
	if keys := e.must(t, "GET", "/apikeys", "", 200)["item"].([]any); len(keys) != 0 {
		t.Errorf("after a reload: %v", keys)
	}
}

// TestAccessWriteErrors: what API Gateway refuses, refused with its error
// types and messages.
func TestAccessWriteErrors(t *testing.T) {
	e := start(t, petstore())
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		typ, message             string
	}{
		{"short value", "POST", "/apikeys", `{"name":"k","value":"short"}`, 400, "BadRequestException", "API Key value should be at least 20 characters"},
		{"long value", "POST", "/apikeys", `{"name":"k","value":"` + strings.Repeat("x", 129) + `"}`, 400, "BadRequestException", "API Key value exceeds maximum size of 128 characters"},
		{"same value", "POST", "/apikeys", `{"name":"k","value":"partner-key-value-0123456789"}`, 409, "ConflictException", "API Key already exists"},
		{"unknown stage key", "POST", "/apikeys", `{"name":"k","stageKeys":[{"restApiId":"abcdef1234","stageName":"nope"}]}`, 404, "NotFoundException", "Invalid stage identifier specified"},
		{"unknown key", "PATCH", "/apikeys/nope", `{"patchOperations":[{"op":"replace","path":"/name","value":"x"}]}`, 404, "NotFoundException", "Invalid API Key identifier specified"},
		{"bad key path", "PATCH", "/apikeys/key0000001", `{"patchOperations":[{"op":"replace","path":"/value","value":"x"}]}`, 400, "BadRequestException",
			"Invalid patch path '/value' specified for op 'replace'. Must be one of: [/name, /description, /enabled, /customerId, /stages]"},
		{"delete unknown key", "DELETE", "/apikeys/nope", "", 404, "NotFoundException", "Invalid API Key identifier specified"},
		{"plan without name", "POST", "/usageplans", `{}`, 400, "BadRequestException", "Invalid usage plan name specified: a name is required"},
		{"plan unknown stage", "POST", "/usageplans", `{"name":"p","apiStages":[{"apiId":"abcdef1234","stage":"nope"}]}`, 400, "BadRequestException", "Invalid API Stage {api: abcdef1234, stage: nope} specified for usageplan "},
		{"plan bad period", "POST", "/usageplans", `{"name":"p","quota":{"limit":5,"period":"YEAR"}}`, 400, "BadRequestException", `Invalid quota period specified: "YEAR". Valid options are DAY,WEEK,MONTH`},
		{"plan lower-case period", "POST", "/usageplans", `{"name":"p","quota":{"limit":5,"period":"week"}}`, 400, "BadRequestException", `Invalid quota period specified: "week". Valid options are DAY,WEEK,MONTH`},
		{"plan bad path", "PATCH", "/usageplans/plan01", `{"patchOperations":[{"op":"replace","path":"/apiStages/abcdef1234:prod","value":"x"}]}`, 400, "BadRequestException",
			"Invalid patch path '/apiStages/abcdef1234:prod' specified for op 'replace'. Must be one of: [/name, /description, /apiStages, /quota, /throttle, /productCode, /apiStages/<apiId:stageName>/throttle/<resourcePath>/<httpMethod>, /apiStages/<apiId:stageName>/throttle]"},
		{"remove absent stage", "PATCH", "/usageplans/plan01", `{"patchOperations":[{"op":"remove","path":"/apiStages","value":"abcdef1234:dev"}]}`, 400, "BadRequestException", "Invalid API Stage specified"},
		{"delete plan with stages", "DELETE", "/usageplans/plan01", "", 400, "BadRequestException", "Cannot delete Usage Plan plan01 because there are API Stages associated with it, including abcdef1234:prod"},
		{"plan key twice", "POST", "/usageplans/plan01/keys", `{"keyId":"key0000001","keyType":"API_KEY"}`, 409, "ConflictException", "API Key key0000001 is already in Usage Plan plan01"},
		{"plan key unknown", "POST", "/usageplans/plan01/keys", `{"keyId":"nope","keyType":"API_KEY"}`, 404, "NotFoundException", "Invalid API Key identifier specified"},
		{"plan key bad type", "POST", "/usageplans/plan01/keys", `{"keyId":"key0000001"}`, 400, "BadRequestException", `Invalid key type specified: "". Valid options are API_KEY`},
		{"delete absent plan key", "DELETE", "/usageplans/plan01/keys/nope", "", 404, "NotFoundException", "Invalid Usage Plan Key identifier specified"},
		{"delete unknown plan", "DELETE", "/usageplans/nope", "", 404, "NotFoundException", "Invalid Usage Plan ID specified"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.call(t, tc.method, tc.path, tc.body)
			var m struct{ Message string }
			json.Unmarshal(body, &m)
			if resp.StatusCode != tc.status || resp.Header.Get("x-amzn-ErrorType") != tc.typ || !strings.HasPrefix(m.Message, tc.message) {
				t.Errorf("got %d %q %q, want %d %q %q", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), m.Message, tc.status, tc.typ, tc.message)
			}
		})
	}
}

// TestImportAPIKeys reads API Gateway's CSV, adding each key to the usage
// plans it names.
func TestImportAPIKeys(t *testing.T) {
	e := start(t, petstore())
	csv := "Name,Key,Description,Enabled,UsageplanIds\nimported,imported-key-value-0123456789,from csv,TRUE,plan01\nbad,short,,true,\n"
	resp, b := e.call(t, "POST", "/apikeys?mode=import&format=csv", csv)
	if resp.StatusCode != 201 {
		t.Fatalf("import-api-keys: %d %s", resp.StatusCode, b)
	}
	var out struct{ IDs, Warnings []string }
	json.Unmarshal(b, &out)
	if len(out.IDs) != 1 || len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "line 3: API Key value should be at least 20 characters") {
		t.Fatalf("import-api-keys: %s", b)
	}
	req := mustReq(t, "GET", e.base+"/prod/pets/1")
	req.Header.Set("x-api-key", "imported-key-value-0123456789")
	// The method's HTTP backend does not exist: anything but 403 shows the
	// key was admitted.
	if resp, b := do(t, http.DefaultClient, req); resp.StatusCode == 403 {
		t.Errorf("an imported key in plan01: %d %s", resp.StatusCode, b)
	}
	if k := e.must(t, "GET", "/apikeys/"+out.IDs[0], "", 200); !strings.Contains(fmt.Sprint(k["tags"]), "import-api-keys "+out.IDs[0]) {
		t.Errorf("get-api-key of an imported key: no drift: %v", k)
	}
	if resp, _ := e.call(t, "POST", "/apikeys?mode=import&format=csv&failonwarnings=true", csv); resp.StatusCode < 400 {
		t.Errorf("failonwarnings: %d, want the first warning as the error", resp.StatusCode)
	}
	// The plan-key rules of create-usage-plan-key hold for an import: a
	// plan named twice on a line, or two plans over one stage, warn (and
	// the key goes into the first plan only).
	e.must(t, "POST", "/usageplans", `{"name":"second","apiStages":[{"apiId":"abcdef1234","stage":"prod"}]}`, 201)
	plans := e.must(t, "GET", "/usageplans", "", 200)["item"].([]any)
	var second string
	for _, p := range plans {
		if p.(map[string]any)["name"] == "second" {
			second = p.(map[string]any)["id"].(string)
		}
	}
	csv2 := "Name,Key,UsageplanIds\ntwice,twice-key-value-0123456789,plan01:plan01\nboth,both-key-value-01234567890,plan01:" + second + "\n"
	resp, b = e.call(t, "POST", "/apikeys?mode=import&format=csv", csv2)
	out = struct{ IDs, Warnings []string }{}
	json.Unmarshal(b, &out)
	if resp.StatusCode != 201 || len(out.IDs) != 2 || len(out.Warnings) != 2 ||
		!strings.Contains(out.Warnings[0], "line 2: API Key "+out.IDs[0]+" is already in Usage Plan plan01") ||
		!strings.Contains(out.Warnings[1], "line 3: Usage Plan "+second+" cannot be added because API Key "+out.IDs[1]+" cannot reference multiple Usage Plans with the same API Stage") {
		t.Errorf("import-api-keys against the plan-key rules: %d %s", resp.StatusCode, b)
	}
	if keys := e.must(t, "GET", "/usageplans/plan01/keys", "", 200); strings.Count(fmt.Sprint(keys["item"]), out.IDs[0]) != 1 {
		t.Errorf("plan01's keys after a line naming it twice: %v", keys["item"])
	}
	if keys := e.must(t, "GET", "/usageplans/"+second+"/keys", "", 200); strings.Contains(fmt.Sprint(keys["item"]), out.IDs[1]) {
		t.Errorf("the second plan over the same stage took the key: %v", keys["item"])
	}
}

// TestUsagePlanWebSocketStage: a usage plan may cover a WebSocket API's
// stage, as a template's may (the gateway applies the plan to its routes).
func TestUsagePlanWebSocketStage(t *testing.T) {
	tpl := petstore()
	tpl.WebSocketAPIs = []*model.WebSocketAPI{{LogicalID: "Chat", ID: "chatapi001", Name: "chat", RouteSelectionExpression: "$request.body.action",
		Routes: []*model.Method{{LogicalID: "R", RouteKey: "$default", AuthorizationType: "NONE",
			Integration: &model.Integration{Type: model.IntegrationMock}}}, TwoWay: map[*model.Method]bool{},
		Stages: []*model.Stage{{LogicalID: "WsProd", Name: "live"}}}}
	tpl.Finalize()
	e := start(t, tpl)
	up := e.must(t, "POST", "/usageplans", `{"name":"ws","apiStages":[{"apiId":"chatapi001","stage":"live"}],"throttle":{"burstLimit":5,"rateLimit":1}}`, 201)
	if fmt.Sprint(up["apiStages"]) != "[map[apiId:chatapi001 stage:live]]" {
		t.Errorf("create-usage-plan with a WebSocket stage: %v", up)
	}
	e.must(t, "POST", "/usageplans", `{"name":"ws2","apiStages":[{"apiId":"chatapi001","stage":"nope"}]}`, 400)
}
