package runtime

import (
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/diag"
)

// TestCanaryNotEmulated: a stage with a CanarySetting (CloudFormation,
// SAM's Api CanarySetting, Terraform's canary_settings) is served with its
// own deployment and variables, and up says that the canary's share is
// not emulated, instead of serving 100% of requests as the stage in
// silence (polasudo/DiplomovaPraca snippets/api_versioning: PercentTraffic
// 10 to a canary alias).
func TestCanaryNotEmulated(t *testing.T) {
	prod := stage("prod", nil)
	prod.Props.Set("CanarySetting", diag.Range{})
	b := newTB("canary0001", prod)
	b.method("/pets", "GET", mock200())
	tpl := b.build()
	r := start(t, nil, nil)
	ds, err := r.g.Load(tpl)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range ds {
		found = found || d.Rule == ruleIgnored && strings.Contains(d.Summary, `stage "prod" has a CanarySetting, which cfnrun up does not emulate`)
	}
	if !found {
		t.Errorf("no finding about the canary in %v", ds)
	}
	res := do(t, h2cClient(t), "GET", "http://"+r.http+"/prod/pets", nil)
	if res.status != 200 || string(res.body) != `{"ok":true}` {
		t.Errorf("GET /prod/pets: %d %s", res.status, res.body)
	}
}
