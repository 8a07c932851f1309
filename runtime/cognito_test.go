package runtime

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cfnrun/cfnrun/internal/jwt"
	"github.com/cfnrun/cfnrun/internal/model"
)

const testPool = "us-east-1_TestPool1"

func cognitoTemplate() *tb {
	b := newTB("cognitoapi", stage("prod", nil))
	b.api.Authorizers = []*model.Authorizer{{LogicalID: "Auth", ID: "auth01", Name: "pool", Type: "COGNITO_USER_POOLS",
		IdentitySource: "method.request.header.Authorization",
		ProviderARNs:   []string{"arn:aws:cognito-idp:us-east-1:123456789012:userpool/" + testPool}}}
	me := b.method("/me", "GET", &model.Integration{Type: model.IntegrationMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`},
		Responses: []model.IntegrationResponse{{StatusCode: "200", ResponseTemplates: map[string]string{
			"application/json": `{"sub": "$context.authorizer.claims.sub", "email": "$context.authorizer.claims['email']"}`}}}})
	me.AuthorizationType, me.AuthorizerID = "COGNITO_USER_POOLS", "auth01"
	sc := b.method("/scoped", "GET", mock200())
	sc.AuthorizationType, sc.AuthorizerID, sc.AuthorizationScopes = "COGNITO_USER_POOLS", "Auth", []string{"api/read", "api/admin"}
	return b
}

type signer struct {
	key *rsa.PrivateKey
	kid string
}

func newSigner(t *testing.T) signer {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return signer{k, jwt.KeyID(&k.PublicKey)}
}

func (s signer) pub() jwt.Key { return jwt.Key{ID: s.kid, Alg: "RS256", Pub: &s.key.PublicKey} }

func (s signer) token(t *testing.T, claims map[string]any) string {
	tok, err := jwt.Sign(s.key, s.kid, claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func claims(now time.Time, use string, extra ...any) map[string]any {
	c := map[string]any{"iss": "https://cognito-idp.us-east-1.amazonaws.com/" + testPool, "sub": "user-1",
		"token_use": use, "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "email": "a@example.com"}
	for i := 0; i+1 < len(extra); i += 2 {
		c[extra[i].(string)] = extra[i+1]
	}
	return c
}

func TestCognitoAuthorizer(t *testing.T) {
	clock := newFakeClock(time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))
	now := clock.Now()
	local, pool, other := newSigner(t), newSigner(t), newSigner(t)
	gw := start(t, cognitoTemplate().build(), func(c *Config) {
		c.Now = clock.Now
		c.TokenKeys = []jwt.Key{local.pub()}
		c.CognitoKeys = map[string][]jwt.Key{testPool: {pool.pub()}}
	})
	c := h2cClient(t)
	me := "http://" + gw.http + "/prod/me"
	scoped := "http://" + gw.http + "/prod/scoped"
	unauthorized := func(name string, res result) {
		t.Helper()
		if res.status != 401 || res.body != `{"message":"Unauthorized"}` || res.header.Get("x-amzn-ErrorType") != "UnauthorizedException" {
			t.Errorf("%s: %d %s %v, want 401 Unauthorized", name, res.status, res.body, res.header)
		}
	}
	idTok := pool.token(t, claims(now, "id"))
	if res := do(t, c, "GET", me, nil, "Authorization", idTok); res.status != 200 || res.body != `{"sub": "user-1", "email": "a@example.com"}` {
		t.Errorf("pool-signed ID token: %d %s", res.status, res.body)
	}
	if res := do(t, c, "GET", me, nil, "Authorization", "Bearer "+local.token(t, claims(now, "id"))); res.status != 200 {
		t.Errorf("cfnrun token, Bearer: %d %s", res.status, res.body)
	}
	unauthorized("no token", do(t, c, "GET", me, nil))
	unauthorized("garbage", do(t, c, "GET", me, nil, "Authorization", "not.a.jwt"))
	unauthorized("another key", do(t, c, "GET", me, nil, "Authorization", other.token(t, claims(now, "id"))))
	// A forged token: the pool's kid, another key's signature.
	tok, _ := jwt.Sign(other.key, pool.kid, claims(now, "id"))
	unauthorized("forged signature", do(t, c, "GET", me, nil, "Authorization", tok))
	// alg none, with the claims of a good token.
	parts := strings.Split(idTok, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"`+pool.kid+`"}`)) + "." + parts[1] + "."
	unauthorized("alg none", do(t, c, "GET", me, nil, "Authorization", none))
	// A tampered payload.
	p, _ := json.Marshal(claims(now, "id", "sub", "admin"))
	unauthorized("tampered", do(t, c, "GET", me, nil, "Authorization", parts[0]+"."+base64.RawURLEncoding.EncodeToString(p)+"."+parts[2]))
	unauthorized("expired", do(t, c, "GET", me, nil, "Authorization", pool.token(t, claims(now.Add(-2*time.Hour), "id"))))
	unauthorized("no exp", do(t, c, "GET", me, nil, "Authorization", pool.token(t, claims(now, "id", "exp", nil))))
	wrongIss := claims(now, "id", "iss", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other")
	unauthorized("another pool", do(t, c, "GET", me, nil, "Authorization", pool.token(t, wrongIss)))
	unauthorized("access token where an ID token is due", do(t, c, "GET", me, nil, "Authorization", pool.token(t, claims(now, "access", "scope", "api/read"))))
	// Scopes: an access token with one of the method's scopes.
	if res := do(t, c, "GET", scoped, nil, "Authorization", pool.token(t, claims(now, "access", "scope", "openid api/admin"))); res.status != 200 {
		t.Errorf("access token with a scope: %d %s", res.status, res.body)
	}
	unauthorized("access token without the scope", do(t, c, "GET", scoped, nil, "Authorization", pool.token(t, claims(now, "access", "scope", "openid api/write"))))
	unauthorized("ID token on a scoped method", do(t, c, "GET", scoped, nil, "Authorization", idTok))
	// Expiry follows the clock.
	clock.Advance(2 * time.Hour)
	unauthorized("expired later", do(t, c, "GET", me, nil, "Authorization", idTok))
	if !strings.Contains(gw.logs.String(), "the token expired") {
		t.Errorf("the access log does not say why:\n%s", gw.logs.String())
	}
}

func TestCognitoWithoutJWKS(t *testing.T) {
	now := time.Now()
	local, cognito := newSigner(t), newSigner(t)
	gw := start(t, cognitoTemplate().build(), func(c *Config) { c.TokenKeys = []jwt.Key{local.pub()} })
	c := h2cClient(t)
	me := "http://" + gw.http + "/prod/me"
	// A token Cognito signed (a key cfnrun does not know): decoded, not
	// verified, claims still checked.
	if res := do(t, c, "GET", me, nil, "Authorization", cognito.token(t, claims(now, "id"))); res.status != 200 {
		t.Errorf("unverifiable token without a JWKS: %d %s", res.status, res.body)
	}
	if res := do(t, c, "GET", me, nil, "Authorization", cognito.token(t, claims(now.Add(-3*time.Hour), "id"))); res.status != 401 {
		t.Errorf("expired unverifiable token: %d", res.status)
	}
	// A token claiming the local key's kid must verify with it.
	tok, _ := jwt.Sign(cognito.key, local.kid, claims(now, "id"))
	if res := do(t, c, "GET", me, nil, "Authorization", tok); res.status != 401 {
		t.Errorf("forged local-key token: %d", res.status)
	}
	lines := gw.g.Access().Authorizers
	if len(lines) != 1 || !strings.Contains(lines[0], "not verified") || !strings.Contains(lines[0], testPool) {
		t.Errorf("Access().Authorizers = %q", lines)
	}
}

func TestCognitoNotServed(t *testing.T) {
	b := cognitoTemplate()
	b.api.Authorizers[0].ProviderARNs = []string{"not-an-arn"}
	g, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := g.Load(b.build())
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, d := range ds {
		all = append(all, d.Summary)
	}
	s := strings.Join(all, "\n")
	for _, want := range []string{`ProviderARNs entry "not-an-arn" does not name a user pool`, "method GET /me is not served: Cognito authorizer pool has no user pool in ProviderARNs"} {
		if !strings.Contains(s, want) {
			t.Errorf("findings lack %q:\n%s", want, s)
		}
	}
}
