package runtime

import (
	"strings"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/jwt"
	"github.com/cfnrun/cfnrun/internal/model"
)

// TestCognitoAppClients: when the template defines app clients for the
// pool, an ID token's aud and an access token's client_id must name one
// of them; without any, they are not checked (and start-up says which).
func TestCognitoAppClients(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))
	now := clock.Now()
	local := newSigner(t)
	withClients := cognitoTemplate()
	withClients.t.UserPoolClients = []*model.UserPoolClient{
		{LogicalID: "Web", ID: "webclient0000000000000000a", Name: "web", PoolID: testPool},
		{LogicalID: "Cli", ID: "cliclient0000000000000000b", Name: "cli", PoolID: testPool},
		{LogicalID: "Elsewhere", ID: "otherpool00000000000000000", Name: "x", PoolID: "us-east-1_OtherPool"},
	}
	cfg := func(c *Config) { c.Now = clock.Now; c.TokenKeys = []jwt.Key{local.pub()} }
	gw := start(t, withClients.build(), cfg)
	c := h2cClient(t)
	me, scoped := "http://"+gw.http+"/prod/me", "http://"+gw.http+"/prod/scoped"
	for _, tc := range []struct {
		name, url string
		claims    map[string]any
		status    int
	}{
		{"ID token of a template client", me, claims(now, "id", "aud", "webclient0000000000000000a"), 200},
		{"ID token of the other client", me, claims(now, "id", "aud", "cliclient0000000000000000b"), 200},
		{"ID token of an unknown client", me, claims(now, "id", "aud", "cfnrunlocalclient"), 401},
		{"ID token of another pool's client", me, claims(now, "id", "aud", "otherpool00000000000000000"), 401},
		{"ID token without aud", me, claims(now, "id"), 401},
		{"access token of a template client", scoped, claims(now, "access", "scope", "api/read", "client_id", "cliclient0000000000000000b"), 200},
		{"access token of an unknown client", scoped, claims(now, "access", "scope", "api/read", "client_id", "nope"), 401},
		{"access token whose aud names a client", scoped, claims(now, "access", "scope", "api/read", "aud", "webclient0000000000000000a"), 401},
	} {
		res := do(t, c, "GET", tc.url, nil, "Authorization", "Bearer "+local.token(t, tc.claims))
		if res.status != tc.status {
			t.Errorf("%s: got %d %s, want %d", tc.name, res.status, res.body, tc.status)
		}
	}
	if !strings.Contains(gw.logs.String(), `is not an app client of user pool `+testPool) {
		t.Errorf("the access log does not say why:\n%s", gw.logs.String())
	}
	lines := strings.Join(gw.g.Access().Authorizers, "\n")
	if want := "aud / client_id must be one of its app clients: cliclient0000000000000000b (Cli), webclient0000000000000000a (Web)"; !strings.Contains(lines, want) {
		t.Errorf("start-up lines %q lack %q", lines, want)
	}

	// No app client in the template: not checked, and said.
	gw2 := start(t, cognitoTemplate().build(), cfg)
	res := do(t, c, "GET", "http://"+gw2.http+"/prod/me", nil, "Authorization", local.token(t, claims(now, "id", "aud", "anything")))
	if res.status != 200 {
		t.Errorf("no app clients: got %d %s, want 200", res.status, res.body)
	}
	if lines := strings.Join(gw2.g.Access().Authorizers, "\n"); !strings.Contains(lines, "aud / client_id not checked (the template defines no app client for the pool)") {
		t.Errorf("start-up lines %q do not say aud is not checked", lines)
	}
}
