package runtime

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/cfnrun/cfnrun/internal/model"
)

// TestLambdaProxyAPIKeyIdentity: a Lambda proxy event's
// requestContext.identity.apiKey and apiKeyId are the value and id of the
// key the request was admitted with — from the header, or from the
// authorizer with ApiKeySourceType AUTHORIZER — not made up.
func TestLambdaProxyAPIKeyIdentity(t *testing.T) {
	needNode(t)
	b := newTB("lambdakey1", stage("prod", nil))
	b.method("/echo", "POST", lambdaProxy("fn")).APIKeyRequired = true
	b.t.Functions = []*model.Function{nodeFunction("fn", 120)} // generous: a cold start under load
	b.t.APIKeys = []*model.APIKey{{LogicalID: "Key", ID: "realkeyid1", Name: "k", Value: "key-value-0123456789abcdef", Enabled: true}}
	b.t.UsagePlans = []*model.UsagePlan{{LogicalID: "Plan", ID: "plan01", Name: "p",
		Stages: []model.UsagePlanStage{{APIID: b.api.ID, Stage: "prod"}},
		Keys:   []model.UsagePlanKey{{KeyID: "realkeyid1", KeyType: "API_KEY"}}}}
	r, _ := lambdaGateway(t, b.build(), nil)
	c := slowClient(t)
	identity := func(path string, hdr ...string) map[string]any {
		t.Helper()
		res := do(t, c, "POST", "http://"+r.http+"/prod"+path, nil, hdr...)
		if res.status != 200 {
			t.Fatalf("%s: status %d: %s\n%s", path, res.status, res.body, r.logs.String())
		}
		var ev struct {
			RequestContext struct{ Identity map[string]any }
		}
		if err := json.Unmarshal([]byte(res.body), &ev); err != nil {
			t.Fatalf("event: %v\n%s", err, res.body)
		}
		return ev.RequestContext.Identity
	}
	id := identity("/echo", "x-api-key", "key-value-0123456789abcdef")
	got := []any{id["apiKey"], id["apiKeyId"]}
	if diff := cmp.Diff([]any{"key-value-0123456789abcdef", "realkeyid1"}, got); diff != "" {
		t.Errorf("identity apiKey, apiKeyId (-want +got):\n%s", diff)
	}
}
