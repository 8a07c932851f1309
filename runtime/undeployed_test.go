package runtime

import (
	"strings"
	"testing"

	"github.com/cfnrun/cfnrun/internal/model"
)

// TestUndeployedAPI: a REST API with methods but no stage (a RestApi Body
// without a Deployment, as in sam-cli's start_api test data) is served at
// stage "local", as sam local start-api serves it, with a warning saying
// AWS would serve none of it; an API with no methods and no stage is
// still not served.
func TestUndeployedAPI(t *testing.T) {
	b := newTB("undeployd1")
	b.method("/pets", "GET", mock200())
	tpl := b.build()
	empty := &model.RestAPI{LogicalID: "EmptyApi", ID: "emptyapi01", Name: "empty", MinimumCompressionSize: -1}
	empty.Root = &model.Resource{ID: "emptyroot0"}
	empty.Resources = []*model.Resource{empty.Root}
	tpl.APIs = append(tpl.APIs, empty)

	r := start(t, nil, nil)
	ds, err := r.g.Load(tpl)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Summary)
	}
	for _, want := range []string{
		`REST API Apiundeployd1 has no stage, so AWS serves none of its methods; cfnrun up serves them at stage "local" (/local/...)`,
		`REST API EmptyApi has no stage, so none of its methods is served`,
	} {
		found := false
		for _, m := range got {
			found = found || m == want
		}
		if !found {
			t.Errorf("findings %q\nwant %q", got, want)
		}
	}
	c := h2cClient(t)
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/local/pets", 200, `{"ok":true}`},
		{"/local/nothere", 403, `{"message":"Missing Authentication Token"}`},
		{"/prod/pets", 403, `{"message":"Forbidden"}`},
	} {
		res := do(t, c, "GET", "http://"+r.http+tc.path, nil)
		if res.status != tc.status || strings.TrimSpace(res.body) != tc.body {
			t.Errorf("GET %s: %d %s, want %d %s", tc.path, res.status, res.body, tc.status, tc.body)
		}
	}
}
